import pytest
from django.core.management import call_command

from staffing.models import (
    Agent,
    AgentSkill,
    LeaveLedgerEntry,
    LeaveRequest,
    Team,
    TrainingRecord,
)
from staffing.models.organisation import Level


def counts() -> dict[str, int]:
    return {
        "agents": Agent.objects.count(),
        "skills": AgentSkill.objects.count(),
        "records": TrainingRecord.objects.count(),
        "requests": LeaveRequest.objects.count(),
        "ledger": LeaveLedgerEntry.objects.count(),
    }


@pytest.mark.django_db
def test_seed_demo_is_realistic_and_idempotent(capsys):
    # when seeding twice
    call_command("seed_demo")
    first = counts()
    out = capsys.readouterr().out
    call_command("seed_demo")
    # then nothing is duplicated
    assert counts() == first
    # and the center looks like the issue describes
    assert 140 <= first["agents"] <= 160
    assert Team.objects.count() == 6
    assert Team.objects.values("site").distinct().count() == 2
    assert set(Agent.objects.values_list("level", flat=True)) == set(Level.values)
    multi_skilled = sum(1 for a in Agent.objects.all() if a.skills.count() >= 3)
    assert multi_skilled == first["agents"]
    assert LeaveRequest.objects.filter(status="pending").exists()
    assert LeaveRequest.objects.filter(status="approved").exists()
    from django.utils import timezone

    from staffing.selectors.training import certificates_expiring

    assert certificates_expiring(today=timezone.localdate(), within_days=30).exists()
    # and it prints one login per role
    for role in ("admin", "HR", "team lead", "agent"):
        assert role in out
    assert "wfm-demo-2026" in out
