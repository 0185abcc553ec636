"""What a pathway's contact step reaches at an instant, as plain facts: live or stored.

An outcome names rotas, and roles to be answered for the referring site. For
each, the referrer is shown who answers now (the rota's described answer),
until when, and who answers from then (:func:`rota.oncall.who_answers_rota`,
:func:`rota.oncall.who_answers_role`). :func:`reached` works these facts out
over a schedule; :mod:`rota.answer_store` builds them ahead over its horizon
with the same function and stores them, and :func:`finish_reached` finishes a
stored one for the instant asked, as :func:`finish` does a stored answer. A
live and a stored fact are therefore the same, field for field; the tests and
``manage.py verify_timelines`` compare them.

The facts (JSON-ready)::

    {"rotas": 1,                 # rotas answering the step then (a role's may be 0 or 2)
     "answer": {...},            # rota.presentation.describe_answer, in full
     "until": "...", "then": {"from", "until", "answer", "rota": bool} | None,
     "reached": {"rota", "redirected", "effective", "people"}}

``reached`` is what escalation compares: the rota asked, whether a divert or a
gap hands the call on, the rota that picks up, and who is on it. A role with
no rota or several at the instant has only ``rotas``.
"""

from __future__ import annotations

from datetime import datetime

from common.london import iso
from rota.oncall import (
    ANSWER_WINDOW,
    RoleAnswer,
    Schedule,
    rotas_for_role,
    who_answers_role,
    who_answers_rota,
)
from rota.presentation import describe_answer


def rota_key(rota_id: int) -> str:
    """How a rota step's stored facts are found."""
    return f"rota:{rota_id}"


def role_key(role: str, site_id: int) -> str:
    """How a role step's stored facts are found, for a referrer at ``site_id``."""
    return f"role:{site_id}:{role}"


# In a role key kept for any referring site, where the site's id goes.
ANY_SITE = "{site}"


def role_key_any_site(role: str) -> str:
    """:func:`role_key` with :data:`ANY_SITE` for the site: ``ANY_SITE`` replaced by a
    site's id gives that site's key."""
    return f"role:{ANY_SITE}:{role}"


def reached(
    schedule: Schedule, *, at: datetime, rota_id: int | None = None,
    network_id: int | None = None, role: str = "", site_id: int | None = None,
) -> tuple[dict, RoleAnswer | None]:
    """The facts of a rota step (``rota_id``) or a role step (``network_id``, ``role``,
    ``site_id``) at ``at``, with the :class:`~rota.oncall.RoleAnswer` they came from
    (None for a role answered by no rota or several). Pure over ``schedule``."""
    if rota_id is not None:
        answered = who_answers_rota(schedule, rota_id=rota_id, at=at)
    else:
        rotas = rotas_for_role(schedule, network_id=network_id, role=role, site_id=site_id,
                               at=at)
        if len(rotas) != 1:
            return {"rotas": len(rotas)}, None
        answered = who_answers_role(schedule, network_id=network_id, role=role,
                                    site_id=site_id, at=at)
    now, then = answered.now, answered.then
    answer = now.answer
    effective = answer.effective
    return {
        "rotas": 1,
        "answer": describe_answer(answer, schedule),
        "until": iso(now.until),
        "then": None if then is None else {
            "from": iso(then.start),
            "until": iso(then.until),
            "answer": describe_answer(then.answer, schedule) if then.answer else None,
            "rota": then.rota is not None,
        },
        "reached": {
            "rota": answer.rota.id,
            "redirected": effective is not answer,
            "effective": effective.rota.id if effective else None,
            "people": sorted(e.clinician_id for e in effective.on_call) if effective else [],
        },
    }, answered


def contact_facts(schedule: Schedule, network_id: int, key: str,
                  at: datetime) -> tuple[dict, RoleAnswer | None]:
    """:func:`reached` for a step found by its key (:func:`rota_key`, :func:`role_key`)."""
    kind, _, rest = key.partition(":")
    if kind == "rota":
        return reached(schedule, at=at, rota_id=int(rest))
    site_id, _, role = rest.partition(":")
    return reached(schedule, at=at, network_id=network_id, role=role, site_id=int(site_id))


# --- Finishing what was stored ---------------------------------------------------------


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _cut(described: dict, at: datetime) -> None:
    """Leave out what a live answer's window (four weeks either side of ``at``) does
    not reach: a since, until, next shift or handover that far away."""
    earliest, latest = at - ANSWER_WINDOW, at + ANSWER_WINDOW
    if described["since"] and _instant(described["since"]) <= earliest:
        described["since"] = None
    if described["until"] and _instant(described["until"]) >= latest:
        described["until"] = None
    if described["next"] and _instant(described["next"]["from"]) >= latest:
        described["next"] = None
    handover = described["handover"]
    if handover and not earliest < _instant(handover["at"]) < latest:
        described["handover"] = None
    for nested in (described["fallback"],
                   described["divert"] and described["divert"]["to_rota"]):
        if nested:
            _cut(nested, at)


def editable(described: dict) -> dict:
    """A copy of a described answer that :func:`finish` may change, sharing the rest:
    the answer's own fields, and its fallback's and divert target's, copied."""
    copied = dict(described)
    if copied["fallback"]:
        copied["fallback"] = editable(copied["fallback"])
    if copied["divert"] and copied["divert"]["to_rota"]:
        copied["divert"] = {**copied["divert"], "to_rota": editable(copied["divert"]["to_rota"])}
    return copied


def _stamp(described: dict, at: str) -> None:
    described["at"] = at
    for nested in (described["fallback"],
                   described["divert"] and described["divert"]["to_rota"]):
        if nested:
            _stamp(nested, at)


def finish(described: dict, at: datetime) -> dict:
    """A stored answer as asked at ``at``: its instant, and beyond four weeks
    "no change scheduled" (what a live answer's window leaves out)."""
    _cut(described, at)
    _stamp(described, iso(at))
    return described


def finish_reached(facts: dict, at: datetime) -> dict:
    """Stored facts as asked at ``at``: the answer finished, and an until (the
    contact's, or its then's) beyond four weeks left out, as live."""
    if facts["rotas"] != 1:
        return facts
    finish(facts["answer"], at)
    latest = at + ANSWER_WINDOW
    if facts["until"] and _instant(facts["until"]) >= latest:
        facts["until"] = None
    then = facts["then"]
    if facts["until"] is None or then is None:
        facts["then"] = None
        return facts
    if then["until"] and _instant(then["until"]) >= latest:
        then["until"] = None
    if then["answer"]:
        _cut(then["answer"], at)
    return facts
