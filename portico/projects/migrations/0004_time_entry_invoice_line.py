import django.db.models.deletion
from django.db import migrations, models


def link_billed_time_to_lines(apps, schema_editor):
    """Time billed before lines were linked: link it to its invoice's line for the task, "Project: Task"."""
    TimeEntry = apps.get_model("projects", "TimeEntry")
    InvoiceLine = apps.get_model("sales", "InvoiceLine")
    billed = TimeEntry.objects.filter(invoice__isnull=False, invoice_line__isnull=True).select_related(
        "task__project"
    )
    for entry in billed.iterator():
        description = f"{entry.task.project.name}: {entry.task.name}"
        line = InvoiceLine.objects.filter(document_id=entry.invoice_id, description=description).order_by("pk").first()
        if line is not None:
            TimeEntry.objects.filter(pk=entry.pk).update(invoice_line=line)


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0003_approval_customer_period"),
        ("sales", "0002_creditnote_balance_within_total"),
    ]

    operations = [
        migrations.AddField(
            model_name="timeentry",
            name="invoice_line",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                help_text="The invoice line this time was billed on: removing the line unbills the time.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="time_entries",
                to="sales.invoiceline",
            ),
        ),
        migrations.RunPython(link_billed_time_to_lines, migrations.RunPython.noop),
    ]
