"""The evaluation app's models, one module per part; importing them here registers them."""

from zhengwu.evaluation.models import rectification, surveys  # noqa: F401
