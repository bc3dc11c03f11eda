"""The citizen portal (网上办事大厅): apply online, supplement, follow progress."""

from django.urls import path

from zhengwu.cases import portal

app_name = "portal"

urlpatterns = [
    path("", portal.home, name="home"),
    path("apply/<str:impl_code>/", portal.apply, name="apply"),
    path("cases/<str:number>/", portal.case_detail, name="case"),
    path("cases/<str:number>/supplement/", portal.supplement, name="supplement"),
    path("cases/<str:number>/withdraw/", portal.withdraw, name="withdraw"),
    path("cases/<str:number>/files/<int:file_id>/", portal.case_file, name="file"),
    path("cases/<str:number>/documents/<str:kind>.docx", portal.document, name="document"),
    path("track/", portal.track, name="track"),
]
