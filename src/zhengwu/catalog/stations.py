"""Which center handles an item (事项进驻), and the rules of delegating items down to township
centers (seed 002: 就近办事项清单, 一窗受理 in every 镇街; seeds 001, 003: 收发室 windows).

Pure: the facts come in as plain values, the answer is the list of problems in Chinese (empty
when the station is allowed)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Station:
    center_path: str  # the center's region path (accounts.regions)
    department_center_path: str  # the region path of the item's department's own center
    same_center: bool  # the item's department belongs to this very center
    delegated_by_item_department: bool | None  # None: no delegating department named
    nearby: bool
    township: bool  # the center's region is a township (the lowest level)


def problems(station: Station) -> list[str]:
    found: list[str] = []
    below = (
        station.center_path.startswith(station.department_center_path)
        and station.center_path != station.department_center_path
    )
    if station.same_center:
        if station.delegated_by_item_department is not None:
            found.append(_("An item of the center's own department is not delegated to it."))
        elif station.township:
            # A township's 便民服务中心 takes only what is delegated down to it (seed 002).
            found.append(_("A township center handles only items delegated down to it."))
    elif below:
        if station.delegated_by_item_department is None:
            found.append(
                _(
                    "An item of a department above this center is handled here only when "
                    "delegated: name the delegating department."
                )
            )
        elif not station.delegated_by_item_department:
            found.append(_("Only the item's own department may delegate it."))
    else:
        found.append(
            _("A center handles only its own departments' items and those delegated down to it.")
        )
    if station.nearby and not station.township:
        found.append(_("Only a township center keeps a nearby list (就近办)."))
    return found
