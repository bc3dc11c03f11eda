from django.urls import path

from zhengwu.catalog import views

app_name = "catalog"
urlpatterns = [
    path("", views.public_list, name="public_list"),
    path("items/<str:impl_code>/", views.guide, name="guide"),
    path("files/<int:material_id>/<str:kind>/", views.material_file, name="material_file"),
    path("manage/", views.staff_list, name="staff_list"),
    path("manage/centers/", views.staff_centers, name="staff_centers"),
    path("manage/new/", views.staff_create, name="staff_create"),
    path("manage/import/", views.staff_import, name="staff_import"),
    path("manage/export/", views.staff_export, name="staff_export"),
    path("manage/items/<str:impl_code>/", views.staff_detail, name="staff_detail"),
    path("manage/items/<str:impl_code>/edit/", views.staff_edit, name="staff_edit"),
    path("manage/items/<str:impl_code>/publish/", views.staff_publish, name="staff_publish"),
    path("manage/items/<str:impl_code>/discard/", views.staff_discard, name="staff_discard"),
    path("manage/items/<str:impl_code>/retire/", views.staff_retire, name="staff_retire"),
    path(
        "manage/items/<str:impl_code>/versions/<int:number>/",
        views.staff_version,
        name="staff_version",
    ),
]
