from datetime import UTC, date, datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError

from rota import services
from rota.models import Cover, Divert, Leave, Note, Shift
from tests.factories import RotaFactory, ShiftFactory, london


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def by_field(error: ValidationError) -> dict[str, list[str]]:
    """Messages by field, a message for no field under ``__all__`` as forms show it."""
    return error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}


@pytest.fixture
def a_on_tuesday(rota, doctors):
    """Dr A on the rota from 08:00 Tuesday 14 April 2026 to 08:00 Wednesday."""
    return ShiftFactory(
        rota=rota, clinician=doctors[0], start=london(2026, 4, 14, 8, 0),
        end=london(2026, 4, 15, 8, 0),
    )


# --- Shifts --------------------------------------------------------------------


def test_shift_create_makes_manual_shift_with_history_user(world, rota, doctors):
    shift = services.shift_create(
        rota=rota, clinician=doctors[0], start=london(2026, 4, 14, 8, 0),
        end=london(2026, 4, 14, 17, 0), user=world.coordinator,
    )
    assert (shift.kind, shift.start, shift.end) == (
        "manual", utc(2026, 4, 14, 7, 0), utc(2026, 4, 14, 16, 0)
    )
    assert shift.history.get().history_user == world.coordinator


def test_shift_create_refuses_overlap_and_writes_nothing(rota, doctors, a_on_tuesday):
    with pytest.raises(ValidationError) as error:
        services.shift_create(
            rota=rota, clinician=doctors[0], start=london(2026, 4, 14, 20, 0),
            end=london(2026, 4, 15, 9, 0),
        )
    assert error.value.messages == [
        "Dr A is already on this rota from Tue 14 Apr 2026 08:00 to Wed 15 Apr 2026 08:00; "
        "a second shift would overlap it."
    ]
    assert Shift.objects.count() == 1


def test_shift_create_refuses_end_before_start(rota, doctors):
    with pytest.raises(ValidationError) as error:
        services.shift_create(
            rota=rota, clinician=doctors[0], start=london(2026, 4, 14, 17, 0),
            end=london(2026, 4, 14, 8, 0),
        )
    assert error.value.message_dict == {"end": ["The end must be after the start."]}


def test_shift_create_refuses_naive_instant(rota, doctors):
    with pytest.raises(ValidationError) as error:
        services.shift_create(
            rota=rota, clinician=doctors[0], start=datetime(2026, 4, 14, 8, 0),  # noqa: DTZ001
            end=london(2026, 4, 14, 17, 0),
        )
    assert error.value.message_dict == {
        "start": ["Give the time with its offset, or as Europe/London time."]
    }


# --- Covers --------------------------------------------------------------------


def test_cover_create_records_cover_and_history_user(world, rota, doctors, a_on_tuesday):
    """Controls H-01."""
    cover = services.cover_create(
        rota=rota, covering=doctors[2], replaces=doctors[0], start=london(2026, 4, 14, 12, 0),
        end=london(2026, 4, 14, 20, 0), reason="Clinic", user=world.coordinator,
    )
    assert (cover.covering, cover.replaces, cover.reason) == (doctors[2], doctors[0], "Clinic")
    assert cover.history.get().history_user == world.coordinator


def test_cover_create_refuses_cover_not_overlapping_named_clinicians_shifts(
    rota, doctors, a_on_tuesday
):
    with pytest.raises(ValidationError) as error:
        services.cover_create(
            rota=rota, covering=doctors[2], replaces=doctors[0],
            start=london(2026, 4, 15, 8, 0), end=london(2026, 4, 15, 12, 0),
        )
    assert error.value.message_dict == {
        "replaces": [
            "Dr A has no shift on LSC IR on call between Wed 15 Apr 2026 08:00 and "
            "Wed 15 Apr 2026 12:00, so there is nothing to cover."
        ]
    }
    assert Cover.objects.count() == 0


def test_cover_create_refuses_cover_for_clinician_on_another_rota(
    world, doctors, a_on_tuesday
):
    other = RotaFactory(network=world.network, based_at=world.blackburn, name="Blackburn IR")
    with pytest.raises(ValidationError) as error:
        services.cover_create(
            rota=other, covering=doctors[2], replaces=doctors[0],
            start=london(2026, 4, 14, 12, 0), end=london(2026, 4, 14, 14, 0),
        )
    assert error.value.message_dict["replaces"][0].startswith(
        "Dr A has no shift on Blackburn IR between"
    )


