"""The decision log: every completed evaluation for now, on the current version.

:func:`referral_record` is what the web flow and the API call: it evaluates,
and logs a :class:`~pathways.models.Decision` only when the evaluation reached
an outcome, is for now (``at`` equals ``now``, or is None) and used the
pathway's published version. Anything else is a preview and is not logged.
No patient identifiers are asked for or stored.
"""

from __future__ import annotations

import re
import secrets
from datetime import datetime

from django.db import IntegrityError, transaction

from pathways.engine import Evaluation, evaluate, load_evaluation_context
from pathways.errors import EvaluationError, PathwayError
from pathways.models import Channel, Decision, VersionStatus
from rota.access import may_read_decision

# No 0/O, 1/I/L or U: a reference is read out over the phone.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
REFERENCE_PATTERN = re.compile(rf"^IR-[{REFERENCE_ALPHABET}]{{4}}-[{REFERENCE_ALPHABET}]{{2}}$")
REFERENCE_ATTEMPTS = 5


def new_reference() -> str:
    """A random reference such as ``IR-7KQ4-M2`` (30^6, about 729 million)."""
    chars = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(6))
    return f"IR-{chars[:4]}-{chars[4:]}"


def normalise_reference(text: str) -> str:
    """``text`` as a stored reference, forgiving case, spaces and missing dashes."""
    compact = re.sub(r"[^0-9A-Z]", "", (text or "").upper())
    if compact.startswith("IR"):
        compact = compact[2:]
    return f"IR-{compact[:4]}-{compact[4:]}" if len(compact) == 6 else (text or "").upper()


def decision_by_reference(text: str) -> Decision | None:
    reference = normalise_reference(text)
    if not REFERENCE_PATTERN.match(reference):
        return None
    return (
        Decision.objects.select_related("version__pathway", "referring_site")
        .filter(reference=reference)
        .first()
    )


def decision_create(*, evaluation: Evaluation, user, channel: str, now: datetime) -> Decision:
    """Log a completed evaluation; a new reference is drawn if one is taken."""
    if evaluation.outcome is None:
        raise PathwayError("Only an evaluation that reached an outcome is logged.",
                           code="incomplete")
    if channel not in Channel.values:
        raise PathwayError(f"'{channel}' is not a channel.", code="channel")
    acting = user if user is not None and getattr(user, "is_authenticated", False) else None
    for attempt in range(1, REFERENCE_ATTEMPTS + 1):
        try:
            with transaction.atomic():
                return Decision.objects.create(
                    reference=new_reference(),
                    version_id=evaluation.tree.version_id,
                    answers=[step.as_dict() for step in evaluation.path],
                    outcome=evaluation.outcome.as_dict(),
                    referring_site_id=evaluation.referring_site.id,
                    user=acting,
                    at=evaluation.at,
                    created_at=now,
                    channel=channel,
                )
        except IntegrityError:
            # Another decision drew the same reference (one in ~729 million): draw again.
            if attempt == REFERENCE_ATTEMPTS:
                raise


def is_referral(*, version_status: str, at: datetime, now: datetime) -> bool:
    """Whether a completed evaluation at ``at`` of a version in this status is logged.

    Only for now, on the published version; anything else is a preview.
    """
    return at == now and version_status == VersionStatus.PUBLISHED


def referral_record(
    *, version, answers: dict[str, str], referring_site, user, at: datetime | None,
    now: datetime, channel: str,
) -> tuple[Evaluation, Decision | None]:
    """Evaluate ``version`` at ``at`` (None: ``now``) and log it if it is a real referral.

    Returns the evaluation and the decision, or None for a preview (another
    instant, a version that is not the published one, or no outcome yet).
    Raises :class:`~pathways.errors.EvaluationError` for answers that do not fit.
    """
    if now.tzinfo is None:
        raise EvaluationError("naive_instant", "The current instant must carry its offset.")
    at = now if at is None else at
    tree, schedule = load_evaluation_context(version, at)
    evaluation = evaluate(
        version_tree=tree, answers=answers, referring_site=referring_site, at=at,
        schedule=schedule,
    )
    if not (evaluation.is_complete and is_referral(version_status=tree.status, at=at, now=now)):
        return evaluation, None
    return evaluation, decision_create(
        evaluation=evaluation, user=user, channel=channel, now=now
    )


# The session that made a decision may read it back (the referrer's own outcome page),
# whether or not anyone was signed in. The newest references are kept.
SESSION_DECISIONS = "decisions_made"
SESSION_DECISIONS_KEPT = 50


def session_remember_decision(session, reference: str) -> None:
    made = [r for r in session.get(SESSION_DECISIONS, []) if r != reference]
    session[SESSION_DECISIONS] = (made + [reference])[-SESSION_DECISIONS_KEPT:]


def session_made_decision(session, reference: str) -> bool:
    return session is not None and reference in session.get(SESSION_DECISIONS, [])


def may_read_decision_here(request, decision: Decision) -> bool:
    """The one decision-read rule (rota.access), asked with what this request knows."""
    user = request.user
    made = session_made_decision(getattr(request, "session", None), decision.reference) or (
        decision.user_id is not None and getattr(user, "pk", None) == decision.user_id
    )
    return may_read_decision(
        user, network_id=decision.version.pathway.network_id, made_in_this_session=made
    )
