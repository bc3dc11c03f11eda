from django.urls import path

from zhengwu.joint import scene_views as views

app_name = "scenes"
urlpatterns = [
    path("", views.public_list, name="public_list"),
    path("report/", views.report, name="report"),
    path("manage/", views.staff_list, name="staff_list"),
    path("manage/new/", views.staff_create, name="staff_create"),
    path("manage/import/", views.staff_import, name="staff_import"),
    path("manage/export/", views.staff_export, name="staff_export"),
    path("manage/<str:code>/", views.staff_detail, name="staff_detail"),
    path("manage/<str:code>/edit/", views.staff_edit, name="staff_edit"),
    path("manage/<str:code>/publish/", views.staff_publish, name="staff_publish"),
    path("manage/<str:code>/versions/<int:number>/", views.staff_version, name="staff_version"),
    path("<str:code>/", views.guide, name="guide"),
]
