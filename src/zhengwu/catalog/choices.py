"""The catalogue's vocabularies. Pure: no Django imports, so the case engine and rules can use them.

Each vocabulary is a tuple of ``(code, English label msgid, Chinese file label)``:

- the code is what is stored and what the API and the dict import speak;
- the English label is a msgid; the Django layer translates it for pages (``choice_list``);
- the Chinese label is the fixed spelling used in the Excel files (a file format, not UI text).

``gettext_noop`` only marks the labels for ``makemessages``.
"""

from __future__ import annotations


def gettext_noop(message: str) -> str:
    return message


ITEM_KINDS: tuple[tuple[str, str, str], ...] = (
    ("01", gettext_noop("Administrative licensing"), "行政许可"),
    ("02", gettext_noop("Administrative penalty"), "行政处罚"),
    ("03", gettext_noop("Administrative compulsion"), "行政强制"),
    ("04", gettext_noop("Administrative levy"), "行政征收"),
    ("05", gettext_noop("Administrative payment"), "行政给付"),
    ("06", gettext_noop("Administrative inspection"), "行政检查"),
    ("07", gettext_noop("Administrative confirmation"), "行政确认"),
    ("08", gettext_noop("Administrative reward"), "行政奖励"),
    ("09", gettext_noop("Administrative adjudication"), "行政裁决"),
    ("10", gettext_noop("Other administrative power"), "其他行政权力"),
    ("20", gettext_noop("Public service"), "公共服务"),
)

IMMEDIATE = "immediate"
PROMISED = "promised"
HANDLING_TYPES: tuple[tuple[str, str, str], ...] = (
    (IMMEDIATE, gettext_noop("Immediate (decided on the spot)"), "即办件"),
    (PROMISED, gettext_noop("Promised (decided within the promised limit)"), "承诺件"),
)

MATERIAL_FORMS: tuple[tuple[str, str, str], ...] = (
    ("paper", gettext_noop("Paper"), "纸质"),
    ("electronic", gettext_noop("Electronic"), "电子"),
    ("both", gettext_noop("Paper and electronic"), "纸质和电子"),
)

# 行政许可法 art. 45: the time these take is not counted in the decision limit.
SPECIAL_PROCEDURES: tuple[tuple[str, str, str], ...] = (
    ("hearing", gettext_noop("Hearing"), "听证"),
    ("tender", gettext_noop("Tender"), "招标"),
    ("auction", gettext_noop("Auction"), "拍卖"),
    ("inspection", gettext_noop("Inspection"), "检验"),
    ("testing", gettext_noop("Testing"), "检测"),
    ("quarantine", gettext_noop("Quarantine"), "检疫"),
    ("appraisal", gettext_noop("Appraisal"), "鉴定"),
    ("expert_review", gettext_noop("Expert review"), "专家评审"),
)

# Online service depth: Ⅰ guide online … Ⅳ fully online (zero visits).
ONLINE_DEPTHS: tuple[tuple[int, str, str], ...] = (
    (1, gettext_noop("Ⅰ: guide and forms online"), "Ⅰ"),
    (2, gettext_noop("Ⅱ: online pre-review"), "Ⅱ"),
    (3, gettext_noop("Ⅲ: online acceptance, at most one visit"), "Ⅲ"),
    (4, gettext_noop("Ⅳ: fully online, no visit"), "Ⅳ"),
)
FULLY_ONLINE_DEPTH = 4

ITEM_KIND_CODES = frozenset(code for code, _, _ in ITEM_KINDS)
HANDLING_TYPE_CODES = frozenset(code for code, _, _ in HANDLING_TYPES)
MATERIAL_FORM_CODES = frozenset(code for code, _, _ in MATERIAL_FORMS)
SPECIAL_PROCEDURE_CODES = frozenset(code for code, _, _ in SPECIAL_PROCEDURES)
ONLINE_DEPTH_VALUES = frozenset(value for value, _, _ in ONLINE_DEPTHS)


def choice_pairs(vocabulary) -> list[tuple]:
    """``[(code, English label)]`` for a Django ``choices=`` (translate the labels there)."""
    return [(code, label) for code, label, _ in vocabulary]


def file_label(vocabulary, code) -> str:
    """The Chinese spelling of ``code`` in the Excel files ("" when unknown)."""
    for value, _, chinese in vocabulary:
        if value == code:
            return chinese
    return ""


def code_from_file_label(vocabulary, text: str):
    """The code whose Chinese file label or code equals ``text``; None when nothing matches."""
    text = text.strip()
    for value, _, chinese in vocabulary:
        if text in (chinese, str(value)):
            return value
    return None
