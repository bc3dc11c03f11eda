"""The Chinese words of the trading rules' errors (the pure modules raise stable codes)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from zhengwu.trading.experts import DrawError

DRAW_MESSAGES = {
    "too_few_members": _(
        "An evaluation committee has at least %(minimum)s members; %(members)s were asked for."
    ),
    "even_members": _(
        "An evaluation committee has an odd number of members; %(members)s were asked for."
    ),
    "bad_representatives": _(
        "The tenderer's representatives must be fewer than the members (%(representatives)s given)."
    ),
    "too_few_experts": _(
        "Experts must be at least two thirds of the committee: %(experts)s experts of "
        "%(members)s members are too few."
    ),
    "fields_mismatch": _(
        "The experts asked for by field (%(wanted)s) must add up to the committee's experts "
        "(%(experts)s), each field at least one."
    ),
    "duplicate_expert": _("The expert pool lists an expert twice."),
    "pool_too_small": _(
        "The expert pool is too small: the field %(field)s needs %(needed)s experts, but only "
        "%(available)s can be drawn (%(recused)s withdraw for ties to bidders). Widen the pool "
        "or draw from another city's pool."
    ),
}


def draw_message(error: DrawError) -> str:
    return str(DRAW_MESSAGES[error.code]) % error.params
