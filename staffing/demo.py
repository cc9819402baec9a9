"""The demo center: two sites, six teams, about 150 agents with realistic skills, training
history and leave. Reproducible (fixed seed, dates relative to the day it runs) and idempotent:
everything is keyed by a natural key, and history is only added to agents that have none.
"""

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.utils import timezone

from .models import (
    Agent,
    AgentSkill,
    Contract,
    Course,
    CourseSkillGrant,
    LeaveLedgerEntry,
    LeaveRequest,
    LeaveType,
    Site,
    Skill,
    Team,
    TrainingRecord,
    TrainingSession,
)
from .models.leave import LeaveStatus, LedgerKind
from .models.organisation import Level
from .models.skills import SkillSource
from .models.training import TrainingStatus
from .services.leave import leave_entitlements_grant
from .services.training import add_months
from .workdays import count_leave_days

DEMO_PASSWORD = "wfm-demo-2026"  # noqa: S105 - printed demo credential, demo data only
SEED = 20261128

SITES = [
    ("sh", "Shanghai Pudong Service Center"),
    ("gz", "Guangzhou Tianhe Service Center"),
]

# code, name, site, core skills every member has, optional skills some members have
TEAMS = [
    (
        "sh-hotline-a",
        "Shanghai Hotline A",
        "sh",
        ["voice", "mandarin", "accounts"],
        ["cards", "loans"],
    ),
    (
        "sh-hotline-b",
        "Shanghai Hotline B",
        "sh",
        ["voice", "mandarin", "accounts"],
        ["loans", "wealth"],
    ),
    ("sh-cards", "Shanghai Cards", "sh", ["voice", "mandarin", "cards"], ["english", "complaints"]),
    (
        "sh-digital",
        "Shanghai Chat & Email",
        "sh",
        ["chat", "email", "mandarin"],
        ["cards", "accounts"],
    ),
    (
        "gz-hotline",
        "Guangzhou Hotline",
        "gz",
        ["voice", "cantonese", "mandarin"],
        ["accounts", "cards"],
    ),
    (
        "gz-care",
        "Guangzhou Care & English",
        "gz",
        ["voice", "complaints", "mandarin"],
        ["english", "wealth"],
    ),
]

# Per team of 25: 1 team lead, 3 floor supervisors, 5 senior, 8 intermediate, 8 junior. A
# supervisor-level agent is on duty around the clock (about 5 people per 24/7 position once
# rest days and leave are counted), so even the two-team site needs eight of them.
LEVEL_MIX = (
    [Level.TEAM_LEAD]
    + [Level.SUPERVISOR] * 3
    + [Level.SENIOR] * 5
    + [Level.INTERMEDIATE] * 8
    + [Level.JUNIOR] * 8
)

CONTRACTS = [
    # code, name, hours/day, hours/week, days/week, max consecutive, nights
    ("ft-40", "Full-time 8 h x 5", "8", "40", 5, 6, True),
    ("ft-40-day", "Full-time 8 h x 5, no nights", "8", "40", 5, 6, False),
    ("pt-30", "Part-time 6 h x 5", "6", "30", 5, 6, False),
    ("pt-20", "Part-time 4 h x 5", "4", "20", 5, 6, False),
]

COURSES = [
    # code, title, hours, validity months, mandatory levels, grants [(skill, proficiency)]
    (
        "hotline-cert",
        "Hotline service certification",
        "16",
        24,
        ["junior", "intermediate"],
        [("voice", 3)],
    ),
    ("cards-product", "Credit and debit cards product training", "8", 12, [], [("cards", 3)]),
    ("complaints", "Complaints handling and regulatory redress", "12", 12, [], [("complaints", 3)]),
    (
        "aml",
        "Anti-money-laundering and customer due diligence",
        "4",
        12,
        ["junior", "intermediate", "senior", "team_lead", "supervisor"],
        [],
    ),
    ("wealth-license", "Wealth management product licence", "24", 24, [], [("wealth", 3)]),
    ("english-service", "English customer service", "20", None, [], [("english", 3)]),
    ("lead-basics", "Team lead foundations", "16", None, ["team_lead"], []),
]

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯"
    "龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍红鹏辉玲建华飞鑫波斌"
    "宇浩凯健俊帆帅旭宁龙林欣怡佳琪雨晨子涵梓萱思远一诺"
)


@dataclass
class DemoLogins:
    admin: str
    hr: str
    team_lead: str
    agent: str