def test_cover_create_accepts_cover_exactly_on_shift_edges(rota, doctors, a_on_tuesday):
    cover = services.cover_create(
        rota=rota, covering=doctors[2], replaces=doctors[0], start=london(2026, 4, 14, 8, 0),
        end=london(2026, 4, 15, 8, 0),
    )
    assert Cover.objects.get() == cover


def test_cover_create_refuses_covering_clinician_on_leave(rota, doctors, a_on_tuesday):
    services.leave_create(
        clinician=doctors[2], start=london(2026, 4, 14, 0, 0), end=london(2026, 4, 14, 13, 0)
    )
    with pytest.raises(ValidationError) as error:
        services.cover_create(
            rota=rota, covering=doctors[2], replaces=doctors[0],
            start=london(2026, 4, 14, 12, 0), end=london(2026, 4, 14, 20, 0),
        )
    assert error.value.message_dict == {
        "covering": ["Dr C is on leave from Tue 14 Apr 2026 00:00 to Tue 14 Apr 2026 13:00."]
    }
    assert Cover.objects.count() == 0


def test_cover_create_accepts_covering_clinician_back_from_leave_at_start(
    rota, doctors, a_on_tuesday
):
    services.leave_create(
        clinician=doctors[2], start=london(2026, 4, 14, 0, 0), end=london(2026, 4, 14, 12, 0)
    )
    services.cover_create(
        rota=rota, covering=doctors[2], replaces=doctors[0], start=london(2026, 4, 14, 12, 0),
        end=london(2026, 4, 14, 20, 0),
    )
    assert Cover.objects.count() == 1


def test_cover_create_joining_needs_no_shift(rota, doctors):
    cover = services.cover_create(
        rota=rota, covering=doctors[2], start=london(2026, 4, 14, 12, 0),
        end=london(2026, 4, 14, 20, 0),
    )
    assert cover.replaces is None


def test_cover_create_refuses_covering_oneself(rota, doctors, a_on_tuesday):
    with pytest.raises(ValidationError) as error:
        services.cover_create(
            rota=rota, covering=doctors[0], replaces=doctors[0],
            start=london(2026, 4, 14, 12, 0), end=london(2026, 4, 14, 20, 0),
        )
    assert error.value.messages == ["A clinician cannot cover for themselves."]


# --- Leave ---------------------------------------------------------------------


def test_leave_window_whole_london_days():
    assert services.leave_window(date(2026, 7, 6), date(2026, 7, 10)) == (
        utc(2026, 7, 5, 23, 0), utc(2026, 7, 10, 23, 0)
    )


def test_leave_window_across_spring_clock_change():
    # Midnight on 28 March is GMT; midnight ending 29 March is BST.
    assert services.leave_window(date(2026, 3, 28), date(2026, 3, 29)) == (
        utc(2026, 3, 28, 0, 0), utc(2026, 3, 29, 23, 0)
    )


def test_leave_window_single_day_and_last_before_first():
    assert services.leave_window(date(2026, 12, 28), date(2026, 12, 28)) == (
        utc(2026, 12, 28, 0, 0), utc(2026, 12, 29, 0, 0)
    )
    with pytest.raises(ValidationError) as error:
        services.leave_window(date(2026, 12, 28), date(2026, 12, 27))
    assert error.value.message_dict == {
        "end": ["The last day of leave cannot be before the first."]
    }


def test_leave_create_records_history_user(world, doctors):
    start, end = services.leave_window(date(2026, 7, 6), date(2026, 7, 10))
    leave = services.leave_create(
        clinician=doctors[0], start=start, end=end, reason="Annual leave", user=world.coordinator
    )
    assert leave.history.get().history_user == world.coordinator
    assert str(leave) == "Dr A away Mon 06 Jul 2026 00:00 to Sat 11 Jul 2026 00:00"


