"""Key the audit chain: every field (the actor too) under an HMAC, and count the events.

Existing events (version 1: unkeyed SHA-256 without the actor) are re-sealed once with the
key; the `rekey` event appended records whether the old chain verified before.
"""

from django.db import migrations, models


def rekey(apps, schema_editor) -> None:
    from zerocrop.core.audit import rekey_chain

    rekey_chain(
        event_model=apps.get_model("core", "AuditEvent"),
        head_model=apps.get_model("core", "AuditChainHead"),
    )


class Migration(migrations.Migration):
    dependencies = [("core", "0002_initial")]

    operations = [
        migrations.AddField(
            model_name="auditchainhead",
            name="count",
            field=models.PositiveBigIntegerField(default=0, verbose_name="事件数"),
        ),
        migrations.RunPython(rekey, migrations.RunPython.noop),
    ]
