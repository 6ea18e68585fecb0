"""Templates' hints are written [[like this]]: a hint kept in single square brackets ([写明核查的事实…], the old
convention) becomes a double-bracketed one, so that decisions and letters still holding it are refused."""

import re

from django.db import migrations, models

# A single-bracketed span on one line, not already part of [[…]].
SINGLE = re.compile(r"(?<!\[)\[([^\[\]\n]+)\](?!\])")


def double_the_brackets(apps, schema_editor):
    LetterTemplate = apps.get_model("complaints", "LetterTemplate")
    for template in LetterTemplate.objects.all():
        body = SINGLE.sub(r"[[\1]]", template.body)
        if body != template.body:
            LetterTemplate.objects.filter(pk=template.pk).update(body=body)


BODY_HELP = (
    "The decision as told to the complainant. Placeholders in braces are filled with the case's facts: "
    "{tracking_number}, {name}, {received_date}, {due_date}, {decision_date}, {decision}, {remedies}, "
    "{regulator_route}, {insurer}, {today}. Write what the handler must replace with the case's own facts as a hint "
    "in double square brackets: [[state the facts found and the policy terms relied on]]. A decision or a letter "
    "that still holds a hint is refused."
)
OUTCOME_HELP = (
    "The outcome this wording suits; empty for any. A decision written from it with another outcome needs a "
    "reason, kept in the history."
)
OUTCOMES = [("upheld", "Upheld"), ("partly_upheld", "Partly upheld"), ("not_upheld", "Not upheld")]


def _fields(model_name):
    return [
        migrations.AlterField(
            model_name=model_name,
            name="body",
            field=models.TextField(help_text=BODY_HELP, max_length=10000, verbose_name="text"),
        ),
        migrations.AlterField(
            model_name=model_name,
            name="outcome",
            field=models.CharField(
                blank=True, choices=OUTCOMES, help_text=OUTCOME_HELP, max_length=16, verbose_name="outcome"
            ),
        ),
    ]


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0016_personal_data_views_to_portal"),
    ]

    operations = [
        *_fields("historicallettertemplate"),
        *_fields("lettertemplate"),
        migrations.RunPython(double_the_brackets, migrations.RunPython.noop),
    ]
