"""Writes to rotas, with their rules: the admin, API and imports all call these.

Each function is keyword-only, validates fully before writing, writes inside
one transaction and records the acting user in the history.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction

from common.history import acting, with_history
from common.london import instant_at, stamp
from common.phones import normalise_uk_number
from rota.bounds import FURTHEST, LONGEST_LEAVE
from rota.models import Clinician, Cover, Divert, Leave, Note, Rota, Shift, ShiftKind

logger = logging.getLogger(__name__)


def _save(instance, *, user=None, reason: str = ""):
    instance.full_clean()
    with_history(instance, user=user, reason=reason)
    adding = instance._state.adding
    instance.save()
    logger.info(f"{instance._meta.model_name} {'written' if adding else 'changed'}", extra={
        "id": instance.pk, "rota_id": getattr(instance, "rota_id", None),
        "clinician_id": getattr(instance, "clinician_id", None),
        "user_id": getattr(user, "pk", None),
    })
    return instance


def _when(instant: datetime) -> str:
    return stamp(instant)


def _require_aware(**instants: datetime) -> None:
    for name, value in instants.items():
        if value is None or value.tzinfo is None:
            raise ValidationError(
                {name: "Give the time with its offset, or as Europe/London time."}
            )


def leave_window(
    first_day: date, last_day: date, *, today: date | None = None
) -> tuple[datetime, datetime]:
    """Whole Europe/London days as a half-open interval of instants.

    Refused: a last day before the first, leave longer than a year, or (given
    ``today``, as every form and endpoint does) days more than ten years away.
    """
    if last_day < first_day:
        raise ValidationError({"end": "The last day of leave cannot be before the first."})
    if last_day - first_day >= LONGEST_LEAVE:
        raise ValidationError({"end": "Leave is recorded at most a year at a time; "
                                      "enter longer absences as several periods."})
    for day in (first_day, last_day) if today is not None else ():
        if abs(day - today) > FURTHEST:
            raise ValidationError({"end": f"{day:%d %b %Y} is more than ten years from today; "
                                          "check the year."})
    return instant_at(first_day, time(0, 0)), instant_at(last_day + timedelta(days=1), time(0, 0))


@transaction.atomic
def shift_create(
    *, rota: Rota, clinician: Clinician, start: datetime, end: datetime, user=None
) -> Shift:
    """A manual shift; refused if the clinician is already on the rota then."""
    _require_aware(start=start, end=end)
    return _save(
        Shift(rota=rota, clinician=clinician, start=start, end=end, kind=ShiftKind.MANUAL),
        user=user,
    )


def cover_check(
    *, rota: Rota, covering: Clinician, start: datetime, end: datetime,
    replaces: Clinician | None = None,
) -> None:
    """Raise unless the cover may be made: the rules that combine rows.

    A replacing cover must overlap a shift of the clinician it names on the
    rota; the covering clinician must not be on leave at any time during it.
    The admin form and :func:`cover_create` both call this.
    """
    if replaces is not None and not Shift.objects.filter(
        rota=rota, clinician=replaces, start__lt=end, end__gt=start
    ).exists():
        raise ValidationError(
            {"replaces": f"{replaces} has no shift on {rota} between {_when(start)} "
                         f"and {_when(end)}, so there is nothing to cover."}
        )
    away = Leave.objects.filter(clinician=covering, start__lt=end, end__gt=start).first()
    if away:
        raise ValidationError(
            {"covering": f"{covering} is on leave from {_when(away.start)} to {_when(away.end)}."}
        )


@transaction.atomic
def cover_create(
    *,
    rota: Rota,
    covering: Clinician,
    start: datetime,
    end: datetime,
    replaces: Clinician | None = None,
    reason: str = "",
    user=None,
) -> Cover:
    """Clinician ``covering`` replaces ``replaces`` (or joins, if None) on ``rota``.

    Refused as :func:`cover_check` says.
    """
    _require_aware(start=start, end=end)
    cover = Cover(
        rota=rota, covering=covering, replaces=replaces, start=start, end=end, reason=reason
    )
    cover.full_clean()
    cover_check(rota=rota, covering=covering, replaces=replaces, start=start, end=end)
    return _save(cover, user=user)


@transaction.atomic
def leave_create(
    *, clinician: Clinician, start: datetime, end: datetime, reason: str = "", user=None
) -> Leave:
    _require_aware(start=start, end=end)
    return _save(Leave(clinician=clinician, start=start, end=end, reason=reason), user=user)


def divert_check(
    *,
    rota: Rota,
    start: datetime,
    end: datetime,
    to_rota: Rota | None = None,
    contact_label: str = "",
    contact_number: str = "",
    exclude_id: int | None = None,
) -> str:
    """Raise unless the divert may be made; return the contact number normalised.

    Beyond what a ``Divert`` row checks itself (another rota, or a fixed
    contact with a label and number; never to itself), a divert goes only to
    a rota of the same network, and a rota has one divert at a time
    (``exclude_id``: the divert being edited). The admin form and
    :func:`divert_create` both call this.
    """
    if to_rota is not None and to_rota.network_id != rota.network_id:
        raise ValidationError({"to_rota": "Divert only to a rota of the same network."})
    if contact_number:
        try:
            contact_number = normalise_uk_number(contact_number)
        except ValidationError as error:
            raise ValidationError({"contact_number": error.messages}) from error
    clash = (
        Divert.objects.filter(rota=rota, start__lt=end, end__gt=start)
        .exclude(pk=exclude_id)
        .first()
    )
    if clash:
        raise ValidationError(
            f"{rota} is already diverted from {_when(clash.start)} to {_when(clash.end)}; "
            "change that divert instead of adding a second one."
        )
    return contact_number


@transaction.atomic
def divert_create(
    *,
    rota: Rota,
    start: datetime,
    end: datetime,
    reason: str,
    to_rota: Rota | None = None,
    contact_label: str = "",
    contact_number: str = "",
    user=None,
) -> Divert:
    """Replace a rota's answer for a window by another rota's, or a fixed contact.

    Refused as :func:`divert_check` says.
    """
    _require_aware(start=start, end=end)
    contact_number = divert_check(
        rota=rota, start=start, end=end, to_rota=to_rota, contact_label=contact_label,
        contact_number=contact_number,
    )
    return _save(
        Divert(
            rota=rota, start=start, end=end, reason=reason, to_rota=to_rota,
            contact_label=contact_label, contact_number=contact_number,
        ),
        user=user,
    )


@transaction.atomic
def note_create(
    *, rota: Rota, start: datetime, end: datetime, text: str, user=None
) -> Note:
    _require_aware(start=start, end=end)
    author = acting(user)
    return _save(Note(rota=rota, start=start, end=end, text=text, author=author), user=user)


@transaction.atomic
def note_end(*, note: Note, at: datetime, user=None) -> Note:
    """End a note early, at ``at``; one already over stays as it is. Kept in history."""
    _require_aware(at=at)
    if note.end <= at:
        return note
    note.end = max(at, note.start + timedelta(seconds=1))
    return _save(note, user=user, reason="Ended early")
