from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from zhengwu.api import api
from zhengwu.core import views as core_views

admin.site.site_header = "政务服务平台管理"
admin.site.site_title = "政务服务平台"
admin.site.index_title = "系统管理"

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("accounts/", include("zhengwu.accounts.urls")),
    path("catalog/", include("zhengwu.catalog.urls")),
    path("scenes/", include("zhengwu.joint.scene_urls")),
    path("cases/", include("zhengwu.cases.urls")),
    path("portal/", include("zhengwu.cases.portal_urls")),
    path("workdays/", include("zhengwu.workdays.urls")),
    path("ratings/", include("zhengwu.ratings.urls")),
    path("supervision/", include("zhengwu.supervision.urls")),
    path("notifications/", include("zhengwu.notifications.urls")),
    path("assessment/", include("zhengwu.assessment.urls")),
    path("tickets/", include("zhengwu.tickets.urls")),
    path("joint-meetings/", include("zhengwu.joint.meeting_urls")),
    path("joint/", include("zhengwu.joint.urls")),
    path("portal/scenes/", include("zhengwu.joint.portal_urls")),
    path("licences/verify/", include("zhengwu.licences.public_urls")),
    path("licences/", include("zhengwu.licences.urls")),
    # Before the disclosure app's own pages, whose patterns take any path under disclosure/.
    path("disclosure/annual-report/", include("zhengwu.disclosure.annual_urls")),
    path("disclosure/", include("zhengwu.disclosure.urls")),
    path("trading/import/", include("zhengwu.trading.import_urls")),
    path("hall/", include("zhengwu.hall.urls")),
    path("trading/", include("zhengwu.trading.urls")),
    path("evaluation/", include("zhengwu.evaluation.urls")),
    path("exchange/", include("zhengwu.exchange.urls")),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
]

handler403 = "zhengwu.core.views.forbidden"
handler404 = "zhengwu.core.views.not_found"
handler500 = "zhengwu.core.views.server_error"
