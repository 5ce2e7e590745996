"""Drop single-column indexes whose column leads a composite index of the same table
(building, handler, jurisdiction): every lookup they served the composite serves, and
each cost an index entry per row written (complaint intake writes this table;
docs/performance.md). Also the index on the ``is_repeat`` flag, which no query filters
on. Only the indexes go: the state changes ``db_index`` while the database drops the
index by name, leaving the foreign keys alone (``AlterField`` would drop and re-add them,
re-checking every row)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("buildings", "0005_import_rejected_sample"),
        ("complaints", "0005_repeat_check_indexes"),
        ("core", "0004_authorization_version"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="complaint",
                    name="building",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="complaints",
                        to="buildings.building",
                        verbose_name="楼宇",
                    ),
                ),
                migrations.AlterField(
                    model_name="complaint",
                    name="handler",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="handled_complaints",
                        to="core.organization",
                        verbose_name="承办机构",
                    ),
                ),
                migrations.AlterField(
                    model_name="complaint",
                    name="is_repeat",
                    field=models.BooleanField(default=False, verbose_name="重复申诉"),
                ),
                migrations.AlterField(
                    model_name="complaint",
                    name="jurisdiction",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="complaints",
                        to="core.jurisdiction",
                        verbose_name="管辖范围",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "complaints_complaint_building_id_b811f5b3"',
                    reverse_sql='CREATE INDEX "complaints_complaint_building_id_b811f5b3" ON "complaints_complaint" ("building_id")',
                ),
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "complaints_complaint_handler_id_be7a03e0"',
                    reverse_sql='CREATE INDEX "complaints_complaint_handler_id_be7a03e0" ON "complaints_complaint" ("handler_id")',
                ),
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "complaints_complaint_is_repeat_eb089897"',
                    reverse_sql='CREATE INDEX "complaints_complaint_is_repeat_eb089897" ON "complaints_complaint" ("is_repeat")',
                ),
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "complaints_complaint_jurisdiction_id_ce8b6b0b"',
                    reverse_sql='CREATE INDEX "complaints_complaint_jurisdiction_id_ce8b6b0b" ON "complaints_complaint" ("jurisdiction_id")',
                ),
            ],
        ),
    ]
