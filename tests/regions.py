"""The levels of the shared ``region_tree`` fixture (tests/conftest.py): who reads at each level,
and the keys of the tree's centers whose records they see. A scope test parametrizes over
``REGION_LEVELS`` and makes the reader with the ``region_reader`` fixture."""

from __future__ import annotations

ALL_CENTERS = frozenset({"city", "county", "township", "other_county", "other_city"})

REGION_LEVELS = {
    "township_clerk": frozenset({"township"}),
    "county_supervisor": frozenset({"county", "township"}),
    "city_leader": frozenset({"city", "county", "township", "other_county"}),
    "provincial_leader": ALL_CENTERS,
}
