"""Pages of evaluation."""

from django.urls import path

from zhengwu.evaluation import views_rectification as rectification

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
]
