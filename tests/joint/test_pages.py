"""The joint case pages: the queue, the joint case page and its actions, the notices and the
portal, with their access boundaries (a co-reviewing department sees the joint summary and its
own item only; the applicant sees everything of their own; anyone else gets a 404)."""

from __future__ import annotations

import pytest

from tests.cases.helpers import AT, applicant_payload
from tests.joint.conftest import SCJ_ITEM, ZJJ_FIRST, file_joint
from zhengwu.core.roles import Role
from zhengwu.joint import services
from zhengwu.joint.models import JointCase

pytestmark = pytest.mark.django_db


@pytest.fixture
def stranger(make_user):
    from tests.factories import DepartmentFactory

    other = DepartmentFactory(code="GAJ", name="公安局")
    return make_user(Role.REVIEWER, department=other, username="reviewer_gaj")


def accepted(clerk, travel):
    travel(AT("2026-09-24 09:00"))
    joint = file_joint(clerk)
    travel(AT("2026-09-24 10:00"))
    return services.act(actor=clerk, number=joint.number, action="accept", data={})


def test_the_lead_window_sees_everything(client, scene, clerk, travel):
    joint = accepted(clerk, travel)
    client.force_login(clerk)
    page = client.get(f"/joint/{joint.number}/").content.decode()
    assert 'data-testid="joint-materials"' in page
    assert 'data-testid="joint-trail"' in page
    assert page.count('data-shown="yes"') == 3
    assert "四十五个工作日" in page  # the joint limit with its definition


