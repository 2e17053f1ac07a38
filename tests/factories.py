"""factory-boy factories for the core models."""

from __future__ import annotations

import itertools

import factory
from django.contrib.auth import get_user_model

from lms import roles
from lms.models import OrgUnit, Worker
from lms.services import org_unit_get_or_create_path, worker_roles_set
from lms.validators import id_number_check_char

_seq = itertools.count(1)


def make_id_number(n: int | None = None) -> str:
    n = next(_seq) if n is None else n
    first17 = f"110101{1980 + n % 20}0{1 + n % 9}1{n % 10}{n % 1000:03d}"
    return first17 + id_number_check_char(first17)


def org(path: str) -> OrgUnit:
    """`org("临江市/江北区/滨江街道")` — the unit at that path, created with any missing parents."""
    return org_unit_get_or_create_path(names=path.split("/"))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("Test@12345")


class WorkerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Worker
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory, username=factory.SelfAttribute("..employee_no"))
    employee_no = factory.Sequence(lambda n: f"T{n:05d}")
    name = factory.Sequence(lambda n: f"测试{n}")
    id_number = factory.LazyFunction(make_id_number)
    phone = factory.Sequence(lambda n: f"139{n:08d}")
    org_unit = factory.LazyFunction(lambda: org("测试市/甲区/一街道/一社区/一网格"))

    @factory.post_generation
    def roles(obj, create, extracted, **kwargs):
        worker_roles_set(worker=obj, role_codes=extracted or {roles.TRAINEE})
