"""What intake reads of the catalogue: the current version of an item with its materials, its item
and department. The version's content is kept per process (published versions never change);
which version is current is read on every call, so a publish or a retire counts at once."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.catalog.builders import content_dict
from zhengwu.accounts.models import Department
from zhengwu.catalog import selectors, services
from zhengwu.catalog.models import ServiceItemVersion
from zhengwu.core.errors import NotFound

pytestmark = pytest.mark.django_db


def test_the_current_version_with_its_materials_item_and_department(published_item):
    version = selectors.intake_version(published_item.impl_code)
    assert version.pk == published_item.current_version_id and version.number == 1
    assert version.item.pk == published_item.pk
    assert version.item.department.code == "SCJ"
    assert selectors.material_codes(version) == ["M01", "M02", "M03"]
    assert selectors.material_codes(version, required_only=True) == ["M01", "M02"]


def test_a_known_version_costs_one_query_and_the_item_is_read_afresh(published_item):
    selectors.intake_version(published_item.impl_code)
    Department.objects.filter(code="SCJ").update(name="市场监督管理局（新）")
    with CaptureQueriesContext(connection) as queries:
        version = selectors.intake_version(published_item.impl_code)
        codes = selectors.material_codes(version)
    assert len(queries.captured_queries) == 1
    assert codes == ["M01", "M02", "M03"]
    assert version.item.department.name == "市场监督管理局（新）"


def test_fields_intake_does_not_use_still_read_right(published_item):
    Department.objects.filter(code="SCJ").update(phone="0571-1234")
    version = selectors.intake_version(published_item.impl_code)
    assert version.item.base_code == published_item.base_code
    assert version.item.revision == published_item.revision
    assert version.item.department.phone == "0571-1234"
    assert version.promised_limit == 10 and version.handling_type == "promised"


def test_a_newly_published_version_is_used_right_away(published_item):
    first = selectors.intake_version(published_item.impl_code)
    assert selectors.material_codes(first) == ["M01", "M02", "M03"]
    services.update_draft(
        actor=None,
        item=published_item,
        content=content_dict(
            name="食品经营许可（第二版）",
            materials=[{"code": "N01", "name": "新申请书"}, {"code": "N02", "name": "平面图"}],
        ),
    )
    services.publish(actor=None, item=published_item)
    second = selectors.intake_version(published_item.impl_code)
    assert second.number == 2 and second.name == "食品经营许可（第二版）"
    assert selectors.material_codes(second) == ["N01", "N02"]
    # The first version's content is unchanged for the cases that hold it.
    assert selectors.material_codes(first) == ["M01", "M02", "M03"]


def test_a_retired_item_is_not_found_right_away(published_item):
    selectors.intake_version(published_item.impl_code)
    services.retire(actor=None, item=published_item, reason="职能调整")
    with pytest.raises(NotFound):
        selectors.intake_version(published_item.impl_code)


def test_unknown_draft_only_and_hostile_codes_are_not_found(published_item, draft_item):
    for code in ("NOPE", draft_item.impl_code, "", "11330100\x00SCJ"):
        with pytest.raises(NotFound):
            selectors.intake_version(code)


def test_each_call_gets_its_own_version_object(published_item):
    one = selectors.intake_version(published_item.impl_code)
    one.name = "被调用方改动"
    two = selectors.intake_version(published_item.impl_code)
    assert two is not one and two.name == "食品经营许可（新办）"
    assert two.item is not one.item
    one._prefetched_objects_cache.clear()  # what a write through one.materials would do
    three = selectors.intake_version(published_item.impl_code)
    with CaptureQueriesContext(connection) as queries:
        codes = selectors.material_codes(three)
    assert codes == ["M01", "M02", "M03"] and not queries.captured_queries


def test_the_cache_keeps_only_the_most_recently_used_versions(published_item, monkeypatch):
    monkeypatch.setattr(selectors, "INTAKE_CACHE_SIZE", 1)
    selectors.intake_version(published_item.impl_code)
    services.update_draft(
        actor=None, item=published_item, content=content_dict(name="食品经营许可（第二版）")
    )
    services.publish(actor=None, item=published_item)
    assert selectors.intake_version(published_item.impl_code).number == 2
    assert [key[0] for key in selectors._intake_versions] == [
        ServiceItemVersion.objects.get(item=published_item, number=2).pk
    ]
