"""The written certificates of a case: content, print view, .docx, and who may open them."""

from __future__ import annotations

import io
from urllib.parse import unquote

import pytest
from docx import Document

from tests.cases.helpers import AT, applicant_payload, file_case
from zhengwu.cases import notices, services
from zhengwu.core.errors import NotFound

pytestmark = pytest.mark.django_db

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def docx_text(response) -> str:
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX
    document = Document(io.BytesIO(response.content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


@pytest.fixture
def accepted(item, clerk, travel):
    travel(AT("2025-09-30 10:00"))
    case = file_case(clerk)
    travel(AT("2025-10-09 09:30"))
    return services.act(actor=clerk, number=case.number, action="accept")


def test_acceptance_notice(client, accepted, clerk):
    client.force_login(clerk)
    response = client.get(f"/cases/{accepted.number}/notices/2/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-testid="notice-number">{accepted.number}<' in html
    assert 'data-kind="accept"' in html
    assert "2025年10月9日" in html  # the event date
    assert "2025年10月22日" in html  # promised due
    assert "2025年11月5日" in html  # statutory due
    assert 'class="d-print-none' in html

    response = client.get(f"/cases/{accepted.number}/notices/2.docx")
    text = docx_text(response)
    assert accepted.number in text
    assert "食品经营许可（新办）" in text
    assert "2025年10月22日" in text and "2025年11月5日" in text
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; ")
    assert f'filename="acceptance-{accepted.number}-2.docx"' in disposition
    utf8 = disposition.split("filename*=UTF-8''")[1]
    assert unquote(utf8).endswith(f"-{accepted.number}.docx")
    assert all(ord(ch) < 128 for ch in disposition)


def test_one_time_notice_lists_every_material(client, item, clerk, travel):
    travel(AT("2025-09-30 10:00"))
    case = file_case(clerk, materials=[])
    services.act(
        actor=clerk,
        number=case.number,
        action="request_supplement",
        data={"missing": ["M01", "M02", "M03"], "note": "请携带原件"},
    )
    client.force_login(clerk)
    html = client.get(f"/cases/{case.number}/notices/2/").content.decode()
    for name in ("食品经营许可申请书", "营业执照复印件", "授权委托书"):
        assert name in html
    assert "请携带原件" in html
    text = docx_text(client.get(f"/cases/{case.number}/notices/2.docx"))
    assert case.number in text
    for name in ("食品经营许可申请书", "营业执照复印件", "授权委托书"):
        assert name in text
    assert "请携带原件" in text
    # The case page links the notice from its event.
    html = client.get(f"/cases/{case.number}/").content.decode()
    assert f'href="/cases/{case.number}/notices/2/" data-testid="event-2-notice"' in html


def test_decision_notices(client, accepted, clerk, reviewer, head, travel):
    travel(AT("2025-10-10 10:00"))
    services.act(
        actor=reviewer,
        number=accepted.number,
        action="suspend",
        data={"procedure": "inspection", "reason": "样品送检"},
    )
    travel(AT("2025-10-14 10:00"))
    services.act(actor=reviewer, number=accepted.number, action="resume")
    services.act(
        actor=head,
        number=accepted.number,
        action="extend",
        data={"workdays": 5, "reason": "情况复杂"},
    )
    travel(AT("2025-10-20 10:00"))
    case = services.act(
        actor=reviewer,
        number=accepted.number,
        action="decide",
        data={"outcome": "deny", "reason": "经营场所不符合要求"},
    )
    client.force_login(clerk)
    # 3 suspend, 4 resume (no notice), 5 extend, 6 decide_deny.
    html = client.get(f"/cases/{case.number}/notices/3/").content.decode()
    assert "样品送检" in html and 'data-kind="suspend"' in html
    assert client.get(f"/cases/{case.number}/notices/4/").status_code == 404
    html = client.get(f"/cases/{case.number}/notices/5/").content.decode()
    assert "情况复杂" in html
    # The statutory due after the extension, as the notice states it.
    extended = notices.notice_for(clerk, case.number, 5)[2]
    assert dict(extended.dates)
    assert any(value.startswith("2025年11月") for _label, value in extended.dates)
    text = docx_text(client.get(f"/cases/{case.number}/notices/6.docx"))
    assert case.number in text
    assert "经营场所不符合要求" in text
    assert "2025年10月20日" in text


def test_grant_notice_states_the_delivery_date(accepted, reviewer, travel):
    travel(AT("2025-10-20 15:00"))
    services.act(actor=reviewer, number=accepted.number, action="decide", data={"outcome": "grant"})
    _case, event, notice = notices.notice_for(reviewer, accepted.number, 3)
    assert event.kind == "decide_grant"
    assert notice.date_cn == "2025年10月20日"
    assert "2025年11月3日" in dict(notice.dates).values()  # delivery due, 10 working days


def test_events_without_a_notice_are_not_found(client, accepted, clerk):
    client.force_login(clerk)
    assert client.get(f"/cases/{accepted.number}/notices/1/").status_code == 404  # submit
    assert client.get(f"/cases/{accepted.number}/notices/9/").status_code == 404
    assert client.get(f"/cases/{accepted.number}/notices/1.docx").status_code == 404
    with pytest.raises(NotFound):
        notices.notice_for(clerk, accepted.number, 1)


def test_the_applicant_opens_their_notice_and_no_one_else(
    client, item, clerk, citizen, other_citizen, other_department, make_user, travel
):
    travel(AT("2025-09-30 10:00"))
    case = file_case(citizen, channel="online", applicant=applicant_payload(11, name="张三"))
    travel(AT("2025-10-09 09:30"))
    services.act(actor=clerk, number=case.number, action="accept")

    client.force_login(citizen)
    response = client.get(f"/cases/{case.number}/notices/2/")
    assert response.status_code == 200
    html = response.content.decode()
    assert applicant_payload(11)["id_number"] in html  # their own number, unmasked
    assert 'data-testid="notice-docx-link"' in html
    assert case.number in docx_text(client.get(f"/cases/{case.number}/notices/2.docx"))
    # The staff pages stay closed to the applicant.
    assert client.get(f"/cases/{case.number}/").status_code == 403

    client.force_login(other_citizen)
    assert client.get(f"/cases/{case.number}/notices/2/").status_code == 404
    assert client.get(f"/cases/{case.number}/notices/2.docx").status_code == 404

    stranger = make_user("window_clerk", department=other_department, username="clerk_zjj2")
    client.force_login(stranger)
    assert client.get(f"/cases/{case.number}/notices/2/").status_code == 404

    client.logout()
    response = client.get(f"/cases/{case.number}/notices/2/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
