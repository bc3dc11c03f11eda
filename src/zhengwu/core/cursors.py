"""Keyset paging cursors: an opaque token for "the rows after this id", newest first.

A cursor is the row id in URL-safe base64 without padding; anything that does not decode to a
positive id is not ours and reads as "from the start" (``None``).
"""

from __future__ import annotations

import base64


def encode_cursor(row_id: int) -> str:
    return base64.urlsafe_b64encode(str(row_id).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int | None:
    """The id after which the next page starts; None for a cursor that is not ours."""
    if not cursor:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value = int(base64.urlsafe_b64decode(padded.encode()).decode())
    except (ValueError, UnicodeDecodeError):
        return None
    return value if value > 0 else None
