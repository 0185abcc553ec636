"""The decision log: every outcome shown for a real referral is recorded.

:func:`referral_record` is what the web flow and the API call: it evaluates,
and logs a :class:`~pathways.models.Decision` when the evaluation reached an
outcome, unless :func:`logging_rule` calls it a preview: an explicit preview,
an instant more than two minutes from now, or a draft. A referral on a
version retired less than an hour ago is logged with the
``superseded_during_referral`` flag; one retired longer ago is refused
(:class:`VersionRetired`): the referrer starts again on the current version.
No patient identifiers are asked for or stored.
"""

from __future__ import annotations

import logging
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db import IntegrityError

from common.db import alone_or_in_a_savepoint
from common.history import acting
from pathways.engine import Evaluation
from pathways.errors import EvaluationError, PathwayError
from pathways.models import Channel, Decision, VersionStatus
from pathways.selectors import EvaluationContext, load_evaluation_context
from rota.access import may_read_decision
from rota.presentation import spoken

logger = logging.getLogger(__name__)

# No 0/O, 1/I/L or U: a reference is read out over the phone.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
REFERENCE_PATTERN = re.compile(rf"^IR-[{REFERENCE_ALPHABET}]{{4}}-[{REFERENCE_ALPHABET}]{{2}}$")
REFERENCE_ATTEMPTS = 5
# A client's clock a little out still makes a real referral, not a silent preview.
NOW_TOLERANCE = timedelta(minutes=2)
# A referral started before a new version was published is still a referral, for a while.
SUPERSEDED_GRACE = timedelta(hours=1)


class VersionRetired(PathwayError):
    """A referral on a version retired more than an hour ago: start again on the current one."""

    code = "version_retired"


@dataclass(frozen=True)
class Logging:
    """Whether a completed evaluation is logged, and whether its version was superseded."""

    logged: bool
    superseded: bool = False


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


def decision_create(
    *, evaluation: Evaluation, user, channel: str, now: datetime, superseded: bool = False
) -> Decision:
    """Log a completed evaluation; a new reference is drawn if one is taken."""
    if evaluation.outcome is None:
        raise PathwayError("Only an evaluation that reached an outcome is logged.",
                           code="incomplete")
    if channel not in Channel.values:
        raise PathwayError(f"'{channel}' is not a channel.", code="channel")
    acting_user = acting(user)
    for attempt in range(1, REFERENCE_ATTEMPTS + 1):
        try:
            with alone_or_in_a_savepoint():
                decision = Decision.objects.create(
                    reference=new_reference(),
                    version_id=evaluation.tree.version_id,
                    answers=[step.as_dict() for step in evaluation.path],
                    outcome=evaluation.outcome.as_dict(),
                    referring_site_id=evaluation.referring_site.id,
                    user=acting_user,
                    at=evaluation.at,
                    created_at=now,
                    channel=channel,
                    superseded_during_referral=superseded,
                )
        except IntegrityError:
            # Another decision drew the same reference (one in ~729 million): draw again.
            if attempt == REFERENCE_ATTEMPTS:
                raise
            continue
        logger.info("decision logged", extra={
            "reference": decision.reference, "pathway": evaluation.tree.pathway_slug,
            "version_id": evaluation.tree.version_id,
            "referring_site": evaluation.referring_site.ods_code, "channel": channel,
            "superseded": superseded,
        })
        return decision
    raise AssertionError("unreachable: the last attempt returns or raises")


def logging_rule(*, version, at: datetime, now: datetime, preview: bool = False) -> Logging:
    """Whether a completed evaluation of ``version`` at ``at`` is logged.

    ``version`` is the version as the caller found it when the request began:
    a draft being published meanwhile stays a preview. Unlogged: an explicit
    ``preview``, an instant more than two minutes from ``now``, a draft.
    Logged: the published version; a version retired at most an hour before
    ``now``, flagged as superseded. Raises :class:`VersionRetired` for a
    version retired longer ago.
    """
    # Elapsed time, not wall-clock time: two instants in one ZoneInfo subtract as wall
    # clocks in Python, an hour out across a clock change.
    at, now = at.astimezone(UTC), now.astimezone(UTC)
    if preview or version.status == VersionStatus.DRAFT or abs(at - now) > NOW_TOLERANCE:
        return Logging(logged=False)
    if version.status == VersionStatus.PUBLISHED:
        return Logging(logged=True)
    retired_at = version.retired_at.astimezone(UTC) if version.retired_at else None
    if retired_at is not None and now - retired_at <= SUPERSEDED_GRACE:
        return Logging(logged=True, superseded=True)
    raise VersionRetired(_retired_message(version), code="version_retired")


def _retired_message(version) -> str:
    from pathways.models import PathwayVersion

    newer = (
        PathwayVersion.objects.published().filter(pathway_id=version.pathway_id)
        .values_list("number", flat=True).first()
    )
    when = f" at {spoken(version.retired_at)}" if version.retired_at else ""
    replaced = f"replaced by version {newer}" if newer else "withdrawn"
    again = f"Start again on version {newer}." if newer else "Start again from the pathway's page."
    return (
        f"Version {version.number} of {version.pathway.title} was {replaced}{when}, more than an "
        f"hour ago. {again}"
    )


def referral_record(
    *, version, answers: dict[str, str], referring_site, user, at: datetime | None,
    now: datetime, channel: str, preview: bool = False,
    context: EvaluationContext | None = None,
) -> tuple[Evaluation, Decision | None]:
    """Evaluate ``version`` at ``at`` (None: ``now``) and log it if it is a real referral.

    ``context`` is what :func:`pathways.selectors.load_evaluation_context` read for
    ``version`` at ``at``, if the caller has it already; otherwise it is loaded here.
    Returns the evaluation and the decision, or None when nothing is logged (a
    preview, see :func:`logging_rule`, or no outcome yet). Raises
    :class:`~pathways.errors.EvaluationError` for answers that do not fit and
    :class:`VersionRetired` for a referral on a version retired over an hour ago.
    """
    if now.tzinfo is None:
        raise EvaluationError("naive_instant", "The current instant must carry its offset.")
    at = now if at is None else at
    logging = logging_rule(version=version, at=at, now=now, preview=preview)
    if context is None:
        context = load_evaluation_context(version, at, site_id=referring_site.id)
    elif context.at != at or context.tree.version_id != getattr(version, "pk", version):
        raise ValueError("The evaluation context was loaded for another version or instant.")
    evaluation = context.evaluate(answers=answers, referring_site=referring_site)
    if not (evaluation.is_complete and logging.logged):
        return evaluation, None
    return evaluation, decision_create(
        evaluation=evaluation, user=user, channel=channel, now=now,
        superseded=logging.superseded,
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
