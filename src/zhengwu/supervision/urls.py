"""Staff pages of the supervision app."""

from django.urls import path

from zhengwu.supervision import views

app_name = "supervision"

urlpatterns = [
    path("", views.board, name="board"),
    path("cases/", views.board_cases, name="cases"),
    path("warnings/", views.warnings, name="warnings"),
    path("irregularities/", views.irregularities, name="irregularities"),
    path("irregularities/<int:pk>/", views.irregularity, name="irregularity"),
    path("irregularities/<int:pk>/review/", views.review, name="review"),
]
