"""Exports and reports at volume: `export_complaints` (CSV, XLSX) against PostgreSQL's own COPY of the same rows,
and `complaint_report` for a year.

    .venv/bin/python bench/exports.py [--complaints 1000000] [--year 2025] [--record]

Starts a throwaway PostgreSQL (or uses DATABASE_URL, e.g. a database already filled by `generate_volume`: then
leave out --complaints), migrates and, when asked, generates the volume. Each step runs as its own process under
GNU time, so the peak resident memory is the whole process's. The reference is
`psql -c "\\copy (SELECT <the export's columns> …) TO '<file>' CSV HEADER"`: the same rows, columns and order
with no formatting or masking. Prints a Markdown table; --record also puts it at the top of bench/RESULTS.md.
"""

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import PRODUCTION_ENV, ROOT, append_results, manage, peak_rss_mb, postgres

# The export's rows (complaints/exports.py COLUMNS, oldest first) without its formatting and masking.
COPY_QUERY = (
    "SELECT c.tracking_number, c.received_at, c.source, c.regulator_ref, c.channel, c.business_channel, c.category, "
    "c.province, b.name, c.status, c.due_date, c.decided_at, c.outcome, c.name, c.phone, c.email, c.id_number, "
    "c.description FROM complaints_complaint c LEFT JOIN portal_branch b ON b.id = c.branch_id "
    "ORDER BY c.received_at, c.id"
)
# Issue 7's targets: (maximum ratio to COPY, maximum peak RSS in MB).
TARGETS = {"csv": (1.5, 100), "xlsx": (5.0, 100)}
REPORT_TARGET_SECONDS = 1.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--complaints", type=int, default=0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--year", type=int, default=None, help="The report's year (default: last year).")
    parser.add_argument("--record", action="store_true")
    options = parser.parse_args()

    with postgres() as database_url, tempfile.TemporaryDirectory(prefix="portal-bench-export.") as folder:
        env = {**PRODUCTION_ENV, "DATABASE_URL": database_url}
        manage("migrate", "--no-input", "-v0", env=env)
        if options.complaints:
            manage("generate_volume", f"--complaints={options.complaints}", f"--seed={options.seed}", env=env)
        count = manage(
            "shell", "-c", "from complaints.models import Complaint; print(Complaint.objects.count())",
            env=env, capture_output=True, text=True,
        ).stdout.strip()  # fmt: skip
        year = options.year or int(
            manage(
                "shell", "-c", "from django.utils import timezone; print(timezone.localdate().year - 1)",
                env=env, capture_output=True, text=True,
            ).stdout.strip()
        )  # fmt: skip
        load_before = " ".join(Path("/proc/loadavg").read_text().split()[:3])
        copy_file = Path(folder) / "copy.csv"
        copy_seconds, copy_rss = peak_rss_mb(
            ["psql", database_url, "-q", "-c", f"\\copy ({COPY_QUERY}) TO '{copy_file}' CSV HEADER"], env
        )
        rows = [("PostgreSQL `\\copy … CSV`", copy_seconds, copy_rss, copy_file.stat().st_size, None)]
        for file_format in ("csv", "xlsx"):
            target = Path(folder) / f"export.{file_format}"
            command = [
                str(ROOT / ".venv" / "bin" / "python"),
                "manage.py",
                "export_complaints",
                "--start=2000-01-01",
                "--end=2100-12-31",
                f"--format={file_format}",
                f"--output={target}",
            ]
            seconds, rss = peak_rss_mb(command, env)
            rows.append(
                (f"`export_complaints --format {file_format}`", seconds, rss, target.stat().st_size, file_format)
            )
        report_file = Path(folder) / "report.json"
        report_command = [
            str(ROOT / ".venv" / "bin" / "python"),
            "manage.py",
            "complaint_report",
            f"--year={year}",
            f"--output={report_file}",
        ]
        report_seconds, report_rss = peak_rss_mb(report_command, env)
        # The command's own start (Django setup) is part of the process; time the report alone too.
        inner = manage(
            "shell",
            "-c",
            "import time; from complaints.reports import Period, complaint_report; "
            f"t = time.perf_counter(); complaint_report(period=Period({year}, None)); "
            "print(f'{time.perf_counter() - t:.3f}')",
            env=env,
            capture_output=True,
            text=True,
        ).stdout.strip()

        lines = [
            f"{int(count):,} complaints. Load average before the run: {load_before}.",
            "",
            "| what | seconds | × COPY | peak RSS MB | file MB | target | met |",
            "| --- | ---: | ---: | ---: | ---: | --- | --- |",
        ]
        for label, seconds, rss, size, file_format in rows:
            target, met = "", ""
            if file_format:
                ratio_limit, rss_limit = TARGETS[file_format]
                target = f"≤ {ratio_limit}× COPY, ≤ {rss_limit} MB"
                met = "yes" if seconds / copy_seconds <= ratio_limit and rss <= rss_limit else "**no**"
            lines.append(
                f"| {label} | {seconds:.1f} | {seconds / copy_seconds:.2f} | {rss:.0f} | {size / 2**20:.0f} "
                f"| {target} | {met} |"
            )
        report_met = "yes" if float(inner or "inf") <= REPORT_TARGET_SECONDS else "**no**"
        lines.append(
            f"| `complaint_report --year {year}` (whole process) | {report_seconds:.2f} | | {report_rss:.0f} | | | |"
        )
        lines.append(
            f"| `complaint_report(period={year})` (the report alone) | {inner} | | | "
            f"| ≤ {REPORT_TARGET_SECONDS} s | {report_met} |"
        )
        print("\n".join(lines))
        if options.record:
            command = "python bench/exports.py " + " ".join(sys.argv[1:])
            append_results("exports and the yearly report", command, lines)


if __name__ == "__main__":
    os.chdir(ROOT)
    main()
