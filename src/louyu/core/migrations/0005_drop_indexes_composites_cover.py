"""Drop single-column indexes whose column leads a composite index of the same table:
every lookup they served the composite serves, and each cost an index entry per
row written (complaint intake writes these tables; docs/performance.md). Only the
indexes go: the state changes ``db_index`` while the database drops the index by
name, leaving the foreign keys alone (``AlterField`` would drop and re-add them,
re-checking every row)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0004_authorization_version"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="auditevent",
                    name="actor",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="操作人",
                    ),
                ),
                migrations.AlterField(
                    model_name="auditevent",
                    name="jurisdiction",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="core.jurisdiction",
                        verbose_name="管辖范围",
                    ),
                ),
                migrations.AlterField(
                    model_name="auditevent",
                    name="object_type",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="contenttypes.contenttype",
                        verbose_name="对象类型",
                    ),
                ),
                migrations.AlterField(
                    model_name="workitem",
                    name="assignee_organization",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="work_items",
                        to="core.organization",
                        verbose_name="承办机构",
                    ),
                ),
                migrations.AlterField(
                    model_name="workitem",
                    name="assignee_user",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="work_items",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="承办人",
                    ),
                ),
                migrations.AlterField(
                    model_name="workitem",
                    name="content_type",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="contenttypes.contenttype",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "core_auditevent_actor_id_3bd0c673"',
                    reverse_sql='CREATE INDEX "core_auditevent_actor_id_3bd0c673" ON "core_auditevent" ("actor_id")',
                ),
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "core_auditevent_jurisdiction_id_cf6b3886"',
                    reverse_sql='CREATE INDEX "core_auditevent_jurisdiction_id_cf6b3886" ON "core_auditevent" ("jurisdiction_id")',
                ),
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "core_auditevent_object_type_id_8b5f9d0b"',
                    reverse_sql='CREATE INDEX "core_auditevent_object_type_id_8b5f9d0b" ON "core_auditevent" ("object_type_id")',
                ),
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "core_workitem_assignee_organization_id_27e54548"',
                    reverse_sql='CREATE INDEX "core_workitem_assignee_organization_id_27e54548" ON "core_workitem" ("assignee_organization_id")',
                ),
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "core_workitem_assignee_user_id_bca433af"',
                    reverse_sql='CREATE INDEX "core_workitem_assignee_user_id_bca433af" ON "core_workitem" ("assignee_user_id")',
                ),
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "core_workitem_content_type_id_1c96e387"',
                    reverse_sql='CREATE INDEX "core_workitem_content_type_id_1c96e387" ON "core_workitem" ("content_type_id")',
                ),
            ],
        ),
    ]
