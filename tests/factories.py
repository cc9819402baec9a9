"""factory_boy factories for the staffing models. Tests that exercise rules use the services."""

import datetime
from decimal import Decimal
from typing import Any

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from staffing.models import (
    Agent,
    AgentSkill,
    Contract,
    Course,
    LeaveType,
    Site,
    Skill,
    Team,
    TrainingSession,
)


class UserFactory(factory.django.DjangoModelFactory[Any]):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("pw-for-tests-123")

    @factory.post_generation
    def roles(self, create: bool, extracted: list[str] | None, **kwargs: Any) -> None:
        for name in extracted or []:
            self.groups.add(Group.objects.get_or_create(name=name)[0])


class SiteFactory(factory.django.DjangoModelFactory[Site]):
    class Meta:
        model = Site
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"site{n}")
    name = factory.LazyAttribute(lambda o: f"Site {o.code}")


class TeamFactory(factory.django.DjangoModelFactory[Team]):
    class Meta:
        model = Team
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"team{n}")
    name = factory.LazyAttribute(lambda o: f"Team {o.code}")
    site = factory.SubFactory(SiteFactory)


class ContractFactory(factory.django.DjangoModelFactory[Contract]):
    class Meta:
        model = Contract
        django_get_or_create = ("code",)

    code = "ft-40"
    name = "Full-time"
    hours_per_day = Decimal("8")
    hours_per_week = Decimal("40")


class AgentFactory(factory.django.DjangoModelFactory[Agent]):
    class Meta:
        model = Agent

    user = factory.SubFactory(UserFactory, roles=["agent"])
    employee_number = factory.Sequence(lambda n: f"T{n:05d}")
    full_name = factory.Sequence(lambda n: f"Agent {n}")
    hire_date = factory.LazyFunction(
        lambda: timezone.localdate() - datetime.timedelta(days=3 * 365)
    )
    level = "intermediate"
    team = factory.SubFactory(TeamFactory)
    contract = factory.SubFactory(ContractFactory)


def skill(code: str) -> Skill:
    return Skill.objects.get(code=code)


def leave_type(code: str) -> LeaveType:
    return LeaveType.objects.get(code=code)


class AgentSkillFactory(factory.django.DjangoModelFactory[AgentSkill]):
    class Meta:
        model = AgentSkill

    agent = factory.SubFactory(AgentFactory)
    skill = factory.LazyFunction(lambda: Skill.objects.get(code="voice"))
    proficiency = 3


class CourseFactory(factory.django.DjangoModelFactory[Course]):
    class Meta:
        model = Course
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"course{n}")
    title = factory.LazyAttribute(lambda o: f"Course {o.code}")
    hours = Decimal("8")
    certificate_validity_months = 12


class TrainingSessionFactory(factory.django.DjangoModelFactory[TrainingSession]):
    class Meta:
        model = TrainingSession

    course = factory.SubFactory(CourseFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=7))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(hours=4))
    capacity = 10
    location = "Room 1"
