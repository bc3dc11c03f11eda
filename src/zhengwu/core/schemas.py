"""Input types the API schemas share."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

# The largest row id: primary keys are 64-bit signed integers on every database.
MAX_ROW_ID = 2**63 - 1

# A row id sent as a filter (a department, a window): a larger number could not be a row and
# the database would refuse to compare with it.
RowId = Annotated[int, Field(ge=1, le=MAX_ROW_ID)]
