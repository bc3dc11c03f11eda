from django import template

from zhengwu.supervision import presenters, selectors

register = template.Library()


@register.inclusion_tag("supervision/_case_panel.html", takes_context=True)
def case_supervision(context, case):
    """The case page's warnings and irregularities (the viewer has already seen the case)."""
    found = selectors.for_case(case)
    rows = list(found["irregularities"])
    people = presenters.evidence_people(rows)  # one query for all of them
    return {
        "warnings": found["warnings"],
        "irregularities": [(row, presenters.evidence_lines(row, people)) for row in rows],
        "may_supervise": selectors.may_supervise(context["request"].user),
    }


@register.filter
def get_item(mapping, key):
    return (mapping or {}).get(key)
