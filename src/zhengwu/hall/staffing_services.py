"""Every write of the hall's staffing (DESIGN.md: services): keyword-only, one transaction,
the row changed locked.

- ``sign_in`` / ``sign_out``: attendance with its method; by location only inside the hall's
  radius (``OutsideRadius``: 422 with the distance); late and early against the hall's hours on
  working days;
- ``request_leave`` / ``decide_leave``: leave asked for beforehand, decided by the head of the
  department before its first day;
- ``save_post`` / ``save_settings`` / ``save_patrol_times`` / ``save_roster``: configuration;
- ``record_patrol`` / ``follow_up``: a patrol by someone on the day's roster, with its checks and
  findings, each finding assigned; the assignee follows it up;
- ``record_assisted`` / ``call_back``: 帮办代办 and its callback.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import uuid
from collections.abc import Iterable, Mapping

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from zhengwu.accounts.models import User, Window
from zhengwu.cases.models import Case
from zhengwu.core import clock
from zhengwu.core import inputs as core_inputs
from zhengwu.core.errors import DomainError, Forbidden, NotFound, ValidationFailed
from zhengwu.core.roles import Role, has_role
from zhengwu.core.schemas import MAX_ROW_ID
from zhengwu.hall import staffing_rules as rules
from zhengwu.hall import staffing_selectors as selectors
from zhengwu.hall.models import Hall, WindowPost
from zhengwu.hall.models.staffing import (
    AssistedService,
    Attendance,
    AttendanceMethod,
    DutyRoster,
    LeaveRequest,
    Patrol,
    PatrolCheck,
    PatrolFinding,
    PatrolSlot,
    StaffingSettings,
)
from zhengwu.notifications.models import Notification, NotificationKind, day_start
from zhengwu.workdays.loader import add_workdays, is_workday

MAX_PHOTO_BYTES = 2 * 1024 * 1024


class OutsideRadius(ValidationFailed):
    """A location sign-in farther from the hall than its radius: 422 with the distance."""

    def __init__(self, distance: int, radius: int):
        self.distance = distance
        self.radius = radius
        message = _(
            "You are %(distance)s m from the hall; signing in by location is allowed within "
            "%(radius)s m."
        ) % {"distance": distance, "radius": radius}
        super().__init__({"location": [message]}, message)

    def payload(self) -> dict:
        return {**super().payload(), "distance_m": self.distance, "radius_m": self.radius}


def _pk(value) -> int:
    """A row id from a path or a form: a number no row can have is a 404."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise NotFound() from None
    if not 0 < number <= MAX_ROW_ID:
        raise NotFound()
    return number


# -- attendance ----------------------------------------------------------------------------------


def _coordinate(value, field: str, limit: float, errors: dict) -> float | None:
    if value is None or value == "":
        errors[field] = [_("This field is required.")]
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        errors[field] = [_("Enter a number.")]
        return None
    if not -limit <= number <= limit:
        errors[field] = [_("Enter a valid coordinate.")]
        return None
    return number


def _photo(photo, errors: dict) -> bytes | None:
    """A face photo: bytes, or base64 text (the API); a JPEG or PNG of at most 2 MB."""
    if photo is None or photo == "" or photo == b"":
        errors["photo"] = [_("Take a face photo to sign in at the kiosk.")]
        return None
    if isinstance(photo, str):
        try:
            photo = base64.b64decode(photo.split(",", 1)[-1], validate=True)
        except (binascii.Error, ValueError):
            errors["photo"] = [_("The photo could not be read.")]
            return None
    elif hasattr(photo, "read"):
        photo = photo.read(MAX_PHOTO_BYTES + 1)
    if len(photo) > MAX_PHOTO_BYTES:
        errors["photo"] = [_("The photo is larger than 2 MB.")]
        return None
    if not (photo.startswith(b"\xff\xd8\xff") or photo.startswith(b"\x89PNG")):
        errors["photo"] = [_("The photo must be a JPEG or PNG image.")]
        return None
    return photo


