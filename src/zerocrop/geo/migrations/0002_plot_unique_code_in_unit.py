"""Plot codes become unique within a unit.

Existing repeats are renamed first, deterministically: in each unit the oldest plot keeps the
code and the others get "-2", "-3", … (skipping codes already taken); each renamed plot's note
records the old code, so the change can be traced and undone by hand.
"""

from django.db import migrations, models

CODE_MAX = 40
NOTE_MAX = 300


def rename_repeated_codes(apps, schema_editor):
    Plot = apps.get_model("geo", "Plot")
    plots = Plot.objects.exclude(code="").order_by("unit_id", "code", "created_at", "id")
    taken: dict[object, set[str]] = {}
    for unit_id, code in plots.values_list("unit_id", "code"):
        taken.setdefault(unit_id, set()).add(code)
    seen: set[tuple[object, str]] = set()
    for plot in plots.iterator():
        key = (plot.unit_id, plot.code)
        if key not in seen:
            seen.add(key)
            continue
        n = 2
        while True:
            suffix = f"-{n}"
            candidate = plot.code[: CODE_MAX - len(suffix)] + suffix
            if candidate not in taken[plot.unit_id]:
                break
            n += 1
        taken[plot.unit_id].add(candidate)
        record = f"编号原为「{plot.code}」，与同村地块重复，升级时改为「{candidate}」"
        plot.note = (f"{plot.note}；{record}" if plot.note else record)[:NOTE_MAX]
        plot.code = candidate
        plot.save(update_fields=["code", "note"])


class Migration(migrations.Migration):
    dependencies = [
        ("geo", "0001_initial"),
        ("org", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(rename_repeated_codes, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="plot",
            constraint=models.UniqueConstraint(
                condition=models.Q(("code", ""), _negated=True),
                fields=("unit", "code"),
                name="plot_unique_code_in_unit",
                violation_error_message="同一村（社区）内地块编号不能重复",
            ),
        ),
    ]
