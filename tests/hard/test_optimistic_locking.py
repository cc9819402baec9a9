"""Two edits from stale copies of the same record: the second is refused, 0 silent overwrites.

Two API clients read the same agent (the same ETag), then PATCH different names at the same
moment, 100 rounds on PostgreSQL. If-Match is compared with the row locked in the writing
transaction, so each round has exactly one 200 and one 412, and the stored name is the
winner's. Run: make check-hard (or pytest -m hard tests/hard/test_optimistic_locking.py -s).
"""

import os

import pytest
from django.urls import reverse

from staffing.models import Agent
from tests.concurrency import client_for, run_threads
from tests.etag import etag

pytestmark = pytest.mark.hard

ROUNDS = int(os.environ.get("LOCKING_ROUNDS", "100"))


# serialized_rollback: the reference data seeded by migrations survives the flush
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_writers_with_the_same_etag_one_wins_one_gets_412(postgres, world):
    # given two HR clients and one agent record
    url = reverse("api:staffing:agent-detail", args=[world.agent.pk])
    clients = [client_for(world.hr), client_for(world.admin)]
    tally = {"200": 0, "412": 0, "other": 0, "lost_updates": 0}
    for round_number in range(ROUNDS):
        # given both read the record: they hold the same ETag
        shared = etag(clients[0], url)
        names = [f"Writer {index} round {round_number}" for index in range(2)]

        # when both PATCH a different name with it at the same moment
        def edit(index: int, names: list[str] = names, shared: str = shared) -> int:
            response = clients[index].patch(
                url, {"full_name": names[index]}, format="json", HTTP_IF_MATCH=shared
            )
            return response.status_code

        codes = run_threads(2, edit)

        # then exactly one wins and the other is refused as stale
        assert sorted(codes) == [200, 412], (round_number, codes)
        tally["200"] += codes.count(200)
        tally["412"] += codes.count(412)
        tally["other"] += sum(1 for code in codes if code not in (200, 412))
        # and the stored value is the winner's: nothing was silently overwritten
        winner = codes.index(200)
        stored = Agent.objects.get(pk=world.agent.pk).full_name
        if stored != names[winner]:
            tally["lost_updates"] += 1
    print(
        f"\noptimistic locking, {ROUNDS} rounds of 2 concurrent PATCHes with one ETag: "
        f"{tally['200']} x 200, {tally['412']} x 412, {tally['other']} other, "
        f"{tally['lost_updates']} silent overwrites"
    )
    assert tally == {"200": ROUNDS, "412": ROUNDS, "other": 0, "lost_updates": 0}
