"""The roster problem: frozen dataclasses with string ids, never indices.

Time inside the solver is integer minutes from the start of the horizon (00:00 of
``Horizon.first_day`` in the site's zone; the bridge converts time zones once). Days are integer
offsets from the first day (day 0); the previous period's tail uses negative days.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import IntEnum, StrEnum

from scheduler.solver.weights import Weights

MINUTES_PER_DAY = 1440
DAYS_PER_WEEK = 7
ALL_WEEKDAYS: frozenset[int] = frozenset(range(7))


class RotationClass(IntEnum):
    """Order used by forward rotation: early, then late, then night."""

    EARLY = 0  # starts before noon
    LATE = 1  # starts at noon or later and is not a night
    NIGHT = 2  # flagged as a night shift


@dataclass(frozen=True)
class Horizon:
    first_day: date
    num_days: int
    interval_minutes: int = 30
    # The roster repeats: the last day's shifts run into day 0 and rest rules wrap around.
    cyclic: bool = False

    def __post_init__(self) -> None:
        if self.interval_minutes not in (15, 30, 60):
            raise ValueError("interval_minutes must be 15, 30 or 60")
        if self.num_days < 1:
            raise ValueError("num_days must be positive")

    @property
    def total_minutes(self) -> int:
        return self.num_days * MINUTES_PER_DAY

    @property
    def intervals_per_day(self) -> int:
        return MINUTES_PER_DAY // self.interval_minutes

    @property
    def num_intervals(self) -> int:
        return self.num_days * self.intervals_per_day

    @property
    def num_full_weeks(self) -> int:
        return self.num_days // DAYS_PER_WEEK

    def date_of(self, day: int) -> date:
        return self.first_day + timedelta(days=day)

    def weekday(self, day: int) -> int:
        """Monday = 0 ... Sunday = 6, as ``date.weekday``."""
        return self.date_of(day).weekday()

    def week_days(self, week: int) -> range:
        return range(week * DAYS_PER_WEEK, (week + 1) * DAYS_PER_WEEK)

    def interval_of(self, minute: int) -> int:
        """Interval index of an absolute minute (wrapped into the horizon when cyclic)."""
        if self.cyclic:
            minute %= self.total_minutes
        return minute // self.interval_minutes

    def intervals_between(self, start_minute: int, end_minute: int) -> Iterator[int]:
        """Intervals of ``[start, end)``; outside the horizon they are dropped unless cyclic."""
        for minute in range(start_minute, end_minute, self.interval_minutes):
            if self.cyclic:
                yield (minute % self.total_minutes) // self.interval_minutes
            elif 0 <= minute < self.total_minutes:
                yield minute // self.interval_minutes

    def day_after(self, day: int, offset: int = 1) -> int | None:
        """The day ``offset`` days later, wrapped when cyclic, None past the end."""
        later = day + offset
        if self.cyclic:
            return later % self.num_days
        return later if later < self.num_days else None


@dataclass(frozen=True)
class ShiftTemplate:
    id: str
    start_minute: int  # minutes after midnight of the day the shift starts
    paid_minutes: int
    break_minutes: int = 0  # unpaid meal break inside the shift
    break_earliest_offset_minutes: int = 0  # earliest break start, minutes after shift start
    break_latest_offset_minutes: int = 0  # latest break start, minutes after shift start
    weekdays: frozenset[int] = ALL_WEEKDAYS  # weekdays (Monday = 0) the template may be used
    is_night: bool = False

    @property
    def span_minutes(self) -> int:
        return self.paid_minutes + self.break_minutes

    @property
    def rotation_class(self) -> RotationClass:
        if self.is_night:
            return RotationClass.NIGHT
        return RotationClass.EARLY if self.start_minute < 12 * 60 else RotationClass.LATE

    def start_on(self, day: int) -> int:
        return day * MINUTES_PER_DAY + self.start_minute

    def end_on(self, day: int) -> int:
        return self.start_on(day) + self.span_minutes

    def break_offsets(self, interval_minutes: int) -> list[int]:
        """Allowed break start offsets (minutes after shift start), on interval boundaries."""
        if self.break_minutes <= 0:
            return []
        first = self.break_earliest_offset_minutes
        last = max(first, self.break_latest_offset_minutes)
        return list(range(first, last + 1, interval_minutes))


@dataclass(frozen=True)
class Contract:
    max_minutes_per_day: int = 480  # paid minutes
    max_minutes_per_week: int = 2400
    min_minutes_per_week: int = 0  # reduced by leave days in the week
    working_days_per_week: int = 5  # maximum
    min_working_days_per_week: int = 0  # reduced by leave days in the week
    max_consecutive_days: int | None = None  # None: the policy default
    night_eligible: bool = True


@dataclass(frozen=True)
class Agent:
    id: str
    skills: dict[str, int] = field(default_factory=dict)  # skill -> proficiency (1-5)
    level: str = "agent"
    is_supervisor: bool = False  # supervisor-level: counts for supervisor coverage
    contract: Contract = field(default_factory=Contract)
    fixed_days_off: frozenset[int] = frozenset()  # weekdays (Monday = 0) never worked
    leave_days: frozenset[int] = frozenset()  # horizon days on approved leave (or sick)


@dataclass(frozen=True)
class SkillGroup:
    """A demand stream; an agent with any of its skills can take its work."""

    id: str
    skills: frozenset[str]


@dataclass(frozen=True)
class Demand:
    skill_group_id: str
    required: tuple[int, ...]  # agents required per interval of the horizon
    priority: tuple[int, ...] | None = None  # multiplier of the under-coverage weight


class ActivityKind(StrEnum):
    TRAINING = "training"  # a course session
    MEETING = "meeting"  # team meeting, coaching


@dataclass(frozen=True)
class OffPhoneActivity:
    """Fixed-time work away from the phone: the agent is on shift but not counted."""

    id: str
    agent_id: str
    start_minute: int  # from the horizon start
    minutes: int
    kind: ActivityKind = ActivityKind.TRAINING


class PreferenceKind(StrEnum):
    PREFERRED_SHIFT = "preferred_shift"  # work template_id (on day, or every day worked)
    PREFERRED_DAY_OFF = "preferred_day_off"  # do not work on day
    AVOID_NIGHTS = "avoid_nights"  # each night worked costs the weight


@dataclass(frozen=True)
class Preference:
    agent_id: str
    kind: PreferenceKind
    weight: int = 1
    template_id: str | None = None
    day: int | None = None


@dataclass(frozen=True)
class ShiftRef:
    """An agent working a template on a day (locks, the previous tail, a published roster).

    ``template_id`` None means a day off (in locks and published rosters).
    """

    agent_id: str
    day: int
    template_id: str | None


@dataclass(frozen=True)
class FairnessHistory:
    """Counts carried in from earlier periods, so fairness spans periods."""

    agent_id: str
    nights: int = 0
    weekends: int = 0
    holidays: int = 0


@dataclass(frozen=True)
class Policy:
    min_rest_minutes: int = 660
    max_consecutive_days: int = 6
    days_off_together: int = 2  # consecutive days off in every full week; 0 turns it off
    max_nights_per_28_days: int | None = None
    max_weekends_per_28_days: int | None = None  # a weekend is worked if any weekend day is
    weekend_weekdays: frozenset[int] = frozenset({5, 6})
    supervisor_coverage: bool = False  # a supervisor on duty whenever a queue has demand
    forward_rotation: bool = False  # on consecutive working days: early -> late -> night
    start_band_minutes: int | None = None  # within each week, starts differ by at most this
    # Repair: no change to shifts starting before this minute (0 = no notice window).
    notice_until_minute: int = 0
    allow_changes_in_notice: bool = False


@dataclass(frozen=True)
class Problem:
    horizon: Horizon
    templates: tuple[ShiftTemplate, ...]
    agents: tuple[Agent, ...]
    skill_groups: tuple[SkillGroup, ...]
    demands: tuple[Demand, ...]
    policy: Policy = field(default_factory=Policy)
    weights: Weights = field(default_factory=Weights)
    off_phone: tuple[OffPhoneActivity, ...] = ()
    preferences: tuple[Preference, ...] = ()
    locked: tuple[ShiftRef, ...] = ()
    previous_tail: tuple[ShiftRef, ...] = ()  # shifts on days -1, -2, ... before the horizon
    history: tuple[FairnessHistory, ...] = ()
    public_holidays: frozenset[int] = frozenset()  # horizon days
    previous_roster: tuple[ShiftRef, ...] = ()  # published version, for changes and repair

    def __post_init__(self) -> None:
        interval = self.horizon.interval_minutes
        for template in self.templates:
            if template.start_minute % interval or template.span_minutes % interval:
                raise ValueError(f"template {template.id} is not aligned to {interval} minutes")
            if template.break_minutes % interval:
                raise ValueError(f"template {template.id} break is not aligned to intervals")
        for demand in self.demands:
            if len(demand.required) != self.horizon.num_intervals:
                raise ValueError(f"demand {demand.skill_group_id} has the wrong length")
        ids = [agent.id for agent in self.agents]
        if len(set(ids)) != len(ids):
            raise ValueError("agent ids must be unique")

    # Lookups, built once per problem (the dataclass is frozen, so cache by id()).
    def template(self, template_id: str) -> ShiftTemplate:
        return _index(self).templates[template_id]

    def agent(self, agent_id: str) -> Agent:
        return _index(self).agents[agent_id]

    def skill_group(self, skill_group_id: str) -> SkillGroup:
        return _index(self).groups[skill_group_id]

    def demand_for(self, skill_group_id: str) -> Demand | None:
        return _index(self).demands.get(skill_group_id)

    def max_consecutive_days(self, agent: Agent) -> int:
        if agent.contract.max_consecutive_days is not None:
            return agent.contract.max_consecutive_days
        return self.policy.max_consecutive_days

    def eligible_groups(self, agent: Agent) -> frozenset[str]:
        return frozenset(g.id for g in self.skill_groups if g.skills & set(agent.skills))

    def total_required(self) -> list[int]:
        total = [0] * self.horizon.num_intervals
        for demand in self.demands:
            for i, value in enumerate(demand.required):
                total[i] += value
        return total

    def can_work(self, agent: Agent, day: int, template: ShiftTemplate) -> bool:
        """Availability: leave, fixed days off, template weekdays, contract day length, nights."""
        weekday = self.horizon.weekday(day)
        return (
            day not in agent.leave_days
            and weekday not in agent.fixed_days_off
            and weekday in template.weekdays
            and template.paid_minutes <= agent.contract.max_minutes_per_day
            and (agent.contract.night_eligible or not template.is_night)
        )


@dataclass
class _Index:
    templates: dict[str, ShiftTemplate]
    agents: dict[str, Agent]
    groups: dict[str, SkillGroup]
    demands: dict[str, Demand]


_INDEX_CACHE: dict[int, tuple[Problem, _Index]] = {}


def _index(problem: Problem) -> _Index:
    cached = _INDEX_CACHE.get(id(problem))
    if cached is not None and cached[0] is problem:
        return cached[1]
    index = _Index(
        templates={t.id: t for t in problem.templates},
        agents={a.id: a for a in problem.agents},
        groups={g.id: g for g in problem.skill_groups},
        demands={d.skill_group_id: d for d in problem.demands},
    )
    if len(_INDEX_CACHE) > 64:
        _INDEX_CACHE.clear()
    _INDEX_CACHE[id(problem)] = (problem, index)
    return index