def test_leave_create_refuses_end_before_start(doctors):
    with pytest.raises(ValidationError) as error:
        services.leave_create(
            clinician=doctors[0], start=london(2026, 7, 6), end=london(2026, 7, 5)
        )
    assert error.value.message_dict == {"end": ["The end must be after the start."]}
    assert Leave.objects.count() == 0


# --- Diverts -------------------------------------------------------------------


@pytest.fixture
def blackburn_rota(world):
    return RotaFactory(network=world.network, based_at=world.blackburn, slug="blackburn-ir")


EITHER = "Divert either to another rota, or to a fixed contact with a label and number."
WINDOW = dict(start=london(2026, 4, 14, 10, 0), end=london(2026, 4, 14, 12, 0))


def test_divert_create_to_rota_with_history_user(world, rota, blackburn_rota):
    divert = services.divert_create(
        rota=rota, to_rota=blackburn_rota, reason="Suite down", user=world.switchboard, **WINDOW
    )
    assert (divert.to_rota, divert.contact_number) == (blackburn_rota, "")
    assert divert.history.get().history_user == world.switchboard


def test_divert_create_to_fixed_contact_normalises_number(rota):
    divert = services.divert_create(
        rota=rota, reason="Scrubbed", contact_label="Royal Preston switchboard",
        contact_number="+441772716565", **WINDOW,
    )
    assert divert.contact_number == "01772 716565"


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({}, {"__all__": [EITHER]}),
        (
            {"to_rota": "blackburn", "contact_label": "Hub", "contact_number": "01772 716565"},
            {"__all__": [EITHER]},
        ),
        (
            {"to_rota": "elsewhere"},
            {"to_rota": ["Divert only to a rota of the same network."]},
        ),
        (
            {"contact_number": "01772 716565"},
            {"__all__": [EITHER]},
        ),
        (
            {"contact_label": "Hub", "contact_number": "07700 901123"},
            {
                "contact_number": [
                    "“07700 901123” is not a UK telephone number. Enter it as dialled from a "
                    "UK phone, e.g. 01772 716565 or 07700 900123."
                ]
            },
        ),
        (
            {"to_rota": "itself"},
            {"__all__": ["A rota cannot be diverted to itself."]},
        ),
    ],
)
def test_divert_create_rules(world, rota, blackburn_rota, fields, expected):
    targets = {
        "blackburn": blackburn_rota,
        "elsewhere": RotaFactory(network=world.other_network, based_at=world.preston),
        "itself": rota,
    }
    if "to_rota" in fields:
        fields = fields | {"to_rota": targets[fields["to_rota"]]}
    with pytest.raises(ValidationError) as error:
        services.divert_create(rota=rota, reason="Suite down", **WINDOW, **fields)
    assert by_field(error.value) == expected
    assert Divert.objects.count() == 0


def test_divert_create_refuses_second_overlapping_divert(rota, blackburn_rota):
    services.divert_create(rota=rota, to_rota=blackburn_rota, reason="Suite down", **WINDOW)
    with pytest.raises(ValidationError) as error:
        services.divert_create(
            rota=rota, contact_label="Hub", contact_number="01772 716565", reason="Scrubbed",
            start=london(2026, 4, 14, 11, 0), end=london(2026, 4, 14, 13, 0),
        )
    assert error.value.messages == [
        "LSC IR on call is already diverted from Tue 14 Apr 2026 10:00 to Tue 14 Apr 2026 "
        "12:00; change that divert instead of adding a second one."
    ]
    services.divert_create(
        rota=rota, contact_label="Hub", contact_number="01772 716565", reason="Scrubbed",
        start=london(2026, 4, 14, 12, 0), end=london(2026, 4, 14, 13, 0),
    )
    assert Divert.objects.count() == 2


# --- Notes ---------------------------------------------------------------------


def test_note_create_records_author_and_history_user(world, rota):
    note = services.note_create(rota=rota, text="CT down", user=world.switchboard, **WINDOW)
    assert note.author == world.switchboard
    assert note.history.get().history_user == world.switchboard


def test_note_create_anonymous_user_records_no_author(rota):
    note = services.note_create(rota=rota, text="CT down", user=AnonymousUser(), **WINDOW)
    assert (note.author, note.history.get().history_user) == (None, None)
    assert Note.objects.count() == 1
