"""Writes: create, edit as draft, publish (rules), supersede, retire, discard; versions stay."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.files.base import ContentFile

from tests.catalog.builders import RULE_CASES, content_dict
from zhengwu.catalog import selectors, services
from zhengwu.catalog.models import Material, ServiceItem, ServiceItemVersion
from zhengwu.core.errors import DomainError, Forbidden, NotFound, ValidationFailed

pytestmark = pytest.mark.django_db
Status = ServiceItemVersion.Status


def test_create_makes_a_draft_that_is_not_public(draft_item):
    assert draft_item.status == ServiceItem.Status.DRAFT
    draft = draft_item.draft_version
    assert draft.number == 1 and draft.status == Status.DRAFT
    assert draft.name == "食品生产许可"
    assert selectors.material_codes(draft) == ["M01", "M02", "M03"]
    assert not selectors.search_published().exists()
    with pytest.raises(NotFound):
        selectors.published_version(draft_item.impl_code)


def test_create_refuses_a_taken_code(published_item, department):
    with pytest.raises(ValidationFailed) as failed:
        services.create_item(
            actor=None,
            impl_code=published_item.impl_code,
            base_code="1",
            department=department,
            content=content_dict(),
        )
    assert "impl_code" in failed.value.errors


def test_create_refuses_unstorable_content(department):
    with pytest.raises(ValidationFailed) as failed:
        services.create_item(
            actor=None,
            impl_code="X-1",
            base_code="B-1",
            department=department,
            content=content_dict(statutory_limit="二十", materials=[{"code": "M1"}]),
        )
    assert set(failed.value.errors) == {"statutory_limit", "materials[0].name"}
    assert not ServiceItem.objects.exists()


@time_machine.travel(dt.datetime(2025, 3, 10, 9, 0, tzinfo=dt.UTC))
def test_publish_makes_the_draft_current(draft_item, admin_user):
    version = services.publish(actor=admin_user, item=draft_item)
    draft_item.refresh_from_db()
    assert draft_item.status == ServiceItem.Status.PUBLISHED
    assert draft_item.current_version == version and draft_item.draft_version is None
    assert version.status == Status.PUBLISHED
    assert version.valid_from == dt.date(2025, 3, 10)
    assert version.published_by == admin_user
    assert selectors.published_version(draft_item.impl_code) == version


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [case[1:] for case in RULE_CASES if case[3] not in ("negative", "material_code_duplicate")],
    ids=[case[0] for case in RULE_CASES if case[3] not in ("negative", "material_code_duplicate")],
)
def test_publish_enforces_each_rule(department, overrides, field, code):
    item = services.create_item(
        actor=None,
        impl_code="X-1",
        base_code="B-1",
        department=department,
        content=content_dict(**overrides),
    )
    with pytest.raises(ValidationFailed) as failed:
        services.publish(actor=None, item=item)
    assert field in failed.value.errors
    item.refresh_from_db()
    assert item.status == ServiceItem.Status.DRAFT and item.current_version is None


@pytest.mark.parametrize(
    ("overrides", "field"),
    [case[1:3] for case in RULE_CASES if case[3] in ("negative", "material_code_duplicate")],
)
def test_unstorable_values_are_refused_even_for_a_draft(draft_item, overrides, field):
    with pytest.raises(ValidationFailed) as failed:
        services.update_draft(actor=None, item=draft_item, content=content_dict(**overrides))
    assert field in failed.value.errors


def test_publish_messages_are_chinese(department):
    item = services.create_item(
        actor=None,
        impl_code="X-1",
        base_code="B-1",
        department=department,
        content=content_dict(
            promised_limit=25,
            online_depth=4,
            onsite_reason="",
            fees=[{"name": "工本费", "standard": "10元", "basis": ""}],
        ),
    )
    with pytest.raises(ValidationFailed) as failed:
        services.publish(actor=None, item=item)
    errors = failed.value.errors
    assert errors["promised_limit"] == [
        "承诺办结时限（25个工作日）不得超过法定办结时限（20个工作日）。"
    ]
    assert "到现场次数应为0" in errors["onsite_visits"][0]
    assert "须说明必须到现场的原因" in errors["onsite_reason"][0]
    assert errors["fees[0].basis"] == ["收费项目“工本费”须填写收费依据。"]


def test_editing_a_published_item_creates_a_new_draft(published_item):
    v1 = published_item.current_version
    draft = services.update_draft(
        actor=None, item=published_item, content=content_dict(name="食品经营许可（延续）")
    )
    assert draft.number == 2 and draft.status == Status.DRAFT
    v1.refresh_from_db()
    assert v1.status == Status.PUBLISHED and v1.name == "食品经营许可（新办）"
    assert selectors.published_version(published_item.impl_code).name == "食品经营许可（新办）"
    again = services.update_draft(
        actor=None, item=published_item, content=content_dict(name="食品经营许可（变更）")
    )
    assert again.pk == draft.pk  # one draft, edited in place
    assert ServiceItemVersion.objects.filter(item=published_item).count() == 2


def test_publishing_supersedes_and_old_versions_stay_for_cases(published_item):
    v1 = published_item.current_version
    held_by_a_case = v1.pk
    services.update_draft(
        actor=None,
        item=published_item,
        content=content_dict(promised_limit=5, materials=[{"code": "N01", "name": "新申请书"}]),
    )
    v2 = services.publish(actor=None, item=published_item)
    v1.refresh_from_db()
    assert v1.status == Status.SUPERSEDED and v1.superseded_at is not None
    assert v2.number == 2 and v2.status == Status.PUBLISHED
    held = selectors.get_version(held_by_a_case)
    assert held.promised_limit == 10
    assert selectors.material_codes(held) == ["M01", "M02", "M03"]
    assert selectors.material_codes(held, required_only=True) == ["M01", "M02"]
    assert selectors.material_codes(selectors.published_version(published_item.impl_code)) == [
        "N01"
    ]
    services.update_draft(actor=None, item=published_item, content=content_dict(name="第三版"))
    services.publish(actor=None, item=published_item)
    assert selectors.get_version(held_by_a_case).name == "食品经营许可（新办）"
    assert [v.status for v in published_item.versions.order_by("number")] == [
        Status.SUPERSEDED,
        Status.SUPERSEDED,
        Status.PUBLISHED,
    ]


def test_publish_needs_a_draft(published_item):
    with pytest.raises(DomainError) as error:
        services.publish(actor=None, item=published_item)
    assert error.value.code == "no_draft" and error.value.status == 409


def test_valid_from_is_today_or_earlier_and_not_before_the_current(published_item):
    current_from = published_item.current_version.valid_from
    services.update_draft(actor=None, item=published_item, content=content_dict(name="新"))
    with pytest.raises(ValidationFailed) as failed:
        services.publish(
            actor=None, item=published_item, valid_from=current_from + dt.timedelta(days=1)
        )
    assert "valid_from" in failed.value.errors
    with pytest.raises(ValidationFailed) as failed:
        services.publish(
            actor=None, item=published_item, valid_from=current_from - dt.timedelta(days=1)
        )
    assert "不得早于" in failed.value.errors["valid_from"][0] or failed.value.errors["valid_from"]


def test_a_stale_revision_is_refused(published_item):
    seen = published_item.revision
    services.update_draft(actor=None, item=published_item, content=content_dict(name="甲"))
    with pytest.raises(DomainError) as error:
        services.update_draft(
            actor=None, item=published_item, content=content_dict(name="乙"), expected_revision=seen
        )
    assert error.value.code == "stale"


def test_retire_needs_a_reason_and_keeps_the_versions(published_item, head):
    with pytest.raises(ValidationFailed):
        services.retire(actor=head, item=published_item, reason="  ")
    services.retire(actor=head, item=published_item, reason="法律修订，事项取消")
    published_item.refresh_from_db()
    assert published_item.status == ServiceItem.Status.RETIRED
    assert published_item.retired_by == head and published_item.retired_reason
    assert not selectors.search_published().exists()
    with pytest.raises(NotFound):
        selectors.published_version(published_item.impl_code)
    assert selectors.get_version(published_item.current_version_id).status == Status.PUBLISHED
    with pytest.raises(DomainError) as error:
        services.update_draft(actor=head, item=published_item, content=content_dict())
    assert error.value.code == "item_retired"


def test_discard_draft(published_item, draft_item):
    services.update_draft(actor=None, item=published_item, content=content_dict(name="草稿"))
    services.discard_draft(actor=None, item=published_item)
    published_item.refresh_from_db()
    assert published_item.draft_version is None
    assert published_item.versions.count() == 1
    with pytest.raises(DomainError) as error:
        services.discard_draft(actor=None, item=draft_item)
    assert error.value.code == "only_draft"


def test_only_editors_of_the_department_may_write(published_item, head, other_head, supervisor):
    for actor in (other_head, supervisor):
        with pytest.raises(Forbidden):
            services.update_draft(actor=actor, item=published_item, content=content_dict())
        with pytest.raises(Forbidden):
            services.retire(actor=actor, item=published_item, reason="x")
    services.update_draft(actor=head, item=published_item, content=content_dict(name="改"))
    services.publish(actor=head, item=published_item)


def test_create_for_another_department_is_forbidden(head, other_department):
    with pytest.raises(Forbidden):
        services.create_item(
            actor=head,
            impl_code="X-1",
            base_code="B-1",
            department=other_department,
            content=content_dict(),
        )


def test_files_follow_their_material_into_new_versions(published_item):
    content = content_dict()
    content["materials"][0]["blank_form"] = ContentFile(b"%PDF-1.4 form", name="申请书.pdf")
    content["materials"][1]["sample"] = ContentFile(b"%PDF-1.4 sample", name="样表.pdf")
    services.update_draft(actor=None, item=published_item, content=content)
    v2 = services.publish(actor=None, item=published_item)
    first = v2.materials.get(code="M01")
    assert first.blank_form.name.endswith(".pdf") and not first.sample
    assert first.blank_form.read() == b"%PDF-1.4 form"
    # A new version without file decisions keeps the files by material code.
    services.update_draft(actor=None, item=published_item, content=content_dict(name="三"))
    v3 = services.publish(actor=None, item=published_item)
    assert v3.materials.get(code="M01").blank_form.name == first.blank_form.name
    assert v3.materials.get(code="M02").sample.name == v2.materials.get(code="M02").sample.name
    # None removes a file from the new version only.
    cleared = content_dict(name="四")
    cleared["materials"][0]["blank_form"] = None
    services.update_draft(actor=None, item=published_item, content=cleared)
    v4 = services.publish(actor=None, item=published_item)
    assert not v4.materials.get(code="M01").blank_form
    assert v3.materials.get(code="M01").blank_form


def test_a_file_of_another_item_cannot_be_referenced(published_item, draft_item):
    content = content_dict()
    content["materials"][0]["blank_form"] = ContentFile(b"x", name="a.pdf")
    services.update_draft(actor=None, item=draft_item, content=content)
    foreign = Material.objects.get(version=draft_item.draft_version, code="M01").blank_form
    stolen = content_dict()
    stolen["materials"][0]["blank_form"] = foreign
    with pytest.raises(ValidationFailed) as failed:
        services.update_draft(actor=None, item=published_item, content=stolen)
    assert "materials[0].blank_form" in failed.value.errors


def test_publish_problems_selector_lists_what_blocks(draft_item):
    services.update_draft(actor=None, item=draft_item, content=content_dict(basis=""))
    draft_item.refresh_from_db()
    assert selectors.publish_problems(draft_item.draft_version) == ["请填写事项的设定依据。"]
