"""A department's records imported from a file, then reconciled: the months and departments
the file touched are reconciled at once, so the supervisor sees what it shows."""

from __future__ import annotations

from dataclasses import dataclass

from zhengwu.accounts.models import Department, User
from zhengwu.exchange import inbound_services, record_files
from zhengwu.exchange.models.inbound import DepartmentRecord, Reconciliation, RecordSource
from zhengwu.exchange.reconcile_jobs import reconcile_month


@dataclass(frozen=True)
class Imported:
    records: int
    reconciliations: list[Reconciliation]


def import_file(*, actor: User, upload) -> Imported:
    """Read, check and store the file's records (all or nothing: ``ValidationFailed`` lists
    each problem by row and column), then reconcile each department's months it touched."""
    rows, numbers = record_files.read(upload)
    inbound_services.receive_records(
        actor=actor,
        rows=rows,
        source=RecordSource.IMPORT,
        file_name=str(upload.name or ""),
        problems_as=record_files.problems_by_row(numbers),
    )
    touched = (
        DepartmentRecord.objects.filter(
            department__code__in={str(r["department"]).strip() for r in rows},
            record_number__in={str(r["record_number"]).strip() for r in rows},
        )
        .order_by()
        .values_list("department_id", "received_on")
    )
    months = sorted({(dept, day.replace(day=1)) for dept, day in touched})
    departments = Department.objects.in_bulk({dept for dept, _month in months})
    done = []
    for dept, month in months:
        done += reconcile_month(month=month, department=departments[dept], actor=actor)
    return Imported(records=len(rows), reconciliations=done)
