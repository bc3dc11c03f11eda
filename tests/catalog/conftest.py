from __future__ import annotations

import pytest

from tests.catalog.builders import content_dict, item_dict
from zhengwu.catalog import services
from zhengwu.catalog.models import ServiceItem
from zhengwu.core.roles import Role


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded blank forms and samples go to a throw-away directory."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def published_item(department) -> ServiceItem:
    """The base item, published as version 1."""
    services.import_items([item_dict()])
    return ServiceItem.objects.get(impl_code=item_dict()["impl_code"])


@pytest.fixture
def draft_item(department) -> ServiceItem:
    """A new item whose only version is a draft."""
    return services.create_item(
        actor=None,
        impl_code="11330100SCJ-XK-0099",
        base_code="000123456099",
        department=department,
        content=content_dict(name="食品生产许可"),
    )


@pytest.fixture
def head(make_user, department):
    return make_user(Role.DEPARTMENT_HEAD, department=department, username="head_scj")


@pytest.fixture
def other_head(make_user, other_department):
    return make_user(Role.DEPARTMENT_HEAD, department=other_department, username="head_zjj")


@pytest.fixture
def supervisor(make_user):
    return make_user(Role.SUPERVISOR, username="supervisor1")
