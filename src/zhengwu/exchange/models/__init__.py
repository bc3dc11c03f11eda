"""The exchange app's models, one module per part; importing them here registers them."""

from zhengwu.exchange.models import inbound, outbound  # noqa: F401
