from datetime import UTC, date, datetime, time

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from common.phones import dialling_uri, normalise_uk_number
from rota.models import (
    ContactMethod,
    Cover,
    Divert,
    Leave,
    Network,
    Note,
    RotationPattern,
    Shift,
)
from tests.factories import ClinicianFactory, RotaFactory, ShiftFactory, london

INVALID_NUMBER = (
    "“{}” is not a UK telephone number. Enter it as dialled from a UK phone, "
    "e.g. 01772 716565 or 07700 900123."
)


def interval_rows(rota, clinician):
    start, end = london(2026, 4, 14, 17, 0), london(2026, 4, 14, 8, 0)
    return {
        "shift": Shift(rota=rota, clinician=clinician, start=start, end=end),
        "cover": Cover(rota=rota, covering=clinician, start=start, end=end),
        "leave": Leave(clinician=clinician, start=start, end=end),
        "divert": Divert(
            rota=rota, start=start, end=end, reason="x", contact_label="Hub",
            contact_number="01772 716565",
        ),
        "note": Note(rota=rota, start=start, end=end, text="x"),
    }


@pytest.mark.parametrize("kind", ["shift", "cover", "leave", "divert", "note"])
def test_interval_end_before_start_refused_by_full_clean(rota, doctors, kind):
    row = interval_rows(rota, doctors[0])[kind]
    with pytest.raises(ValidationError) as error:
        row.full_clean()
    assert error.value.message_dict["end"] == ["The end must be after the start."]


@pytest.mark.parametrize("kind", ["shift", "cover", "leave", "divert", "note"])
def test_interval_end_before_start_refused_by_database(rota, doctors, kind):
    row = interval_rows(rota, doctors[0])[kind]
    with pytest.raises(IntegrityError), transaction.atomic():
        row.save()


def test_shift_equal_start_and_end_refused(rota, doctors):
    at = london(2026, 4, 14, 8, 0)
    with pytest.raises(ValidationError) as error:
        Shift(rota=rota, clinician=doctors[0], start=at, end=at).full_clean()
    assert error.value.message_dict == {"end": ["The end must be after the start."]}


def test_shift_second_overlapping_shift_for_clinician_refused(rota, doctors):
    a = doctors[0]
    ShiftFactory(rota=rota, clinician=a, start=london(2026, 4, 14, 8, 0),
                 end=london(2026, 4, 15, 8, 0))
    second = Shift(
        rota=rota, clinician=a, start=london(2026, 4, 14, 20, 0), end=london(2026, 4, 15, 2, 0)
    )
    with pytest.raises(ValidationError) as error:
        second.full_clean()
    assert error.value.messages == [
        "Dr A is already on this rota from Tue 14 Apr 2026 08:00 to Wed 15 Apr 2026 08:00; "
        "a second shift would overlap it."
    ]


def test_shift_adjacent_or_other_clinician_or_other_rota_allowed(world, rota, doctors):
    a, b = doctors[:2]
    ShiftFactory(rota=rota, clinician=a, start=london(2026, 4, 14, 8, 0),
                 end=london(2026, 4, 15, 8, 0))
    other = RotaFactory(network=world.network, based_at=world.preston)
    allowed = [
        # Starts the moment the first ends: touching is not overlapping.
        Shift(rota=rota, clinician=a, start=london(2026, 4, 15, 8, 0),
              end=london(2026, 4, 16, 8, 0)),
        # The same hours, another clinician.
        Shift(rota=rota, clinician=b, start=london(2026, 4, 14, 8, 0),
              end=london(2026, 4, 15, 8, 0)),
        # The same clinician and hours, another rota.
        Shift(rota=other, clinician=a, start=london(2026, 4, 14, 8, 0),
              end=london(2026, 4, 15, 8, 0)),
    ]
    for shift in allowed:
        shift.full_clean()  # raises ValidationError if refused
        shift.save()
    assert Shift.objects.count() == 4


def test_shift_edit_does_not_clash_with_itself(rota, doctors):
    existing = ShiftFactory(rota=rota, clinician=doctors[0], start=london(2026, 4, 14, 8, 0),
                            end=london(2026, 4, 15, 8, 0))
    existing.end = london(2026, 4, 15, 9, 0)
    existing.full_clean()  # raises ValidationError if the shift were compared with itself
    existing.save()
    # 09:00 BST on 15 April is 08:00 UTC.
    assert Shift.objects.get().end == datetime(2026, 4, 15, 8, 0, tzinfo=UTC)


def contact(world, **fields):
    return ContactMethod(clinician=ClinicianFactory(home_trust=world.trust_a), **fields)


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        ("07700 900123", "07700 900123"),
        ("07700900123", "07700 900123"),
        ("0113 496 0123", "0113 496 0123"),
        ("+44 1772 716565", "01772 716565"),
    ],
)
def test_contact_number_valid_or_drama_range_accepted_and_normalised(world, value, stored):
    method = contact(world, kind="mobile", value=value, visibility="switchboard")
    method.full_clean()
    assert method.value == stored


