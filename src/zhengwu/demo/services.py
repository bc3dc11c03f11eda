"""The demo city: departments, windows, a catalogue of real items and one account per role.

Loading is idempotent: everything is found by its code and updated in place, and items go through
the catalogue's own import (an unchanged item makes no new version).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

from django.db import transaction

from zhengwu.accounts import regions
from zhengwu.accounts import services as accounts
from zhengwu.accounts.models import Center, Department, Region, Window
from zhengwu.catalog.services import import_items
from zhengwu.core.roles import Role
from zhengwu.demo import province
from zhengwu.demo.constants import CITIZEN_ID_NUMBER, DEMO_PASSWORD

DATA_FILE = Path(__file__).resolve().parent / "data" / "catalogue.json"
CATALOGUE_VALID_FROM = dt.date(2024, 1, 1)


@dataclasses.dataclass(frozen=True)
class DemoAccount:
    username: str
    role: Role
    name: str
    department: str | None = None
    window: str | None = None


ACCOUNTS = [
    DemoAccount("admin", Role.ADMIN, "系统管理员"),
    DemoAccount("clerk", Role.WINDOW_CLERK, "王丽娟", "SPJ", "01"),
    DemoAccount("clerk_scj", Role.WINDOW_CLERK, "赵敏", "SCJ"),
    DemoAccount("reviewer", Role.REVIEWER, "李建华", "SCJ"),
    DemoAccount("head", Role.DEPARTMENT_HEAD, "陈志强", "SCJ"),
    DemoAccount("reviewer_zjj", Role.REVIEWER, "孙海燕", "ZJJ"),
    DemoAccount("head_zjj", Role.DEPARTMENT_HEAD, "周国平", "ZJJ"),
    DemoAccount("supervisor", Role.SUPERVISOR, "吴静"),
    DemoAccount("leader", Role.LEADER, "郑明远"),
    DemoAccount("citizen", Role.APPLICANT, "张三"),
    DemoAccount("operator", Role.OPERATOR, "刘晓红"),
    DemoAccount("trading", Role.TRADING_OFFICER, "钱文博"),
    # The government's disclosure office (no department: every request); also heads the office.
    DemoAccount("disclosure", Role.DISCLOSURE_OFFICER, "周政公"),
    # The provincial platform's integration account (its token: ``manage.py issue_token zwfw``).
    DemoAccount("zwfw", Role.PLATFORM, "省平台接口账号"),
]


def load_data(path: Path = DATA_FILE) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


@transaction.atomic
def seed_organisation(data: dict) -> None:
    region, _ = Region.objects.update_or_create(
        code=data["region"]["code"], defaults={"name": data["region"]["name"]}
    )
    regions.place(region)
    region.save(update_fields=["path"])
    c = data["center"]
    center, _ = Center.objects.update_or_create(
        code=c["code"],
        defaults={
            "region": region,
            "name": c["name"],
            "address": c.get("address", ""),
            "phone": c.get("phone", ""),
            "hours": c.get("hours", ""),
        },
    )
    for order, d in enumerate(data["departments"]):
        Department.objects.update_or_create(
            code=d["code"],
            defaults={
                "center": center,
                "name": d["name"],
                "short_name": d.get("short_name", ""),
                "phone": d.get("phone", ""),
                "sort_order": order,
            },
        )
    departments = {d.code: d for d in Department.objects.all()}
    for w in data["windows"]:
        window, _ = Window.objects.update_or_create(
            center=center,
            number=w["number"],
            defaults={"name": w["name"], "department": departments.get(w.get("department") or "")},
        )
        window.serves.set([departments[code] for code in w.get("serves") or ()])


@transaction.atomic
def seed_accounts() -> list[DemoAccount]:
    for account in ACCOUNTS:
        user = accounts.create_user(
            username=account.username,
            roles=[account.role],
            department_code=account.department,
            password=DEMO_PASSWORD,
            demo=True,
            full_name=account.name,
        )
        if account.window:
            user.window = Window.objects.filter(number=account.window).first()
            user.save(update_fields=["window"])
        if account.role == Role.APPLICANT:
            accounts.register_applicant(
                kind="person",
                name=account.name,
                id_number=CITIZEN_ID_NUMBER,
                phone="13800138000",
                user=user,
            )
        if account.role == Role.DEPARTMENT_HEAD:
            Department.objects.filter(code=account.department).update(head=user)
    return ACCOUNTS


def seed(path: Path = DATA_FILE) -> dict:
    data = load_data(path)
    seed_organisation(data)
    seed_accounts()
    summary = import_items(data["items"], publish=True, valid_from=CATALOGUE_VALID_FROM)
    levels = province.seed(data["center"]["code"])
    return {"departments": len(data["departments"]), "items": summary, "province": levels}
