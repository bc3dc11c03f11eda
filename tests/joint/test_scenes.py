"""A scene's rules: publishing, the merged materials, the speed-up figures (seed 001)."""

from __future__ import annotations

import pytest

from zhengwu.joint.scenes import (
    ItemFacts,
    MaterialFacts,
    merge_materials,
    scene_problems,
    speedup,
    stages_of,
)

# 模块化审批 of construction projects, four stages (立项用地规划许可, 工程建设许可, 施工许可,
# 竣工验收): (statutory limit, process steps) of each item.
SEED_001_STAGES = [
    [(20, 15), (20, 10), (20, 8), (15, 7)],
    [(20, 15), (20, 10), (20, 9), (15, 6)],
    [(20, 12), (20, 8), (10, 3)],
    [(12, 6), (10, 1), (10, 1)],
]


def seed_items() -> list[ItemFacts]:
    return [
        ItemFacts(f"ITEM-{s}-{i}", f"D{s}{i}", s, True, limit, steps)
        for s, stage in enumerate(SEED_001_STAGES)
        for i, (limit, steps) in enumerate(stage)
    ]


def test_seed_001_working_days_232_to_72():
    stages = stages_of(seed_items())
    days = speedup([[item.statutory_limit for item in stage] for stage in stages])
    assert (days.serial, days.parallel, days.percent) == (232, 72, 69)


def test_seed_001_steps_111_to_48():
    stages = stages_of(seed_items())
    steps = speedup([[item.steps for item in stage] for stage in stages])
    assert (steps.serial, steps.parallel, steps.percent) == (111, 48, 57)


def test_nothing_to_reduce():
    assert speedup([]).reduction == 0.0
    assert speedup([[5]]).percent == 0


def item(code, department, stage=0, published=True):
    return ItemFacts(code, department, stage, published)


def test_a_publishable_scene():
    items = [item("A", "SCJ"), item("B", "XFJ"), item("C", "SCJ", 1)]
    assert scene_problems(items, lead_department="SCJ", promised_limit=45) == []


@pytest.mark.parametrize(
    ("items", "lead", "promised", "problems"),
    [
        ([item("A", "SCJ")], "SCJ", 10, ["too_few_items", "too_few_departments"]),
        ([item("A", "SCJ"), item("B", "SCJ")], "SCJ", 10, ["too_few_departments"]),
        ([item("A", "SCJ"), item("B", "XFJ", published=False)], "SCJ", 10, ["item_not_published"]),
        ([item("A", "SCJ"), item("B", "XFJ")], "ZJJ", 10, ["lead_not_among"]),
        ([item("A", "SCJ"), item("B", "XFJ")], "SCJ", 46, ["promised_too_long"]),
        ([item("A", "SCJ"), item("B", "XFJ", 2)], "SCJ", 10, ["empty_stage"]),
    ],
)
def test_publishing_rules(items, lead, promised, problems):
    assert scene_problems(items, lead_department=lead, promised_limit=promised) == problems


def test_a_material_several_items_need_appears_once():
    merged = merge_materials(
        [
            MaterialFacts("A", "M01", "食品经营许可申请书", True),
            MaterialFacts("A", "M02", "营业执照", True, "YYZZ"),
            MaterialFacts("B", "M01", "营业执照 ", False),
            MaterialFacts("B", "M02", "消防设计文件", False),
        ]
    )
    assert [(m.code, m.name, m.required, m.items) for m in merged] == [
        ("S01", "食品经营许可申请书", True, ["A"]),
        ("S02", "营业执照", True, ["A", "B"]),
        ("S03", "消防设计文件", False, ["B"]),
    ]
    assert merged[1].sources == {"A": "M02", "B": "M01"}
    assert merged[1].licence_type == "YYZZ"


def test_a_licence_an_earlier_stage_issues_is_not_asked_for_at_intake():
    """开办餐饮店: the 营业执照 the food licence needs comes from the scene's first stage, so the
    application does not ask for it; a material of the first stage itself still is."""
    merged = merge_materials(
        [
            MaterialFacts("GT", "M01", "个体工商户登记申请书", True, "", 0),
            MaterialFacts("SP", "M01", "营业执照", True, "YYZZ", 1),
            MaterialFacts("WS", "M01", "营业执照", True, "YYZZ", 1),
            MaterialFacts("WS", "M02", "卫生检测报告", True, "GGWS", 1),
        ],
        issued={"YYZZ": 0},
    )
    assert [(m.name, m.required, m.items) for m in merged] == [
        ("个体工商户登记申请书", True, ["GT"]),
        ("营业执照", False, ["SP", "WS"]),
        ("卫生检测报告", True, ["WS"]),
    ]
    same_stage = merge_materials(
        [MaterialFacts("SP", "M01", "营业执照", True, "YYZZ", 0)], issued={"YYZZ": 0}
    )
    assert same_stage[0].required is True