def _check_in(user, method, lat, lon, photo) -> tuple[Hall, str, int | None, bytes | None]:
    """The hall, the method, the distance (by location) and the photo (at the kiosk) of an
    attendance step, or the 422 / 409 it gets."""
    errors: dict = {}
    if method not in AttendanceMethod.values:
        raise ValidationFailed({"method": [_("Choose how you sign in.")]})
    hall = selectors.hall_of(user)
    if hall is None:
        raise DomainError(_("You are not on the staff of any service hall."), code="no_hall")
    distance = image = None
    if method == AttendanceMethod.MOBILE:
        lat_v = _coordinate(lat, "lat", 90, errors)
        lon_v = _coordinate(lon, "lon", 180, errors)
        if errors:
            raise ValidationFailed(errors)
        if hall.latitude is None or hall.longitude is None:
            raise DomainError(
                _("The hall's location is not set; sign in at the kiosk or the window panel."),
                code="hall_location_unset",
            )
        exact = rules.distance_m(lat_v, lon_v, float(hall.latitude), float(hall.longitude))
        distance = round(exact)
        if not rules.within(exact, hall.radius_m):
            raise OutsideRadius(max(distance, hall.radius_m + 1), hall.radius_m)
    elif method == AttendanceMethod.KIOSK:
        image = _photo(photo, errors)
        if errors:
            raise ValidationFailed(errors)
    return hall, method, distance, image


def sign_in(*, user: User, method: str, lat=None, lon=None, photo=None) -> Attendance:
    """Sign ``user`` in for today (once a day; 409 ``already_signed_in`` after)."""
    hall, method, distance, image = _check_in(user, method, lat, lon, photo)
    now = clock.now()
    day = clock.local_date(now)
    conf = selectors.settings_of(hall)
    late = 0
    if is_workday(day):
        late = rules.late_minutes(
            now, selectors.hours_of(hall), tolerance=conf.late_tolerance_minutes
        )
    row = Attendance(
        user=user,
        hall=hall,
        department_id=user.department_id,
        day=day,
        signed_in_at=now,
        sign_in_method=method,
        distance_m=distance,
        late_minutes=late,
    )
    try:
        with transaction.atomic():
            if image is not None:
                row.photo.save(f"{uuid.uuid4().hex}.jpg", ContentFile(image), save=False)
            row.save()
    except IntegrityError:
        raise DomainError(
            _("You have already signed in today."), code="already_signed_in"
        ) from None
    return row


@transaction.atomic
def sign_out(*, user: User, method: str, lat=None, lon=None, photo=None) -> Attendance:
    """Sign ``user`` out for today (again later: the last sign-out counts)."""
    hall, method, _distance, _image = _check_in(user, method, lat, lon, photo)
    now = clock.now()
    day = clock.local_date(now)
    row = Attendance.objects.select_for_update().filter(user=user, day=day).first()
    if row is None:
        raise DomainError(_("You have not signed in today."), code="not_signed_in")
    conf = selectors.settings_of(hall)
    row.signed_out_at = now
    row.sign_out_method = method
    row.early_minutes = (
        rules.early_minutes(now, selectors.hours_of(hall), tolerance=conf.late_tolerance_minutes)
        if is_workday(day)
        else 0
    )
    row.save(update_fields=["signed_out_at", "sign_out_method", "early_minutes"])
    return row


# -- leave ---------------------------------------------------------------------------------------


def _date(value, field: str, errors: dict) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value or ""))
    except ValueError:
        errors[field] = [_("Enter a valid date.")]
        return None


def request_leave(*, user: User, kind: str, first_day, last_day, reason: str) -> LeaveRequest:
    """Ask for leave beforehand: the first day after today."""
    errors: dict = {}
    if kind not in LeaveRequest.Kind.values:
        errors["kind"] = [_("Choose the kind of leave.")]
    first = _date(first_day, "first_day", errors)
    last = _date(last_day, "last_day", errors)
    reason = core_inputs.text(reason, "reason", required=True, errors=errors, limit=200)
    today = clock.today()
    if first is not None and first <= today:
        errors["first_day"] = [_("Leave is asked for before its first day.")]
    if first is not None and last is not None and last < first:
        errors["last_day"] = [_("The last day cannot come before the first day.")]
    elif first is not None and last is not None and (last - first).days > 60:
        errors["last_day"] = [_("A leave request covers at most 60 days.")]
    if errors:
        raise ValidationFailed(errors)
    if user.department_id is None:
        raise DomainError(_("You belong to no department."), code="no_department")
    return LeaveRequest.objects.create(
        user=user,
        department_id=user.department_id,
        kind=kind,
        first_day=first,
        last_day=last,
        reason=reason,
        requested_at=clock.now(),
    )


