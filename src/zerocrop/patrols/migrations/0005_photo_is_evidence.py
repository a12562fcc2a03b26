"""Drop the old photo columns once the rows point at EvidenceFiles (a separate migration, so
PostgreSQL has fired the data step's deferred foreign-key checks before the tables change)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("patrols", "0004_photo_track_evidence")]

    operations = [
        # Defaults only so that migrating back can re-add the columns before refilling them.
        migrations.AlterField(
            model_name="patrolphoto",
            name="file",
            field=models.FileField(default="", upload_to="patrols/", verbose_name="照片"),
        ),
        migrations.AlterField(
            model_name="patrolphoto",
            name="sha256",
            field=models.CharField(default="", max_length=64),
        ),
        migrations.RemoveField(model_name="patrolphoto", name="file"),
        migrations.RemoveField(model_name="patrolphoto", name="sha256"),
        migrations.AlterField(
            model_name="patrolphoto",
            name="evidence",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="core.evidencefile",
                verbose_name="照片",
            ),
        ),
    ]
