"""The survey pages: a supervisor creates an evaluation, the links and QR codes, a respondent
answers without login (errors keep what was typed; a second answer is refused), the report with
its bands and its .docx and .xlsx, closing with a confirmation, access."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse

from tests.evaluation import seed001
from tests.evaluation.conftest import seed_evaluation
from zhengwu.core.roles import Role
from zhengwu.evaluation.models.surveys import Evaluation, SurveyResponse

pytestmark = pytest.mark.django_db


def _answer_form(unit_answers: dict) -> dict:
    return {
        f"a-{unit}-{code}": value
        for unit, given in unit_answers.items()
        for code, value in given.items()
    }


def test_supervisor_creates_an_evaluation_on_the_page(client, supervisor, six_units, template):
    client.force_login(supervisor)
    page = client.get(reverse("evaluation:survey_new"))
    assert page.status_code == 200
    assert "民主评议测评表" in page.content.decode()
    response = client.post(
        reverse("evaluation:survey_new"),
        {
            "name": "窗口单位民主评议",
            "template": template.pk,
            "start": "2017-01-01",
            "end": "2017-09-30",
            "units": ["FCJ", "GTJ"],
            "excellent": "90",
            "good": "80",
            "fair": "70",
            "group_0_name": "企业代表",
            "group_0_weight": "0.6",
            "group_0_respondents": "3",
            "group_1_name": "政协委员",
            "group_1_weight": "0.4",
            "group_1_respondents": "2",
        },
    )
    evaluation = Evaluation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("evaluation:survey_detail", args=[evaluation.pk])
    detail = client.get(response["Location"]).content.decode()
    assert detail.count('data-testid="survey-link"') == 5
    assert detail.count("<svg") >= 5
    assert "/evaluation/s/" in detail


def test_the_form_keeps_what_was_typed_and_says_what_is_wrong(
    client, supervisor, six_units, template
):
    client.force_login(supervisor)
    response = client.post(
        reverse("evaluation:survey_new"),
        {
            "name": "评议",
            "template": template.pk,
            "start": "2017-09-30",
            "end": "2017-01-01",
            "units": ["FCJ"],
            "excellent": "80",
            "good": "85",
            "fair": "70",
            "group_0_name": "企业代表",
            "group_0_weight": "0.6",
            "group_0_respondents": "",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="评议"' in html
    assert "结束日期不能早于开始日期" in html
    assert "请邀请1至5000名评议人" in html
    assert Evaluation.objects.count() == 0


def test_respondent_answers_by_link_once(client, supervisor, six_units, template):
    _evaluation, tokens = seed_evaluation(supervisor, template)
    token = tokens["企业代表"][0]
    url = reverse("evaluation:answer", args=[token])
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count('data-testid="answer-unit"') == 6
    assert "非常满意" in html

    wrong = seed001.answers("企业代表", 0)
    wrong["FCJ"]["attitude"] = "150"
    wrong["GTJ"]["opinion"] = "窗口人员少"
    response = client.post(url, _answer_form(wrong))
    assert response.status_code == 422
    html = response.content.decode()
    assert "请填写0至100之间的分数" in html
    assert 'value="150"' in html
    assert "窗口人员少" in html
    assert SurveyResponse.objects.count() == 0

    done = client.post(url, _answer_form(seed001.answers("企业代表", 0)))
    assert done.status_code == 200
    assert 'data-testid="answered"' in done.content.decode()
    again = client.get(url)
    assert again.status_code == 409
    assert "已使用" in again.content.decode()
    assert client.get(reverse("evaluation:answer", args=["unknown"])).status_code == 404


def test_report_page_and_files_show_the_bands(client, supervisor, six_units, template):
    evaluation, tokens = seed_evaluation(supervisor, template)
    from zhengwu.evaluation import survey_services

    for group, ts in tokens.items():
        for index, token in enumerate(ts):
            survey_services.submit(token=token, answers=seed001.answers(group, index))
    client.force_login(supervisor)
    html = client.get(reverse("evaluation:survey_report", args=[evaluation.pk])).content.decode()
    assert html.count('data-band="excellent"') == 4
    assert html.count('data-band="good"') == 2
    assert "市住房保障和房产管理局、市城乡建设局、市发改委、市城乡规划局 4家单位为优秀" in html
    assert "28名企业代表和8名政协委员" in html

    docx = client.get(reverse("evaluation:survey_report_file", args=[evaluation.pk, "docx"]))
    assert docx.status_code == 200
    from docx import Document

    text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert "评议结果" in text
    assert "4家单位为优秀" in text
    xlsx = client.get(reverse("evaluation:survey_report_file", args=[evaluation.pk, "xlsx"]))
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(xlsx.content))
    first = book.worksheets[0]
    assert [c.value for c in first[2]][:4] == [1, "市住房保障和房产管理局", "96.64", "优秀"]
    assert (
        client.get(
            reverse("evaluation:survey_report_file", args=[evaluation.pk, "pdf"])
        ).status_code
        == 404
    )


def test_closing_asks_for_confirmation(client, supervisor, six_units, template):
    evaluation, _tokens = seed_evaluation(supervisor, template)
    client.force_login(supervisor)
    url = reverse("evaluation:survey_close", args=[evaluation.pk])
    step = client.post(url)
    assert 'data-testid="confirm-step"' in step.content.decode()
    evaluation.refresh_from_db()
    assert evaluation.state == "open"
    client.post(url, {"confirmed": "yes"})
    evaluation.refresh_from_db()
    assert evaluation.state == "closed"


def test_list_filters_and_counts(client, supervisor, six_units, template):
    seed_evaluation(supervisor, template, name="窗口单位民主评议")
    seed_evaluation(supervisor, template, name="服务对象满意度测评")
    client.force_login(supervisor)
    html = client.get(reverse("evaluation:surveys"), {"q": "满意度"}).content.decode()
    assert html.count('data-testid="evaluation-row"') == 1
    assert 'data-total="1"' in html


@pytest.mark.parametrize("role", [Role.WINDOW_CLERK, Role.DEPARTMENT_HEAD, Role.OPERATOR])
def test_staff_outside_supervision_are_refused(
    client, make_user, supervisor, six_units, template, role
):
    evaluation, _tokens = seed_evaluation(supervisor, template)
    client.force_login(make_user(role, department=six_units[0], username=f"p_{role}"))
    for name, args in (
        ("evaluation:surveys", []),
        ("evaluation:survey_detail", [evaluation.pk]),
        ("evaluation:survey_report", [evaluation.pk]),
    ):
        assert client.get(reverse(name, args=args)).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client, supervisor, six_units, template):
    evaluation, _tokens = seed_evaluation(supervisor, template)
    response = client.get(reverse("evaluation:survey_report", args=[evaluation.pk]))
    assert response.status_code == 302
    assert "login" in response["Location"]
