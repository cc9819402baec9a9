"""The read cache: a cached read is reused until a model it depends on is written, by any kind
of write, and a write in an open transaction is seen by other readers only after its commit."""

import threading
from typing import Any
from unittest import mock

import pytest
from django.db import transaction

from staffing import readcache
from staffing.models import Agent, AgentSkill, Skill, Team
from tests.factories import AgentFactory, TeamFactory, UserFactory

# Transactional: each write commits, as in production (inside a test's own transaction, reads of
# what it wrote go to the database and the cache is not used at all).
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


class Reader:
    """A cached read of the agents' names that counts how often it reached the database."""

    def __init__(self, *depends_on: Any) -> None:
        self.depends_on = depends_on or (Agent,)
        self.computed = 0

    def __call__(self, name: str = "names") -> list[str]:
        def compute() -> list[str]:
            self.computed += 1
            return sorted(Agent.objects.values_list("full_name", flat=True))

        return readcache.cached(name, parts=(1,), depends_on=self.depends_on, compute=compute)


@pytest.fixture
def team() -> Team:
    return TeamFactory(code="rc-team")


def test_a_read_is_reused_until_its_model_is_written(team):
    # given
    agent = AgentFactory(team=team, full_name="Ann")
    read = Reader()
    assert read() == ["Ann"]
    # when: read again with nothing written
    assert read() == ["Ann"]
    # then
    assert read.computed == 1
    # when: the row is saved
    agent.full_name = "Anna"
    agent.save()
    # then
    assert read() == ["Anna"]
    assert read.computed == 2


def test_other_arguments_are_other_entries(team):
    AgentFactory(team=team, full_name="Ann")
    read = Reader()
    read("one")
    read("two")
    read("one")
    assert read.computed == 2


@pytest.mark.parametrize(
    "write",
    [
        pytest.param(lambda agent: agent.delete(), id="delete"),
        pytest.param(
            lambda agent: Agent.objects.filter(pk=agent.pk).delete(), id="queryset-delete"
        ),
        pytest.param(
            lambda agent: Agent.objects.filter(pk=agent.pk).update(full_name="Bulk"),
            id="bulk-update",
        ),
        pytest.param(
            lambda agent: Agent.objects.bulk_update(
                [Agent(pk=agent.pk, full_name="Bulk")], ["full_name"]
            ),
            id="bulk_update",
        ),
        pytest.param(
            lambda agent: Agent.objects.bulk_create(
                [
                    Agent(
                        user=UserFactory(username="rc-new"),
                        team=agent.team,
                        contract=agent.contract,
                        employee_number="RC-NEW",
                        full_name="New",
                        hire_date=agent.hire_date,
                    )
                ]
            ),
            id="bulk-create",
        ),
    ],
)
def test_every_kind_of_write_makes_the_read_obsolete(team, write):
    # given
    agent = AgentFactory(team=team, full_name="Ann")
    read = Reader()
    before = read()
    # when
    write(agent)
    # then: the database is read again and the answer is the new one
    after = read()
    assert read.computed == 2
    assert after != before


def test_a_many_to_many_change_makes_both_ends_obsolete(team):
    # given: reads that depend on the team (which declares team_leads) and on agents
    read_team = Reader(Team)
    read_team()
    lead = UserFactory(username="rc-lead")
    # when
    team.team_leads.add(lead)
    # then
    read_team()
    assert read_team.computed == 2


def test_a_write_to_a_model_the_read_does_not_depend_on_keeps_it(team):
    AgentFactory(team=team, full_name="Ann")
    read = Reader(Agent)
    read()
    Skill.objects.create(code="rc-skill", name="Skill", kind="product")
    read()
    assert read.computed == 1


def test_a_read_of_an_untracked_model_is_refused():
    with pytest.raises(LookupError, match="not tracked"):
        readcache.cached("x", parts=(), depends_on=("staffing.contract",), compute=lambda: 1)


def generations_elsewhere() -> tuple[str, ...]:
    """The generations as a reader in another thread takes them."""
    seen: list[tuple[str, ...]] = []
    thread = threading.Thread(target=lambda: seen.append(readcache.generations([Agent])))
    thread.start()
    thread.join()
    return seen[0]


def test_other_readers_see_a_write_only_after_its_commit(team):
    # given: a cached read
    agent = AgentFactory(team=team, full_name="Ann")
    read = Reader()
    read()
    before = generations_elsewhere()
    # when: the write is made in a transaction that has not committed yet
    with transaction.atomic():
        agent.full_name = "Anna"
        agent.save()
        # then: other readers keep their generation (they cannot see the row yet) ...
        assert generations_elsewhere() == before
        # ... while this transaction reads its own write from the database
        assert read() == ["Anna"]
    # and after the commit every reader has a new generation, and the new row
    assert generations_elsewhere() != before
    assert read() == ["Anna"]


def test_a_write_that_rolls_back_is_never_served(team):
    # given: a cached read
    agent = AgentFactory(team=team, full_name="Ann")
    read = Reader()
    assert read() == ["Ann"]
    # when: a transaction writes, reads its write, then rolls back
    with pytest.raises(RuntimeError), transaction.atomic():
        agent.full_name = "Ghost"
        agent.save()
        assert read() == ["Ghost"]
        raise RuntimeError("undone")
    # then: nobody is served the undone row, here or in another thread
    assert read() == ["Ann"]
    seen: list[list[str]] = []
    thread = threading.Thread(target=lambda: seen.append(read()))
    thread.start()
    thread.join()
    assert seen == [["Ann"]]


def test_an_audited_bulk_write_in_a_transaction_registers_one_commit_bump(team):
    # given
    agents = [AgentFactory(team=team, full_name=f"A{i}") for i in range(3)]
    # when
    with transaction.atomic():
        for agent in agents:
            agent.save()
        Agent.objects.filter(team=team).update(full_name="Same")
        from django.db import connection

        bumps = [
            callback
            for _, callback, _ in connection.run_on_commit
            if isinstance(callback, readcache._CommitBump) and callback.label == "staffing.agent"
        ]
        transaction.set_rollback(True)
    # then
    assert len(bumps) == 1


def test_without_the_read_cache_every_read_reaches_the_database(team, settings):
    settings.READ_CACHE = False
    AgentFactory(team=team, full_name="Ann")
    read = Reader()
    read()
    read()
    assert read.computed == 2


def test_a_cache_outage_falls_back_to_the_database(team, caplog):
    AgentFactory(team=team, full_name="Ann")
    read = Reader()
    with mock.patch.object(readcache, "_cache") as broken:
        broken.return_value.get_many.side_effect = ConnectionError("cache down")
        broken.return_value.set.side_effect = ConnectionError("cache down")
        assert read() == ["Ann"]
        assert read() == ["Ann"]
        # a write during the outage does not fail either
        AgentSkill.objects.filter(pk=0).update(proficiency=1)
        Agent.objects.update(full_name="Anne")
    assert read.computed == 2
    assert "lookup of names failed" in caplog.text


def test_the_cached_models_are_tracked():
    from scheduler.selectors.my_schedule import SCHEDULE_READS
    from scheduler.views.lead import BOARD_READS

    labels = {model._meta.label_lower for model in (*SCHEDULE_READS, *BOARD_READS)}
    assert labels <= readcache.tracked()
