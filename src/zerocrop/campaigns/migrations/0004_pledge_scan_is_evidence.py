"""Drop the old scan columns once the rows point at EvidenceFiles (a separate migration, so
PostgreSQL has fired the data step's deferred foreign-key checks before the tables change)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0003_pledge_scan_evidence")]

    operations = [
        migrations.RemoveField(model_name="pledge", name="scan_sha256"),
        migrations.RemoveField(model_name="pledge", name="scan"),
        migrations.RenameField(model_name="pledge", old_name="scan_evidence", new_name="scan"),
    ]
