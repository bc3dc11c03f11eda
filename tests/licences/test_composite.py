"""一业一证: the delivery of a joint case whose scene issues one composite licence records one
行业综合许可证 listing the items' licences, with a verification code; its public page (no login)
says valid, expired or revoked, masks the holder and names the issuing center."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.cases.helpers import AT
from tests.factories import valid_id_number
from tests.joint.conftest import SCENE, SCJ_ITEM, ZJJ_FIRST, ZJJ_SECOND, file_joint
from zhengwu.cases import services as case_services
from zhengwu.catalog.models import ServiceItemVersion
from zhengwu.joint import presenters
from zhengwu.joint import services as joint_services
from zhengwu.licences.models import CompositeLicence, Licence, LicenceType

pytestmark = pytest.mark.django_db


@pytest.fixture
def composite_scene(items, admin, travel):
    LicenceType.objects.create(code="SPJY", name="食品经营许可证", validity_years=5)
    LicenceType.objects.create(code="XFSC", name="消防设计审查意见书", validity_years=3)
    ServiceItemVersion.objects.filter(item__impl_code=SCJ_ITEM).update(licence_type="SPJY")
    ServiceItemVersion.objects.filter(item__impl_code=ZJJ_FIRST).update(licence_type="XFSC")
    travel(AT("2026-01-06 09:00"))
    joint_services.save_scene(
        actor=admin,
        code=SCENE,
        name="开办餐饮店",
        lead_department="SCJ",
        promised_limit=30,
        stages=[[SCJ_ITEM, ZJJ_FIRST], [ZJJ_SECOND]],
        composite_licence=True,
    )
    return joint_services.publish_scene(actor=admin, code=SCENE)


def grant(case, actor, travel, when):
    travel(AT(when))
    case_services.act(actor=actor, number=case.number, action="decide", data={"outcome": "grant"})


def delivered(clerk, reviewer, zjj_reviewer, travel):
    travel(AT("2026-03-02 09:00"))
    joint = file_joint(clerk)
    travel(AT("2026-03-02 10:00"))
    joint_services.act(actor=clerk, number=joint.number, action="accept", data={})
    kids = {c.item.impl_code: c for c in joint.children.select_related("case", "item")}
    grant(kids[SCJ_ITEM].case, reviewer, travel, "2026-03-05 10:00")
    grant(kids[ZJJ_FIRST].case, zjj_reviewer, travel, "2026-03-06 10:00")
    second = joint.children.get(item__impl_code=ZJJ_SECOND).case
    grant(second, zjj_reviewer, travel, "2026-03-10 10:00")
    travel(AT("2026-03-11 10:00"))
    return joint_services.act(
        actor=clerk, number=joint.number, action="deliver", data={"method": "window"}
    )


def test_the_delivery_issues_one_composite_licence(
    composite_scene, clerk, reviewer, zjj_reviewer, travel
):
    joint = delivered(clerk, reviewer, zjj_reviewer, travel)
    licence = CompositeLicence.objects.get()
    assert licence.joint == joint
    assert licence.number == f"ZH-{joint.number}"
    assert licence.name == "开办餐饮店"
    assert licence.holder == valid_id_number(1)
    assert licence.issuer.code == "SCJ"
    assert licence.valid_from == dt.date(2026, 3, 11)
    assert licence.valid_to == dt.date(2029, 3, 5)  # the first listed licence to end
    singles = {lic.case.number: lic for lic in Licence.objects.select_related("case")}
    assert [e["number"] for e in licence.entries] == [
        singles[joint.children.get(item__impl_code=SCJ_ITEM).case.number].number,
        singles[joint.children.get(item__impl_code=ZJJ_FIRST).case.number].number,
        joint.children.get(item__impl_code=ZJJ_SECOND).case.number,  # issues no licence
    ]
    assert len(licence.verify_code) == 16
    assert all(single.verify_code for single in singles.values())
    answer = presenters.detail(clerk, joint)["licence"]
    assert answer["number"] == licence.number
    assert answer["verify_url"] == f"/licences/verify/{licence.verify_code}"
    assert [e["name"] for e in answer["licences"]][:2] == ["食品经营许可证", "消防设计审查意见书"]


def test_a_scene_without_composite_licence_issues_none(
    scene, clerk, reviewer, zjj_reviewer, travel
):
    delivered(clerk, reviewer, zjj_reviewer, travel)
    assert not CompositeLicence.objects.exists()


def test_the_public_page_verifies_without_login(
    client, composite_scene, clerk, reviewer, zjj_reviewer, travel
):
    delivered(clerk, reviewer, zjj_reviewer, travel)
    licence = CompositeLicence.objects.get()
    page = client.get(f"/licences/verify/{licence.verify_code}")
    assert page.status_code == 200
    text = page.content.decode()
    assert 'data-status="valid"' in text
    assert "张*" in text and "张三" not in text
    assert valid_id_number(1) not in text
    assert "市场监督管理局" in text or licence.issuer.name in text
    assert all(entry["number"] in text for entry in licence.entries)
    # lower case codes are read the same; unknown ones are a 404 page
    assert client.get(f"/licences/verify/{licence.verify_code.lower()}").status_code == 200
    assert client.get("/licences/verify/0000000000000000").status_code == 404
    travel(AT("2029-03-06 10:00"))
    assert (
        'data-status="expired"'
        in client.get(f"/licences/verify/{licence.verify_code}").content.decode()
    )
    CompositeLicence.objects.update(revoked_on=dt.date(2027, 1, 1))
    assert (
        'data-status="revoked"'
        in client.get(f"/licences/verify/{licence.verify_code}").content.decode()
    )
    single = Licence.objects.first()
    page = client.get(f"/licences/verify/{single.verify_code}").content.decode()
    assert single.number in page


def test_the_applicant_and_the_lead_window_see_the_licence_with_its_qr_code(
    client, composite_scene, clerk, reviewer, zjj_reviewer, travel, citizen
):
    joint = delivered(clerk, reviewer, zjj_reviewer, travel)
    client.force_login(clerk)
    page = client.get(f"/joint/{joint.number}/").content.decode()
    assert 'data-testid="composite-licence"' in page
    assert "<svg" in page