def _agent_rng(employee_number: str, purpose: str) -> random.Random:
    """One generator per agent and purpose, so re-running draws the same values for everyone."""
    return random.Random(f"{SEED}-{employee_number}-{purpose}")


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice([1, 2])))


def _user(username: str, password_hash: str, groups: list[str], **extra: Any) -> Any:
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(
        username=username, defaults={"password": password_hash, **extra}
    )
    for name in groups:
        user.groups.add(Group.objects.get(name=name))
    return user


def seed_people(*, today: datetime.date | None = None, stdout: Any = None) -> DemoLogins:
    """Create (or complete) the demo center. Returns the demo logins, one per role."""
    today = today or timezone.localdate()
    rng = random.Random(SEED)
    password_hash = make_password(DEMO_PASSWORD)

    admin = _user(
        "admin",
        password_hash,
        ["admin"],
        is_staff=True,
        is_superuser=True,
        email="admin@example.com",
    )
    hr = _user("hr.chen", password_hash, ["hr"], is_staff=True, email="hr.chen@example.com")
    del admin

    sites = {
        code: Site.objects.get_or_create(code=code, defaults={"name": name})[0]
        for code, name in SITES
    }
    contracts = {}
    for code, name, per_day, per_week, days, consecutive, nights in CONTRACTS:
        contracts[code] = Contract.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "hours_per_day": Decimal(per_day),
                "hours_per_week": Decimal(per_week),
                "working_days_per_week": days,
                "max_consecutive_working_days": consecutive,
                "night_work_allowed": nights,
            },
        )[0]
    skills = {skill.code: skill for skill in Skill.objects.all()}

    courses = {}
    for code, title, hours, validity, levels, grants in COURSES:
        course, created = Course.objects.get_or_create(
            code=code,
            defaults={
                "title": title,
                "hours": Decimal(hours),
                "certificate_validity_months": validity,
                "mandatory_for_levels": levels,
            },
        )
        if created:
            for skill_code, proficiency in grants:
                CourseSkillGrant.objects.create(
                    course=course, skill=skills[skill_code], proficiency=proficiency
                )
        courses[code] = course
    # Everyone who takes complaints must hold a valid complaints certificate.
    courses["complaints"].mandatory_for_skills.add(skills["complaints"])

    number = 0
    lead_user = None
    agent_user = None
    for team_code, team_name, site_code, core, optional in TEAMS:
        team, _created = Team.objects.get_or_create(
            code=team_code, defaults={"name": team_name, "site": sites[site_code]}
        )
        for level in LEVEL_MIX:
            number += 1
            username = f"agent{number:03d}"
            if level == Level.TEAM_LEAD:
                username = f"lead.{team_code}"
            groups = ["agent"] + (["team_lead"] if level == Level.TEAM_LEAD else [])
            user = _user(username, password_hash, groups)
            if level == Level.TEAM_LEAD:
                team.team_leads.add(user)
                lead_user = lead_user or user
            years = {
                Level.JUNIOR: (0.2, 2),
                Level.INTERMEDIATE: (1.5, 5),
                Level.SENIOR: (4, 12),
                Level.TEAM_LEAD: (6, 16),
                Level.SUPERVISOR: (9, 24),
            }[level]
            hire_date = today - datetime.timedelta(days=int(rng.uniform(*years) * 365))
            roll = rng.random()
            if level in (Level.TEAM_LEAD, Level.SUPERVISOR):
                roll = 0.0  # floor supervisors work full rotating shifts, nights included
            contract = contracts[
                "ft-40"
                if roll < 0.78
                else "ft-40-day"
                if roll < 0.88
                else "pt-30"
                if roll < 0.95
                else "pt-20"
            ]
            agent, created = Agent.objects.get_or_create(
                employee_number=f"E{number:04d}",
                defaults={
                    "user": user,
                    "full_name": _name(rng),
                    "hire_date": hire_date,
                    "level": level,
                    "team": team,
                    "contract": contract,
                },
            )
            if agent_user is None and level == Level.INTERMEDIATE:
                agent_user = user
            if created:
                _seed_skills(
                    _agent_rng(agent.employee_number, "skills"), agent, core, optional, skills
                )
    _seed_training(courses, hr, today)
    _seed_leave(hr, today)
    assert lead_user is not None and agent_user is not None
    return DemoLogins(
        admin="admin", hr="hr.chen", team_lead=lead_user.username, agent=agent_user.username
    )


