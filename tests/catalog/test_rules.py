"""The pure rules: normalization of the dict shape and the consistency rules (no database)."""

from __future__ import annotations

import ast
import pathlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.catalog.builders import RULE_CASES, content_dict, immediate_item, item_dict
from zhengwu.catalog import choices, rules

CATALOG = pathlib.Path(rules.__file__).parent


def problems_of(data: dict) -> list[tuple[str, str]]:
    normalized, problems = rules.normalize_item(data)
    if not problems:
        problems = rules.check_content(normalized)
    return [(p.field, p.code) for p in problems]


def test_the_base_item_is_consistent():
    assert problems_of(item_dict()) == []


def test_an_immediate_fully_online_item_is_consistent():
    assert problems_of(immediate_item("X-1")) == []


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [case[1:] for case in RULE_CASES],
    ids=[case[0] for case in RULE_CASES],
)
def test_each_consistency_rule(overrides, field, code):
    assert (field, code) in problems_of(item_dict(**overrides))


@pytest.mark.parametrize(
    "overrides",
    [
        {"promised_limit": 20},  # equal to the statutory limit
        {"onsite_visits": 0, "onsite_reason": ""},
        {"online_depth": 4, "onsite_visits": 0, "onsite_reason": ""},
        {"fees": [{"name": "工本费", "standard": "10元/证", "basis": "发改价格〔2017〕1186号"}]},
        {"materials": [{"code": "E01", "name": "电子照片", "form": "electronic", "copies": 0}]},
        {"special_procedures": ["expert_review", "hearing", "hearing"]},
        {"steps": []},
    ],
)
def test_allowed_variants(overrides):
    assert problems_of(item_dict(**overrides)) == []


def test_several_problems_are_all_reported():
    found = problems_of(item_dict(promised_limit=30, onsite_reason="", basis="", materials=[]))
    assert ("promised_limit", "promised_over_statutory") in found
    assert ("onsite_reason", "visit_reason_missing") in found
    assert ("basis", "basis_missing") in found
    assert ("materials", "materials_missing") in found


SHAPE_CASES = [
    ({"name": None}, "name", "required"),
    ({"name": "   "}, "name", "required"),
    ({"impl_code": ""}, "impl_code", "required"),
    ({"impl_code": "11/22"}, "impl_code", "bad_code"),
    ({"base_code": "代码"}, "base_code", "bad_code"),
    ({"department": None}, "department", "required"),
    ({"color": "red"}, "color", "unknown_field"),
    ({"kind": "99"}, "kind", "bad_choice"),
    ({"kind": 1}, "kind", "bad_choice"),
    ({"type": "fast"}, "type", "bad_choice"),
    ({"statutory_limit": "twenty"}, "statutory_limit", "not_int"),
    ({"statutory_limit": True}, "statutory_limit", "not_int"),
    ({"statutory_limit": 2.5}, "statutory_limit", "not_int"),
    ({"online_depth": 5}, "online_depth", "bad_choice"),
    ({"online_depth": "Ⅳ"}, "online_depth", "bad_choice"),
    ({"statutory_limit": 10**12}, "statutory_limit", "too_large"),
    ({"onsite_visits": 100}, "onsite_visits", "too_large"),
    (
        {"materials": [{"code": "M01", "name": "申请书", "copies": 5000}]},
        "materials[0].copies",
        "too_large",
    ),
    (
        {"fees": [{"name": "工本费|证", "standard": "10元", "basis": "文件"}]},
        "fees[0].name",
        "separator_in_text",
    ),
    ({"steps": [{"name": "受理：窗口", "description": ""}]}, "steps[0].name", "separator_in_text"),
    ({"parallel": "yes"}, "parallel", "not_bool"),
    ({"name": ["a"]}, "name", "not_text"),
    ({"name": "长" * 201}, "name", "too_long"),
    ({"fees": "free"}, "fees", "not_list"),
    ({"fees": [{"name": "工本费", "price": 1}]}, "fees[0].price", "unknown_field"),
    ({"steps": ["受理"]}, "steps[0]", "not_object"),
    ({"special_procedures": "hearing"}, "special_procedures", "not_list"),
    ({"special_procedures": ["magic"]}, "special_procedures[0]", "bad_choice"),
    ({"materials": {"code": "M01"}}, "materials", "not_list"),
    ({"materials": [{"code": "M 1", "name": "申请书"}]}, "materials[0].code", "bad_code"),
    ({"materials": [{"code": "M01"}]}, "materials[0].name", "required"),
    ({"materials": [{"name": "申请书"}]}, "materials[0].code", "required"),
    (
        {"materials": [{"code": "M01", "name": "申请书", "form": "fax"}]},
        "materials[0].form",
        "bad_choice",
    ),
    (
        {"materials": [{"code": "M01", "name": "申请书", "required": "Y"}]},
        "materials[0].required",
        "not_bool",
    ),
    (
        {"materials": [{"code": "M01", "name": "申请书", "copies": "两"}]},
        "materials[0].copies",
        "not_int",
    ),
]


