"""The one seam between the portal and the national complaint platform. `exchange()` returns an instance of the
class the setting PORTAL_PLATFORM_EXCHANGE names (FileExchange unless configured otherwise). An exchange has two
methods:

- `transferred_cases(source)` → the transferred cases as `portal.tabular.Row`s (the row number as the source
  numbers it, and the values under the canonical keys of CASE_FIELDS); a source that cannot be read raises
  `portal.tabular.TableError`.
- `write_answers(since, target)` → writes the answers and steps of the platform's cases with a step since `since`
  (answers.platform_answers) and returns how many cases it wrote.

FileExchange reads a JSON document ({"schema": …, "cases": [{…}, …]}, or a bare list of cases) or a CSV/XLSX
table whose headings are the keys below or their Chinese names, and writes the answers as one JSON document."""

import json
from datetime import date
from pathlib import Path

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.tabular import MAX_IMPORT_BYTES, Row, TableError, read_table

from .answers import platform_answers

# The canonical keys of a transferred case, with the headings the platform's export uses in Chinese.
CASE_FIELDS = {
    "platform_ref": ("平台编号", "平台转办编号", "工单编号"),
    "received_at": ("接收时间", "转办时间", "收到时间"),
    "reply_by": ("答复期限", "平台答复期限", "办结期限"),
    "name": ("姓名", "投诉人", "投诉人姓名"),
    "phone": ("电话", "联系电话", "手机号"),
    "id_number": ("证件号码", "身份证号"),
    "policy_number": ("保单号", "保单号码"),
    "category": ("类别", "投诉类别", "投诉事项"),
    "product_line": ("险种",),
    "province": ("省份", "地区", "所属地区"),
    "branch": ("分支机构", "机构"),
    "description": ("投诉内容", "诉求内容", "内容"),
    "desired_outcome": ("诉求", "投诉诉求"),
}
REQUIRED_FIELDS = ("platform_ref", "received_at", "name", "phone", "description")
FIELD_LABELS = {
    "platform_ref": _("platform's reference"),
    "received_at": _("received at"),
    "reply_by": _("platform's reply date"),
    "name": _("complainant's name"),
    "phone": _("phone"),
    "id_number": _("ID number"),
    "policy_number": _("policy number"),
    "category": pgettext_lazy("complaint", "category"),
    "product_line": _("product line"),
    "province": _("province"),
    "branch": _("branch"),
    "description": _("what the complainant says"),
    "desired_outcome": _("desired outcome"),
}


def _aliases() -> dict[str, str]:
    aliases = {}
    for key, headings in CASE_FIELDS.items():
        aliases[key] = key
        aliases.update(dict.fromkeys(headings, key))
    return aliases


class FileExchange:
    """The exchange as files: cases read from a JSON, CSV or XLSX file, answers written as a JSON file."""

    def transferred_cases(self, source) -> list[Row]:
        path = Path(source)
        try:
            with path.open("rb") as handle:
                data = handle.read(MAX_IMPORT_BYTES + 1)
        except OSError as error:
            raise TableError(
                _("Cannot read %(name)s: %(reason)s") % {"name": path.name, "reason": error.strerror}
            ) from None
        if path.suffix.lower() == ".json" or data.lstrip()[:1] in (b"{", b"["):
            return self._json_cases(data)
        return read_table(
            data, path.name, _aliases(), REQUIRED_FIELDS, header_must_have=("platform_ref",), labels=FIELD_LABELS
        )

    def _json_cases(self, data: bytes) -> list[Row]:
        if len(data) > MAX_IMPORT_BYTES:
            raise TableError(_("The file is too large."))
        try:
            document = json.loads(data.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise TableError(_("The file is not valid JSON in UTF-8.")) from None
        cases = document.get("cases") if isinstance(document, dict) else document
        if not isinstance(cases, list) or not all(isinstance(case, dict) for case in cases):
            raise TableError(_("The JSON document holds no list of cases (“cases”: [{…}, …])."))
        lookup = _aliases()
        rows = []
        for number, case in enumerate(cases, start=1):
            values = {}
            for heading, value in case.items():
                key = lookup.get(str(heading).strip())
                if key is not None:
                    values[key] = "" if value is None else str(value).strip()
            rows.append(Row(number=number, values=values))
        return rows

    def write_answers(self, since: date, target) -> int:
        document = platform_answers(since)
        text = json.dumps(document, ensure_ascii=False, indent=2)
        Path(target).write_text(text + "\n", encoding="utf-8")
        return len(document["cases"])


def exchange():
    """The configured exchange (settings.PORTAL_PLATFORM_EXCHANGE, a dotted class path)."""
    return import_string(
        getattr(settings, "PORTAL_PLATFORM_EXCHANGE", "complaints.compliance.platform.adapter.FileExchange")
    )()
