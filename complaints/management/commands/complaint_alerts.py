"""manage.py complaint_alerts --as-of D [--format json|text] [--record]"""

import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from complaints.compliance.alerts import alerts_run, dimension_label, value_label, warnings_for
from complaints.compliance.systemic import attach_dispositions


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"“{text[:40]}” is not a date (write 2024-01-31).") from None


class Command(BaseCommand):
    help = (
        "Early warnings for a day: counts by category, branch, province, business channel and product line "
        "against their own baseline, handlers with many cases falling due, repeat complainants."
    )

    def add_arguments(self, parser):
        parser.add_argument("--as-of", required=True, help="The day (Beijing time) the counts end with.")
        parser.add_argument("--format", choices=["json", "text"], default="json")
        parser.add_argument(
            "--record",
            action="store_true",
            help="Also store new warnings and email compliance officers and supervisors.",
        )

    def handle(self, *args, **options):
        as_of = _day(options["as_of"])
        if options["record"]:
            alerts_run(as_of=as_of)
        warnings = warnings_for(as_of)
        if options["format"] == "json":
            rows = attach_dispositions([w.as_json() for w in warnings])
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        with translation.override("zh-hans"):
            if not warnings:
                self.stdout.write(f"{as_of}: 无预警")
            for w in warnings:
                self.stdout.write(
                    f"{w.kind}\t{dimension_label(w.dimension)}\t{value_label(w.dimension, w.value)}\t{w.period}\t"
                    f"{w.start}..{w.end}\tcount={w.count}\tbaseline={w.baseline:g}\tscore={w.score:g}"
                )
