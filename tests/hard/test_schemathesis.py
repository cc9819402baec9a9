"""schemathesis against the OpenAPI schema at /api/schema/, once per role, on PostgreSQL.

For each role (agent, team lead, HR, admin; token auth) two phases run against a small
realistic world (the Hangzhou center of the roster tests with a published week, leave, swaps,
an open shift, training, notifications and policies):

* stateless: every operation in the schema, positive and negative data, a few examples each;
* stateful: schemathesis's state machine, chaining operations through the links it infers
  from the schema (a created or listed id fed to the operations that take it).

Every response goes through the checks not_a_server_error, status_code_conformance,
content_type_conformance, response_schema_conformance and response_headers_conformance; the
test prints per role the operations, calls, server errors and schema violations, and fails on
any. Generation is seeded, so a run is reproducible.
"""

from __future__ import annotations

import datetime
import os
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import hypothesis
import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, connection
from hypothesis import HealthCheck, Phase
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.generation.feedback import FeedbackSources
from schemathesis.generation.stateful import run_state_machine_as_test
from schemathesis.resources import record_interaction
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from scheduler.models.rosters import Notification
from scheduler.models.selfservice import LeavePolicy, RefresherProposal, SwapPolicy
from scheduler.services import open_shifts, swaps
from staffing.models import LeaveRequest, LeaveType, TrainingRecord
from staffing.models.training import TrainingStatus
from tests.concurrency import IN_CI
from tests.factories import CourseFactory, TrainingSessionFactory, UserFactory
from tests.scheduler.rosters.conftest import Center, center  # noqa: F401 (fixture)
from tests.scheduler.selfservice.conftest import day_of, live, publish_week

pytestmark = pytest.mark.hard

SEED = 20240611
ROLES = os.environ.get("SCHEMATHESIS_ROLES", "agent,team_lead,hr,admin").split(",")
# Examples per operation and generation mode (positive, negative); scenarios and steps of the
# stateful phase. Tuned so the whole file stays within its budget on 2 cores.
EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "3"))
SCENARIOS = int(os.environ.get("SCHEMATHESIS_SCENARIOS", "20"))
STEPS = int(os.environ.get("SCHEMATHESIS_STEPS", "6"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]


@dataclass
class Tally:
    """What one role's run found; failures keyed by (check, operation, status) so a repeat of
    the same fault counts once."""

    role: str
    headers: dict[str, str]
    operations: int = 0
    calls: int = 0
    statuses: Counter = field(default_factory=Counter)
    stateful_calls: int = 0
    scenarios: int = 0
    restarts: int = 0
    server_errors: Counter = field(default_factory=Counter)
    violations: Counter = field(default_factory=Counter)
    examples: dict[tuple[str, str, int], str] = field(default_factory=dict)

    def record(self, case: Any, response: Any) -> None:
        self.calls += 1
        self.statuses[f"{response.status_code // 100}xx"] += 1
        try:
            case.validate_response(response, checks=CHECKS, headers=self.headers)
        except FailureGroup as group:
            for failure in group.exceptions:
                name = type(failure).__name__
                key = (name, case.operation.label, response.status_code)
                if name == "ServerError":
                    self.server_errors[key] += 1
                else:
                    self.violations[key] += 1
                self.examples.setdefault(key, f"{failure.title}: {failure.message}"[:600])

    def line(self) -> str:
        return (
            f"{self.role:>9}: operations={self.operations} calls={self.calls} "
            f"(stateful {self.stateful_calls} in {self.scenarios} scenarios, "
            f"{self.restarts} restarts) server_errors={sum(self.server_errors.values())} "
            f"schema_violations={sum(self.violations.values())} "
            f"[{' '.join(f'{k}={v}' for k, v in sorted(self.statuses.items()))}]"
        )

    def report(self) -> list[str]:
        found = {**self.server_errors, **self.violations}
        return [
            f"{self.role} {check} {operation} -> {status}: {self.examples[key]}"
            for key in sorted(found)
            for (check, operation, status) in [key]
        ]


def _settings(**extra: Any) -> hypothesis.settings:
    return hypothesis.settings(
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.generate],
        print_blob=False,
        **extra,
    )


def run_stateless(schema: Any, tallies: list[Tally]) -> None:
    """Every operation, positive then negative data; each generated request is sent once per
    role (generating is the slow part, and the roles should meet the same requests).

    Producers run before consumers (schemathesis's layers: lists and creates first), and the
    ids they answer feed the later operations' paths and bodies (its extra data source), so
    requests name records that exist instead of random ids only."""
    source = schema.create_extra_data_source()
    feedback = FeedbackSources(extra_data_source=source)
    operations = [result.ok() for result in schema.get_all_operations()]
    for operation in (op for layer in schema.get_operation_layers(operations) for op in layer):
        for tally in tallies:
            tally.operations += 1
        for mode in (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE):

            @hypothesis.seed(SEED)
            @_settings(max_examples=EXAMPLES)
            @hypothesis.given(case=operation.as_strategy(generation_mode=mode, feedback=feedback))
            def exercise(case: Any) -> None:
                for tally in tallies:
                    response = case.call(headers=tally.headers)
                    tally.record(case, response)
                    if source is not None:
                        record_interaction(source, case, response)

            try:
                exercise()
            except hypothesis.errors.Unsatisfiable:
                # an operation without parameters or body has no invalid request to make
                if mode is schemathesis.GenerationMode.POSITIVE:
                    raise


