"""What a catalogue item must look like. Pure: no Django imports.

Two steps, both returning a list of ``Problem(field, code, params)`` instead of raising:

- ``normalize_item`` / ``normalize_content`` turn the public dict shape (docs/catalog.md) into the
  canonical content dict, reporting every missing, unknown or ill-typed field;
- ``check_content`` applies the consistency rules that a version must satisfy to be published;
- ``validate_item`` / ``validate_content`` do both and report every problem at once.

A problem's ``field`` is a path into the dict shape: ``promised_limit``, ``materials[2].code``,
``fees[0].basis``. ``MESSAGES`` holds the English msgid of every code; the Django layer translates
it (``zhengwu.catalog.problem_messages``). Codes in ``STORAGE_CODES`` block even saving a
draft; every problem blocks publishing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from zhengwu.catalog.choices import (
    FULLY_ONLINE_DEPTH,
    HANDLING_TYPE_CODES,
    IMMEDIATE,
    ITEM_KIND_CODES,
    MATERIAL_FORM_CODES,
    ONLINE_DEPTH_VALUES,
    PROMISED,
    SPECIAL_PROCEDURE_CODES,
    SPECIAL_PROCEDURES,
    gettext_noop,
)


@dataclass(frozen=True)
class Problem:
    field: str
    code: str
    params: dict = field(default_factory=dict, compare=False)


MESSAGES: dict[str, str] = {
    # shape
    "required": gettext_noop("Fill in this field."),
    "unknown_field": gettext_noop("Unknown field “%(key)s”."),
    "not_text": gettext_noop("Expected text."),
    "not_int": gettext_noop("Expected a whole number."),
    "not_bool": gettext_noop("Expected yes or no."),
    "not_list": gettext_noop("Expected a list."),
    "not_object": gettext_noop("Expected an object with named fields."),
    "too_long": gettext_noop("At most %(max)s characters (this has %(length)s)."),
    "bad_choice": gettext_noop("“%(value)s” is not one of the allowed values: %(allowed)s."),
    "bad_code": gettext_noop(
        "Use only letters, digits, “.”, “-” and “_”, starting with a letter or digit."
    ),
    "negative": gettext_noop("Cannot be negative."),
    "too_large": gettext_noop("At most %(max)s."),
    "separator_in_text": gettext_noop(
        "Do not use “%(separator)s” here: it separates the parts of this entry in Excel files."
    ),
    # consistency
    "promised_over_statutory": gettext_noop(
        "The promised limit (%(promised)s working days) exceeds the statutory limit "
        "(%(statutory)s working days)."
    ),
    "immediate_promised_not_zero": gettext_noop(
        "An immediate item is decided on the spot: its promised limit must be 0 (it is "
        "%(promised)s)."
    ),
    "promised_limit_zero": gettext_noop(
        "A promised item needs a promised limit of at least 1 working day; an item decided on the "
        "spot is an immediate item."
    ),
    "fully_online_visits": gettext_noop(
        "An item fully online (depth Ⅳ) needs no visit: on-site visits must be 0 (it is "
        "%(visits)s)."
    ),
    "visit_reason_missing": gettext_noop(
        "State why the applicant must come on site (%(visits)s visits)."
    ),
    "fee_name_missing": gettext_noop("Name the fee."),
    "fee_standard_missing": gettext_noop("The fee “%(fee)s” needs its standard (amount)."),
    "fee_basis_missing": gettext_noop("The fee “%(fee)s” needs its legal basis."),
    "materials_missing": gettext_noop("List at least one application material."),
    "material_code_duplicate": gettext_noop(
        "The material code “%(code)s” is used more than once in this item."
    ),
    "material_copies_zero": gettext_noop("A paper material needs at least 1 copy."),
    "basis_missing": gettext_noop("State the legal basis of the item."),
    "step_name_missing": gettext_noop("Name the process step."),
    # against the database (services)
    "impl_code_duplicate": gettext_noop(
        "The implementation code “%(code)s” appears more than once in this import."
    ),
    "impl_code_taken": gettext_noop("An item with the implementation code “%(code)s” exists."),
    "department_unknown": gettext_noop("No department has the code “%(code)s”."),
    "department_forbidden": gettext_noop("You may not edit items of the department “%(code)s”."),
    "department_changed": gettext_noop(
        "This item belongs to the department “%(current)s”; an import cannot move it to “%(code)s”."
    ),
    "base_code_changed": gettext_noop(
        "The basic code of this item is “%(current)s”; an import cannot change it."
    ),
    "item_retired": gettext_noop("This item is retired and cannot be changed."),
    "file_unknown": gettext_noop("The attached file does not belong to this item."),
}

# Problems that make content unstorable (even as a draft). Every problem blocks publishing.
STORAGE_CODES = frozenset(
    {
        "required",
        "unknown_field",
        "not_text",
        "not_int",
        "not_bool",
        "not_list",
        "not_object",
        "too_long",
        "bad_choice",
        "bad_code",
        "negative",
        "too_large",
        "separator_in_text",
        "material_code_duplicate",
    }
)

CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")

IDENTITY_FIELDS = ("impl_code", "base_code", "department")
IDENTITY_LIMITS = {"impl_code": 64, "base_code": 64, "department": 32}

# Scalar content fields: key -> (kind, required, max length / None, default).
SCALARS: dict[str, tuple[str, bool, int | None, object]] = {
    "name": ("text", True, 200, ""),
    "kind": ("kind", True, None, ""),
    "type": ("type", True, None, ""),
    "statutory_limit": ("int", True, None, 0),
    "promised_limit": ("int", True, None, 0),
    "onsite_visits": ("int", True, None, 0),
    "onsite_reason": ("text", False, 500, ""),
    "online_depth": ("depth", True, None, 1),
    "basis": ("text", False, 10000, ""),
    "conditions": ("text", False, 10000, ""),
    "parallel": ("bool", False, None, False),
    "place": ("text", False, 300, ""),
    "hours": ("text", False, 300, ""),
    "consult_phone": ("text", False, 100, ""),
    "complaint_phone": ("text", False, 100, ""),
    # The code of the licence type (电子证照) a grant of this version issues; empty: none.
    "licence_type": ("code", False, 32, ""),
}
LISTS = ("fees", "steps", "special_procedures", "materials")
CONTENT_FIELDS = (*SCALARS, *LISTS)

FEE_FIELDS = {"name": 200, "standard": 500, "basis": 500}
STEP_FIELDS = {"name": 200, "description": 2000}
MATERIAL_TEXT = {"name": 300, "source": 300, "notes": 1000}
MATERIAL_CODE_MAX = 32
LICENCE_CODE_MAX = 32
# Text that may span lines; every other text field is one line.
MULTILINE = frozenset({"basis", "conditions", "description", "notes"})
MAXIMA = {"statutory_limit": 9999, "promised_limit": 9999, "onsite_visits": 99, "copies": 999}
# Uploaded files travel beside the content (blank form, sample); the pure rules pass them through.
MATERIAL_FILE_KEYS = ("blank_form", "sample")
MATERIAL_FIELDS = (
    "code",
    "name",
    "required",
    "form",
    "copies",
    "source",
    "notes",
    "licence_type",
    *MATERIAL_FILE_KEYS,
)


class _Collector:
    def __init__(self):
        self.problems: list[Problem] = []

    def add(self, path: str, problem_code: str, /, **params) -> None:
        self.problems.append(Problem(path, problem_code, params))


CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
LINE_BREAK = re.compile(r"\s*\n\s*")


def _clean(text: str, *, multiline: bool) -> str:
    """Without control characters; a one-line field has its line breaks turned into spaces."""
    text = CONTROL_CHARS.sub("", text.replace("\r\n", "\n").replace("\r", "\n")).strip()
    return text if multiline else LINE_BREAK.sub(" ", text)


def _as_text(value, path: str, max_length: int | None, out: _Collector, *, multiline=False):
    if isinstance(value, bool):
        out.add(path, "not_text")
        return None
    if isinstance(value, int):
        value = str(value)
    elif isinstance(value, float):
        value = str(int(value)) if value.is_integer() else str(value)
    elif not isinstance(value, str):
        out.add(path, "not_text")
        return None
    value = _clean(value, multiline=multiline)
    if max_length is not None and len(value) > max_length:
        out.add(path, "too_long", max=max_length, length=len(value))
        return None
    return value


def _as_int(value, path: str, out: _Collector, *, maximum: int):
    number = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str) and re.fullmatch(r"\s*-?\d{1,9}\s*", value):
        number = int(value)
    if number is None:
        out.add(path, "not_int")
    elif number > maximum:
        out.add(path, "too_large", max=maximum)
        return None
    return number


def _as_bool(value, path: str, out: _Collector):
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    out.add(path, "not_bool")
    return None


def _as_choice(value, path: str, allowed, out: _Collector):
    if isinstance(value, str) and value.strip() in allowed:
        return value.strip()
    shown = value if isinstance(value, (str, int, float)) else type(value).__name__
    out.add(path, "bad_choice", value=shown, allowed="、".join(sorted(str(a) for a in allowed)))
    return None


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _scalar(raw: Mapping, key: str, out: _Collector):
    kind, required, max_length, default = SCALARS[key]
    value = raw.get(key)
    if _blank(value):
        if required:
            out.add(key, "required")
            return None
        return default
    if kind == "text":
        return _as_text(value, key, max_length, out, multiline=key in MULTILINE)
    if kind == "code":
        return _code(value, key, max_length, out)
    if kind == "int":
        return _as_int(value, key, out, maximum=MAXIMA[key])
    if kind == "bool":
        return _as_bool(value, key, out)
    if kind == "kind":
        return _as_choice(value, key, ITEM_KIND_CODES, out)
    if kind == "type":
        return _as_choice(value, key, HANDLING_TYPE_CODES, out)
    depth = _as_int(value, key, _Collector(), maximum=FULLY_ONLINE_DEPTH)
    if depth not in ONLINE_DEPTH_VALUES:
        shown = value if isinstance(value, (str, int, float)) else type(value).__name__
        out.add(key, "bad_choice", value=shown, allowed="1、2、3、4")
        return None
    return depth


def _objects(raw: Mapping, key: str, out: _Collector) -> list[tuple[str, Mapping | None]]:
    """(path, entry) of a list of objects; a non-object entry is reported and kept as None so
    the positions of the others stay those of the input."""
    value = raw.get(key)
    if value is None:
        return []
    if not isinstance(value, (list, tuple)):
        out.add(key, "not_list")
        return []
    rows: list[tuple[str, Mapping | None]] = []
    for index, entry in enumerate(value):
        path = f"{key}[{index}]"
        if not isinstance(entry, Mapping):
            out.add(path, "not_object")
            rows.append((path, None))
            continue
        rows.append((path, entry))
    return rows


def _unknown_keys(entry: Mapping, allowed, path: str, out: _Collector) -> None:
    for key in entry:
        if key not in allowed:
            prefix = f"{path}." if path else ""
            out.add(f"{prefix}{key}", "unknown_field", key=key)


def _texts(entry: Mapping, path: str, limits: Mapping[str, int], out: _Collector) -> dict:
    result = {}
    for key, max_length in limits.items():
        value = entry.get(key)
        result[key] = (
            ""
            if _blank(value)
            else _as_text(value, f"{path}.{key}", max_length, out, multiline=key in MULTILINE)
        )
    return result


def _code(value, path: str, max_length: int, out: _Collector):
    if _blank(value):
        out.add(path, "required")
        return None
    text = _as_text(value, path, max_length, out)
    if text is not None and not CODE_RE.match(text):
        out.add(path, "bad_code")
        return None
    return text


def _entry(path: str, entry: Mapping | None, limits: Mapping[str, int], out: _Collector):
    if entry is None:
        return None
    _unknown_keys(entry, limits, path, out)
    texts = _texts(entry, path, limits, out)
    # The Excel format writes a fee as "name | standard | basis" and a step as "name：description".
    for key, value in texts.items():
        if not value:
            continue
        if limits is FEE_FIELDS and ("|" in value or "｜" in value):
            out.add(f"{path}.{key}", "separator_in_text", separator="|")
        elif limits is STEP_FIELDS and key == "name" and (":" in value or "：" in value):
            out.add(f"{path}.{key}", "separator_in_text", separator="：")
    return texts


def _material(path: str, entry: Mapping, out: _Collector) -> dict:
    _unknown_keys(entry, MATERIAL_FIELDS, path, out)
    material = {"code": _code(entry.get("code"), f"{path}.code", MATERIAL_CODE_MAX, out)}
    texts = _texts(entry, path, MATERIAL_TEXT, out)
    if not texts["name"] and f"{path}.name" not in {p.field for p in out.problems}:
        out.add(f"{path}.name", "required")
    material["name"] = texts["name"]
    required = entry.get("required")
    material["required"] = True if required is None else _as_bool(required, f"{path}.required", out)
    form = entry.get("form")
    material["form"] = (
        "paper" if _blank(form) else _as_choice(form, f"{path}.form", MATERIAL_FORM_CODES, out)
    )
    copies = entry.get("copies")
    material["copies"] = (
        1 if _blank(copies) else _as_int(copies, f"{path}.copies", out, maximum=MAXIMA["copies"])
    )
    material["source"] = texts["source"]
    material["notes"] = texts["notes"]
    licence = entry.get("licence_type")
    material["licence_type"] = (
        "" if _blank(licence) else _code(licence, f"{path}.licence_type", LICENCE_CODE_MAX, out)
    )
    for key in MATERIAL_FILE_KEYS:
        if key in entry:
            material[key] = entry[key]
    return material


def _special_procedures(raw: Mapping, out: _Collector) -> list[str]:
    value = raw.get("special_procedures")
    if value is None:
        return []
    if not isinstance(value, (list, tuple)):
        out.add("special_procedures", "not_list")
        return []
    chosen = set()
    for index, code in enumerate(value):
        if isinstance(code, str) and code.strip() in SPECIAL_PROCEDURE_CODES:
            chosen.add(code.strip())
        else:
            shown = code if isinstance(code, (str, int, float)) else type(code).__name__
            allowed = "、".join(c for c, _, _ in SPECIAL_PROCEDURES)
            out.add(f"special_procedures[{index}]", "bad_choice", value=shown, allowed=allowed)
    # The canonical order is the vocabulary's, so equal sets compare equal.
    return [code for code, _, _ in SPECIAL_PROCEDURES if code in chosen]


def normalize_content(raw, *, allow_identity: bool = False) -> tuple[dict, list[Problem]]:
    """The canonical content dict of ``raw`` (the dict shape without identity) and its problems.

    Missing optional fields get their defaults; text is stripped. The content is only usable when
    the problem list is empty.
    """
    out = _Collector()
    if not isinstance(raw, Mapping):
        out.add("__all__", "not_object")
        return {}, out.problems
    allowed = set(CONTENT_FIELDS) | (set(IDENTITY_FIELDS) if allow_identity else set())
    _unknown_keys(raw, allowed, "", out)
    content: dict = {key: _scalar(raw, key, out) for key in SCALARS}
    content["fees"] = [
        _entry(path, entry, FEE_FIELDS, out) for path, entry in _objects(raw, "fees", out)
    ]
    content["steps"] = [
        _entry(path, entry, STEP_FIELDS, out) for path, entry in _objects(raw, "steps", out)
    ]
    content["special_procedures"] = _special_procedures(raw, out)
    content["materials"] = [
        None if entry is None else _material(path, entry, out)
        for path, entry in _objects(raw, "materials", out)
    ]
    return content, out.problems


def normalize_item(raw) -> tuple[dict, list[Problem]]:
    """``normalize_content`` for a whole item, identity (impl_code, base_code, department) too."""
    content, problems = normalize_content(raw, allow_identity=True)
    if not isinstance(raw, Mapping):
        return content, problems
    out = _Collector()
    identity = {
        "impl_code": _code(raw.get("impl_code"), "impl_code", IDENTITY_LIMITS["impl_code"], out),
        "base_code": _code(raw.get("base_code"), "base_code", IDENTITY_LIMITS["base_code"], out),
    }
    department = raw.get("department")
    if _blank(department):
        out.add("department", "required")
        identity["department"] = None
    else:
        identity["department"] = _as_text(
            department, "department", IDENTITY_LIMITS["department"], out
        )
    return {**identity, **content}, out.problems + problems


def _number(value):
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def check_content(content: Mapping) -> list[Problem]:
    """The consistency rules of a version's normalized content.

    A field that did not normalize (None) is skipped, so the rules still report everything else.
    """
    out = _Collector()
    statutory = _number(content.get("statutory_limit"))
    promised = _number(content.get("promised_limit"))
    visits = _number(content.get("onsite_visits"))
    for key, value in (
        ("statutory_limit", statutory),
        ("promised_limit", promised),
        ("onsite_visits", visits),
    ):
        if value is not None and value < 0:
            out.add(key, "negative")
    if statutory is not None and promised is not None and statutory >= 0 and promised > statutory:
        out.add("promised_limit", "promised_over_statutory", promised=promised, statutory=statutory)
    if content.get("type") == IMMEDIATE and promised is not None and promised != 0:
        out.add("promised_limit", "immediate_promised_not_zero", promised=promised)
    if content.get("type") == PROMISED and promised == 0:
        out.add("promised_limit", "promised_limit_zero")
    if content.get("online_depth") == FULLY_ONLINE_DEPTH and visits is not None and visits > 0:
        out.add("onsite_visits", "fully_online_visits", visits=visits)
    if visits is not None and visits > 0 and content.get("onsite_reason") == "":
        out.add("onsite_reason", "visit_reason_missing", visits=visits)
    if content.get("basis") == "":
        out.add("basis", "basis_missing")
    for index, fee in enumerate(content.get("fees") or []):
        if fee is None:
            continue
        path = f"fees[{index}]"
        name = fee.get("name") or ""
        if fee.get("name") == "":
            out.add(f"{path}.name", "fee_name_missing")
        if fee.get("standard") == "":
            out.add(f"{path}.standard", "fee_standard_missing", fee=name)
        if fee.get("basis") == "":
            out.add(f"{path}.basis", "fee_basis_missing", fee=name)
    for index, step in enumerate(content.get("steps") or []):
        if step is not None and step.get("name") == "":
            out.add(f"steps[{index}].name", "step_name_missing")
    materials = content.get("materials")
    if materials == []:
        out.add("materials", "materials_missing")
    seen: set[str] = set()
    for index, material in enumerate(materials or []):
        if material is None:
            continue
        path = f"materials[{index}]"
        code = material.get("code")
        if code is not None and code in seen:
            out.add(f"{path}.code", "material_code_duplicate", code=code)
        if code is not None:
            seen.add(code)
        copies = _number(material.get("copies"))
        if copies is not None and copies < 0:
            out.add(f"{path}.copies", "negative")
        elif copies == 0 and material.get("form") in ("paper", "both"):
            out.add(f"{path}.copies", "material_copies_zero")
    return out.problems


def _merge(normalized: dict, problems: list[Problem], *, publish: bool) -> list[Problem]:
    checked = check_content(normalized) if normalized else []
    if not publish:
        checked = storage_problems(checked)
    reported = {p.field for p in problems}
    return problems + [p for p in checked if p.field not in reported]


def validate_content(raw, *, publish: bool) -> tuple[dict, list[Problem]]:
    """Normalize ``raw`` content and apply the rules: every rule when it is to be published, only
    the ones that make it unstorable when it is a draft."""
    normalized, problems = normalize_content(raw)
    return normalized, _merge(normalized, problems, publish=publish)


def validate_item(raw, *, publish: bool) -> tuple[dict, list[Problem]]:
    """``validate_content`` for a whole item (identity included)."""
    normalized, problems = normalize_item(raw)
    return normalized, _merge(normalized, problems, publish=publish)


def storage_problems(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.code in STORAGE_CODES]


def comparable(content: Mapping) -> dict:
    """The content without attached files, for "did anything change" comparisons."""
    result = {key: content[key] for key in CONTENT_FIELDS}
    result["materials"] = [
        {k: v for k, v in m.items() if k not in MATERIAL_FILE_KEYS} for m in content["materials"]
    ]
    return result