@pytest.mark.parametrize("value", ["07700 901123", "01000 000000", "12345", "+33 1 23 45 67 89"])
def test_contact_number_neither_valid_nor_drama_refused(world, value):
    method = contact(world, kind="mobile", value=value, visibility="switchboard")
    with pytest.raises(ValidationError) as error:
        method.full_clean()
    assert error.value.message_dict == {"value": [INVALID_NUMBER.format(value)]}


def test_contact_bleep_without_site_refused(world):
    method = contact(world, kind="bleep", value="2345", visibility="staff")
    with pytest.raises(ValidationError) as error:
        method.full_clean()
    assert error.value.message_dict["site"] == [
        "Say which site's switchboard reaches this bleep or extension."
    ]


def test_contact_bleep_without_site_refused_by_database(world):
    method = contact(world, kind="bleep", value="2345", visibility="staff")
    with pytest.raises(IntegrityError), transaction.atomic():
        method.save()


def test_contact_bleep_with_site_accepted(world):
    method = contact(world, kind="bleep", value="2345", visibility="staff", site=world.preston)
    method.full_clean()  # raises ValidationError if refused
    method.save()
    saved = ContactMethod.objects.get()
    assert (saved.kind, saved.value, saved.site) == ("bleep", "2345", world.preston)


def test_contact_bleep_not_digits_refused(world):
    method = contact(world, kind="bleep", value="23a", visibility="staff", site=world.preston)
    with pytest.raises(ValidationError) as error:
        method.full_clean()
    assert error.value.message_dict == {
        "value": ["A bleep or extension is 2 to 6 digits, e.g. 2345."]
    }


def test_contact_mobile_with_site_refused(world):
    method = contact(
        world, kind="mobile", value="07700 900123", visibility="staff", site=world.preston
    )
    with pytest.raises(ValidationError) as error:
        method.full_clean()
    assert error.value.message_dict["site"][0] == (
        "Only a bleep or extension is reached through a site's switchboard."
    )


def test_site_switchboard_must_be_uk_number(world):
    """Controls H-12."""
    world.chorley.switchboard = "07700 901123"
    with pytest.raises(ValidationError) as error:
        world.chorley.full_clean()
    assert error.value.message_dict == {"switchboard": [INVALID_NUMBER.format("07700 901123")]}


def test_phones_normalise_and_dialling_uri():
    """Controls H-12."""
    assert normalise_uk_number("01772716565") == "01772 716565"
    assert dialling_uri("01772 716565") == "tel:+441772716565"
    assert dialling_uri("07700 900123") == "tel:+447700900123"


def test_rota_fallback_rules(world, rota):
    rota.fallback = rota
    with pytest.raises(ValidationError) as error:
        rota.full_clean()
    assert error.value.message_dict["fallback"] == ["A rota cannot be its own fallback."]
    elsewhere = RotaFactory(network=world.other_network, based_at=world.preston)
    rota.fallback = elsewhere
    with pytest.raises(ValidationError) as error:
        rota.full_clean()
    assert error.value.message_dict["fallback"] == [
        "The fallback rota must belong to the same network."
    ]


def test_rota_based_outside_its_network_refused(world):
    rota = RotaFactory.build(network=world.other_network, based_at=world.preston, slug="x-ir")
    with pytest.raises(ValidationError) as error:
        rota.full_clean()
    assert error.value.message_dict == {
        "based_at": ["The rota must be based at a site of its network."]
    }


def test_network_working_day_must_end_after_start(db):
    network = Network(slug="n", name="N", working_day_start=time(17), working_day_end=time(8))
    with pytest.raises(ValidationError) as error:
        network.full_clean()
    assert error.value.message_dict["working_day_end"] == [
        "The working day must end after it starts."
    ]


def test_network_working_weekdays_validated(db):
    network = Network(slug="n", name="N", working_weekdays="0,1,9")
    with pytest.raises(ValidationError) as error:
        network.full_clean()
    assert error.value.message_dict == {
        "working_weekdays": [
            "Working days are weekday numbers separated by commas, Monday 0 to Sunday 6, "
            "e.g. 0,1,2,3,4."
        ]
    }


def test_pattern_end_date_before_start_refused(rota):
    pattern = RotationPattern(
        rota=rota, name="Main", shift_start=time(8), shift_end=time(8),
        start_date=date(2026, 4, 13), end_date=date(2026, 4, 12),
    )
    with pytest.raises(ValidationError) as error:
        pattern.full_clean()
    assert error.value.message_dict["end_date"] == ["The pattern cannot end before it starts."]


def test_divert_needs_rota_or_contact(rota):
    divert = Divert(
        rota=rota, start=london(2026, 4, 14, 8), end=london(2026, 4, 14, 9), reason="x"
    )
    with pytest.raises(ValidationError) as error:
        divert.full_clean()
    assert error.value.messages == [
        "Divert either to another rota, or to a fixed contact with a label and number."
    ]


def test_cover_for_oneself_refused(rota, doctors):
    cover = Cover(
        rota=rota, covering=doctors[0], replaces=doctors[0], start=london(2026, 4, 14, 8),
        end=london(2026, 4, 14, 9),
    )
    with pytest.raises(ValidationError) as error:
        cover.full_clean()
    assert error.value.messages == ["A clinician cannot cover for themselves."]
