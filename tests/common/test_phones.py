"""UK telephone numbers: what is accepted, how it is stored, how it is dialled."""

import pytest
from django.core.exceptions import ValidationError

from common.phones import dialling_uri, normalise_uk_number, validate_uk_number


@pytest.mark.parametrize(("typed", "stored"), [
    ("01772716565", "01772 716565"),
    ("+44 1772 716565", "01772 716565"),
    ("07700900123", "07700 900123"),  # Ofcom drama range: accepted for demo and training data
    ("0113 496 0000", "0113 496 0000"),
])
def test_numbers_stored_in_national_format(typed, stored):
    assert normalise_uk_number(typed) == stored


@pytest.mark.parametrize("typed", ["12345", "not a number", "+33 1 23 45 67 89", "07700 901123"])
def test_other_numbers_refused_with_a_message_to_act_on(typed):
    with pytest.raises(ValidationError) as error:
        validate_uk_number(typed)
    assert error.value.code == "invalid_phone"
    assert "as dialled from a UK phone" in error.value.message


def test_dialling_uri_is_e164():
    assert dialling_uri("01772 716565") == "tel:+441772716565"
    assert dialling_uri("07700 900123") == "tel:+447700900123"
