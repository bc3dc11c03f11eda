"""Centers at every level of a province: what a member of staff with a center-wide role (a
supervisor, a leader, an administrator) oversees.

Regions nest (province → city → county → township), each with its materialized ``path`` of
division codes from the top (``"330000/330100/330106/"``), so everything under a region is one
prefix match. A center-wide role oversees

- everything under ``user.region`` when it is set (a county supervisor: the county's center and
  its townships' 便民服务中心; a provincial leader: the province);
- else the one center ``user.center``;
- else the whole deployment (a deployment of one center needs neither).

Every list and report of such a user filters by ``department_q`` (one subquery, no list of ids
carried into the query) or ``overseen_department_ids``."""

from __future__ import annotations

from collections import Counter

from django.db.models import Q, QuerySet

from zhengwu.accounts.models import Center, Department, Region

SEPARATOR = "/"


def path_of(code: str, parent_path: str = "") -> str:
    """The materialized path of a region ``code`` under a parent of path ``parent_path``."""
    code = code.strip()
    if not code or SEPARATOR in code:
        raise ValueError("a division code has no separator and is not empty")
    return f"{parent_path}{code}{SEPARATOR}"


def place(region: Region) -> Region:
    """Set ``region.path`` from its parent (saved by the caller) and, if it moved, its
    descendants' paths too."""
    parent_path = region.parent.path if region.parent_id else ""
    new = path_of(region.code, parent_path)
    old = region.path
    region.path = new
    if old and old != new and region.pk:
        for child in Region.objects.filter(path__startswith=old).exclude(pk=region.pk):
            child.path = new + child.path[len(old) :]
            child.save(update_fields=["path"])
    return region


def _oversight(user) -> tuple[str, object]:
    """``("all", None)``, ``("region", path)`` or ``("center", id)``, kept on the user object."""
    cached = getattr(user, "_zhengwu_oversight", None)
    if cached is not None:
        return cached
    found: tuple[str, object] = ("all", None)
    if getattr(user, "region_id", None):
        region = Region.objects.only("path", "parent_id").get(pk=user.region_id)
        # The top of the tree is everything: no filter at all.
        if region.parent_id is not None:
            found = ("region", region.path)
    elif getattr(user, "center_id", None):
        found = ("center", user.center_id)
    user._zhengwu_oversight = found
    return found


def oversees_everything(user) -> bool:
    return _oversight(user)[0] == "all"


def overseen_departments(user) -> QuerySet[Department] | None:
    """The departments a center-wide role oversees; ``None`` for every department."""
    kind, value = _oversight(user)
    if kind == "region":
        return Department.objects.filter(center__region__path__startswith=value)
    if kind == "center":
        return Department.objects.filter(center_id=value)
    return None


def overseen_departments_or_all(user) -> QuerySet[Department]:
    """``overseen_departments``, with every department for one who oversees everything."""
    departments = overseen_departments(user)
    return Department.objects.all() if departments is None else departments


def overseen_department_ids(user) -> set[int] | None:
    """The ids of ``overseen_departments`` (``None`` for every one), read once per user object
    (one per request) and kept on it, as ``_oversight`` keeps the region: code that adds or
    moves a department and then reads again for the same user object deletes
    ``user._zhengwu_overseen_ids`` first."""
    cached = getattr(user, "_zhengwu_overseen_ids", False)
    if cached is False:
        departments = overseen_departments(user)
        cached = (
            None if departments is None else frozenset(departments.values_list("pk", flat=True))
        )
        user._zhengwu_overseen_ids = cached
    return None if cached is None else set(cached)


def department_q(user, field: str = "department") -> Q:
    """``Q()`` for everything, else ``<field>__in`` the overseen departments (a subquery)."""
    departments = overseen_departments(user)
    if departments is None:
        return Q()
    return Q(**{f"{field}__in": departments.values("pk")})


def by_center(departments: QuerySet[Department]) -> list[tuple[str, list[tuple[str, str]]]]:
    """``departments`` as ``(center, [(code, name), ...])`` in the order of the regions and
    centers, for a filter's choices grouped by center. A center is named by its name, and by
    its region's name too where another center listed has the same name (every county may have
    a 城关镇). Plain rows: a province's filter lists hundreds."""
    rows = departments.order_by("center__region__path", "center__code", "sort_order", "code")
    groups: dict[int, tuple[str, str, list[tuple[str, str]]]] = {}
    for center, center_name, region_name, code, name in rows.values_list(
        "center_id", "center__name", "center__region__name", "code", "name"
    ):
        groups.setdefault(center, (center_name, region_name, []))[2].append((code, name))
    names = Counter(center_name for center_name, _region, _rows in groups.values())
    return [
        (f"{region_name} {center_name}" if names[center_name] > 1 else center_name, listed)
        for center_name, region_name, listed in groups.values()
    ]


def overseen_centers(user) -> QuerySet[Center]:
    """The centers a center-wide role oversees (every center when it oversees everything)."""
    kind, value = _oversight(user)
    if kind == "region":
        return Center.objects.filter(region__path__startswith=value)
    if kind == "center":
        return Center.objects.filter(pk=value)
    return Center.objects.all()


def center_q(user, field: str = "center") -> Q:
    """``Q()`` for everything, else the overseen centers on ``<field>`` (a hall's, a window's):
    a prefix match on the center's region path, or the one center."""
    kind, value = _oversight(user)
    if kind == "region":
        return Q(**{f"{field}__region__path__startswith": value})
    if kind == "center":
        return Q(**{f"{field}__pk": value})
    return Q()


def staff_within_q(user, field: str = "user") -> Q:
    """The staff on ``<field>`` whose own oversight lies within ``user``'s: for a region, those
    of a region under it or, without one, of a center under it; for a center, those of that
    center without a region; ``Q()`` for everything."""
    kind, value = _oversight(user)
    if kind == "region":
        return Q(**{f"{field}__region__path__startswith": value}) | Q(
            **{
                f"{field}__region__isnull": True,
                f"{field}__center__region__path__startswith": value,
            }
        )
    if kind == "center":
        return Q(**{f"{field}__region__isnull": True, f"{field}__center_id": value})
    return Q()


def in_oversight(user, department_id: int | None) -> bool:
    kind, value = _oversight(user)
    if kind == "all":
        return True
    if department_id is None:
        return False
    if kind == "center":
        return Department.objects.filter(pk=department_id, center_id=value).exists()
    return Department.objects.filter(
        pk=department_id, center__region__path__startswith=value
    ).exists()


LEVELS = ("province", "city", "county", "township")


def level_of(code: str) -> str:
    """The level of a division code (GB/T 2260 and the statistics bureau's 9/12-digit codes):
    ``330000`` province, ``330100`` city, ``330106`` county, ``330106001`` township."""
    code = code.strip()
    if len(code) > 6:
        return "township"
    if code[2:] == "0000":
        return "province"
    if code[4:] == "00":
        return "city"
    return "county"
