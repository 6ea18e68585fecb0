from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from portal.actors import system_actor
from portal.tabular import ImportRefused
from reception import importer, services


class Command(BaseCommand):
    help = (
        "Import a reception-day schedule (CSV or XLSX, published Chinese or English headers). All or nothing; "
        "re-importing updates the days by branch and date."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV (UTF-8 or GB18030) or XLSX file")
        parser.add_argument("--year", type=int, help="year of dates published without one (1月11日)")
        parser.add_argument("--dry-run", action="store_true", help="check and report, write nothing")

    def handle(self, *args, file, year=None, dry_run=False, **options):
        if year is not None and not 2000 <= year <= 2100:
            raise CommandError(_("The year must be between 2000 and 2100."))
        path = Path(file)
        if not path.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": file})
        with path.open("rb") as stream:
            # One byte over the limit is enough for the reader to refuse the file as too large.
            parsed = importer.parse(stream.read(importer.MAX_BYTES + 1), year=year)
        if not parsed.ok:
            raise CommandError(self._refusal(parsed.problems))
        try:
            outcome = services.reception_import(rows=parsed.rows, actor=system_actor(), dry_run=dry_run)
        except ImportRefused as refused:
            raise CommandError(self._refusal(refused.problems)) from None
        for name in outcome.new_branches:
            self.stdout.write(
                _("New branch created: %(name)s (check its province and address in the admin).") % {"name": name}
            )
        self.stdout.write(
            _("%(total)s days: %(created)s new, %(updated)s updated, %(unchanged)s unchanged.")
            % {
                "total": outcome.total,
                "created": len(outcome.created),
                "updated": len(outcome.updated),
                "unchanged": len(outcome.unchanged),
            }
            + (" " + _("Nothing was saved (dry run).") if dry_run else "")
        )

    def _refusal(self, problems) -> str:
        lines = [_("The file was refused; nothing was imported.")]
        lines += [f"  {problem}" for problem in problems[:50]]
        if len(problems) > 50:
            lines.append(_("… and %(count)s more problems.") % {"count": len(problems) - 50})
        return "\n".join(lines)
