"""manage.py complaint_report --year Y [--quarter Q] [--branch SLUG] --format json|xlsx [--output F]"""

from django.core.management.base import BaseCommand, CommandError

from complaints.compliance.comparison import workbook_sheets
from complaints.compliance.performance import performance
from complaints.compliance.reports import Period, complaint_report, monthly_trend
from complaints.compliance.workbook import report_xlsx
from complaints.management.output import write_json
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
            figures = performance(period=period, branch=branch)
            report_xlsx(
                report,
                monthly_trend(period=period, branch=branch),
                output,
                figures,
                extra_sheets=workbook_sheets(period, branch),
            )
            self.stderr.write(f"Wrote {output}")
            return
        write_json(self, report, output)
