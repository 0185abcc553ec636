"""What an ODS code looks like, asked in one place by models, API, referral links and demo data."""

import re

import pytest
from django.core.exceptions import ValidationError

from common import ods


@pytest.mark.parametrize("code", ["RXN", "RXN02", "ZA1", "R0A"])
def test_codes_as_stored(code):
    assert ods.is_ods_code(code)
    ods.validate_ods_code(code)
    assert ods.normalise(code) == code
    assert re.fullmatch(ods.URL_PATTERN, code)


@pytest.mark.parametrize(("typed", "code"), [("rxn02", "RXN02"), (" Rxn ", "RXN")])
def test_any_case_is_normalised(typed, code):
    assert ods.normalise(typed) == code


@pytest.mark.parametrize("text", [
    "", "RX", "RXN021", "RX N", "RX\x00N", "RXN-2", "ÄXN", "ß" * 3, "A" * 300, None, 12345,
])
def test_what_cannot_be_a_code_is_refused(text):
    assert ods.normalise(text) is None
    if isinstance(text, str):
        assert not ods.is_ods_code(text)
        with pytest.raises(ValidationError, match="3 to 5 capital letters or digits"):
            ods.validate_ods_code(text)


def test_lower_case_is_not_stored():
    assert not ods.is_ods_code("rxn")


def test_model_fields_use_the_one_rule():
    from rota.models import Site, Trust

    for model in (Trust, Site):
        field = model._meta.get_field("ods_code")
        assert ods.validate_ods_code in field.validators
        assert field.max_length == ods.MAX_LENGTH
