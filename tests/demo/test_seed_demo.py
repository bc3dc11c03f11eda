import io

import pytest
from django.core.management import call_command

from zhengwu.accounts.models import Department, User, Window
from zhengwu.catalog.models import ServiceItem, ServiceItemVersion
from zhengwu.core.roles import Role, role_names
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