@transaction.atomic
def decide_leave(*, head: User, leave_id: int, approve: bool) -> LeaveRequest:
    """The head of the request's department approves or refuses it, before its first day."""
    row = LeaveRequest.objects.select_for_update().filter(pk=_pk(leave_id)).first()
    if row is None or not selectors.is_head(head) or head.department_id != row.department_id:
        raise NotFound()
    if row.user_id == head.pk:
        raise Forbidden(_("A head does not decide their own leave."))
    if row.state != LeaveRequest.State.PENDING:
        raise DomainError(_("This leave request has been decided."), code="leave_decided")
    if not rules.leave_decidable(first_day=row.first_day, today=clock.today()):
        raise DomainError(
            _("Leave is decided before its first day; this request is too late."),
            code="leave_too_late",
        )
    row.state = LeaveRequest.State.APPROVED if approve else LeaveRequest.State.REFUSED
    row.decided_by = head
    row.decided_at = clock.now()
    row.save(update_fields=["state", "decided_by", "decided_at"])
    return row


# -- configuration -------------------------------------------------------------------------------


def _require_config(actor) -> None:
    if not selectors.may_configure(actor):
        raise Forbidden()


def _staff(user_id, field: str, errors: dict, *, required: bool = False) -> User | None:
    if user_id in (None, ""):
        if required:
            errors[field] = [_("This field is required.")]
        return None
    text = str(user_id)
    user = None
    if text.isdigit() and int(text) <= MAX_ROW_ID:
        user = User.objects.filter(pk=int(text), is_active=True).first()
    if user is None:
        errors[field] = [_("Choose a member of staff.")]
    return user


@transaction.atomic
def save_post(*, actor: User, window_id: int, post_a, post_b) -> WindowPost:
    """Set a window's A and B posts (two different people, or empty)."""
    _require_config(actor)
    post = WindowPost.objects.select_for_update().filter(window_id=window_id).first()
    if post is None:
        raise NotFound()
    errors: dict = {}
    a = _staff(post_a, "post_a", errors)
    b = _staff(post_b, "post_b", errors)
    if a is not None and b is not None and a.pk == b.pk:
        errors["post_b"] = [_("The B post is someone other than the A post.")]
    if errors:
        raise ValidationFailed(errors)
    post.post_a, post.post_b = a, b
    post.save(update_fields=["post_a", "post_b"])
    return post


@transaction.atomic
def save_settings(
    *,
    actor: User,
    hall: Hall,
    radius_m,
    empty_grace_minutes,
    patrol_grace_minutes,
    finding_workdays,
    late_tolerance_minutes,
    areas: str,
) -> StaffingSettings:
    """A hall's radius (at most the default 50 m: configurable smaller) and staffing settings."""
    _require_config(actor)
    errors: dict = {}

    def number(value, field, low, high):
        try:
            n = int(value)
        except (TypeError, ValueError):
            errors[field] = [_("Enter a whole number.")]
            return None
        if not low <= n <= high:
            errors[field] = [
                _("Enter a number from %(low)s to %(high)s.") % {"low": low, "high": high}
            ]
            return None
        return n

    radius = number(radius_m, "radius_m", 10, rules.DEFAULT_RADIUS_M)
    values = {
        "empty_grace_minutes": number(empty_grace_minutes, "empty_grace_minutes", 1, 60),
        "patrol_grace_minutes": number(patrol_grace_minutes, "patrol_grace_minutes", 5, 120),
        "finding_workdays": number(finding_workdays, "finding_workdays", 0, 10),
        "late_tolerance_minutes": number(late_tolerance_minutes, "late_tolerance_minutes", 0, 30),
        "areas": core_inputs.text(areas, "areas", required=False, errors=errors, limit=1000),
    }
    if errors:
        raise ValidationFailed(errors)
    locked = Hall.objects.select_for_update().get(pk=hall.pk)
    locked.radius_m = radius
    locked.save(update_fields=["radius_m"])
    conf, _created = StaffingSettings.objects.select_for_update().get_or_create(hall=locked)
    for field, value in values.items():
        setattr(conf, field, value)
    conf.save()
    return conf


