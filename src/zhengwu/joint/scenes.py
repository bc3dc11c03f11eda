"""A scene's rules (一件事, DOMAIN §10): what publishing needs, the merged material list and the
speed-up figures. Pure: no Django.

Publishing a scene version needs (``scene_problems``, each problem a stable code):

- ``too_few_items``: at least two items; ``too_few_departments``: of at least two departments;
- ``item_not_published``: every item has a published catalogue version;
- ``lead_not_among``: the lead department handles one of the items;
- ``promised_too_long``: the promised limit is at most the joint limit (45 working days);
- ``empty_stage``: the stages are numbered 0, 1, 2 ... with none left empty.

Speed-up figures [cfg] (``speedup``): serial = Σ of the items' figures (one after another);
parallel = Σ over stages of the largest figure in the stage (items of a stage run at once);
reduction = 1 − parallel ÷ serial. The same arithmetic serves working days (statutory limits) and
process steps.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from zhengwu.joint.clocks import JOINT_LIMIT

__all__ = [
    "ItemFacts",
    "MaterialFacts",
    "MergedMaterial",
    "Speedup",
    "merge_materials",
    "scene_problems",
    "speedup",
    "stages_of",
]


@dataclass(frozen=True, slots=True)
class ItemFacts:
    impl_code: str
    department: str  # the department's code
    stage: int
    published: bool
    statutory_limit: int = 0
    steps: int = 0


@dataclass(frozen=True, slots=True)
class Speedup:
    serial: int
    parallel: int

    @property
    def reduction(self) -> float:
        """1 − parallel ÷ serial (0 when there is nothing to reduce)."""
        return 0.0 if self.serial <= 0 else 1 - self.parallel / self.serial

    @property
    def percent(self) -> int:
        """The reduction in whole percent, rounded half up (232 → 72 is 69)."""
        return int(self.reduction * 100 + 0.5)


def stages_of(items: Iterable[ItemFacts]) -> list[list[ItemFacts]]:
    """The items grouped by stage, in stage order (empty stages dropped)."""
    by_stage: dict[int, list[ItemFacts]] = {}
    for item in items:
        by_stage.setdefault(item.stage, []).append(item)
    return [by_stage[stage] for stage in sorted(by_stage)]


def speedup(stages: Sequence[Sequence[int]]) -> Speedup:
    """Serial and parallel totals of per-item figures grouped in stages."""
    serial = sum(sum(stage) for stage in stages)
    parallel = sum(max(stage) for stage in stages if stage)
    return Speedup(serial, parallel)


def scene_problems(
    items: Sequence[ItemFacts], *, lead_department: str, promised_limit: int
) -> list[str]:
    """The codes of every rule a scene version breaks; empty when it may be published."""
    problems = []
    if len(items) < 2:
        problems.append("too_few_items")
    if len({item.department for item in items}) < 2:
        problems.append("too_few_departments")
    if any(not item.published for item in items):
        problems.append("item_not_published")
    if lead_department not in {item.department for item in items}:
        problems.append("lead_not_among")
    if promised_limit > JOINT_LIMIT:
        problems.append("promised_too_long")
    stages = sorted({item.stage for item in items})
    if stages and stages != list(range(len(stages))):
        problems.append("empty_stage")
    return problems


@dataclass(frozen=True, slots=True)
class MaterialFacts:
    impl_code: str
    code: str
    name: str
    required: bool
    licence_type: str = ""
    stage: int = 0


@dataclass(frozen=True, slots=True)
class MergedMaterial:
    code: str
    name: str
    required: bool
    licence_type: str
    sources: dict[str, str]  # impl_code → that item's material code

    @property
    def items(self) -> list[str]:
        return list(self.sources)


def _key(name: str) -> str:
    return "".join(name.split())


def merge_materials(
    materials: Iterable[MaterialFacts], *, issued: Mapping[str, int] | None = None
) -> list[MergedMaterial]:
    """One material per distinct name (blanks ignored), in first-seen order, coded ``S01``,
    ``S02`` ...: required when any item requires it; the licence type that satisfies it, when
    an item names one. A name one item lists twice serves that item with its first code.

    ``issued`` maps a licence type to the first stage whose item issues it: a material that a
    licence issued by an earlier stage of the same scene stands in for is not asked for at
    intake (the 营业执照 a food business licence needs comes from the scene's first stage)."""
    issued = issued or {}
    merged: dict[str, dict] = {}
    for material in materials:
        entry = merged.setdefault(
            _key(material.name),
            {"name": material.name.strip(), "required": False, "licence": "", "sources": {}},
        )
        comes_earlier = issued.get(material.licence_type, material.stage) < material.stage
        entry["required"] = entry["required"] or (material.required and not comes_earlier)
        entry["licence"] = entry["licence"] or material.licence_type
        entry["sources"].setdefault(material.impl_code, material.code)
    return [
        MergedMaterial(
            code=f"S{index:02d}",
            name=entry["name"],
            required=entry["required"],
            licence_type=entry["licence"],
            sources=entry["sources"],
        )
        for index, entry in enumerate(merged.values(), start=1)
    ]
