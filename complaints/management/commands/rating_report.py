"""manage.py rating_report --year Y --format json|xlsx [--output F] [--language zh-hans|en]"""

import json
import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from complaints.compliance.rating.figures import rating_figures, rating_xlsx


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
        text = json.dumps(report, ensure_ascii=False, indent=2)
        if output:
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(text + "\n")
            self.stderr.write(f"Wrote {output}")
        else:
            self.stdout.write(text)
            sys.stdout.flush()
