"""Pages of evaluation."""

from django.urls import path

from zhengwu.evaluation import views_rectification as rectification
from zhengwu.evaluation import views_reports as reports
from zhengwu.evaluation import views_surveys as surveys

app_name = "evaluation"

urlpatterns: list = [
    # 整改台账
    path("rectification/", rectification.ledger_list, name="rectification_list"),
    path("rectification/new/", rectification.ledger_new, name="rectification_new"),
    path("rectification/discipline/", rectification.discipline, name="rectification_discipline"),
    path(
        "rectification/<int:ledger_id>/", rectification.ledger_detail, name="rectification_detail"
    ),
    path(
        "rectification/<int:ledger_id>/problems/",
        rectification.add_problem,
        name="rectification_add_problem",
    ),
    path(
        "rectification/<int:ledger_id>/measures/",
        rectification.add_measure,
        name="rectification_add_measure",
    ),
    path(
        "rectification/<int:ledger_id>/discipline/",
        rectification.add_discipline,
        name="rectification_add_discipline",
    ),
    path(
        "rectification/<int:ledger_id>/ledger.xlsx",
        rectification.ledger_xlsx,
        name="rectification_xlsx",
    ),
    path(
        "rectification/<int:ledger_id>/report.docx",
        rectification.ledger_docx,
        name="rectification_docx",
    ),
    path(
        "rectification/measures/<int:measure_id>/",
        rectification.measure_detail,
        name="rectification_measure",
    ),
    path(
        "rectification/measures/<int:measure_id>/<str:action>/",
        rectification.measure_act,
        name="rectification_measure_act",
    ),
    path(
        "rectification/evidence/<int:evidence_id>/",
        rectification.evidence_file,
        name="rectification_evidence",
    ),
    path("surveys/", surveys.surveys, name="surveys"),
    path("surveys/new/", surveys.new_evaluation, name="survey_new"),
    path("surveys/templates/", surveys.templates, name="survey_templates"),
    path("surveys/<int:pk>/", surveys.detail, name="survey_detail"),
    path("surveys/<int:pk>/close/", surveys.close, name="survey_close"),
    path("surveys/<int:pk>/report/", surveys.report, name="survey_report"),
    path(
        "surveys/<int:pk>/report.<str:fmt>",
        surveys.report,
        name="survey_report_file",
    ),
    path("s/<str:token>/", surveys.answer, name="answer"),
]

urlpatterns += [
    path("bulletins/", reports.bulletin_index, name="bulletin_index"),
    path("bulletins/<str:quarter>/", reports.bulletin, name="bulletin"),
    path("bulletins/<str:quarter>/bulletin.<str:fmt>", reports.bulletin, name="bulletin_file"),
    path("awards/", reports.awards_index, name="awards_index"),
    path("awards/<int:year>/", reports.awards_page, name="awards"),
    path("awards/<int:year>/awards.<str:fmt>", reports.awards_page, name="awards_file"),
    path("hotline/", reports.hotline_ranking, name="hotline_ranking"),
]