def run_stateful(schema: Any, tally: Tally) -> None:
    """Scenarios of linked calls. The links depend on what earlier calls answered, so
    Hypothesis may find a replay inconsistent (Flaky); like schemathesis's own runner, start
    another seeded suite then, until SCENARIOS scenarios have run."""
    base = schema.as_state_machine()

    class Machine(base):  # type: ignore[misc, valid-type]
        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"headers": tally.headers}

        def validate_response(self, response: Any, case: Any, **kwargs: Any) -> None:
            tally.record(case, response)

        def teardown(self) -> None:
            tally.scenarios += 1

    for suite in range(SCENARIOS):
        if tally.scenarios >= SCENARIOS:
            break
        settings = _settings(max_examples=SCENARIOS - tally.scenarios, stateful_step_count=STEPS)
        try:
            run_state_machine_as_test(hypothesis.seed(SEED + suite)(Machine), settings=settings)
        except hypothesis.errors.Flaky:
            tally.restarts += 1


# --- the world ---------------------------------------------------------------------------------


def seed_world(center: Center) -> dict[str, Any]:  # noqa: F811
    """The published week plus one of each thing the self-service and staffing APIs serve."""
    publish_week(center)
    admin = UserFactory(username="root", roles=["admin"], is_superuser=True, is_staff=True)
    requester, counterpart, giver = center.agents[4], center.agents[5], center.agents[9]
    swaps.swap_propose(
        actor=requester.user,
        shift=live(requester, day_of(center, 0)),
        counterpart=counterpart,
        counterpart_shift=live(counterpart, day_of(center, 0)),
    )
    open_shifts.open_shift_give_away(actor=giver.user, shift=live(giver, day_of(center, 6)))
    LeaveRequest.objects.create(
        agent=requester,
        leave_type=LeaveType.objects.get(code="personal"),
        start_on=day_of(center, 2),
        end_on=day_of(center, 2),
        days=1,
        created_by=requester.user,
    )
    past = datetime.datetime(2025, 1, 6, 9, tzinfo=datetime.UTC)
    session = TrainingSessionFactory(
        course=CourseFactory(code="refresh", hours=1),
        starts_at=past,
        ends_at=past + datetime.timedelta(hours=1),
    )
    record = TrainingRecord.objects.create(
        agent=requester,
        session=session,
        status=TrainingStatus.PASSED,
        certificate_expires_on=day_of(center, 5),
    )
    start = datetime.datetime.combine(day_of(center, 0), datetime.time(10), tzinfo=datetime.UTC)
    RefresherProposal.objects.create(
        record=record,
        agent=requester,
        course=session.course,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=1),
    )
    SwapPolicy.objects.get_or_create(site=center.unit.site)
    LeavePolicy.objects.get_or_create(team=requester.team)
    users = {"agent": requester.user, "team_lead": center.lead, "hr": center.hr, "admin": admin}
    for user in users.values():
        Notification.objects.create(user=user, kind="roster_published", title="Roster published")
    return users


@pytest.fixture
def on_postgres(db: Any) -> Iterator[None]:
    """The calls run in the test's transaction (rolled back at the end, so no flush and no
    on-commit work such as roster solves), on PostgreSQL as in production."""
    if connection.vendor != "postgresql":
        if IN_CI:
            pytest.fail("CI runs schemathesis on PostgreSQL: set DATABASE_URL")
        pytest.skip("needs PostgreSQL (DATABASE_URL); runs in CI")
    # as Django's test client does: the WSGI handler would otherwise close the connection,
    # and the test's transaction with it, at the end of each request
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_schemathesis_per_role(
    on_postgres: None,
    center: Center,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    # given a seeded world and the schema the running API serves
    users = seed_world(center)
    schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
    tallies = [
        Tally(
            role=role,
            headers={"Authorization": f"Token {Token.objects.get_or_create(user=users[role])[0]}"},
        )
        for role in ROLES
    ]

    # when every operation is called as each role, then operations are chained per role
    started = time.monotonic()
    run_stateless(schema, tallies)
    stateless_seconds = time.monotonic() - started
    for tally in tallies:
        started = time.monotonic()
        calls_before = tally.calls
        run_stateful(schema, tally)
        tally.stateful_calls = tally.calls - calls_before
        with capsys.disabled():
            print(f"\n{tally.line()} stateful {time.monotonic() - started:.0f} s", end="")
    with capsys.disabled():
        print(
            f"\nstateless phase, all roles: {stateless_seconds:.0f} s; links inferred: "
            f"{schema.statistic.transitions.total}; test process CPU: {time.process_time():.0f} s"
        )

    # then no server error and no answer the schema does not describe
    problems = [line for tally in tallies for line in tally.report()]
    assert not problems, "\n".join(problems)