@transaction.atomic
def save_patrol_times(*, actor: User, hall: Hall, times: Iterable[str]) -> list[PatrolSlot]:
    """The hall's six patrol times (HH:MM, in order, distinct)."""
    _require_config(actor)
    parsed, errors = [], {}
    for i, value in enumerate(times, start=1):
        try:
            parsed.append(dt.time.fromisoformat(str(value).strip()))
        except ValueError:
            errors[f"time_{i}"] = [_("Enter a time such as 09:00.")]
    if not errors and len(parsed) != rules.PATROLS_PER_DAY:
        errors["times"] = [_("Enter the six patrol times of the day.")]
    if not errors and parsed != sorted(set(parsed)):
        errors["times"] = [_("The patrol times are distinct and in order.")]
    if errors:
        raise ValidationFailed(errors)
    Hall.objects.select_for_update().get(pk=hall.pk)
    PatrolSlot.objects.filter(hall=hall).delete()
    return PatrolSlot.objects.bulk_create(
        [PatrolSlot(hall=hall, number=i, at=t) for i, t in enumerate(parsed, start=1)]
    )


@transaction.atomic
def save_roster(
    *, actor: User, hall: Hall, day, leader_a, leader_b=None, patrol_staff=()
) -> DutyRoster:
    """The duty roster of a day from today on (replaced when saved again before it is
    published; after, the people told are told again of the change)."""
    _require_config(actor)
    errors: dict = {}
    day = _date(day, "day", errors)
    a = _staff(leader_a, "leader_a", errors, required=True)
    b = _staff(leader_b, "leader_b", errors)
    staff = [_staff(pk, "patrol_staff", errors) for pk in patrol_staff if pk not in ("", None)]
    if day is not None and day < clock.today():
        errors["day"] = [_("A roster is made for today or a day to come.")]
    if a is not None and b is not None and a.pk == b.pk:
        errors["leader_b"] = [_("Duty leader B is someone other than duty leader A.")]
    if errors:
        raise ValidationFailed(errors)
    Hall.objects.select_for_update().get(pk=hall.pk)
    roster, _created = DutyRoster.objects.update_or_create(
        hall=hall, day=day, defaults={"leader_a": a, "leader_b": b, "published_at": None}
    )
    roster.patrol_staff.set([u for u in staff if u is not None])
    Notification.objects.filter(kind=NotificationKind.DUTY_ROSTER, source_id=roster.pk).delete()
    return roster


def publish_rosters(*, now: dt.datetime) -> int:
    """Publish the rosters of today whose publishing time has come (set-based): each duty
    leader and patrol member is told once in the notification centre."""
    today = clock.local_date(now)
    local = clock.local_datetime(now).time()
    due = [
        r
        for r in DutyRoster.objects.filter(day=today, published_at__isnull=True).select_related(
            "hall__staffing"
        )
        if local >= _publish_time(r)
    ]
    if not due:
        return 0
    batch = uuid.uuid4().hex
    rows = []
    through = DutyRoster.patrol_staff.through
    staff: dict[int, list[int]] = {}
    for roster_id, user_id in through.objects.filter(
        dutyroster_id__in=[r.pk for r in due]
    ).values_list("dutyroster_id", "user_id"):
        staff.setdefault(roster_id, []).append(user_id)
    for roster in due:
        people = {roster.leader_a_id, roster.leader_b_id, *staff.get(roster.pk, [])} - {None}
        rows += [
            Notification(
                recipient_id=pk,
                kind=NotificationKind.DUTY_ROSTER,
                code="published",
                source_id=roster.pk,
                source_at=day_start(roster.day),
                batch=batch,
                created_at=now,
            )
            for pk in sorted(people)
        ]
    with transaction.atomic():
        updated = DutyRoster.objects.filter(
            pk__in=[r.pk for r in due], published_at__isnull=True
        ).update(published_at=now)
        Notification.objects.bulk_create(rows, ignore_conflicts=True)
        send_on_commit(batch)
    return updated


