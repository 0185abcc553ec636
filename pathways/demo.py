"""The demo network's seven IR pathways (Lancashire and South Cumbria).

ILLUSTRATIVE DEMO CONTENT, NOT CLINICAL GUIDANCE. The trees are written to be
clinically plausible from public sources (see ``shared/DOMAIN.md``): an
operational definition of haemodynamic instability, CT angiography shared
through the image exchange portal, endoscopy first for upper GI bleeding
(NICE CG141) and CT angiography first for unstable lower GI bleeding (BSG
2019), the owning surgical team first where that is practice, sites without
an IR suite going to the hub at Royal Preston, children to Royal Manchester
Children's Hospital. Every pathway says it is illustrative, and so does every
outcome.

The contacts use only the demo network's rotas and roles (``rota.demo``);
``ir-second`` and ``mri-radiographer`` exist out of hours only, so they appear
only under out-of-hours branches.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db import transaction

from pathways.building import draft_fill
from pathways.models import Pathway
from pathways.publishing import version_create_draft, version_publish
from rota.calendars import instant_at

NOT_GUIDANCE = "Illustrative demo content, not clinical guidance."
PUBLISHED_BEFORE_ANCHOR = timedelta(days=28)
REVIEW_AFTER = timedelta(days=730)

UNSTABLE_HELP = (
    "Unstable means any of: shock index (heart rate divided by systolic blood pressure) "
    "above 1, systolic blood pressure below 90 mmHg, or an ongoing need for blood "
    "transfusion. Peri-arrest: put out a 2222 call first; never let this tool delay it."
)
IEP = "the image exchange portal (IEP)"
NO_IR_SUITE = ("RXN01", "RXR10", "RTX02", "RTX03")  # Chorley, Burnley, Furness, Westmorland
HUB = "RXN02"
PRESTON_SWITCHBOARD = ("Royal Preston Hospital switchboard", "01772 716565")
# Manchester University NHS FT's public switchboard, which reaches Royal Manchester
# Children's Hospital (from memory: check it before any real use).
RMCH_SWITCHBOARD = (
    "Royal Manchester Children's Hospital, via Manchester University NHS FT switchboard",
    "0161 276 1234",
)
SAFETY = (
    "Resuscitate first, and never let this tool delay a 2222 call. Record who you called "
    "and when."
)


# --- Small builders ------------------------------------------------------------------


def question(key: str, text: str, options, help: str = "") -> dict:
    return {
        "key": key, "kind": "question", "text": text, "help": help,
        "options": [{"key": k, "text": t, "next": n} for k, t, n in options],
    }


def time_window(key: str, *, in_hours: str, out_of_hours: str) -> dict:
    return {
        "key": key, "kind": "time_window", "text": "In hours or out of hours",
        "branches": [
            {"condition": "in_hours", "next": in_hours},
            {"condition": "out_of_hours", "next": out_of_hours},
        ],
    }


def by_site(key: str, text: str, sites: dict[str, str], *, default: str) -> dict:
    return {
        "key": key, "kind": "referring_site", "text": text,
        "branches": [{"condition": "site", "site": ods, "next": n} for ods, n in sites.items()]
        + [{"condition": "default", "next": default}],
    }


def outcome(key: str, text: str, urgency: str, instructions: str, steps, *,
            transfer_site: str | None = None, transfer_text: str = "") -> dict:
    return {
        "key": key, "kind": "outcome", "text": text, "urgency": urgency,
        "instructions": f"{instructions}\n\n{SAFETY}\n\n*{NOT_GUIDANCE}*",
        "steps": list(steps), "transfer_site": transfer_site, "transfer_text": transfer_text,
    }


def role(name: str, instruction: str) -> dict:
    return {"kind": "role", "role": name, "instruction": instruction}


def rota(slug: str, instruction: str) -> dict:
    return {"kind": "rota", "rota": slug, "instruction": instruction}


def fixed(contact: tuple[str, str], instruction: str) -> dict:
    return {"kind": "fixed", "label": contact[0], "number": contact[1],
            "instruction": instruction}


IR_CONSULTANT = role(
    "ir-consultant", "The IR consultant covering your site now: discuss the images and the plan."
)
IR_SECOND = role(
    "ir-second",
    "If the IR consultant has not answered within 10 minutes, call the second on call.",
)
VASCULAR_FIRST = rota(
    "lsc-vascular-surgeon",
    "Discuss with the on-call vascular surgeon first: they own the patient and choose "
    "between open surgery and IR.",
)


def _variant(key: str, out_of_hours: bool) -> str:
    return f"{key}-{'ooh' if out_of_hours else 'in'}"


# --- Vascular ------------------------------------------------------------------------


def _vascular(ooh: bool) -> list[dict]:
    def v(key: str) -> str:
        return _variant(key, ooh)

    escalate = [IR_SECOND] if ooh else []
    cta_options = [
        ("positive", "Done: active extravasation or an arterial occlusion; images shared",
         "site-ooh" if ooh else "o-discuss-in"),
        ("negative", "Done: no active bleeding and no occlusion", "o-no-target"),
        ("not-done", "Not done yet", "o-cta-first"),
    ]
    nodes = [
        question(v("unstable"), "Is the patient haemodynamically unstable?",
                 [("yes", "Yes: unstable", v("o-unstable")), ("no", "No", v("cta"))],
                 help=UNSTABLE_HELP),
        question(v("cta"), "Has a CT angiogram been done, and what does it show?", cta_options,
                 help=f"Share the images with Royal Preston through {IEP} before calling."),
        outcome(
            v("o-unstable"), "Unstable arterial bleeding: vascular surgeon and IR now",
            "immediate",
            "- Activate the major haemorrhage protocol.\n"
            "- A CT angiogram guides the procedure if the patient can safely reach the scanner; "
            f"share it through {IEP}.\n"
            "- The vascular surgeon and the IR consultant decide between theatre, the IR suite "
            "and transfer to Royal Preston, the arterial hub.",
            [VASCULAR_FIRST, IR_CONSULTANT, *escalate],
        ),
    ]
    if ooh:
        nodes += [
            by_site("site-ooh", "Out of hours, arterial IR is done at the hub",
                    {HUB: "o-discuss-ooh"}, default="o-transfer-ooh"),
            outcome(
                "o-discuss-ooh", "Vascular surgeon, then the network IR consultant",
                "urgent",
                "- The patient is at the arterial hub: the vascular surgeon and the network "
                "IR consultant plan the procedure together.",
                [VASCULAR_FIRST, IR_CONSULTANT, IR_SECOND],
            ),
            outcome(
                "o-transfer-ooh", "Transfer to the arterial hub at Royal Preston",
                "urgent",
                "- Consultant-to-consultant discussion before any transfer.\n"
                f"- Push the CT angiogram to Royal Preston through {IEP} first.",
                [VASCULAR_FIRST, IR_CONSULTANT, IR_SECOND],
                transfer_site=HUB,
                transfer_text="Royal Preston Hospital (arterial hub), once the vascular "
                "surgeon has accepted the patient.",
            ),
        ]
    else:
        nodes.append(
            outcome(
                "o-discuss-in", "Vascular surgeon, then the IR consultant for your site",
                "urgent",
                "- Discuss with the vascular surgeon, then with the IR consultant covering "
                "your site, who says where the procedure is done.",
                [VASCULAR_FIRST, IR_CONSULTANT],
            )
        )
    return nodes


VASCULAR = {
    "slug": "vascular-ir",
    "title": "Vascular IR: arterial bleeding and acute limb ischaemia",
    "specialty": "Vascular",
    "root": "hours",
    "nodes": [
        time_window("hours", in_hours="unstable-in", out_of_hours="unstable-ooh"),
        *_vascular(False),
        *_vascular(True),
        outcome(
            "o-no-target", "No target for emergency IR: discuss with the vascular surgeon",
            "routine",
            "- The CT angiogram shows no active bleeding and no occlusion.\n"
            "- Agree a re-bleed plan: who to call, and re-image if the patient deteriorates.",
            [rota("lsc-vascular-surgeon", "Discuss ongoing care and the re-bleed plan.")],
        ),
        outcome(
            "o-cta-first", "CT angiogram first", "urgent",
            f"- Request a CT angiogram now, and share it through {IEP}.\n"
            "- Come back to this pathway with the result.",
            [VASCULAR_FIRST, role("ir-consultant",
                                  "If the CT angiogram cannot be done within the hour.")],
        ),
    ],
}


# --- Trauma --------------------------------------------------------------------------


def _trauma(ooh: bool) -> list[dict]:
    def v(key: str) -> str:
        return _variant(key, ooh)

    escalate = [IR_SECOND] if ooh else []
    hub_ir = IR_CONSULTANT if ooh else rota(
        "lth-ir-in-hours", "The IR consultant at Royal Preston, who will receive the patient."
    )
    trauma_leader = fixed(
        PRESTON_SWITCHBOARD,
        "Ask for the major trauma team leader: trauma team leader to trauma team leader.",
    )
    return [
        question(v("arrest"), "Is the patient in cardiac arrest or peri-arrest?",
                 [("yes", "Yes", "o-arrest"), ("no", "No", v("child"))]),
        question(v("child"), "Is the patient under 16?",
                 [("yes", "Yes: a child", "o-child"), ("no", "No: an adult", v("unstable"))]),
        question(v("unstable"), "Is the patient haemodynamically unstable?",
                 [("yes", "Yes: unstable", v("o-unstable")), ("no", "No", v("ct"))],
                 help=UNSTABLE_HELP),
        question(
            v("ct"), "What does the trauma CT (with an arterial phase) show?",
            [
                ("focal", "Active extravasation from one organ or the pelvis "
                 "(spleen, kidney, liver, pelvis)", v("site")),
                ("multiple", "Bleeding from several places, or a hollow organ injury",
                 "o-surgery"),
                ("none", "No active extravasation", "o-no-ir"),
            ],
            help=f"Share the images with Royal Preston through {IEP} before calling.",
        ),
        by_site(v("site"), "Is the patient at the major trauma centre?",
                {HUB: v("o-mtc")}, default=v("o-transfer")),
        outcome(
            v("o-unstable"), "Unstable major trauma: the trauma team leads, IR on request",
            "immediate",
            "- Activate the major haemorrhage protocol; the trauma team leader decides "
            "between theatre and IR.\n"
            "- Away from Royal Preston, transfer to the major trauma centre is agreed "
            "team leader to team leader.",
            [trauma_leader, IR_CONSULTANT, *escalate],
        ),
        outcome(
            v("o-mtc"), "Focal bleeding at the major trauma centre: IR consultant",
            "urgent",
            "- IR suits focal arterial bleeding from the spleen, kidney, liver or pelvis.\n"
            "- The trauma team leader stays in charge.",
            [IR_CONSULTANT, *escalate],
        ),
        outcome(
            v("o-transfer"), "Focal bleeding: transfer to the major trauma centre",
            "urgent",
            f"- Push the CT to Royal Preston through {IEP}.\n"
            "- Transfer once the major trauma team leader has accepted the patient.",
            [trauma_leader, hub_ir, *escalate],
            transfer_site=HUB,
            transfer_text="Royal Preston Hospital, the adult major trauma centre.",
        ),
    ]


TRAUMA = {
    "slug": "trauma-ir",
    "title": "Trauma IR: bleeding after major trauma",
    "specialty": "Major trauma",
    "root": "hours",
    "nodes": [
        time_window("hours", in_hours="arrest-in", out_of_hours="arrest-ooh"),
        *_trauma(False),
        *_trauma(True),
        outcome(
            "o-arrest", "Cardiac arrest or peri-arrest: 2222 first", "immediate",
            "- Put out a 2222 call now and follow advanced trauma life support.\n"
            "- IR is called only when the resuscitation team leader asks for it.",
            [role("ir-consultant", "Only when the resuscitation team leader asks for IR.")],
        ),
        outcome(
            "o-child", "A child: Royal Manchester Children's Hospital", "immediate",
            "- Children go to the paediatric major trauma centre, Royal Manchester "
            "Children's Hospital.\n"
            "- Stabilise and transfer; do not wait for local IR.",
            [
                fixed(RMCH_SWITCHBOARD, "Ask for the paediatric major trauma team leader."),
                role("ir-consultant", "For advice while the transfer is arranged."),
            ],
            transfer_text="Royal Manchester Children's Hospital (paediatric major trauma "
            "centre), once accepted.",
        ),
        outcome(
            "o-surgery", "Several bleeding sources: surgery first", "immediate",
            "- Multiple bleeding sites or a hollow organ injury point to surgery.\n"
            "- IR may help after damage-control surgery.",
            [fixed(PRESTON_SWITCHBOARD, "Ask for the major trauma team leader."),
             role("ir-consultant", "If the trauma team leader asks for IR after surgery.")],
        ),
        outcome(
            "o-no-ir", "No active extravasation: no emergency IR now", "routine",
            "- Observe; re-image if the patient deteriorates or the haemoglobin keeps falling.",
            [role("ir-consultant", "If a repeat CT shows active bleeding.")],
        ),
    ],
}


# --- Urology -------------------------------------------------------------------------


def _urology(ooh: bool) -> list[dict]:
    def v(key: str) -> str:
        return _variant(key, ooh)

    escalate = [IR_SECOND] if ooh else []
    where = (
        {"transfer_site": HUB,
         "transfer_text": "Out of hours, nephrostomy is done at Royal Preston: transfer once "
         "the IR consultant has accepted the patient."}
        if ooh else
        {"transfer_text": "The IR consultant for your site says where the nephrostomy is "
         "done; sites without an IR suite transfer the patient."}
    )
    return [
        question(
            v("sepsis"), "Is there an obstructed kidney with signs of infection?",
            [("yes", "Yes", v("unstable")), ("no", "No", "o-routine")],
            help="Hydronephrosis on ultrasound or CT, with fever, raised inflammatory "
            "markers or a positive sepsis screen. The urology team that owns the patient "
            "makes the referral.",
        ),
        question(
            v("unstable"), "Is the patient in septic shock or unstable despite resuscitation?",
            [("yes", "Yes", v("o-now")), ("no", "No", v("o-urgent"))], help=UNSTABLE_HELP,
        ),
        outcome(
            v("o-now"), "Emergency nephrostomy: IR consultant now", "immediate",
            "- Sepsis care now: antibiotics, fluids, blood cultures; check clotting.\n"
            "- Your urology consultant agrees the plan.\n"
            "- If IR is not promptly available, urology places a ureteric stent in theatre.",
            [IR_CONSULTANT, *escalate], **where,
        ),
        outcome(
            v("o-urgent"), "Urgent nephrostomy within hours", "urgent",
            "- Decompression within hours; keep treating the infection.\n"
            "- Your urology consultant agrees the plan.",
            [IR_CONSULTANT, *escalate], **where,
        ),
    ]


UROLOGY = {
    "slug": "urology-ir",
    "title": "Urology IR: obstructed infected kidney",
    "specialty": "Urology",
    "root": "hours",
    "nodes": [
        time_window("hours", in_hours="sepsis-in", out_of_hours="sepsis-ooh"),
        *_urology(False),
        *_urology(True),
        outcome(
            "o-routine", "No emergency decompression needed", "routine",
            "- Request IR through the usual referral on the next working day.",
            [role("ir-consultant", "Call if the patient becomes septic.")],
        ),
    ],
}


# --- Obstetrics ----------------------------------------------------------------------

OBSTETRIC_IR = role(
    "obstetric-ir",
    "The on-call obstetric IR consultant; the obstetric consultant stays in charge.",
)
OBSTETRICS = {
    "slug": "obstetric-ir",
    "title": "Obstetric IR: postpartum haemorrhage",
    "specialty": "Obstetrics",
    "root": "problem",
    "nodes": [
        question(
            "problem", "What is the obstetric problem?",
            [
                ("pph", "Major postpartum haemorrhage (over 1000 mL) continuing despite "
                 "uterotonics, balloon tamponade or surgery", "unit"),
                ("delayed", "Secondary or delayed haemorrhage, or bleeding after hysterectomy",
                 "unit"),
                ("accreta", "Planning: suspected placenta accreta spectrum before delivery",
                 "o-accreta"),
            ],
            help="Primary postpartum haemorrhage is a blood loss of 500 mL or more; major is "
            "more than 1000 mL (RCOG Green-top Guideline 52). Peri-arrest: 2222 first.",
        ),
        by_site(
            "unit", "Where is the patient?",
            {HUB: "o-hub", "RXL01": "o-local-ir", "RTX01": "o-local-ir",
             "RXR10": "o-no-ir-suite", "RTX02": "o-no-ir-suite"},
            default="o-no-unit",
        ),
        outcome(
            "o-hub", "Obstetric IR at Royal Preston", "immediate",
            "- Major obstetric haemorrhage protocol.\n"
            "- The obstetric IR consultant joins you in the IR suite or in theatre.",
            [OBSTETRIC_IR],
        ),
        outcome(
            "o-local-ir", "Obstetric IR: the IR team comes to your IR suite", "immediate",
            "- Major obstetric haemorrhage protocol; prepare your IR suite.\n"
            "- Transfer is usually not needed: the obstetric IR consultant decides.",
            [OBSTETRIC_IR],
        ),
        outcome(
            "o-no-ir-suite", "No IR suite here: obstetric IR consultant decides on transfer",
            "immediate",
            "- Major obstetric haemorrhage protocol; continue uterotonics and tamponade.\n"
            "- Transfer only if both consultants agree the patient can travel.",
            [OBSTETRIC_IR,
             fixed(PRESTON_SWITCHBOARD,
                   "Ask for the on-call obstetric consultant at Sharoe Green to accept.")],
            transfer_site=HUB,
            transfer_text="Royal Preston Hospital (Sharoe Green obstetric unit and IR suite).",
        ),
        outcome(
            "o-no-unit", "No obstetric unit on this site", "immediate",
            "- Put out a 2222 obstetric emergency call.\n"
            "- Stabilise for transfer to an obstetric unit with IR.",
            [fixed(PRESTON_SWITCHBOARD, "Ask for the on-call obstetric consultant."),
             OBSTETRIC_IR],
            transfer_site=HUB,
            transfer_text="Royal Preston Hospital (Sharoe Green), once accepted.",
        ),
        outcome(
            "o-accreta", "Planned case: pre-delivery balloon placement", "routine",
            "- Plan the case weeks ahead with the obstetric IR consultant, in hours.",
            [role("obstetric-ir", "Plan the case in hours.")],
        ),
    ],
}


# --- GI bleeding ---------------------------------------------------------------------

GI_BLEED = {
    "slug": "gi-bleed-ir",
    "title": "GI bleeding IR: upper and lower",
    "specialty": "Gastroenterology",
    "root": "source",
    "nodes": [
        question(
            "source", "Upper or lower GI bleeding?",
            [("upper", "Upper: haematemesis or melaena", "endoscopy"),
             ("lower", "Lower: fresh blood per rectum", "shock")],
            help=UNSTABLE_HELP,
        ),
        question(
            "endoscopy", "What has endoscopy shown or done?",
            [("rebled", "Endoscopic treatment done, and the patient has re-bled", "o-ir-upper"),
             ("failed", "Endoscopy could not control the bleeding", "o-ir-upper"),
             ("not-done", "Endoscopy not done yet", "o-endoscopy-first")],
            help="NICE CG141: endoscopy immediately after resuscitation for unstable patients, "
            "within 24 hours for others; IR for unstable patients who re-bleed after "
            "endoscopic treatment.",
        ),
        question(
            "shock", "After resuscitation, is the shock index still above 1?",
            [("yes", "Yes", "cta"), ("no", "No", "o-stable-lower")],
            help="Shock index is heart rate divided by systolic blood pressure. BSG lower GI "
            "bleeding guideline (2019): unstable patients have a CT angiogram first.",
        ),
        question(
            "cta", "Does the CT angiogram show active extravasation?",
            [("yes", "Yes, and the images are shared", "o-ir-lower"),
             ("no", "No", "o-cta-negative")],
            help=f"Share the images through {IEP} before calling.",
        ),
        outcome(
            "o-ir-upper", "Re-bleeding after endoscopy: IR embolisation", "immediate",
            "- Have the endoscopy findings to hand.\n"
            "- If IR is not promptly available, refer urgently for surgery (NICE CG141).",
            [IR_CONSULTANT],
            transfer_text="Sites without an IR suite: the IR consultant says where the "
            "embolisation is done.",
        ),
        outcome(
            "o-endoscopy-first", "Endoscopy first", "urgent",
            "- Call the on-call endoscopist through your switchboard.",
            [role("ir-consultant", "Only if endoscopy is not promptly available.")],
        ),
        outcome(
            "o-ir-lower", "Active lower GI bleeding on CT angiogram: IR embolisation",
            "immediate",
            "- If IR is not promptly available, refer urgently for surgery.",
            [IR_CONSULTANT],
            transfer_text="Sites without an IR suite: the IR consultant says where the "
            "embolisation is done.",
        ),
        outcome(
            "o-cta-negative", "No bleeding on CT angiogram: no IR target now", "urgent",
            "- Urgent colonoscopy; repeat the CT angiogram if the patient becomes unstable "
            "again.",
            [role("ir-consultant", "If a repeat CT angiogram shows active bleeding.")],
        ),
        outcome(
            "o-stable-lower", "Stable lower GI bleeding: no emergency IR", "routine",
            "- Inpatient colonoscopy or discharge according to risk (BSG 2019).",
            [role("ir-consultant", "Only if the patient becomes unstable.")],
        ),
    ],
}


# --- Inpatients, including iatrogenic injury ---------------------------------------------

INPATIENT = {
    "slug": "inpatient-ir",
    "title": "Inpatient IR emergencies, including iatrogenic injury",
    "specialty": "Inpatient (all specialties)",
    "root": "unstable",
    "nodes": [
        question("unstable", "Is the patient haemodynamically unstable?",
                 [("yes", "Yes: unstable", "o-now"), ("no", "No", "cause")],
                 help=UNSTABLE_HELP),
        question(
            "cause", "What has happened?",
            [("iatrogenic", "Bleeding after a procedure (biopsy, line, drain or surgery)",
              "o-iatrogenic"),
             ("pseudoaneurysm", "A false aneurysm after arterial puncture (e.g. femoral)",
              "o-pseudoaneurysm"),
             ("other", "Another inpatient bleed that may need IR", "o-other")],
        ),
        outcome(
            "o-now", "Unstable inpatient bleeding: IR consultant now", "immediate",
            "- Activate the major haemorrhage protocol.\n"
            "- Tell the team that did any recent procedure.\n"
            "- If IR is not promptly available, surgery is the substitute.",
            [IR_CONSULTANT],
        ),
        outcome(
            "o-iatrogenic", "Bleeding after a procedure: CT angiogram, then IR", "urgent",
            f"- CT angiogram, shared through {IEP}.\n"
            "- Involve the team that did the procedure.",
            [IR_CONSULTANT],
        ),
        outcome(
            "o-pseudoaneurysm", "False aneurysm: vascular surgeon, then IR", "urgent",
            "- Duplex ultrasound to confirm; IR may inject thrombin under ultrasound.",
            [rota("lsc-vascular-surgeon",
                  "Discuss with the on-call vascular surgeon first: they own arterial "
                  "complications."),
             IR_CONSULTANT],
        ),
        outcome(
            "o-other", "Discuss with the IR consultant", "urgent",
            f"- Share any imaging through {IEP} before calling.",
            [IR_CONSULTANT],
        ),
    ],
}


# --- Out-of-hours MRI ---------------------------------------------------------------

MRI_RADIOGRAPHER = role(
    "mri-radiographer", "The on-call MRI radiographer at Royal Preston: agree the scan time."
)
NEURO_REGISTRAR = fixed(
    PRESTON_SWITCHBOARD,
    "Ask for the on-call neurosurgical registrar if the scan shows compression.",
)
OOH_MRI = {
    "slug": "ooh-mri",
    "title": "Out-of-hours MRI: suspected cauda equina and spinal cord compression",
    "specialty": "MRI",
    "root": "hours",
    "nodes": [
        time_window("hours", in_hours="o-in-hours", out_of_hours="indication"),
        question(
            "indication", "What is the suspected diagnosis?",
            [("ces", "Suspected cauda equina syndrome", "site"),
             ("mscc", "Suspected metastatic spinal cord compression", "site"),
             ("other", "Another indication that can wait until the morning", "o-next-day")],
            help="Red flags: bilateral sciatica, saddle numbness, new bladder or bowel "
            "dysfunction. The ambition is a scan within 4 hours of the request and a report "
            "within 1 hour.",
        ),
        by_site("site", "Out of hours, MRI is at Royal Preston", {HUB: "o-scan"},
                default="o-transfer"),
        outcome(
            "o-in-hours", "In hours: your own site's MRI", "urgent",
            "- Request the MRI from your own radiology department in the usual way.",
            [fixed(PRESTON_SWITCHBOARD,
                   "Only if your site cannot scan within 4 hours: ask for the MRI department.")],
        ),
        outcome(
            "o-scan", "MRI at Royal Preston now", "urgent",
            "- Scan within 4 hours of the request.",
            [MRI_RADIOGRAPHER, NEURO_REGISTRAR],
        ),
        outcome(
            "o-transfer", "Transfer to Royal Preston for MRI", "urgent",
            "- Agree the scan time first, then arrange the transfer.",
            [MRI_RADIOGRAPHER, NEURO_REGISTRAR],
            transfer_site=HUB,
            transfer_text="Royal Preston Hospital MRI, once a clinician there has accepted "
            "the patient.",
        ),
        outcome(
            "o-next-day", "MRI on the next working day", "routine",
            "- Request the scan for the next working day.",
            [role("mri-radiographer", "If you think the scan cannot wait until the morning.")],
        ),
    ],
}

PATHWAYS = (VASCULAR, TRAUMA, UROLOGY, OBSTETRICS, GI_BLEED, INPATIENT, OOH_MRI)


def _description(spec: dict) -> str:
    return (
        f"{spec['title']}, for referrers across Lancashire and South Cumbria. {NOT_GUIDANCE}"
    )


@transaction.atomic
def seed_demo_pathways(*, network, anchor: date | datetime, user=None) -> list[Pathway]:
    """Load and publish the seven demo pathways (version 1); existing ones are left alone.

    Returns the pathways created by this call: none on a second run.
    """
    day = anchor.date() if isinstance(anchor, datetime) else anchor
    published_at = instant_at(day - PUBLISHED_BEFORE_ANCHOR, time(0))
    created = []
    for spec in PATHWAYS:
        if Pathway.objects.filter(slug=spec["slug"]).exists():
            continue
        pathway = Pathway(
            network=network, slug=spec["slug"], title=spec["title"],
            specialty=spec["specialty"], review_date=day + REVIEW_AFTER,
            description=_description(spec),
        )
        pathway.full_clean()
        pathway.save()
        draft = version_create_draft(
            pathway=pathway, user=user, change_summary="First version (demo content)."
        )
        draft_fill(version=draft, root_key=spec["root"], nodes=spec["nodes"], user=user)
        version_publish(version=draft, user=user, now=published_at)
        created.append(pathway)
    return created
