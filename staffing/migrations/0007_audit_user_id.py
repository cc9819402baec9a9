"""The audit trail keeps who wrote a row as a plain user id (staffing.audit.AuditedHistory): a
user account can be deleted without an UPDATE of the append-only history rows it wrote. The
history_user_id column keeps its values; only its foreign-key constraint is dropped."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from staffing.audit import guard_history_tables


class Migration(migrations.Migration):
    dependencies = [
        ("staffing", "0006_idempotency_headers"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # the column stays, with its values; only the foreign-key constraint goes
            database_operations=[
                migrations.AlterField(
                    model_name="historicalagent",
                    name="history_user",
                    field=models.ForeignKey(
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            state_operations=[
                migrations.RemoveField(model_name="historicalagent", name="history_user"),
                migrations.AddField(
                    model_name="historicalagent",
                    name="history_user_id",
                    field=models.IntegerField(blank=True, null=True),
                ),
            ],
        ),
        migrations.SeparateDatabaseAndState(
            # the column stays, with its values; only the foreign-key constraint goes
            database_operations=[
                migrations.AlterField(
                    model_name="historicalagentskill",
                    name="history_user",
                    field=models.ForeignKey(
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            state_operations=[
                migrations.RemoveField(model_name="historicalagentskill", name="history_user"),
                migrations.AddField(
                    model_name="historicalagentskill",
                    name="history_user_id",
                    field=models.IntegerField(blank=True, null=True),
                ),
            ],
        ),
        migrations.SeparateDatabaseAndState(
            # the column stays, with its values; only the foreign-key constraint goes
            database_operations=[
                migrations.AlterField(
                    model_name="historicalcourse",
                    name="history_user",
                    field=models.ForeignKey(
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            state_operations=[
                migrations.RemoveField(model_name="historicalcourse", name="history_user"),
                migrations.AddField(
                    model_name="historicalcourse",
                    name="history_user_id",
                    field=models.IntegerField(blank=True, null=True),
                ),
            ],
        ),
        migrations.SeparateDatabaseAndState(
            # the column stays, with its values; only the foreign-key constraint goes
            database_operations=[
                migrations.AlterField(
                    model_name="historicalcourseskillgrant",
                    name="history_user",
                    field=models.ForeignKey(
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            state_operations=[
                migrations.RemoveField(
                    model_name="historicalcourseskillgrant", name="history_user"
                ),
                migrations.AddField(
                    model_name="historicalcourseskillgrant",
                    name="history_user_id",
                    field=models.IntegerField(blank=True, null=True),
                ),
            ],
        ),
        migrations.SeparateDatabaseAndState(
            # the column stays, with its values; only the foreign-key constraint goes
            database_operations=[
                migrations.AlterField(
                    model_name="historicalleaveledgerentry",
                    name="history_user",
                    field=models.ForeignKey(
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            state_operations=[
                migrations.RemoveField(
                    model_name="historicalleaveledgerentry", name="history_user"
                ),
                migrations.AddField(
                    model_name="historicalleaveledgerentry",
                    name="history_user_id",
                    field=models.IntegerField(blank=True, null=True),
                ),
            ],
        ),
        migrations.SeparateDatabaseAndState(
            # the column stays, with its values; only the foreign-key constraint goes
            database_operations=[
                migrations.AlterField(
                    model_name="historicalleaverequest",
                    name="history_user",
                    field=models.ForeignKey(
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            state_operations=[
                migrations.RemoveField(model_name="historicalleaverequest", name="history_user"),
                migrations.AddField(
                    model_name="historicalleaverequest",
                    name="history_user_id",
                    field=models.IntegerField(blank=True, null=True),
                ),
            ],
        ),
        migrations.SeparateDatabaseAndState(
            # the column stays, with its values; only the foreign-key constraint goes
            database_operations=[
                migrations.AlterField(
                    model_name="historicalleavetype",
                    name="history_user",
                    field=models.ForeignKey(
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            state_operations=[
                migrations.RemoveField(model_name="historicalleavetype", name="history_user"),
                migrations.AddField(
                    model_name="historicalleavetype",
                    name="history_user_id",
                    field=models.IntegerField(blank=True, null=True),
                ),
            ],
        ),
        migrations.SeparateDatabaseAndState(
            # the column stays, with its values; only the foreign-key constraint goes
            database_operations=[
                migrations.AlterField(
                    model_name="historicaltrainingrecord",
                    name="history_user",
                    field=models.ForeignKey(
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            state_operations=[
                migrations.RemoveField(model_name="historicaltrainingrecord", name="history_user"),
                migrations.AddField(
                    model_name="historicaltrainingrecord",
                    name="history_user_id",
                    field=models.IntegerField(blank=True, null=True),
                ),
            ],
        ),
        migrations.SeparateDatabaseAndState(
            # the column stays, with its values; only the foreign-key constraint goes
            database_operations=[
                migrations.AlterField(
                    model_name="historicaltrainingsession",
                    name="history_user",
                    field=models.ForeignKey(
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            state_operations=[
                migrations.RemoveField(model_name="historicaltrainingsession", name="history_user"),
                migrations.AddField(
                    model_name="historicaltrainingsession",
                    name="history_user_id",
                    field=models.IntegerField(blank=True, null=True),
                ),
            ],
        ),
        # SQLite rebuilds a table to drop a constraint, and its triggers go with it: guard again
        # (PostgreSQL keeps them; the statements replace a trigger that exists).
        guard_history_tables(
            "staffing_historicalagent",
            "staffing_historicalagentskill",
            "staffing_historicalcourse",
            "staffing_historicalcourseskillgrant",
            "staffing_historicalleaveledgerentry",
            "staffing_historicalleaverequest",
            "staffing_historicalleavetype",
            "staffing_historicaltrainingrecord",
            "staffing_historicaltrainingsession",
        ),
    ]
