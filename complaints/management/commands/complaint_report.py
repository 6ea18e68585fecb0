"""manage.py complaint_report --year Y [--quarter Q] [--branch SLUG] --format json|xlsx [--output F]"""

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from complaints.compliance.reports import Period, complaint_report, monthly_trend, report_xlsx
from portal.models import Branch


class Command(BaseCommand):
    help = "Complaint statistics for a year or a quarter (received in Beijing time), as JSON or a filing workbook."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--quarter", type=int, choices=[1, 2, 3, 4])
        parser.add_argument("--branch", help="A branch's slug; all branches when not given.")
        parser.add_argument("--format", choices=["json", "xlsx"], default="json")
        parser.add_argument("--output", help="The file to write; JSON goes to standard output when not given.")

    def handle(self, *args, **options):
        try:
            period = Period(options["year"], options["quarter"])
        except ValueError as error:
            raise CommandError(str(error)) from None
        branch = None
        if options["branch"]:
            branch = Branch.objects.filter(slug=options["branch"]).first()
            if branch is None:
                raise CommandError(f"No such branch: {options['branch']}")
        report = complaint_report(period=period, branch=branch)
        output = options["output"]
        if options["format"] == "xlsx":
            if not output:
                raise CommandError("--format xlsx needs --output FILE.")
            report_xlsx(report, monthly_trend(period=period, branch=branch), output)
            self.stderr.write(f"Wrote {output}")
            return
        text = json.dumps(report, ensure_ascii=False, indent=2)
        if output:
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(text + "\n")
            self.stderr.write(f"Wrote {output}")
        else:
            self.stdout.write(text)
            sys.stdout.flush()
