"""Pages of evaluation."""

from django.urls import path

from zhengwu.evaluation import views_reports as reports
from zhengwu.evaluation import views_surveys as surveys

app_name = "evaluation"

urlpatterns: list = [
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
