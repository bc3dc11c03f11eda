from django import template

from zhengwu.supervision import presenters, selectors

register = template.Library()


@register.inclusion_tag("supervision/_case_panel.html", takes_context=True)
def case_supervision(context, case):
    """The case page's warnings and irregularities (the viewer has already seen the case)."""
    found = selectors.for_case(case)
    return {
        "warnings": found["warnings"],
        "irregularities": [
            (row, presenters.evidence_lines(row)) for row in found["irregularities"]
        ],
        "may_supervise": selectors.may_supervise(context["request"].user),
    }


@register.filter
def get_item(mapping, key):
    return (mapping or {}).get(key)
