"""Assessment fixtures: two departments with published items, windows, users of every role, and
``make_case`` for hand-built case rows with exactly the stored fields the indicators read."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from tests.cases.conftest import (  # noqa: F401 - the case fixtures, for flows through the services
    clerk,
    item,
    private_root,
    reviewer,
    travel,
)
from tests.catalog.builders import immediate_item, item_dict
from tests.factories import ApplicantFactory, WindowFactory
from zhengwu.cases.models import Case
from zhengwu.catalog import services as catalog_services
from zhengwu.catalog.models import ServiceItem
from zhengwu.core import clock
from zhengwu.core.roles import Role

SCJ_ITEM = "11330100SCJ-XK-0001"  # statutory 20, promised 10
SCJ_IMMEDIATE = "11330100SCJ-QT-0002"  # immediate: promised 0
SCJ_PARALLEL = "11330100SCJ-XK-0003"  # statutory 20, promised 20, parallel approval
ZJJ_ITEM = "11330100ZJJ-XK-0001"  # statutory 20, promised 15

_numbers = itertools.count(1)


@pytest.fixture
def items(department, other_department):
    catalog_services.import_items(
        [
            item_dict(),
            immediate_item(SCJ_IMMEDIATE),
            item_dict(
                impl_code=SCJ_PARALLEL, name="建设项目联合审批", promised_limit=20, parallel=True
            ),
            item_dict(
                impl_code=ZJJ_ITEM, department="ZJJ", name="建筑工程施工许可", promised_limit=15
            ),
        ],
        valid_from=dt.date(2025, 1, 1),
    )
    return {i.impl_code: i for i in ServiceItem.objects.select_related("current_version")}


@pytest.fixture
def windows(department, other_department):
    return {
        "SCJ": WindowFactory(number="05", name="市场监管窗口", department=department),
        "ZJJ": WindowFactory(number="08", name="住建窗口", department=other_department),
    }


@pytest.fixture
def applicant(db):
    return ApplicantFactory()


@pytest.fixture
def make_case(items, applicant):
    """A case row as the services would have left it; only what the indicators read varies."""

    def make(
        impl_code=SCJ_ITEM,
        *,
        received: str,
        accepted: str | None = None,
        completed: str | None = None,
        completion: str = "",
        channel: str = "window",
        window=None,
        filed_by=None,
        used: int | None = None,
        state: str | None = None,
        parallel: bool = False,
    ) -> Case:
        service_item = items[impl_code]
        day = dt.date.fromisoformat
        now = clock.now()
        if state is None:
            state = "granted" if completed else ("accepted" if accepted else "submitted")
        return Case.objects.create(
            number=f"T{next(_numbers):010d}",
            item=service_item,
            item_version=service_item.current_version,
            department=service_item.department,
            applicant=applicant,
            channel=channel,
            window=window,
            created_by=filed_by,
            state=state,
            received_at=now,
            received_on=day(received),
            intake_due=day(received),
            accepted_on=day(accepted) if accepted else None,
            completed_on=day(completed) if completed else None,
            completion=completion,
            workdays_used=used,
            parallel=parallel,
            level="" if completed else "normal",
            clocks_on=day(received),
            created_at=now,
            updated_at=now,
        )

    return make


@pytest.fixture
def staff(make_user, department, other_department):
    return {
        "clerk": make_user(Role.WINDOW_CLERK, department=department, username="clerk_scj"),
        "head": make_user(Role.DEPARTMENT_HEAD, department=department, username="head_scj"),
        "other_head": make_user(
            Role.DEPARTMENT_HEAD, department=other_department, username="head_zjj"
        ),
        "supervisor": make_user(Role.SUPERVISOR, username="supervisor1"),
        "leader": make_user(Role.LEADER, username="leader1"),
        "citizen": make_user(Role.APPLICANT, username="citizen1"),
    }
