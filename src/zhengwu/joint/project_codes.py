"""The 投资项目代码 of a fixed-asset investment project (DOMAIN §10). Pure: no Django.

The 投资项目在线审批监管平台 gives every investment project one code for its whole construction
period (发改投资〔2020〕1439号《固定资产投资项目代码管理规范》); every approval of the project
names it, so the joint cases of one project are found by it. Its printed form is five groups
joined by hyphens, 24 characters::

    2019-330102-47-03-012345
    year  area   ind type serial

- **year** (4 digits): the year the code was given, from 2015 (the platform's start, 发改电
  〔2015〕501号) to the current year;
- **area** (6 digits): the administrative division (GB/T 2260) of the approving authority; its
  first two digits are a province-level division;
- **industry** (2 digits): the industry division (GB/T 4754 大类, 01 to 97);
- **type** (2 digits): the kind of project management (审批, 核准, 备案 ...), not 00;
- **serial** (6 digits): the number within the year and area, not 000000.

``normalize_project_code(text, current_year=...)`` gives the printed form of a code typed with or
without the hyphens (full-width hyphens and spaces tolerated) or raises ``ProjectCodeError`` with
the first rule broken (``code`` one of ``RULES``).
"""

from __future__ import annotations

import re

__all__ = [
    "FIRST_YEAR",
    "PROVINCES",
    "RULES",
    "ProjectCodeError",
    "normalize_project_code",
]

FIRST_YEAR = 2015
# Province-level divisions (GB/T 2260): the first two digits of an area code.
PROVINCES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 "
    "50 51 52 53 54 61 62 63 64 65 71 81 82".split()
)
RULES = ("format", "year", "area", "industry", "type", "serial")

_SHAPE = re.compile(r"(\d{4})-?(\d{6})-?(\d{2})-?(\d{2})-?(\d{6})", re.ASCII)
_HYPHENS = str.maketrans({"－": "-", "–": "-", "—": "-", "‐": "-", "−": "-"})


class ProjectCodeError(ValueError):
    def __init__(self, code: str):
        if code not in RULES:
            raise ValueError(f"unknown rule {code!r}")
        self.code = code
        super().__init__(code)


def normalize_project_code(text: str, *, current_year: int) -> str:
    """The printed form ``YYYY-AAAAAA-II-TT-NNNNNN`` of ``text``; ``ProjectCodeError`` if it
    is not an investment project code."""
    cleaned = "".join(str(text or "").translate(_HYPHENS).split())
    match = _SHAPE.fullmatch(cleaned)
    # Either every hyphen or none: "2019330102-47-03-012345" is a typing slip, not a code.
    if match is None or cleaned.count("-") not in (0, 4):
        raise ProjectCodeError("format")
    year, area, industry, kind, serial = match.groups()
    if not FIRST_YEAR <= int(year) <= current_year:
        raise ProjectCodeError("year")
    if area[:2] not in PROVINCES:
        raise ProjectCodeError("area")
    if not 1 <= int(industry) <= 97:
        raise ProjectCodeError("industry")
    if kind == "00":
        raise ProjectCodeError("type")
    if serial == "000000":
        raise ProjectCodeError("serial")
    return f"{year}-{area}-{industry}-{kind}-{serial}"
