"""The portal's 一件事 pages: the scenes, applying online, the applicant's joint cases."""

from django.urls import path

from zhengwu.joint import portal

app_name = "joint_portal"

urlpatterns = [
    path("", portal.scene_list, name="scenes"),
    path("<str:code>/apply/", portal.apply, name="apply"),
    path("mine/", portal.my_cases, name="cases"),
    path("mine/<str:number>/", portal.case, name="case"),
    path("mine/<str:number>/supplement/", portal.supplement, name="supplement"),
    path("mine/<str:number>/withdraw/", portal.withdraw, name="withdraw"),
]