def test_a_co_reviewing_department_sees_the_summary_and_its_own_item(
    client, scene, clerk, zjj_reviewer, travel
):
    joint = accepted(clerk, travel)
    scj_case = joint.children.get(item__impl_code=SCJ_ITEM).case
    zjj_case = joint.children.get(item__impl_code=ZJJ_FIRST).case
    client.force_login(zjj_reviewer)
    response = client.get(f"/joint/{joint.number}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="summary-only"' in page
    assert f">{zjj_case.number}<" in page
    assert f">{scj_case.number}<" not in page
    assert 'data-testid="joint-materials"' not in page
    assert 'data-testid="joint-trail"' not in page
    assert 'data-testid="child-hidden"' in page
    assert "张*" in page and "张三" not in page  # the applicant masked for a co-reviewer
    # and the notices are the lead department's and the applicant's
    assert client.get(f"/joint/{joint.number}/notices/2/").status_code == 404
    # its queue of joint cases with an item of its department lists it
    listed = client.get("/joint/?view=items").content.decode()
    assert joint.number in listed
    assert joint.number not in client.get("/joint/?view=lead").content.decode()


def test_anyone_else_gets_a_404(client, scene, clerk, stranger, citizen, travel):
    joint = accepted(clerk, travel)
    client.force_login(stranger)
    assert client.get(f"/joint/{joint.number}/").status_code == 404
    assert client.get(f"/joint/{joint.number}/notices/2/").status_code == 404
    assert joint.number not in client.get("/joint/?view=items").content.decode()
    client.force_login(citizen)  # not their application
    assert client.get(f"/portal/scenes/mine/{joint.number}/").status_code == 404
    assert client.get(f"/joint/{joint.number}/notices/2/").status_code == 404
    assert client.get(f"/joint/{joint.number}/").status_code == 403  # no staff page at all


def test_the_queue_filters_pages_and_counts(client, scene, clerk, travel):
    travel(AT("2026-09-24 09:00"))
    numbers = [file_joint(clerk, applicant=applicant_payload(i)).number for i in range(1, 4)]
    travel(AT("2026-09-24 10:00"))
    services.act(actor=clerk, number=numbers[0], action="accept", data={})
    client.force_login(clerk)
    page = client.get("/joint/").content.decode()
    assert all(n in page for n in numbers)
    assert 'data-total="3"' in page
    page = client.get("/joint/?view=lead&state=accepted").content.decode()
    assert numbers[0] in page and numbers[1] not in page
    assert 'data-total="1"' in page
    page = client.get(f"/joint/?view=lead&q={numbers[2]}").content.decode()
    assert numbers[2] in page and numbers[0] not in page
    page = client.get("/joint/?view=lead&received_from=2026-09-25").content.decode()
    assert 'data-total="0"' in page
    assert client.get("/joint/?received_from=nonsense").status_code == 200


def test_legal_acts_ask_for_confirmation_and_errors_keep_the_input(
    client, scene, clerk, leader, travel
):
    travel(AT("2026-09-24 09:00"))
    joint = file_joint(clerk, materials=["S01"])
    client.force_login(clerk)
    url = f"/joint/{joint.number}/act/request-supplement/"
    missing = services.missing_required(joint)
    response = client.post(url, {"missing": missing, "note": "请一次补齐"})
    assert 'data-testid="confirm-form"' in response.content.decode()
    assert JointCase.objects.get().state == "submitted"
    # leaving out a missing material is refused with the services' message, the input kept
    response = client.post(url, {"missing": missing[:1], "note": "只列一件", "confirmed": "yes"})
    assert response.status_code == 422
    page = response.content.decode()
    assert "只列一件" in page
    assert 'data-testid="action-error"' in page
    response = client.post(url, {"missing": missing, "note": "请一次补齐", "confirmed": "yes"})
    assert response.status_code == 302
    joint.refresh_from_db()
    assert joint.state == "supplement_requested"
    # the accept button says why it cannot apply yet
    assert (
        'data-testid="action-accept"' not in client.get(f"/joint/{joint.number}/").content.decode()
    )
    notice = client.get(f"/joint/{joint.number}/notices/2/")
    assert notice.status_code == 200
    assert all(name in notice.content.decode() for name in ("营业执照复印件",))
    docx = client.get(f"/joint/{joint.number}/notices/2.docx")
    assert docx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert client.get(f"/joint/{joint.number}/notices/1/").status_code == 404  # no notice


def test_the_leader_extends_with_a_reason_within_15(client, scene, clerk, leader, travel):
    joint = accepted(clerk, travel)
    client.force_login(leader)
    page = client.get(f"/joint/{joint.number}/").content.decode()
    assert 'data-testid="action-extend"' in page
    response = client.post(
        f"/joint/{joint.number}/act/extend/", {"workdays": "20", "reason": "需现场核查"}
    )
    assert response.status_code == 422
    assert "需现场核查" in response.content.decode()
    response = client.post(
        f"/joint/{joint.number}/act/extend/",
        {"workdays": "10", "reason": "需现场核查", "confirmed": "yes"},
    )
    assert response.status_code == 302
    joint.refresh_from_db()
    assert joint.extension_workdays == 10
    assert (
        'data-testid="action-extend"' not in client.get(f"/joint/{joint.number}/").content.decode()
    )


def test_the_applicant_applies_online_and_supplements(client, scene, clerk, citizen, travel):
    travel(AT("2026-09-24 09:00"))
    client.force_login(citizen)
    page = client.get("/portal/scenes/").content.decode()
    assert "开办餐饮店" in page and "/portal/scenes/KBCYD/apply/" in page
    form = client.get("/portal/scenes/KBCYD/apply/")
    assert form.status_code == 200
    bad = client.post(
        "/portal/scenes/KBCYD/apply/",
        {"kind": "person", "name": "张三", "id_number": "123", "phone": "13800138000"},
    )
    assert bad.status_code == 422
    assert "张三" in bad.content.decode()
    response = client.post(
        "/portal/scenes/KBCYD/apply/",
        {
            "kind": "person",
            "name": "张三",
            "id_number": applicant_payload()["id_number"],
            "phone": "13800138000",
            "materials": ["S01", "S02"],
        },
    )
    assert response.status_code == 302
    joint = JointCase.objects.get()
    assert joint.owner == citizen and joint.channel == "online"
    assert joint.number in client.get("/portal/scenes/mine/").content.decode()
    missing = services.missing_required(joint)
    services.act(
        actor=clerk, number=joint.number, action="request-supplement", data={"missing": missing}
    )
    page = client.get(f"/portal/scenes/mine/{joint.number}/").content.decode()
    assert 'data-testid="supplement-form"' in page
    assert client.get(f"/joint/{joint.number}/notices/2/").status_code == 200
    response = client.post(
        f"/portal/scenes/mine/{joint.number}/supplement/", {"materials": missing}
    )
    assert response.status_code == 302
    joint.refresh_from_db()
    assert joint.state == "submitted"


def test_visitors_see_the_scenes_and_are_sent_to_log_in(client, scene):
    page = client.get("/portal/scenes/").content.decode()
    assert "开办餐饮店" in page
    response = client.get("/portal/scenes/KBCYD/apply/")
    assert response.status_code == 302 and "/accounts/login" in response["Location"]
    assert client.get("/portal/scenes/NOPE/apply/").status_code == 302


def test_a_child_case_page_links_to_its_joint_case(client, scene, clerk, reviewer, travel):
    joint = accepted(clerk, travel)
    case = joint.children.get(item__impl_code=SCJ_ITEM).case
    client.force_login(reviewer)
    page = client.get(f"/cases/{case.number}/").content.decode()
    assert f'href="/joint/{joint.number}/"' in page
    assert f"联办件{joint.number}" in page


def test_the_applicant_withdraws_after_confirming(client, scene, citizen, travel):
    travel(AT("2026-09-24 09:00"))
    joint = file_joint(citizen, channel="online")
    client.force_login(citizen)
    url = f"/portal/scenes/mine/{joint.number}/withdraw/"
    assert (
        'data-testid="withdraw"'
        in client.get(f"/portal/scenes/mine/{joint.number}/").content.decode()
    )
    response = client.post(url, {"reason": "不开了"})
    assert 'data-testid="confirm-form"' in response.content.decode()
    joint.refresh_from_db()
    assert joint.state == "submitted"
    assert client.post(url, {"reason": "不开了", "confirmed": "yes"}).status_code == 302
    joint.refresh_from_db()
    assert joint.state == "withdrawn"
    assert (
        'data-testid="withdraw"'
        not in client.get(f"/portal/scenes/mine/{joint.number}/").content.decode()
    )
