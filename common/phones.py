"""UK telephone numbers: validation, storage form and dialling form.

Real numbers must be valid for the UK. Ofcom reserves ranges for drama and
examples (e.g. 07700 900xxx, 0113 496 0xxx), which ``phonenumbers`` rightly
calls invalid; the demo and training data use them, so they are accepted too.
"""

from functools import lru_cache

import phonenumbers
from django.core.exceptions import ValidationError

# National significant number prefixes of Ofcom's drama ranges; each range is
# the prefix followed by enough digits to make a full UK number.
OFCOM_DRAMA_PREFIXES = (
    "7700900",
    "1134960", "1144960", "1154960", "1164960", "1174960", "1184960",
    "1214960", "1314960", "1414960", "1514960", "1614960",
    "1914980", "2079460", "2896496", "2920180", "1632960",
    "8081570", "9098790", "3069990",
)


def _is_drama_number(number: phonenumbers.PhoneNumber) -> bool:
    national = str(number.national_number)
    return (
        number.country_code == 44
        and len(national) == 10
        and national.startswith(OFCOM_DRAMA_PREFIXES)
    )


def normalise_uk_number(value: str) -> str:
    """Return the number in UK national format ("01772 716565"), or raise."""
    message = (
        f"“{value}” is not a UK telephone number. Enter it as dialled from a UK phone, "
        "e.g. 01772 716565 or 07700 900123."
    )
    try:
        number = phonenumbers.parse(value, "GB")
    except phonenumbers.NumberParseException as error:
        raise ValidationError(message, code="invalid_phone") from error
    if number.country_code != 44 or not (
        phonenumbers.is_valid_number(number) or _is_drama_number(number)
    ):
        raise ValidationError(message, code="invalid_phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


def validate_uk_number(value: str) -> None:
    normalise_uk_number(value)


@lru_cache(maxsize=4096)
def dialling_uri(value: str) -> str:
    """A ``tel:`` URI for a stored number, e.g. ``tel:+441772716565``.

    Cached: a board describes the same few hundred numbers on every refresh,
    and parsing each is most of describing a contact.
    """
    number = phonenumbers.parse(value, "GB")
    return "tel:" + phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
