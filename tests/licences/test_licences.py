"""Licences recorded by grants, and reused as materials by a later application (DOMAIN §10)."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.cases.helpers import AT, applicant_payload, file_case
from tests.factories import valid_id_number
from tests.joint.conftest import SCENE, SCJ_ITEM, ZJJ_FIRST, ZJJ_SECOND, file_joint
from zhengwu.cases import services as case_services
from zhengwu.catalog.models import Material, ServiceItemVersion
from zhengwu.joint import services as joint_services
from zhengwu.licences.models import Licence, LicenceType
from zhengwu.licences.services import valid_until


@pytest.fixture
def licensing(items):
    """A grant of the SCJ item issues a 营业执照 (YYZZ); the ZJJ items accept one for Z02."""
    LicenceType.objects.create(code="YYZZ", name="营业执照", validity_years=5)
    ServiceItemVersion.objects.filter(item__impl_code=SCJ_ITEM).update(licence_type="YYZZ")
    Material.objects.filter(version__item__impl_code=ZJJ_FIRST, code="Z02").update(
        licence_type="YYZZ"
    )


def granted_case(clerk, reviewer, travel, *, seq=1):
    travel(AT("2026-03-02 09:00"))
    case = file_case(clerk, applicant=applicant_payload(seq))
    case_services.act(actor=clerk, number=case.number, action="accept", data={})
    travel(AT("2026-03-10 09:00"))
    return case_services.act(
        actor=reviewer, number=case.number, action="decide", data={"outcome": "grant"}
    )


def test_a_grant_records_the_licence(licensing, clerk, reviewer, travel):
    case = granted_case(clerk, reviewer, travel)
    licence = Licence.objects.get()
    assert licence.number == f"YYZZ-{case.number}"
    assert licence.name == "营业执照"
    assert licence.holder == valid_id_number(1)
    assert licence.holder_name == "张三"
    assert licence.valid_from == dt.date(2026, 3, 10)
    assert licence.valid_to == dt.date(2031, 3, 9)
    assert licence.case_id == case.pk


def test_an_item_without_a_licence_type_records_none(items, clerk, reviewer, travel):
    granted_case(clerk, reviewer, travel)
    assert not Licence.objects.exists()


def test_validity():
    assert valid_until(dt.date(2026, 3, 10), None) is None
    assert valid_until(dt.date(2028, 2, 29), 1) == dt.date(2029, 2, 28)


def test_a_valid_licence_stands_in_for_the_material(licensing, admin, clerk, reviewer, travel):
    granted_case(clerk, reviewer, travel)
    number = Licence.objects.get().number
    travel(AT("2026-09-01 09:00"))
    joint_services.save_scene(
        actor=admin,
        code=SCENE,
        name="开办餐饮店",
        lead_department="SCJ",
        promised_limit=30,
        stages=[[SCJ_ITEM, ZJJ_FIRST], [ZJJ_SECOND]],
    )
    version = joint_services.publish_scene(actor=admin, code=SCENE)
    assert version.materials.get(code="S02").licence_type == "YYZZ"

    travel(AT("2026-09-24 09:00"))
    joint = file_joint(clerk, materials=["S01", "S04", "S05"])
    assert joint.reused == {"S02": number}
    assert joint.events.get().data["reused"] == {"S02": number}
    joint = joint_services.act(actor=clerk, number=joint.number, action="accept")
    assert joint.state == "accepted"
    zjj = joint.children.get(item__impl_code=ZJJ_FIRST).case
    assert sorted(zjj.materials) == ["Z01", "Z02"]


def test_another_holder_or_an_expired_licence_is_not_reused(
    licensing, admin, clerk, reviewer, travel
):
    granted_case(clerk, reviewer, travel, seq=2)  # someone else's licence
    Licence.objects.update(valid_to=dt.date(2026, 9, 1))
    travel(AT("2026-09-01 09:00"))
    joint_services.save_scene(
        actor=admin,
        code=SCENE,
        name="开办餐饮店",
        lead_department="SCJ",
        promised_limit=30,
        stages=[[SCJ_ITEM, ZJJ_FIRST], [ZJJ_SECOND]],
    )
    joint_services.publish_scene(actor=admin, code=SCENE)
    travel(AT("2026-09-24 09:00"))
    assert file_joint(clerk, materials=["S01", "S04", "S05"]).reused == {}
    assert (
        file_joint(clerk, materials=["S01", "S04", "S05"], applicant=applicant_payload(2)).reused
        == {}
    )
