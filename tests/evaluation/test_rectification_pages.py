"""The rectification ledger's pages: the list with counts, filters and total; the drill-down; a
unit sees and updates only its own measures; verify and return ask for confirmation; evidence is
access-checked; forms keep what was typed."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.evaluation.rectification_fixtures import *  # noqa: F403
from tests.evaluation.rectification_fixtures import PNG, measure_on, one_problem_ledger, source
from zhengwu.core.roles import Role
from zhengwu.evaluation import rectification_services as services
from zhengwu.evaluation.models.rectification import Evidence, Measure, Rectification

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_units(office, unit_a, unit_b, head_a, clerk_a, clerk_b):
    ledger = one_problem_ledger(office)
    mine_a = measure_on(office, ledger, unit=unit_a, head=head_a, person=clerk_a)
    mine_b = services.add_measure(
        actor=office,
        rectification_id=ledger.pk,
        problem=ledger.problems.get().pk,
        text="住建局专项整改",
        unit=unit_b.code,
        leader=clerk_b.pk,
        person=clerk_b.pk,
        kind="immediate",
        deadline="2025-09-26",
    )
    return ledger, mine_a, mine_b


def test_the_list_shows_counts_filters_and_total(client, office, two_units):
    _ledger, _a, _b = two_units
    services.create_rectification(
        actor=office,
        data={
            "source": source(kind="cppcc", title="政协民主评议意见", date="2025-06-01"),
            "areas": [
                {"title": "服务", "items": [{"title": "窗口", "problems": [{"text": "等候长"}]}]}
            ],
        },
    )
    client.force_login(office)
    page = client.get("/evaluation/rectification/")
    body = page.content.decode()
    assert page.status_code == 200
    assert 'data-total="2"' in body
    assert "区委第五巡察组" in body and "政协民主评议意见" in body
    filtered = client.get("/evaluation/rectification/?kind=cppcc").content.decode()
    assert 'data-total="1"' in filtered and "区委第五巡察组" not in filtered
    assert "xn_office" not in body  # people by name, never by login


def test_a_unit_sees_only_its_own_measures(client, two_units, clerk_b, clerk_a):
    ledger, mine_a, mine_b = two_units
    client.force_login(clerk_b)
    body = client.get(f"/evaluation/rectification/{ledger.pk}/").content.decode()
    assert "住建局专项整改" in body and "摆放好差评二维码" not in body
    assert client.get(f"/evaluation/rectification/measures/{mine_a.pk}/").status_code == 404
    response = client.post(
        f"/evaluation/rectification/measures/{mine_a.pk}/claim/", {"text": "完成"}
    )
    assert response.status_code == 404
    assert Measure.objects.get(pk=mine_a.pk).state == "open"
    # its own: claimed from the page
    response = client.post(
        f"/evaluation/rectification/measures/{mine_b.pk}/claim/", {"text": "完成"}
    )
    assert response.status_code == 302
    assert Measure.objects.get(pk=mine_b.pk).state == "claimed"


def test_no_department_no_ledger(client, make_user, two_units):
    ledger, _a, _b = two_units
    client.force_login(make_user(Role.APPLICANT, username="someone"))
    assert client.get("/evaluation/rectification/").status_code == 403
    assert client.get(f"/evaluation/rectification/{ledger.pk}/").status_code == 403


def test_verify_and_return_ask_for_confirmation(client, office, clerk_a, two_units):
    _ledger, mine_a, _b = two_units
    services.act(actor=clerk_a, measure_id=mine_a.pk, action="claim", text="完成")
    client.force_login(office)
    url = f"/evaluation/rectification/measures/{mine_a.pk}/return/"
    first = client.post(url, {"text": "缺少佐证"})
    assert first.status_code == 200
    assert 'name="confirmed" value="yes"' in first.content.decode()
    assert Measure.objects.get(pk=mine_a.pk).state == "claimed"
    done = client.post(url, {"text": "缺少佐证", "confirmed": "yes"})
    assert done.status_code == 302
    measure = Measure.objects.get(pk=mine_a.pk)
    assert (measure.state, measure.return_reason) == ("open", "缺少佐证")
    # the reason is required; the page says so (422) and keeps nothing recorded
    services.act(actor=clerk_a, measure_id=mine_a.pk, action="claim", text="补充")
    empty = client.post(url, {"text": "", "confirmed": "yes"})
    assert empty.status_code == 422
    assert Measure.objects.get(pk=mine_a.pk).state == "claimed"
    verify = f"/evaluation/rectification/measures/{mine_a.pk}/verify/"
    assert client.post(verify, {"text": ""}).status_code == 200
    assert client.post(verify, {"text": "", "confirmed": "yes"}).status_code == 302
    assert Measure.objects.get(pk=mine_a.pk).state == "verified"


def test_progress_with_evidence_and_its_download(client, office, clerk_a, clerk_b, two_units):
    _ledger, mine_a, _b = two_units
    client.force_login(clerk_a)
    upload = SimpleUploadedFile("现场照片.png", PNG, content_type="image/png")
    response = client.post(
        f"/evaluation/rectification/measures/{mine_a.pk}/progress/",
        {"text": "已摆放", "files": [upload]},
    )
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    page = client.get(f"/evaluation/rectification/measures/{mine_a.pk}/").content.decode()
    assert "现场照片.png" in page and "孙科员" in page
    url = f"/evaluation/rectification/evidence/{evidence.pk}/"
    assert client.get(url).status_code == 200
    client.force_login(office)
    assert b"".join(client.get(url).streaming_content) == PNG
    client.force_login(clerk_b)
    assert client.get(url).status_code == 404


def test_a_bad_progress_report_keeps_what_was_typed(client, clerk_a, two_units):
    _ledger, mine_a, _b = two_units
    client.force_login(clerk_a)
    bad = SimpleUploadedFile("x.png", b"not an image", content_type="image/png")
    response = client.post(
        f"/evaluation/rectification/measures/{mine_a.pk}/progress/",
        {"text": "已摆放二维码", "files": [bad]},
    )
    assert response.status_code == 422
    assert "已摆放二维码" in response.content.decode()


def test_new_ledger_and_measure_from_the_pages(client, office, unit_a, head_a, clerk_a):
    client.force_login(office)
    page = client.get("/evaluation/rectification/new/")
    once = page.context["form"].initial["once"]
    data = {
        "kind": "inspection",
        "title": "巡察反馈",
        "date": "2025-09-01",
        "area": "党的建设",
        "item": "好差评",
        "text": "",
        "once": once,
    }
    kept = client.post("/evaluation/rectification/new/", data)
    assert kept.status_code == 422 and "巡察反馈" in kept.content.decode()
    data["text"] = "评价率低"
    response = client.post("/evaluation/rectification/new/", data)
    assert response.status_code == 302
    again = client.post("/evaluation/rectification/new/", data)  # the same form sent twice
    assert again.status_code == 302 and Rectification.objects.count() == 1
    ledger = Rectification.objects.get()
    response = client.post(
        f"/evaluation/rectification/{ledger.pk}/measures/",
        {
            "problem": ledger.problems.get().pk,
            "text": "二维码上墙",
            "unit": unit_a.code,
            "leader": head_a.pk,
            "person": clerk_a.pk,
            "kind": "deadline",
            "deadline": "2025-10-03",
        },
    )
    assert response.status_code == 302
    assert str(Measure.objects.get().deadline) == "2025-10-09"
    body = client.get(f"/evaluation/rectification/{ledger.pk}/").content.decode()
    assert "二维码上墙" in body and "钱局长" in body and "a_head" not in body
