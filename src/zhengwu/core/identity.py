"""Identity numbers (DOMAIN.md §9). Pure: no Django imports.

- 居民身份证号 (GB 11643-1999): 17 digits + a check character; weights 2^(17-i) mod 11;
  check "10X98765432"[sum mod 11]; the birth date (positions 7-14) must be a real past date.
- 统一社会信用代码 (GB 32100-2015): 18 characters from a 31-character alphabet; weights below;
  check = 31 - (sum mod 31), 31 → 0.

Validation raises ``IdentityError`` with a stable ``code`` (messages live in core.validators).
"""

from __future__ import annotations

import datetime as dt
import re

ID_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))
ID_CHECK = "10X98765432"
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ID_SHAPE = re.compile(r"^\d{17}[\dX]$")


class IdentityError(ValueError):
    def __init__(self, code: str, **params):
        self.code = code
        self.params = params
        super().__init__(code)


def resident_id_check_char(first17: str) -> str:
    total = sum(int(ch) * w for ch, w in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK[total % 11]


def normalize_resident_id(value: str, *, today: dt.date | None = None) -> str:
    """Return the canonical (upper-case) number or raise IdentityError."""
    number = (value or "").strip().upper()
    if len(number) != 18:
        raise IdentityError("id_length", length=len(number))
    if not _ID_SHAPE.match(number):
        raise IdentityError("id_chars")
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise IdentityError("id_birth_invalid", birth=number[6:14]) from None
    if birth.year < 1900 or (today is not None and birth > today):
        raise IdentityError("id_birth_range", birth=birth.isoformat())
    expected = resident_id_check_char(number[:17])
    if number[17] != expected:
        raise IdentityError("id_checksum", expected=expected, given=number[17])
    return number


def uscc_check_char(first17: str) -> str:
    total = sum(USCC_ALPHABET.index(ch) * w for ch, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def normalize_uscc(value: str) -> str:
    code = (value or "").strip().upper()
    if len(code) != 18:
        raise IdentityError("uscc_length", length=len(code))
    bad = sorted({ch for ch in code if ch not in USCC_ALPHABET})
    if bad:
        raise IdentityError("uscc_chars", chars="".join(bad))
    expected = uscc_check_char(code[:17])
    if code[17] != expected:
        raise IdentityError("uscc_checksum", expected=expected, given=code[17])
    return code


def mask_id(value: str) -> str:
    """110***********123X: first 3 and last 4 shown."""
    if not value:
        return ""
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_phone(value: str) -> str:
    """138****5678."""
    if not value:
        return ""
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_name(value: str) -> str:
    """张** / 张*: the family name only."""
    if not value:
        return ""
    return value[0] + "*" * max(1, len(value) - 1)
