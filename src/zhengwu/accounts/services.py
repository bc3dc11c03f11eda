"""Every write about people, roles and tokens. Keyword-only, one transaction each."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, transaction
from django.utils.translation import gettext_lazy as _

from zhengwu.accounts.models import ApiToken, Applicant, Department, User
from zhengwu.core import clock
from zhengwu.core.errors import ValidationFailed
from zhengwu.core.queries import CompiledQuery, upsert
from zhengwu.core.roles import Role
from zhengwu.core.validators import clean_resident_id, clean_uscc

TOKEN_PREFIX = "zw_"  # noqa: S105 (a public prefix, not a secret)
# A token's last_used_at is refreshed at most this often, so authentication stays a read.
TOKEN_TOUCH_INTERVAL = dt.timedelta(minutes=5)


def ensure_role_groups() -> None:
    for role in Role:
        Group.objects.get_or_create(name=role.value)


def parse_role(name: str) -> Role:
    try:
        return Role(name)
    except ValueError:
        allowed = ", ".join(r.value for r in Role)
        raise ValidationFailed(
            {
                "role": [
                    _("Unknown role %(role)s. Allowed: %(allowed)s.")
                    % {"role": name, "allowed": allowed}
                ]
            }
        ) from None


@transaction.atomic
def create_user(
    *,
    username: str,
    roles: list[Role | str],
    department_code: str | None = None,
    password: str | None = None,
    full_name: str = "",
    phone: str = "",
    is_staff: bool = False,
    demo: bool = False,
) -> User:
    """Create a user, or add roles and set the department/password of an existing one.

    A password must pass every rule of ``settings.AUTH_PASSWORD_VALIDATORS`` for the account it
    ends up on (staff: at least ``STAFF_PASSWORD_MIN_LENGTH`` characters); ``demo`` accounts keep
    the published demo password (demo data only).
    """
    parsed = [parse_role(str(r)) for r in roles]
    department = None
    if department_code:
        department = Department.objects.filter(code=department_code).first()
        if department is None:
            raise ValidationFailed(
                {
                    "department": [
                        _("No department has the code %(code)s.") % {"code": department_code}
                    ]
                }
            )
    user, created = User.objects.select_for_update().get_or_create(username=username)
    if full_name:
        user.full_name = full_name
    if phone:
        user.phone = phone
    if department is not None:
        user.department = department
    if not password and created:
        user.set_unusable_password()
    if Role.ADMIN in parsed or is_staff:
        user.is_staff = True
    if Role.ADMIN in parsed:
        user.is_superuser = True
    user.save()
    ensure_role_groups()
    user.groups.add(*Group.objects.filter(name__in=[r.value for r in parsed]))
    if password:
        if not demo:
            user._zhengwu_roles = None  # the roles just added
            try:
                validate_password(password, user)
            except ValidationError as error:
                raise ValidationFailed({"password": error.messages}) from None
        user.set_password(password)
        user.save(update_fields=["password"])
    return user


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def issue_token(*, user: User, name: str = "") -> tuple[ApiToken, str]:
    """A new bearer token; the raw value is returned once and never stored."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=raw[: len(TOKEN_PREFIX) + 5],
        key_hash=_hash(raw),
        created_at=clock.now(),
    )
    return token, raw


@transaction.atomic
def revoke_token(*, token: ApiToken) -> None:
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=clock.now())


_USER_FIELDS = tuple(field.attname for field in User._meta.concrete_fields)
# Every API request reads its token and user: compiled once (core.queries.CompiledQuery).
_TOKEN_USER = CompiledQuery(
    lambda key_hash: (
        ApiToken.objects.filter(key_hash=key_hash, revoked_at__isnull=True, user__is_active=True)
        .order_by()
        .values_list("id", "last_used_at", *(f"user__{name}" for name in _USER_FIELDS))[:1]
    ),
    kinds=(str,),
)


def user_for_token(raw: str) -> User | None:
    if not raw or not raw.startswith(TOKEN_PREFIX) or len(raw) > 100:
        return None
    rows = _TOKEN_USER.rows(_hash(raw))
    if not rows:
        return None
    token_id, last_used_at, *user = rows[0]
    now = clock.now()
    if last_used_at is None or now - last_used_at > TOKEN_TOUCH_INTERVAL:
        ApiToken.objects.filter(pk=token_id).update(last_used_at=now)
    return User.from_db(DEFAULT_DB_ALIAS, _USER_FIELDS, user)


def _number_errors(kind: str, id_number: str, uscc: str) -> tuple[str, dict]:
    errors: dict[str, list] = {}
    number = ""
    try:
        if kind == Applicant.Kind.PERSON:
            number = clean_resident_id(id_number)
        elif kind == Applicant.Kind.ORG:
            number = clean_uscc(uscc)
        else:
            errors["kind"] = [_("The applicant kind must be person or org.")]
    except ValidationError as error:
        errors["id_number" if kind == Applicant.Kind.PERSON else "uscc"] = error.messages
    return number, errors


def register_applicant(
    *,
    kind: str,
    name: str,
    id_number: str = "",
    uscc: str = "",
    phone: str = "",
    legal_representative: str = "",
    contact: str = "",
    user: User | None = None,
) -> Applicant:
    """Find the applicant by ID number / credit code or create it; the newest details win. One
    statement either way (``upsert``), which leaves the row locked until the transaction ends.

    Invalid numbers are rejected with the exact reason (DOMAIN.md §9).
    """
    number, errors = _number_errors(kind, id_number, uscc)
    if not (name or "").strip():
        errors["name"] = [_("Enter the applicant's name.")]
    if errors:
        raise ValidationFailed(errors)
    lookup = "id_number" if kind == Applicant.Kind.PERSON else "uscc"
    values = {
        "kind": kind,
        "name": name.strip(),
        "id_number": "",
        "uscc": "",
        lookup: number,
        "legal_representative": legal_representative,
        "contact": contact,
        "phone": phone,
        "user": user.pk if user is not None else None,
        "created_at": clock.now(),
    }
    # The newest details win; a detail left empty keeps the stored one, and so does the account
    # link unless one is given.
    update = ["name"]
    update += [field for field in ("phone", "legal_representative", "contact") if values[field]]
    if user is not None:
        update.append("user")
    return upsert(
        Applicant, values=values, conflict=[lookup], condition={"kind": kind}, update=update
    )
