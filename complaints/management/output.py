"""What the complaints app's reporting commands share: a JSON document to a file or to standard output."""

import json
import sys


def write_json(command, data, output: str | None) -> None:
    """`data` as indented JSON (Chinese as written) in `output`, or on standard output when no file is named."""
    text = json.dumps(data, ensure_ascii=False, indent=2)
    if output:
        with open(output, "w", encoding="utf-8") as handle:
            handle.write(text + "\n")
        command.stderr.write(f"Wrote {output}")
    else:
        command.stdout.write(text)
        sys.stdout.flush()
