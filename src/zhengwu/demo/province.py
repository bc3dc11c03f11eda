"""The demo's province: the city's center above three township 便民服务中心 (each with items
delegated down by the city's departments and a 就近办 list), a second city with its own center,
and every published item of the city taken into its center (the tax bureau's only received at the
window). Scopes and roll-ups (docs/accounts.md, docs/assessment.md) then have levels to show."""

from __future__ import annotations

import dataclasses

from django.db import transaction

from zhengwu.accounts import regions
from zhengwu.accounts import services as accounts
from zhengwu.accounts.models import Center, Department, Region, Window
from zhengwu.catalog import services as catalog_services
from zhengwu.catalog.models import CenterHandling, ServiceItem
from zhengwu.core.roles import Role
from zhengwu.demo.constants import DEMO_PASSWORD

PROVINCE = ("370000", "示范省")
DISTRICT = ("379902", "示范区")
TOWNSHIPS = (
    ("379902001", "东城街道", "东城街道便民服务中心"),
    ("379902002", "西城街道", "西城街道便民服务中心"),
    ("379902003", "南湖镇", "南湖镇便民服务中心"),
)
SECOND_CITY = ("379800", "临川市", "临川市政务服务中心")
SECOND_CITY_DEPARTMENTS = (
    ("LC-SCJ", "临川市市场监督管理局"),
    ("LC-MZJ", "临川市民政局"),
    ("LC-RSJ", "临川市人力资源和社会保障局"),
)
# Items the city's departments delegate to every township, all on the nearby list (就近办).
DELEGATED = (
    "最低生活保障审核确认",
    "老年人优待证办理",
    "社会保障卡申领",
    "职工基本养老保险关系转移接续",
    "城乡居民基本医疗保险参保登记",
    "异地就医备案",
)
RECEIVE_ONLY_DEPARTMENTS = ("SWJ",)


@dataclasses.dataclass(frozen=True)
class LevelAccount:
    """A demo account at one level of the province (printed with the other demo accounts)."""

    username: str
    role: Role
    name: str
    department: str | None = None  # a township office's code
    region: str | None = None  # the region overseen (division code)
    window: str | None = None  # its center's window number


# A township clerk at 东城街道's comprehensive window, the district's supervisor (the district
# and its three townships) and the province's leader (everything).
ACCOUNTS = (
    LevelAccount(
        "clerk_town", Role.WINDOW_CLERK, "何晓燕", department="BM379902001-BGS", window="01"
    ),
    LevelAccount("supervisor_district", Role.SUPERVISOR, "韩立新", region=DISTRICT[0]),
    LevelAccount("leader_province", Role.LEADER, "宋建国", region=PROVINCE[0]),
)


def _region(code: str, name: str, parent: Region | None) -> Region:
    region, _ = Region.objects.update_or_create(
        code=code, defaults={"name": name, "parent": parent}
    )
    regions.place(region)
    region.save(update_fields=["path"])
    return region


@transaction.atomic
def seed(city_center_code: str) -> dict:
    city_center = Center.objects.select_related("region").get(code=city_center_code)
    province = _region(*PROVINCE, None)
    city = city_center.region
    city.parent = province
    regions.place(city)
    city.save(update_fields=["parent", "path"])
    district = _region(*DISTRICT, city)

    townships = []
    for code, name, center_name in TOWNSHIPS:
        region = _region(code, name, district)
        center, _ = Center.objects.update_or_create(
            code=f"BM{code}",
            defaults={"region": region, "name": center_name, "hours": city_center.hours},
        )
        townships.append(center)

    code, name, center_name = SECOND_CITY
    second_city = _region(code, name, province)
    second_center, _ = Center.objects.update_or_create(
        code=f"ZW{code}", defaults={"region": second_city, "name": center_name}
    )
    for order, (department_code, department_name) in enumerate(SECOND_CITY_DEPARTMENTS):
        department, _ = Department.objects.update_or_create(
            code=department_code,
            defaults={"center": second_center, "name": department_name, "sort_order": order},
        )
        Window.objects.update_or_create(
            center=second_center,
            number=f"{order + 1:02d}",
            defaults={"name": department_name, "department": department},
        )

    published = ServiceItem.objects.filter(
        status=ServiceItem.Status.PUBLISHED, department__center=city_center
    ).select_related("department", "current_version")
    stationed = delegated = 0
    for item in published:
        handling = (
            CenterHandling.RECEIVE_ONLY
            if item.department.code in RECEIVE_ONLY_DEPARTMENTS
            else CenterHandling.FULL
        )
        catalog_services.station_item(center=city_center, item=item, handling=handling)
        stationed += 1
        if item.current_version.name in DELEGATED:
            for township in townships:
                catalog_services.station_item(
                    center=township, item=item, nearby=True, delegated_by=item.department
                )
                delegated += 1
    delegating = Department.objects.filter(
        pk__in=[i.department_id for i in published if i.current_version.name in DELEGATED]
    )
    for township in townships:
        # The township's office, and its comprehensive window (一窗受理) taking the delegated items.
        Department.objects.update_or_create(
            code=f"{township.code}-BGS",
            defaults={"center": township, "name": f"{township.name}办公室"},
        )
        window, _ = Window.objects.update_or_create(
            center=township, number="01", defaults={"name": "综合窗口", "department": None}
        )
        window.serves.set(delegating)
    for account in ACCOUNTS:
        user = accounts.create_user(
            username=account.username,
            roles=[account.role],
            department_code=account.department,
            password=DEMO_PASSWORD,
            demo=True,
            full_name=account.name,
        )
        user.region = Region.objects.filter(code=account.region).first() if account.region else None
        user.window = (
            Window.objects.filter(center=townships[0], number=account.window).first()
            if account.window
            else None
        )
        user.save(update_fields=["region", "window"])
    return {
        "townships": len(townships),
        "second_city_departments": len(SECOND_CITY_DEPARTMENTS),
        "stationed": stationed,
        "delegated": delegated,
    }