def _publish_time(roster: DutyRoster) -> dt.time:
    try:
        return roster.hall.staffing.roster_publish_at
    except StaffingSettings.DoesNotExist:
        return StaffingSettings._meta.get_field("roster_publish_at").default


def send_on_commit(batch: str) -> None:
    """E-mail and text the notifications of ``batch`` once the transaction commits."""
    from zhengwu.notifications.tasks import deliver

    transaction.on_commit(lambda: deliver.enqueue(batch))


# -- patrols -------------------------------------------------------------------------------------


def _may_patrol(actor: User, hall: Hall, day: dt.date) -> bool:
    return has_role(actor, Role.ADMIN) or selectors.on_duty(actor, hall, day)


def record_patrol(
    *,
    actor: User,
    hall: Hall,
    number: int,
    checks: Iterable[Mapping],
    findings: Iterable[Mapping] = (),
    notes: str = "",
) -> Patrol:
    """Record the patrol ``number`` of today, done now by ``actor`` (on today's roster): the
    checks of each area and window (``{"window" or "area", item: bool...}``) and the findings
    (``{"window" or "area", "item", "description", "assignee", "photo"}``), each assigned and
    due by the end of the hall's follow-up working days."""
    now = clock.now()
    day = clock.local_date(now)
    if not _may_patrol(actor, hall, day):
        raise Forbidden(_("Only those on today's duty roster record its patrols."))
    times = dict(selectors.patrol_times(hall))
    errors: dict = {}
    try:
        number = int(number)
    except (TypeError, ValueError):
        number = 0
    if number not in times:
        errors["number"] = [_("Choose one of the day's patrols.")]
    notes = core_inputs.text(notes, "notes", required=False, errors=errors, limit=500)
    windows = {w.pk: w for w in Window.objects.filter(post__hall=hall)}
    conf = selectors.settings_of(hall)
    clean_checks = []
    for i, check in enumerate(checks):
        target = _target(check, windows, f"checks.{i}", errors)
        clean_checks.append(
            PatrolCheck(
                window=target[0],
                area=target[1],
                **{item: bool(check.get(item, True)) for item in rules.CHECK_ITEMS},
            )
        )
    deadline = clock.end_of_day(add_workdays(day, conf.finding_workdays).date)
    clean_findings = []
    for i, finding in enumerate(findings):
        field = f"findings.{i}"
        window, area = _target(finding, windows, field, errors)
        item = finding.get("item")
        if item not in PatrolFinding.Item.values:
            errors[f"{field}.item"] = [_("Choose the check item.")]
        description = core_inputs.text(
            finding.get("description"),
            f"{field}.description",
            required=True,
            errors=errors,
            limit=500,
        )
        assignee = _staff(finding.get("assignee"), f"{field}.assignee", errors, required=True)
        photo = finding.get("photo")
        image = None
        if photo:
            image = _photo(photo, photo_errors := {})
            if photo_errors:
                errors[f"{field}.photo"] = photo_errors["photo"]
        clean_findings.append(
            (
                PatrolFinding(
                    window=window,
                    area=area,
                    item=item,
                    description=description,
                    assignee=assignee,
                    department_id=(
                        (window.department_id if window is not None else None)
                        or (assignee.department_id if assignee is not None else None)
                    ),
                    deadline=deadline,
                ),
                image,
            )
        )
    if errors:
        raise ValidationFailed(errors)
    due_at = dt.datetime.combine(day, times[number], tzinfo=clock.LOCAL_TZ)
    try:
        with transaction.atomic():
            patrol = Patrol.objects.create(
                hall=hall,
                day=day,
                number=number,
                due_at=due_at,
                done_at=now,
                done_by=actor,
                recorded_at=now,
                notes=notes,
            )
            for check in clean_checks:
                check.patrol = patrol
            PatrolCheck.objects.bulk_create(clean_checks)
            for finding, image in clean_findings:
                finding.patrol = patrol
                if image is not None:
                    finding.photo.save(f"{uuid.uuid4().hex}.jpg", ContentFile(image), save=False)
                finding.save()
    except IntegrityError:
        raise DomainError(
            _("This patrol has already been recorded."), code="patrol_recorded"
        ) from None
    return patrol


