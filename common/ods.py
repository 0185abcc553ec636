"""What an ODS code looks like: the NHS Organisation Data Service's codes for trusts and sites.

A trust's code is three characters (RXN), a site's five (RXN02); both are
capital letters and digits. The model validators, the API's addresses, the
referral link, the referrer's site lookup and the generated demo data all ask
here, so text that cannot be a code is refused the same way everywhere, before
it reaches the database.
"""

from __future__ import annotations

import re

from django.core.validators import RegexValidator

MIN_LENGTH = 3
MAX_LENGTH = 5
# Stored form: capitals and digits only.
CODE = re.compile(rf"[A-Z0-9]{{{MIN_LENGTH},{MAX_LENGTH}}}")
# In an address, where a code may be typed in either case.
URL_PATTERN = rf"[A-Za-z0-9]{{{MIN_LENGTH},{MAX_LENGTH}}}"

validate_ods_code = RegexValidator(
    rf"^{CODE.pattern}$",
    "An ODS code is 3 to 5 capital letters or digits, e.g. RXN or RXN02.",
)


def is_ods_code(text: str) -> bool:
    """True when ``text`` is an ODS code as stored (capitals and digits, 3 to 5)."""
    return isinstance(text, str) and CODE.fullmatch(text) is not None


def normalise(text: str | None) -> str | None:
    """``text`` as a stored ODS code (any case in, capitals out), or None when it cannot be one."""
    if not isinstance(text, str):
        return None
    code = text.strip().upper()
    return code if code.isascii() and is_ods_code(code) else None
