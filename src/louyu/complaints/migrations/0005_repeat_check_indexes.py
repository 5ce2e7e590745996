"""Partial indexes on closed complaints for the repeat check at intake."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("complaints", "0004_duplicate_dismissals")]

    operations = [
        migrations.AddIndex(
            model_name="complaint",
            index=models.Index(
                condition=models.Q(("state", "closed")),
                fields=["building", "category", "closed_at"],
                name="complaint_repeat_building",
            ),
        ),
        migrations.AddIndex(
            model_name="complaint",
            index=models.Index(
                condition=models.Q(("state", "closed")),
                fields=["normalized_address", "category", "closed_at"],
                name="complaint_repeat_address",
            ),
        ),
    ]
