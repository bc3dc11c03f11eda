"""The default ticket categories (DOMAIN.md §7): consultation areas, and the efficiency-complaint
categories of the county study in the seeds under 效能投诉. Pure data plus one idempotent loader
that takes the model class, so the data migration and ``services.seed_ticket_categories`` share it.
"""

from __future__ import annotations

EFFICIENCY_PARENT = "XNTS"
# (code, name, kind hint, is_efficiency, children: (code, name))
TREE: tuple[tuple[str, str, str, bool, tuple[tuple[str, str], ...]], ...] = (
    (
        "SCJG",
        "市场监管",
        "consult",
        False,
        (
            ("SCJG01", "食品安全"),
            ("SCJG02", "消费维权"),
            ("SCJG03", "价格收费"),
            ("SCJG04", "市场主体登记"),
        ),
    ),
    (
        "ZFCJ",
        "住房城建",
        "consult",
        False,
        (
            ("ZFCJ01", "物业管理"),
            ("ZFCJ02", "住房保障"),
            ("ZFCJ03", "违法建设"),
            ("ZFCJ04", "市政设施"),
        ),
    ),
    (
        "SHBZ",
        "社会保障",
        "consult",
        False,
        (
            ("SHBZ01", "社会保险"),
            ("SHBZ02", "劳动就业"),
            ("SHBZ03", "工资拖欠"),
            ("SHBZ04", "社会救助"),
        ),
    ),
    (
        "JTCX",
        "交通出行",
        "consult",
        False,
        (("JTCX01", "公共交通"), ("JTCX02", "道路交通"), ("JTCX03", "出租网约车")),
    ),
    ("JY", "教育", "consult", False, (("JY01", "入学招生"), ("JY02", "校外培训"))),
    ("YLWS", "医疗卫生", "consult", False, (("YLWS01", "医疗服务"), ("YLWS02", "医疗保障"))),
    (
        "STHJ",
        "生态环境",
        "complaint",
        False,
        (("STHJ01", "噪声扰民"), ("STHJ02", "大气污染"), ("STHJ03", "水污染")),
    ),
    (
        "ZWFW",
        "政务服务",
        "consult",
        False,
        (("ZWFW01", "办事指南"), ("ZWFW02", "办件进度"), ("ZWFW03", "证照办理")),
    ),
    (
        EFFICIENCY_PARENT,
        "效能投诉",
        "complaint",
        True,
        (
            ("XNTS01", "滥用职权执法不公"),
            ("XNTS02", "推诿扯皮效率低下"),
            ("XNTS03", "作风粗暴态度生硬"),
            ("XNTS04", "吃拿卡要以权谋私"),
            ("XNTS05", "违反工作纪律"),
            ("XNTS06", "其他"),
        ),
    ),
)


def load(category_model) -> int:
    """Create the categories that do not exist yet (by code); never changes an existing one.
    Returns how many were created."""
    created = 0
    for order, (code, name, kind, efficiency, children) in enumerate(TREE, start=1):
        parent, made = category_model.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "kind_hint": kind,
                "is_efficiency": efficiency,
                "order": order * 100,
            },
        )
        created += made
        for index, (child_code, child_name) in enumerate(children, start=1):
            _child, made = category_model.objects.get_or_create(
                code=child_code,
                defaults={
                    "name": child_name,
                    "parent": parent,
                    "kind_hint": kind,
                    "is_efficiency": efficiency,
                    "order": order * 100 + index,
                },
            )
            created += made
    return created