def _seed_skills(
    rng: random.Random,
    agent: Agent,
    core: list[str],
    optional: list[str],
    skills: dict[str, Skill],
) -> None:
    base = {
        Level.JUNIOR: 2,
        Level.INTERMEDIATE: 3,
        Level.SENIOR: 4,
        Level.TEAM_LEAD: 4,
        Level.SUPERVISOR: 5,
    }[Level(agent.level)]
    chosen = list(core) + [code for code in optional if rng.random() < 0.45]
    if rng.random() < 0.15 and "english" not in chosen:
        chosen.append("english")
    if agent.level != Level.JUNIOR and rng.random() < 0.3 and "chat" not in chosen:
        chosen.append("chat")
    for code in chosen:
        proficiency = max(1, min(5, base + rng.choice([-1, 0, 0, 1])))
        AgentSkill.objects.get_or_create(
            agent=agent,
            skill=skills[code],
            defaults={
                "proficiency": proficiency,
                "valid_from": agent.hire_date,
                "source": SkillSource.MANUAL,
            },
        )


def _seed_training(courses: dict[str, Course], hr: Any, today: datetime.date) -> None:
    """Sessions over the past two years and the next two months; records for every agent."""
    zone = timezone.get_current_timezone()
    sessions: dict[str, list[TrainingSession]] = {}
    for code, course in courses.items():
        rows = []
        # one session every ~6 weeks in the past two years, and two upcoming ones
        for weeks_ago in list(range(100, 0, -6)) + [-3, -7]:
            day = today - datetime.timedelta(weeks=weeks_ago)
            while day.weekday() >= 5:
                day += datetime.timedelta(days=1)
            starts_at = datetime.datetime.combine(day, datetime.time(9, 0), tzinfo=zone)
            hours = max(1, min(8, int(course.hours)))
            session, _created = TrainingSession.objects.get_or_create(
                course=course,
                starts_at=starts_at,
                defaults={
                    "ends_at": starts_at + datetime.timedelta(hours=hours),
                    "trainer": "Training Academy",
                    "capacity": 30,
                    "location": "" if code in {"aml", "english-service"} else "Room 3-01",
                    "is_online": code in {"aml", "english-service"},
                    "created_by": hr,
                },
            )
            rows.append(session)
        sessions[code] = rows

    for agent in Agent.objects.filter(training_records__isnull=True).order_by("pk"):
        rng = _agent_rng(agent.employee_number, "training")
        held = set(agent.skills.values_list("skill__code", flat=True))
        wanted = ["aml"]
        if "voice" in held:
            wanted.append("hotline-cert")
        for code, skill in (
            ("cards-product", "cards"),
            ("complaints", "complaints"),
            ("wealth-license", "wealth"),
            ("english-service", "english"),
        ):
            if skill in held:
                wanted.append(code)
        if agent.level == Level.TEAM_LEAD:
            wanted.append("lead-basics")
        for code in wanted:
            course = courses[code]
            past = [
                s
                for s in sessions[code]
                if s.starts_at.date() < today and s.starts_at.date() >= agent.hire_date
            ]
            if not past:
                upcoming = [s for s in sessions[code] if s.starts_at.date() > today]
                if upcoming:
                    TrainingRecord.objects.get_or_create(
                        agent=agent,
                        session=upcoming[0],
                        defaults={"status": TrainingStatus.ENROLLED},
                    )
                continue
            # Most recent attempt; about 1 in 8 recent ones are close to expiry by design.
            validity = course.certificate_validity_months
            if validity and rng.random() < 0.12:
                target = today + datetime.timedelta(days=rng.randint(3, 45))
                completed = add_months(target, -validity)
                session = min(past, key=lambda s: abs((s.starts_at.date() - completed).days))
            else:
                session = rng.choice(past[-4:])
            roll = rng.random()
            status = (
                TrainingStatus.PASSED
                if roll < 0.9
                else TrainingStatus.FAILED
                if roll < 0.96
                else TrainingStatus.NO_SHOW
            )
            completed_on = session.starts_at.astimezone(zone).date()
            TrainingRecord.objects.get_or_create(
                agent=agent,
                session=session,
                defaults={
                    "status": status,
                    "score": (
                        Decimal(rng.randint(75, 99))
                        if status == TrainingStatus.PASSED
                        else Decimal(rng.randint(40, 69))
                        if status == TrainingStatus.FAILED
                        else None
                    ),
                    "completed_on": completed_on if status != TrainingStatus.NO_SHOW else None,
                    "certificate_expires_on": (
                        add_months(completed_on, validity)
                        if status == TrainingStatus.PASSED and validity
                        else None
                    ),
                },
            )
            if status == TrainingStatus.PASSED and validity:
                expires = add_months(completed_on, validity)
                for grant in course.skill_grants.all():
                    AgentSkill.objects.filter(agent=agent, skill=grant.skill).update(
                        source=SkillSource.TRAINING,
                        valid_until=expires,
                        training_record=TrainingRecord.objects.get(agent=agent, session=session),
                    )


