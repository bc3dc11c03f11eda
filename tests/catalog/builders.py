"""Catalogue test data in the public dict shape (docs/catalog.md)."""

from __future__ import annotations

import copy

BASE_ITEM = {
    "impl_code": "11330100SCJ-XK-0001",
    "base_code": "000123456000",
    "name": "食品经营许可（新办）",
    "department": "SCJ",
    "kind": "01",
    "type": "promised",
    "statutory_limit": 20,
    "promised_limit": 10,
    "onsite_visits": 1,
    "onsite_reason": "现场核查经营场所",
    "online_depth": 3,
    "basis": "《中华人民共和国食品安全法》第三十五条",
    "conditions": "有与经营的食品品种、数量相适应的经营场所。",
    "fees": [],
    "steps": [
        {"name": "受理", "description": "窗口受理申请材料"},
        {"name": "审查", "description": "审查材料并现场核查"},
        {"name": "决定", "description": ""},
    ],
    "special_procedures": ["inspection"],
    "parallel": False,
    "place": "市民中心二楼B区12号窗口",
    "hours": "工作日 9:00-17:00",
    "consult_phone": "0571-87654321",
    "complaint_phone": "12345",
    "materials": [
        {
            "code": "M01",
            "name": "食品经营许可申请书",
            "required": True,
            "form": "paper",
            "copies": 1,
            "source": "申请人自备",
            "notes": "",
        },
        {
            "code": "M02",
            "name": "营业执照复印件",
            "required": True,
            "form": "both",
            "copies": 1,
            "source": "市场监管部门",
            "notes": "可通过电子证照共享获取",
        },
        {
            "code": "M03",
            "name": "授权委托书",
            "required": False,
            "form": "paper",
            "copies": 1,
            "source": "申请人自备",
            "notes": "委托他人办理时提供",
        },
    ],
}


def item_dict(**overrides) -> dict:
    data = copy.deepcopy(BASE_ITEM)
    data.update(overrides)
    return data


def content_dict(**overrides) -> dict:
    data = item_dict(**overrides)
    for key in ("impl_code", "base_code", "department"):
        data.pop(key)
    return data


def immediate_item(impl_code: str, **overrides) -> dict:
    values = {
        "impl_code": impl_code,
        "name": "食品经营许可证补办",
        "type": "immediate",
        "statutory_limit": 0,
        "promised_limit": 0,
        "onsite_visits": 0,
        "onsite_reason": "",
        "online_depth": 4,
        "special_procedures": [],
    }
    values.update(overrides)
    return item_dict(**values)


# Every consistency rule: (case id, overrides of the base item, field, code).
RULE_CASES = [
    (
        "promised over statutory",
        {"promised_limit": 25},
        "promised_limit",
        "promised_over_statutory",
    ),
    (
        "immediate with a promised limit",
        {"type": "immediate", "promised_limit": 5},
        "promised_limit",
        "immediate_promised_not_zero",
    ),
    ("promised with limit 0", {"promised_limit": 0}, "promised_limit", "promised_limit_zero"),
    (
        "depth IV with a visit",
        {"online_depth": 4, "onsite_visits": 1},
        "onsite_visits",
        "fully_online_visits",
    ),
    (
        "visits without a reason",
        {"onsite_visits": 2, "onsite_reason": ""},
        "onsite_reason",
        "visit_reason_missing",
    ),
    (
        "fee without basis",
        {"fees": [{"name": "工本费", "standard": "10元/证", "basis": ""}]},
        "fees[0].basis",
        "fee_basis_missing",
    ),
    (
        "fee without standard",
        {"fees": [{"name": "工本费", "standard": "", "basis": "发改价格〔2017〕1186号"}]},
        "fees[0].standard",
        "fee_standard_missing",
    ),
    (
        "fee without name",
        {"fees": [{"name": "", "standard": "10元", "basis": "发改价格〔2017〕1186号"}]},
        "fees[0].name",
        "fee_name_missing",
    ),
    ("no material", {"materials": []}, "materials", "materials_missing"),
    (
        "material code twice",
        {
            "materials": [
                {"code": "M01", "name": "申请书"},
                {"code": "M01", "name": "身份证明"},
            ]
        },
        "materials[1].code",
        "material_code_duplicate",
    ),
    (
        "paper material without copies",
        {"materials": [{"code": "M01", "name": "申请书", "form": "paper", "copies": 0}]},
        "materials[0].copies",
        "material_copies_zero",
    ),
    ("negative statutory limit", {"statutory_limit": -1}, "statutory_limit", "negative"),
    ("negative promised limit", {"promised_limit": -3}, "promised_limit", "negative"),
    ("negative visits", {"onsite_visits": -1}, "onsite_visits", "negative"),
    (
        "negative copies",
        {"materials": [{"code": "M01", "name": "申请书", "copies": -1}]},
        "materials[0].copies",
        "negative",
    ),
    ("no legal basis", {"basis": ""}, "basis", "basis_missing"),
    (
        "step without name",
        {"steps": [{"name": "", "description": "审查"}]},
        "steps[0].name",
        "step_name_missing",
    ),
]
