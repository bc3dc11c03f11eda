"""Made-up technical bids: each bidder's own wording from a seeded vocabulary, the tender's template
text that every bid repeats, and copies planted where a test wants them."""

from __future__ import annotations

import random

# Stock phrases of the trade: every honest bid uses some of them.
STOCK = [
    "确保工程质量",
    "安全文明施工",
    "严格按照设计图纸和施工规范",
    "项目经理部",
    "施工进度计划",
    "质量管理体系",
    "环境保护措施",
    "季节性施工措施",
    "成品保护",
    "竣工验收",
]

TEMPLATE = (
    "第一章 投标函。根据贵方招标文件，我方承诺在投标有效期内不修改、撤销投标文件，"
    "并按招标文件的规定提交履约担保。第二章 施工组织设计：包括工程概况、施工部署、"
    "施工方案、质量保证措施、安全保证措施、工期保证措施、文明施工措施和应急预案。"
    "第三章 项目管理机构：项目经理、技术负责人、施工员、质量员、安全员、材料员、资料员。"
) * 3


def vocabulary(seed: int, size: int = 400) -> list[str]:
    """``size`` made-up words of two to four Chinese characters."""
    rng = random.Random(seed)
    return [
        "".join(chr(rng.randint(0x4E00, 0x9FA5)) for _ in range(rng.randint(2, 4)))
        for _ in range(size)
    ]


WORDS = vocabulary(2026)


def own_text(seed: int, sentences: int = 120) -> str:
    """One bidder's own wording: sentences of made-up words and stock phrases."""
    rng = random.Random(seed)
    out = []
    for _ in range(sentences):
        words = [rng.choice(WORDS) for _ in range(rng.randint(4, 9))]
        if rng.random() < 0.4:
            words.insert(rng.randrange(len(words)), rng.choice(STOCK))
        out.append("".join(words) + rng.choice("，。；"))
    return "".join(out)


def honest_bid(seed: int) -> str:
    return TEMPLATE + own_text(seed)