def _seed_leave(hr: Any, today: datetime.date) -> None:
    """Yearly grants, some carry-over, and approved and pending requests."""
    leave_entitlements_grant(year=today.year, actor=hr)
    annual = LeaveType.objects.get(code="annual")
    personal = LeaveType.objects.get(code="personal")
    agents = Agent.objects.select_related("team", "contract")
    for agent in agents.order_by("pk"):
        rng = _agent_rng(agent.employee_number, f"leave-{today.year}")
        leads = list(agent.team.team_leads.all())
        decider = leads[0] if leads and leads[0].pk != agent.user_id else hr
        carry_over = rng.random() < 0.3
        carry_days = Decimal(rng.randint(1, 3))
        if carry_over:
            LeaveLedgerEntry.objects.get_or_create(
                agent=agent,
                leave_type=annual,
                year=today.year,
                kind=LedgerKind.CARRY_OVER,
                defaults={
                    "days": carry_days,
                    "created_by": hr,
                    "note": "Carried over from last year",
                },
            )
        roll = rng.random()
        if roll < 0.35:
            # approved annual leave in the next two months, within the balance
            start = today + datetime.timedelta(days=rng.randint(10, 60))
            _approved(
                agent,
                annual,
                start,
                start + datetime.timedelta(days=rng.randint(0, 3)),
                decider,
                today,
            )
        elif roll < 0.55:
            start = today + datetime.timedelta(days=rng.randint(8, 45))
            _pending(agent, annual, start, start + datetime.timedelta(days=rng.randint(0, 2)))
        elif roll < 0.62:
            start = today + datetime.timedelta(days=rng.randint(2, 20))
            _pending(agent, personal, start, start)


def _available(agent: Agent, leave_type: LeaveType, year: int) -> Decimal:
    from .selectors.leave import leave_balance_available

    return leave_balance_available(agent=agent, leave_type=leave_type, year=year)


def _days(agent: Agent, leave_type: LeaveType, start: datetime.date, end: datetime.date) -> Decimal:
    return count_leave_days(start, end, calendar_days=leave_type.day_count == "calendar")


def _pending(agent: Agent, leave_type: LeaveType, start: datetime.date, end: datetime.date) -> None:
    days = _days(agent, leave_type, start, end)
    if days <= 0 or LeaveRequest.objects.filter(agent=agent, start_on=start).exists():
        return
    if leave_type.counts_against_balance and days > _available(agent, leave_type, start.year):
        return
    LeaveRequest.objects.create(
        agent=agent,
        leave_type=leave_type,
        start_on=start,
        end_on=end,
        days=days,
        reason_category="vacation" if leave_type.code == "annual" else "family",
        note="Family trip" if leave_type.code == "annual" else "Moving house",
        created_by=agent.user,
    )


def _approved(
    agent: Agent,
    leave_type: LeaveType,
    start: datetime.date,
    end: datetime.date,
    decider: Any,
    today: datetime.date,
) -> None:
    days = _days(agent, leave_type, start, end)
    if LeaveRequest.objects.filter(agent=agent, start_on=start).exists():
        return
    if days <= 0 or days > _available(agent, leave_type, start.year):
        return
    request = LeaveRequest.objects.create(
        agent=agent,
        leave_type=leave_type,
        start_on=start,
        end_on=end,
        days=days,
        reason_category="vacation",
        note="Holiday",
        created_by=agent.user,
        status=LeaveStatus.APPROVED,
        decided_by=decider,
        decided_at=timezone.now(),
    )
    LeaveLedgerEntry.objects.create(
        agent=agent,
        leave_type=leave_type,
        year=start.year,
        kind=LedgerKind.USE,
        days=-days,
        request=request,
        created_by=decider,
        note=f"{start}..{end}",
    )
