import io
import logging
import re
import unicodedata

import pytest
from django.core.management import call_command

from zhengwu.accounts.models import Department, User, Window
from zhengwu.catalog.models import ServiceItem, ServiceItemVersion
from zhengwu.core.roles import ROLE_LABELS, Role, role_names
from zhengwu.demo import services

pytestmark = pytest.mark.django_db

REQUIRED_ITEMS = [
    "食品经营许可",
    "公共场所卫生许可",
    "建筑工程施工许可证核发",
    "建设工程规划许可证核发",
    "烟草专卖零售许可",
    "个体工商户登记",
    "不动产",
]


def seed(history: int = 0):
    out = io.StringIO()
    call_command("seed_demo", f"--history={history}", "--tickets=0", stdout=out)
    return out.getvalue()


def test_seed_demo_builds_the_city_and_prints_every_account():
    output = seed()
    assert Department.objects.count() >= 15
    assert Window.objects.filter(department__isnull=True).exists()  # comprehensive windows
    published = ServiceItem.objects.filter(status="published")
    assert published.count() >= 60
    names = list(published.values_list("current_version__name", flat=True))
    for required in REQUIRED_ITEMS:
        assert any(required in name for name in names), required
    tobacco = next(n for n in names if "烟草专卖零售许可" in n)
    version = ServiceItemVersion.objects.get(name=tobacco, status="published")
    assert version.promised_limit == 5
    for account in services.ACCOUNTS:
        assert account.username in output
        user = User.objects.get(username=account.username)
        assert account.role.value in role_names(user)
        assert user.check_password(services.DEMO_PASSWORD)
    assert "zhengwu-demo" in output


def test_seed_demo_is_idempotent():
    seed()
    counts = (
        Department.objects.count(),
        Window.objects.count(),
        ServiceItem.objects.count(),
        ServiceItemVersion.objects.count(),
        User.objects.count(),
    )
    seed()
    assert counts == (
        Department.objects.count(),
        Window.objects.count(),
        ServiceItem.objects.count(),
        ServiceItemVersion.objects.count(),
        User.objects.count(),
    )


def test_every_role_has_a_demo_account():
    assert {a.role for a in services.ACCOUNTS} == set(Role)


def columns(line: str, text: str) -> int:
    """The terminal column ``text`` starts at in ``line`` (Chinese characters take two)."""
    head = line[: line.index(text)]
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in head)


def test_the_demo_prints_one_aligned_table_in_chinese(caplog):
    caplog.set_level(logging.INFO)
    out = io.StringIO()
    call_command(
        "seed_demo", "--history=40", "--tickets=20", "--url=http://127.0.0.1:8765/", stdout=out
    )
    lines = out.getvalue().splitlines()
    rows = {
        a.username: next(line for line in lines if line.startswith(f"  {a.username} "))
        for a in services.ACCOUNTS
    }
    role_at = {columns(rows[a.username], str(ROLE_LABELS[a.role])) for a in services.ACCOUNTS}
    name_at = {
        columns(rows[a.username], a.name) for a in services.ACCOUNTS if a.name != "系统管理员"
    }
    assert len(role_at) == 1 and len(name_at) == 1  # one aligned table
    names = dict(Department.objects.values_list("code", "name"))
    assert f"SCJ {names['SCJ']}" in rows["reviewer"]
    for code, name in names.items():  # every department code explained
        assert any(line.split() == [code, name] for line in lines), code
    text = out.getvalue()
    assert "applicant_01…applicant_40" in text and "enterprise_01…enterprise_12" in text
    assert "_clerk" in text and "http://127.0.0.1:8765/" in text
    for line in lines:  # Chinese throughout: no English sentence, no English log line
        assert not re.search(r"[A-Za-z]{3,} [A-Za-z]{3,} [A-Za-z]{3,}", line), line
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.INFO] == []
