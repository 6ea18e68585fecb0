"""manage.py rating_report --year Y --format json|xlsx [--output F] [--language zh-hans|en]"""

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from complaints.compliance.rating.figures import rating_figures, rating_xlsx
from complaints.management.output import write_json


class Command(BaseCommand):
    help = "The consumer-protection rating's figures of a year: the seven elements, their weights and figures."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--format", choices=["json", "xlsx"], default="json")
        parser.add_argument("--output", help="The file to write; JSON goes to standard output when not given.")
        parser.add_argument("--language", choices=["zh-hans", "en"], default="zh-hans")

    def handle(self, *args, **options):
        year = options["year"]
        if not 2000 <= year <= 2100:
            raise CommandError("--year must be between 2000 and 2100.")
        with translation.override(options["language"]):
            report = rating_figures(year)
            output = options["output"]
            if options["format"] == "xlsx":
                if not output:
                    raise CommandError("--format xlsx needs --output FILE.")
                rating_xlsx(report, output)
                self.stderr.write(f"Wrote {output}")
                return
        write_json(self, report, output)
