"""The JSON shape of a joint review meeting (docs/joint.md). Attendees are named as recorded
(they are people present, not accounts); the staff who recorded the minutes by their names."""

from __future__ import annotations

from zhengwu.joint.meetings import agenda
from zhengwu.joint.models import JointMeeting


def meeting(row: JointMeeting) -> dict:
    decisions = {d.child_id: d for d in row.decisions.select_related("department", "child__item")}
    return {
        "joint_case": row.joint.number,
        "seq": row.seq,
        "held_on": row.held_on.isoformat(),
        "place": row.place,
        "topic": row.topic,
        "state": row.state,
        "lead_department": row.joint.lead_department.code,
        "departments": [d.code for d in row.departments.order_by("code")],
        "convened_by": row.convened_by.display_name,
        "convened_at": row.convened_at.isoformat(),
        "attendees": [
            {
                "department": a.department.code,
                "name": a.name,
                "title": a.title,
                "may_decide": a.may_decide,
            }
            for a in row.attendees.select_related("department").order_by("id")
        ],
        "items": [
            {
                "item": child.item.impl_code,
                "department": child.department.code,
                "opinion": decisions[child.pk].opinion if child.pk in decisions else None,
                "text": decisions[child.pk].text if child.pk in decisions else "",
            }
            for child in agenda(row)
        ],
        "conclusion": row.conclusion,
        "closed_at": row.closed_at.isoformat() if row.closed_at else None,
    }
