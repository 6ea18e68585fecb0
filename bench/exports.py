"""Exports and reports at volume: `export_complaints` (CSV, XLSX) against PostgreSQL's own COPY of the same rows,
and `complaint_report` for a year.

    .venv/bin/python bench/exports.py [--complaints 1000000] [--year 2025] [--rounds 3] [--record]

Starts a throwaway PostgreSQL (or uses DATABASE_URL, e.g. a database already filled by `generate_volume`: then
leave out --complaints), migrates and, when asked, generates the volume. Each step runs as its own process under
GNU time, so the peak resident memory is the whole process's. The reference is
`psql -c "\\copy (<the export's query>) TO '<file>' CSV HEADER"`: the same rows, columns (joins and computed
columns included) and order, with no formatting or masking. Prints a Markdown table; --record also puts it at
the top of bench/RESULTS.md.
"""

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import PRODUCTION_ENV, ROOT, append_results, manage, peak_rss_mb, postgres

# The export's own query (its columns and order: rows.ordered and vocabulary.EXPORT_COLUMNS, the joins and
# computed columns included) with the raw values: what COPY reads without formatting or masking.
REFERENCE_QUERY = """
from django.db import connection
from complaints.models import Complaint
from complaints.compliance.exports.rows import ordered
from complaints.compliance.vocabulary import EXPORT_COLUMNS
query = ordered(Complaint.objects.all()).values_list(*[field for field, _heading in EXPORT_COLUMNS]).query
sql, params = query.sql_with_params()
with connection.cursor() as cursor:
    print(cursor.mogrify(sql, params).decode().replace(chr(10), " "))
"""
# Issue 7's targets: (maximum ratio to COPY, maximum peak RSS in MB).
TARGETS = {"csv": (1.5, 100), "xlsx": (5.0, 100)}
REPORT_TARGET_SECONDS = 1.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--complaints", type=int, default=0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--year", type=int, default=None, help="The report's year (default: last year).")
    parser.add_argument("--rounds", type=int, default=3)
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
        ).stdout.strip().splitlines()[-1]  # fmt: skip
        year = options.year or int(
            manage(
                "shell", "-c", "from django.utils import timezone; print(timezone.localdate().year - 1)",
                env=env, capture_output=True, text=True,
            ).stdout.strip().splitlines()[-1]
        )  # fmt: skip
        load_before = " ".join(Path("/proc/loadavg").read_text().split()[:3])
        copy_file = Path(folder) / "copy.csv"
        reference = manage("shell", "-c", REFERENCE_QUERY, env=env, capture_output=True, text=True)
        reference = reference.stdout.strip().splitlines()[-1]
        copy_command = ["psql", database_url, "-q", "-c", f"\\copy ({reference}) TO '{copy_file}' CSV HEADER"]
        commands = {"copy": copy_command}
        for file_format in ("csv", "xlsx"):
            commands[file_format] = [
                str(ROOT / ".venv" / "bin" / "python"),
                "manage.py",
                "export_complaints",
                "--start=2000-01-01",
                "--end=2100-12-31",
                f"--format={file_format}",
                f"--output={Path(folder) / f'export.{file_format}'}",
            ]
        # COPY and both exports in turn, several rounds: each ratio compares runs taken seconds apart, and the
        # median of the rounds is reported (this machine's speed drifts).
        timings: dict[str, list] = {name: [] for name in commands}
        for _round in range(options.rounds):
            for name, command in commands.items():
                timings[name].append(peak_rss_mb(command, env))
                print(f"{name}: {timings[name][-1][0]:.1f} s, {timings[name][-1][1]:.0f} MB", flush=True)
        copy_seconds = statistics.median(seconds for seconds, _rss in timings["copy"])
        sizes = {"copy": copy_file.stat().st_size}
        sizes.update({name: (Path(folder) / f"export.{name}").stat().st_size for name in ("csv", "xlsx")})
        rows = [
            ("PostgreSQL `\\copy … CSV`", copy_seconds, max(rss for _s, rss in timings["copy"]), sizes["copy"], None)
        ]
        for file_format in ("csv", "xlsx"):
            seconds = statistics.median(value for value, _rss in timings[file_format])
            rss = max(value for _s, value in timings[file_format])
            rows.append((f"`export_complaints --format {file_format}`", seconds, rss, sizes[file_format], file_format))
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
        inner = (
            manage(
                "shell",
                "-c",
                "import time; from complaints.compliance.reports import Period, complaint_report; "
                f"t = time.perf_counter(); complaint_report(period=Period({year}, None)); "
                "print(f'{time.perf_counter() - t:.3f}')",
                env=env,
                capture_output=True,
                text=True,
            )
            .stdout.strip()
            .splitlines()[-1]
        )

        lines = [
            f"{int(count):,} complaints. Load average before the run: {load_before}. Median seconds of "
            f"{options.rounds} rounds, largest peak RSS.",
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
