"""Evaluations and decisions as JSON-ready dictionaries, redacted per viewer.

The engine and the decision log keep contacts in full (every contact method,
tagged with its visibility); what one viewer may see is decided by
:func:`rota.presentation.redact`, applied here to every contact of an outcome.
"""

from __future__ import annotations

from rota.access import Viewer
from rota.presentation import iso, redact


def redact_outcome(outcome: dict | None, viewer: Viewer) -> dict | None:
    """``outcome`` (``Outcome.as_dict()`` or a decision's) as ``viewer`` may see it."""
    if outcome is None:
        return None
    return {
        "if_no_answer": None,  # decisions logged before it existed
        **outcome,
        "contacts": [_redact_contact(contact, viewer) for contact in outcome["contacts"]],
    }


def _redact_contact(contact: dict, viewer: Viewer) -> dict:
    # Decisions logged before these fields existed read as steps with no marks.
    earlier = {"until": None, "then": None, "same_as_step": None, "go_to_step": None,
               "reasons": [contact["instruction"]] if contact.get("instruction") else []}
    redacted = {**earlier, **contact, "answer": redact(contact.get("answer"), viewer)}
    if contact.get("then"):
        redacted["then"] = {**contact["then"], "answer": redact(contact["then"]["answer"], viewer)}
    return redacted


def redact_evaluation(described: dict, viewer: Viewer) -> dict:
    """``Evaluation.as_dict()`` as ``viewer`` may see it."""
    return {**described, "outcome": redact_outcome(described.get("outcome"), viewer)}


def decision_as_dict(decision, viewer: Viewer) -> dict:
    """A logged decision as ``viewer`` may see it (contacts as they were resolved)."""
    version = decision.version
    site = decision.referring_site
    return {
        "reference": decision.reference,
        "pathway": {"slug": version.pathway.slug, "title": version.pathway.title},
        "version": {"id": version.pk, "number": version.number},
        "at": iso(decision.at),
        "created_at": iso(decision.created_at),
        "channel": decision.channel,
        "superseded_during_referral": decision.superseded_during_referral,
        "referring_site": {
            "id": site.pk, "ods_code": site.ods_code, "name": site.name,
            "short_name": site.short_name,
        },
        "path": decision.answers,
        "outcome": redact_outcome(decision.outcome, viewer),
    }