def _target(row: Mapping, windows: dict, field: str, errors: dict):
    window_id = row.get("window")
    if window_id not in (None, ""):
        window = windows.get(int(window_id)) if str(window_id).isdigit() else None
        if window is None:
            errors[f"{field}.window"] = [_("Choose a window of this hall.")]
        return window, ""
    area = core_inputs.text(
        row.get("area"), f"{field}.area", required=True, errors=errors, limit=60
    )
    return None, area


@transaction.atomic
def follow_up(*, actor: User, finding_id: int, text: str) -> PatrolFinding:
    """The assignee records how a finding was followed up (once)."""
    finding = PatrolFinding.objects.select_for_update().filter(pk=_pk(finding_id)).first()
    if finding is None or finding.assignee_id != actor.pk:
        raise NotFound()
    errors: dict = {}
    text = core_inputs.text(text, "follow_up", required=True, errors=errors, limit=500)
    if errors:
        raise ValidationFailed(errors)
    if finding.followed_up_at is not None:
        raise DomainError(_("This finding has been followed up."), code="followed_up")
    finding.follow_up = text
    finding.followed_up_at = clock.now()
    finding.followed_up_by = actor
    finding.save(update_fields=["follow_up", "followed_up_at", "followed_up_by"])
    return finding


# -- 帮办代办 ----------------------------------------------------------------------------------


def record_assisted(
    *,
    actor: User,
    person: str,
    phone: str = "",
    items: str,
    mode: str,
    address: str = "",
    case_number: str = "",
    served_on=None,
) -> AssistedService:
    """A 帮办代办 record by ``actor`` (the helper): on site, or 上门 with the address."""
    hall = selectors.hall_of(actor)
    if hall is None:
        raise DomainError(_("You are not on the staff of any service hall."), code="no_hall")
    errors: dict = {}
    person = core_inputs.text(person, "person", required=True, errors=errors, limit=60)
    if phone:
        phone = core_inputs.phone(phone, "phone", errors=errors)
    items = core_inputs.text(items, "items", required=True, errors=errors, limit=300)
    if mode not in AssistedService.Mode.values:
        errors["mode"] = [_("Choose on site or home visit.")]
    address = core_inputs.text(
        address, "address", required=mode == AssistedService.Mode.HOME, errors=errors, limit=200
    )
    today = clock.today()
    day = today if served_on in (None, "") else _date(served_on, "served_on", errors)
    if day is not None and day > today:
        errors["served_on"] = [_("The date cannot be in the future.")]
    case = None
    if case_number:
        case = Case.objects.filter(number=str(case_number).strip()).first()
        if case is None:
            errors["case_number"] = [_("No case has this number.")]
    if errors:
        raise ValidationFailed(errors)
    return AssistedService.objects.create(
        hall=hall,
        helper=actor,
        department_id=actor.department_id,
        person=person,
        phone=phone,
        items=items,
        case=case,
        mode=mode,
        address=address if mode == AssistedService.Mode.HOME else "",
        served_on=day,
        recorded_at=clock.now(),
    )


@transaction.atomic
def call_back(
    *, actor: User, service_id: int, satisfaction: str, note: str = ""
) -> AssistedService:
    """The callback of a 帮办代办 record (once), with the person's satisfaction."""
    row = (
        selectors.assisted(actor).select_for_update(of=("self",)).filter(pk=_pk(service_id)).first()
    )
    if row is None:
        raise NotFound()
    errors: dict = {}
    if satisfaction not in AssistedService.Satisfaction.values:
        errors["satisfaction"] = [_("Choose how satisfied they were.")]
    note = core_inputs.text(note, "callback_note", required=False, errors=errors, limit=300)
    if errors:
        raise ValidationFailed(errors)
    if row.called_back_at is not None:
        raise DomainError(_("This service has been called back."), code="called_back")
    row.called_back_at = clock.now()
    row.called_back_by = actor
    row.satisfaction = satisfaction
    row.callback_note = note
    row.save(update_fields=["called_back_at", "called_back_by", "satisfaction", "callback_note"])
    return row
