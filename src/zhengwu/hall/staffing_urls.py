"""The staffing pages of the hall, joined to ``hall/urls.py`` (namespace ``hall``)."""

from __future__ import annotations

from django.urls import path

from zhengwu.hall import views_staffing as v

urlpatterns = [
    path("staffing/attendance/", v.attendance, name="attendance"),
    path(
        "staffing/attendance/department/",
        v.department_attendance,
        name="department_attendance",
    ),
    path("staffing/leave/<int:leave_id>/decide/", v.decide_leave, name="decide_leave"),
    path("staffing/posts/", v.posts, name="posts"),
    path("staffing/rosters/", v.rosters, name="rosters"),
    path("staffing/patrols/", v.patrols, name="patrols"),
    path("staffing/patrols/<int:number>/record/", v.record_patrol, name="record_patrol"),
    path("staffing/findings/<int:finding_id>/follow-up/", v.follow_up, name="follow_up"),
    path("staffing/patrol-log/", v.patrol_log, name="patrol_log"),
    path("staffing/irregularities/", v.irregularities, name="irregularities"),
    path("staffing/assisted/", v.assisted, name="assisted"),
    path("staffing/assisted/<int:service_id>/callback/", v.call_back, name="call_back"),
]
