"""Form widgets shared by the apps' forms."""

from __future__ import annotations

from django import forms


class DateInput(forms.DateInput):
    """A browser date picker: its value is always ISO ``YYYY-MM-DD`` (what ``<input type=date>``
    reads), never the active language's display format (``2025/09/22`` in Chinese)."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")
