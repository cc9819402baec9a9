"""The audit trail keeps who wrote a row as a plain user id (staffing.audit.AuditedHistory): a
user account can be deleted without an UPDATE of the append-only history rows it wrote. The
history_user_id column keeps its values; only its foreign-key constraint is dropped."""

from django.conf import settings
from django.db import migrations

from staffing.audit import guard_history_tables, history_user_as_plain_id

HISTORY_MODELS = [
    "historicalassignment",
    "historicalfairnessentry",
    "historicalleaveimpact",
    "historicalleavepolicy",
    "historicalopenshift",
    "historicalplanningunit",
    "historicalrefresherproposal",
    "historicalroster",
    "historicalrosterrun",
    "historicalshifttemplate",
    "historicalswappolicy",
    "historicalswaprequest",
]


class Migration(migrations.Migration):
    dependencies = [
        ("scheduler", "0006_audit"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        *(history_user_as_plain_id(name) for name in HISTORY_MODELS),
        # SQLite rebuilds a table to drop a constraint, and its triggers go with it: guard again
        # (PostgreSQL keeps them; the statements replace a trigger that exists).
        guard_history_tables(*(f"scheduler_{name}" for name in HISTORY_MODELS)),
    ]
