"""Test data builders over the real models (factory_boy)."""

from __future__ import annotations

import factory
from django.contrib.auth.models import Group

from zhengwu.accounts import models as m
from zhengwu.accounts.regions import path_of
from zhengwu.core import clock
from zhengwu.core.identity import resident_id_check_char, uscc_check_char


def valid_id_number(seq: int, birth: str = "19900101", area: str = "110101") -> str:
    first17 = f"{area}{birth}{seq % 1000:03d}"
    return first17 + resident_id_check_char(first17)


def valid_uscc(seq: int) -> str:
    first17 = f"91110000{seq % 10**9:09d}"
    return first17 + uscc_check_char(first17)


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Region
        django_get_or_create = ("code",)

    code = "110100"
    name = "示范市"
    parent = None
    path = factory.LazyAttribute(
        lambda o: path_of(o.code, o.parent.path if o.parent is not None else "")
    )


class CenterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Center
        django_get_or_create = ("code",)

    region = factory.SubFactory(RegionFactory)
    code = "C110100"
    name = "示范市政务服务中心"


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Department
        django_get_or_create = ("code",)

    center = factory.SubFactory(CenterFactory)
    code = factory.Sequence(lambda n: f"D{n:03d}")
    name = factory.Sequence(lambda n: f"第{n}局")


class WindowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Window

    center = factory.SubFactory(CenterFactory)
    number = factory.Sequence(lambda n: f"{n + 1:02d}")
    name = factory.Sequence(lambda n: f"{n + 1}号窗口")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.PostGenerationMethodCall("set_password", "pass-1234")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for role in extracted or ():
            self.groups.add(Group.objects.get_or_create(name=str(role))[0])
        if create:
            self.save()


class ApplicantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Applicant

    kind = m.Applicant.Kind.PERSON
    name = factory.Sequence(lambda n: f"申请人{n}")
    # Another birth date than ``applicant_payload``'s, so the factory's people never take the ID
    # number of an applicant a test files by hand, whatever the order the tests run in.
    id_number = factory.Sequence(lambda n: valid_id_number(n, birth="19850615"))
    phone = factory.Sequence(lambda n: f"138{n:08d}")
    created_at = factory.LazyFunction(clock.now)


def dispatched_ticket(number: str, department, category, at=None):
    """A 12345 complaint dispatched to ``department`` at ``at`` (now), as the hotline desk leaves
    it: the one ticket every scope test counts per center."""
    from zhengwu.tickets.models import Ticket

    at = at or clock.now()
    return Ticket.objects.create(
        number=number,
        kind="complaint",
        category=category,
        content="投诉",
        caller_phone="13800000000",
        channel="phone",
        department=department,
        state="dispatched",
        received_at=at,
        dispatched_at=at,
        created_at=at,
        updated_at=at,
    )
