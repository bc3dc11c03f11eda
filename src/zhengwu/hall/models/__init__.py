"""The hall's models, one module per part; importing them here registers them with Django."""

from zhengwu.hall.models import floor, queue, staffing  # noqa: F401
from zhengwu.hall.models.floor import Hall, WindowPost, WindowSession

__all__ = ["Hall", "WindowPost", "WindowSession"]