@pytest.mark.parametrize(("overrides", "field", "code"), SHAPE_CASES)
def test_shape_problems(overrides, field, code):
    assert (field, code) in problems_of(item_dict(**overrides))


def test_a_non_mapping_is_one_problem():
    assert problems_of(["not", "an", "item"]) == [("__all__", "not_object")]


def test_normalization_fills_defaults_and_strips():
    raw = {
        key: value
        for key, value in content_dict(name="  食品经营许可  ").items()
        if key not in ("fees", "steps", "special_procedures", "parallel", "place")
    }
    raw["materials"] = [{"code": " M01 ", "name": "申请书"}]
    raw["statutory_limit"] = "20"
    content, problems = rules.normalize_content(raw)
    assert problems == []
    assert content["name"] == "食品经营许可"
    assert content["statutory_limit"] == 20
    assert content["fees"] == [] and content["steps"] == [] and content["parallel"] is False
    assert content["materials"] == [
        {
            "code": "M01",
            "name": "申请书",
            "required": True,
            "form": "paper",
            "copies": 1,
            "source": "",
            "notes": "",
            "licence_type": "",
        }
    ]


def test_text_loses_control_characters_and_one_line_fields_their_breaks():
    content, problems = rules.normalize_content(
        content_dict(name="食品\x00经营\r\n许可", basis="第一条\r\n第二条\x07", place="二楼\n  B区")
    )
    assert problems == []
    assert content["name"] == "食品经营 许可"
    assert content["basis"] == "第一条\n第二条"
    assert content["place"] == "二楼 B区"


def test_special_procedures_take_the_vocabulary_order_once():
    content, _ = rules.normalize_content(
        content_dict(special_procedures=["testing", "hearing", "testing"])
    )
    assert content["special_procedures"] == ["hearing", "testing"]


def test_identity_keys_are_unknown_in_content():
    _, problems = rules.normalize_content(item_dict())
    assert {p.field for p in problems} == {"impl_code", "base_code", "department"}


def test_storage_codes_select_what_blocks_a_draft():
    _, problems = rules.normalize_item(item_dict(promised_limit=30))
    checked = rules.check_content(rules.normalize_item(item_dict(promised_limit=30))[0])
    assert problems == []
    assert rules.storage_problems(checked) == []
    duplicate = item_dict(materials=[{"code": "A", "name": "x"}, {"code": "A", "name": "y"}])
    checked = rules.check_content(rules.normalize_item(duplicate)[0])
    assert [p.code for p in rules.storage_problems(checked)] == ["material_code_duplicate"]


def test_every_problem_code_has_a_message_that_formats():
    sample = {
        "key": "x",
        "max": 1,
        "length": 2,
        "value": "v",
        "allowed": "a",
        "promised": 1,
        "statutory": 0,
        "visits": 1,
        "fee": "f",
        "code": "c",
        "current": "d",
        "separator": "|",
    }
    for code, message in rules.MESSAGES.items():
        assert message % sample, code


def test_the_eight_special_procedures():
    assert [code for code, _l, _z in choices.SPECIAL_PROCEDURES] == [
        "hearing",
        "tender",
        "auction",
        "inspection",
        "testing",
        "quarantine",
        "appraisal",
        "expert_review",
    ]
    assert [zh for _c, _l, zh in choices.SPECIAL_PROCEDURES] == [
        "听证",
        "招标",
        "拍卖",
        "检验",
        "检测",
        "检疫",
        "鉴定",
        "专家评审",
    ]
    assert len(choices.ITEM_KINDS) == 11 and choices.ITEM_KINDS[-1][0] == "20"


@pytest.mark.parametrize("module", ["rules.py", "choices.py"])
def test_pure_modules_import_no_django(module):
    tree = ast.parse((CATALOG / module).read_text())
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported.add(node.module or "")
    assert not any(name.split(".")[0] == "django" for name in imported), imported


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=6)
    ),
    max_leaves=20,
)
item_like = st.fixed_dictionaries(
    {},
    optional={key: json_values for key in (*rules.CONTENT_FIELDS, *rules.IDENTITY_FIELDS)},
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(json_values, item_like))
def test_malformed_input_gives_problems_never_an_exception(raw):
    normalized, problems = rules.normalize_item(raw)
    assert isinstance(problems, list)
    if not problems:
        rules.check_content(normalized)
