"""Seed 001 (政协兰州市委员会, 2017): 28 enterprise representatives and 8 CPPCC members
scored six window units; 市住房保障和房产管理局、市城乡建设局、市发改委、市城乡规划局 优秀,
市国土资源局、市环保局 良好. The equivalent answers here: every respondent gives each unit
one score per question."""

from __future__ import annotations

UNITS = (
    ("FGW", "市发改委"),
    ("GTJ", "市国土资源局"),
    ("HBJ", "市环境保护局"),
    ("JSJ", "市城乡建设局"),
    ("GHJ", "市城乡规划局"),
    ("FCJ", "市住房保障和房产管理局"),
)
GROUPS = (("企业代表", "0.6", 28), ("政协委员", "0.4", 8))
QUESTIONS = [
    {"code": "attitude", "section": "服务", "text": "服务态度", "kind": "score", "weight": 30},
    {"code": "efficiency", "section": "效能", "text": "办事效率", "kind": "score", "weight": 40},
    {"code": "openness", "section": "公开", "text": "政务公开", "kind": "level", "weight": 30},
    {"code": "opinion", "section": "意见", "text": "意见和建议", "kind": "text", "weight": 0},
]
# (enterprise score, members' score) per unit for the score questions; level 5 = 100, 4 = 80.
SCORES = {
    "FCJ": ((96, 5), (94, 5)),
    "JSJ": ((94, 5), (92, 5)),
    "FGW": ((92, 5), (90, 4)),
    "GHJ": ((90, 5), (91, 4)),
    "GTJ": ((86, 4), (84, 4)),
    "HBJ": ((84, 4), (85, 4)),
}
OPINIONS = ("审批时间还需压缩", "部分事项审批时间长", "窗口授权不到位", "窗口只收件", "")


def answers(group: str, index: int) -> dict:
    """One respondent's answers to every unit."""
    column = 0 if group == "企业代表" else 1
    result = {}
    for code, _name in UNITS:
        score, level = SCORES[code][column]
        given = {"attitude": score, "efficiency": score, "openness": level}
        opinion = OPINIONS[index % len(OPINIONS)] if code in ("GTJ", "HBJ") else ""
        if opinion:
            given["opinion"] = opinion
        result[code] = given
    return result


EXPECTED_EXCELLENT = {"FCJ", "JSJ", "FGW", "GHJ"}
EXPECTED_GOOD = {"GTJ", "HBJ"}
