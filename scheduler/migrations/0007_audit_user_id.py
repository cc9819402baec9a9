"""The audit trail keeps who wrote a row as a plain user id (staffing.audit.AuditedHistory): a
user account can be deleted without an UPDATE of the append-only history rows it wrote. The
history_user_id column keeps its values; only its foreign-key constraint is dropped."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from staffing.audit import guard_history_tables


class Migration(migrations.Migration):
    dependencies = [
        ("scheduler", "0006_audit"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # the column stays, with its values; only the foreign-key constraint goes
            database_operations=[
                migrations.AlterField(
                    model_name="historicalassignment",
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
                migrations.RemoveField(model_name="historicalassignment", name="history_user"),
                migrations.AddField(
                    model_name="historicalassignment",
                    name="history_user_id",
                    field=models.IntegerField(blank=True, null=True),
                ),
            ],
        ),
        migrations.SeparateDatabaseAndState(
            # the column stays, with its values; only the foreign-key constraint goes
            database_operations=[
                migrations.AlterField(
                    model_name="historicalfairnessentry",
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
                migrations.RemoveField(model_name="historicalfairnessentry", name="history_user"),
                migrations.AddField(
                    model_name="historicalfairnessentry",
                    name="history_user_id",
                    field=models.IntegerField(blank=True, null=True),
                ),
            ],
        ),
        migrations.SeparateDatabaseAndState(
            # the column stays, with its values; only the foreign-key constraint goes
            database_operations=[
                migrations.AlterField(
                    model_name="historicalleaveimpact",
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
                migrations.RemoveField(model_name="historicalleaveimpact", name="history_user"),
                migrations.AddField(
                    model_name="historicalleaveimpact",
                    name="history_user_id",
                    field=models.IntegerField(blank=True, null=True),
                ),
            ],
        ),
        migrations.SeparateDatabaseAndState(
            # the column stays, with its values; only the foreign-key constraint goes
            database_operations=[
                migrations.AlterField(
                    model_name="historicalleavepolicy",
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
                migrations.RemoveField(model_name="historicalleavepolicy", name="history_user"),
                migrations.AddField(
                    model_name="historicalleavepolicy",
                    name="history_user_id",
                    field=models.IntegerField(blank=True, null=True),
                ),
            ],
        ),
        migrations.SeparateDatabaseAndState(
            # the column stays, with its values; only the foreign-key constraint goes
            database_operations=[
                migrations.AlterField(
                    model_name="historicalopenshift",
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
                migrations.RemoveField(model_name="historicalopenshift", name="history_user"),
                migrations.AddField(
                    model_name="historicalopenshift",
                    name="history_user_id",
                    field=models.IntegerField(blank=True, null=True),
                ),
            ],
        ),
        migrations.SeparateDatabaseAndState(
            # the column stays, with its values; only the foreign-key constraint goes
            database_operations=[
                migrations.AlterField(
                    model_name="historicalplanningunit",
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
                migrations.RemoveField(model_name="historicalplanningunit", name="history_user"),
                migrations.AddField(
                    model_name="historicalplanningunit",
                    name="history_user_id",
                    field=models.IntegerField(blank=True, null=True),
                ),
            ],
        ),
        migrations.SeparateDatabaseAndState(
            # the column stays, with its values; only the foreign-key constraint goes
            database_operations=[
                migrations.AlterField(
                    model_name="historicalrefresherproposal",
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
                    model_name="historicalrefresherproposal", name="history_user"
                ),
                migrations.AddField(
                    model_name="historicalrefresherproposal",
                    name="history_user_id",
                    field=models.IntegerField(blank=True, null=True),
                ),
            ],
        ),
        migrations.SeparateDatabaseAndState(
            # the column stays, with its values; only the foreign-key constraint goes
            database_operations=[
                migrations.AlterField(
                    model_name="historicalroster",
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
                migrations.RemoveField(model_name="historicalroster", name="history_user"),
                migrations.AddField(
                    model_name="historicalroster",
                    name="history_user_id",
                    field=models.IntegerField(blank=True, null=True),
                ),
            ],
        ),
        migrations.SeparateDatabaseAndState(
            # the column stays, with its values; only the foreign-key constraint goes
            database_operations=[
                migrations.AlterField(
                    model_name="historicalrosterrun",
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
                migrations.RemoveField(model_name="historicalrosterrun", name="history_user"),
                migrations.AddField(
                    model_name="historicalrosterrun",
                    name="history_user_id",
                    field=models.IntegerField(blank=True, null=True),
                ),
            ],
        ),
        migrations.SeparateDatabaseAndState(
            # the column stays, with its values; only the foreign-key constraint goes
            database_operations=[
                migrations.AlterField(
                    model_name="historicalshifttemplate",
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
                migrations.RemoveField(model_name="historicalshifttemplate", name="history_user"),
                migrations.AddField(
                    model_name="historicalshifttemplate",
                    name="history_user_id",
                    field=models.IntegerField(blank=True, null=True),
                ),
            ],
        ),
        migrations.SeparateDatabaseAndState(
            # the column stays, with its values; only the foreign-key constraint goes
            database_operations=[
                migrations.AlterField(
                    model_name="historicalswappolicy",
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
                migrations.RemoveField(model_name="historicalswappolicy", name="history_user"),
                migrations.AddField(
                    model_name="historicalswappolicy",
                    name="history_user_id",
                    field=models.IntegerField(blank=True, null=True),
                ),
            ],
        ),
        migrations.SeparateDatabaseAndState(
            # the column stays, with its values; only the foreign-key constraint goes
            database_operations=[
                migrations.AlterField(
                    model_name="historicalswaprequest",
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
                migrations.RemoveField(model_name="historicalswaprequest", name="history_user"),
                migrations.AddField(
                    model_name="historicalswaprequest",
                    name="history_user_id",
                    field=models.IntegerField(blank=True, null=True),
                ),
            ],
        ),
        # SQLite rebuilds a table to drop a constraint, and its triggers go with it: guard again
        # (PostgreSQL keeps them; the statements replace a trigger that exists).
        guard_history_tables(
            "scheduler_historicalassignment",
            "scheduler_historicalfairnessentry",
            "scheduler_historicalleaveimpact",
            "scheduler_historicalleavepolicy",
            "scheduler_historicalopenshift",
            "scheduler_historicalplanningunit",
            "scheduler_historicalrefresherproposal",
            "scheduler_historicalroster",
            "scheduler_historicalrosterrun",
            "scheduler_historicalshifttemplate",
            "scheduler_historicalswappolicy",
            "scheduler_historicalswaprequest",
        ),
    ]
