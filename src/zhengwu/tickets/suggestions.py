"""What the intake form suggests while the operator types: a category and a handling unit.

The category: the classifier's when a model exists and it is sure enough (probability at least
``TICKET_CLASSIFIER_MIN_PROBABILITY``, default 0.2), else a routing rule's. The unit: the routing
rules for that category and text, else the classifier's. The operator always confirms: nothing
here is written anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from zhengwu.accounts.models import Department
from zhengwu.tickets import classifier, routing
from zhengwu.tickets.models import Category, RoutingRule


@dataclass(frozen=True)
class Suggestion:
    category: Category | None
    department: Department | None
    category_source: str = ""  # "model" | "rule" | ""
    department_source: str = ""
    category_probability: float | None = None
    department_probability: float | None = None
    rule: routing.Rule | None = None


def load_rules() -> list[routing.Rule]:
    """The active routing rules as the matcher takes them (one query)."""
    rows = (
        RoutingRule.objects.filter(active=True)
        .select_related("category", "department")
        .order_by("order", "id")
    )
    return [
        routing.Rule(
            order=r.order,
            id=r.pk,
            category=r.category.code if r.category_id else "",
            keywords=routing.parse_keywords(r.keywords),
            area=r.area,
            department=r.department.code,
            note=r.note,
        )
        for r in rows
    ]


def ancestors(category: Category | None) -> list[str]:
    codes = []
    seen = set()
    node = category.parent if category is not None else None
    while node is not None and node.pk not in seen:
        seen.add(node.pk)
        codes.append(node.code)
        node = node.parent
    return codes


def route(
    *, content: str, address: str = "", area: str = "", category: Category | None = None
) -> routing.Decision | None:
    return routing.match(
        load_rules(),
        content=content,
        address=address,
        area=area,
        category=category.code if category is not None else "",
        ancestors=ancestors(category),
    )


def suggest(
    *, content: str, address: str = "", area: str = "", category: Category | None = None
) -> Suggestion:
    """The suggestion for a call; ``category`` is the one the operator chose, if any.

    Category: the operator's, else the classifier's when sure enough, else a routing rule's.
    Unit: the routing rules for that category and text (the administrators' explicit routing
    wins), else the classifier's when sure enough."""
    floor = settings.TICKET_CLASSIFIER_MIN_PROBABILITY
    guess = classifier.predict(content) if (content or "").strip() else None
    chosen, category_source, category_probability = category, "", None
    if chosen is None and guess is not None and guess.category is not None:
        if guess.category.probability >= floor:
            chosen = Category.objects.filter(code=guess.category.code, active=True).first()
            if chosen is not None:
                category_source, category_probability = "model", guess.category.probability
    decision = route(content=content, address=address, area=area, category=chosen)
    if chosen is None and decision is not None and decision.category:
        chosen = Category.objects.filter(code=decision.category, active=True).first()
        category_source = "rule" if chosen is not None else ""
    department, department_source, department_probability = None, "", None
    if decision is not None:
        department = Department.objects.filter(code=decision.department).first()
        department_source = "rule" if department is not None else ""
    if department is None and guess is not None and guess.department is not None:
        if guess.department.probability >= floor:
            department = Department.objects.filter(code=guess.department.code).first()
            if department is not None:
                department_source = "model"
                department_probability = guess.department.probability
    return Suggestion(
        category=chosen,
        department=department,
        category_source=category_source,
        department_source=department_source,
        category_probability=category_probability,
        department_probability=department_probability,
        rule=decision.rule if decision is not None else None,
    )
