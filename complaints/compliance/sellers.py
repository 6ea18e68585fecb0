"""Sales agents and partners (intermediaries, bank outlets): the lists compliance keeps, imported from a
spreadsheet, the agent or partner a complaint names, and the complaints per agent and partner.

- `sellers_import` reads a CSV/XLSX of agents or of partners, one row each. All or nothing: every bad row is named
  (ImportRefused) and nothing is written. A code already in the list is updated from its row (the list is kept
  by re-importing the current file); a code not in the file is left as it is.
- Naming the agent and the partner on a complaint is a workflow service (complaints.services.complaint_name_seller).
- `seller_figures` counts a period's complaints per agent and per partner (the workbook, the oversight page,
  the rating's sales-conduct figures).
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.models import Branch
from portal.tabular import ImportRefused, TableError, read_table

from ..models import Category, Outcome, Partner, SalesAgent

KEEP_PERMISSION = "complaints.change_salesagent"
MAX_ROWS = 5000

AGENT_ALIASES = {
    "code": "code", "agent code": "code", "工号": "code", "代理人编码": "code", "营销员工号": "code", "编码": "code",
    "name": "name", "姓名": "name", "名称": "name",
    "unit": "unit", "team": "unit", "unit or team": "unit", "团队": "unit", "营业部": "unit", "所属团队": "unit",
    "branch": "branch", "机构": "branch", "分公司": "branch", "所属机构": "branch",
    "active": "active", "在职": "active", "状态": "active",
}  # fmt: skip
PARTNER_ALIASES = {
    "code": "code", "partner code": "code", "编码": "code", "机构编码": "code", "网点编码": "code",
    "name": "name", "名称": "name", "机构名称": "name", "网点名称": "name",
    "kind": "kind", "type": "kind", "类型": "kind",
    "branch": "branch", "机构": "branch", "分公司": "branch", "所属机构": "branch",
    "active": "active", "合作中": "active", "状态": "active",
}  # fmt: skip
COLUMN_LABELS = {
    "code": gettext_lazy("code"),
    "name": gettext_lazy("name"),
    "unit": gettext_lazy("unit or team"),
    "branch": gettext_lazy("branch"),
    "active": gettext_lazy("active"),
    "kind": gettext_lazy("kind"),
}
KIND_WORDS = {
    "intermediary": Partner.Kind.INTERMEDIARY, "中介": Partner.Kind.INTERMEDIARY,
    "中介机构": Partner.Kind.INTERMEDIARY, "代理机构": Partner.Kind.INTERMEDIARY, "经纪机构": Partner.Kind.INTERMEDIARY,
    "bank_outlet": Partner.Kind.BANK_OUTLET, "bank outlet": Partner.Kind.BANK_OUTLET, "bank": Partner.Kind.BANK_OUTLET,
    "银行网点": Partner.Kind.BANK_OUTLET, "银行": Partner.Kind.BANK_OUTLET, "网点": Partner.Kind.BANK_OUTLET,
}  # fmt: skip
YES = {"", "yes", "y", "true", "1", "是", "在职", "有效", "合作中", "active"}
NO = {"no", "n", "false", "0", "否", "离职", "无效", "终止", "inactive"}


@dataclass
class Problem:
    """One bad cell of an imported file (this module's lists and the affected customers of an issue)."""

    row: int | None
    column: str
    message: str
    labels: dict = field(default_factory=lambda: COLUMN_LABELS, repr=False)

    def __str__(self):
        if self.row is None:
            return self.message
        label = str(self.labels.get(self.column, self.column))
        return _("Row %(row)d, %(column)s: %(message)s") % {"row": self.row, "column": label, "message": self.message}


def read_rows(data: bytes, name: str, aliases: dict, required, labels: dict) -> list:
    """The rows of an uploaded CSV/XLSX, or ImportRefused naming what is wrong with the file as a whole."""
    try:
        table = read_table(data, name, aliases, required, labels=labels, max_rows=MAX_ROWS)
    except TableError as error:
        raise ImportRefused([Problem(None, "", str(error))]) from None
    except Exception:  # an uploaded file is untrusted: whatever a damaged file makes the readers raise
        raise ImportRefused([Problem(None, "", _("The file cannot be read as a table."))]) from None
    if not table:
        raise ImportRefused([Problem(None, "", _("The file has a header but no rows."))])
    return table


def _branches() -> dict[str, Branch]:
    found = {}
    for branch in Branch.objects.all():
        found[branch.slug.lower()] = branch
        found[branch.name.lower()] = branch
    return found


def plan_sellers_import(data: bytes, name: str, kind: str) -> list[dict]:
    """Read and check a whole file of agents (`kind` "agents") or partners ("partners") without writing; raises
    ImportRefused naming every problem."""
    aliases = AGENT_ALIASES if kind == "agents" else PARTNER_ALIASES
    required = ("code", "name") if kind == "agents" else ("code", "name", "kind")
    table = read_rows(data, name, aliases, required, COLUMN_LABELS)
    branches = _branches()
    problems: list[Problem] = []
    planned: list[dict] = []
    seen: dict[str, int] = {}
    limits = {"code": 40, "name": 100 if kind == "agents" else 200, "unit": 100}
    for row in table:
        values = {key: (row.values.get(key) or "").strip() for key in set(aliases.values())}
        before = len(problems)
        for key in required:
            if not values[key]:
                problems.append(Problem(row.number, key, _("This column is empty.")))
        for key, limit in limits.items():
            if len(values.get(key, "")) > limit:
                problems.append(Problem(row.number, key, _("At most %(count)d characters.") % {"count": limit}))
        code = values["code"]
        if code and code in seen:
            problems.append(Problem(row.number, "code", _("The same code as row %(row)d.") % {"row": seen[code]}))
        seen.setdefault(code, row.number)
        branch = None
        if values["branch"]:
            branch = branches.get(values["branch"].lower())
            if branch is None:
                problems.append(Problem(row.number, "branch", _("No branch of that name.")))
        active_word = values["active"].lower()
        if active_word not in YES and active_word not in NO:
            problems.append(Problem(row.number, "active", _("Say whether it is active: yes or no.")))
        partner_kind = None
        if kind == "partners" and values["kind"]:
            partner_kind = KIND_WORDS.get(values["kind"].lower())
            if partner_kind is None:
                problems.append(Problem(row.number, "kind", _("Not a kind of partner: intermediary or bank outlet.")))
        if len(problems) > before:
            continue
        fields = {"name": values["name"], "branch": branch, "is_active": active_word not in NO}
        if kind == "agents":
            fields["unit"] = values["unit"]
        else:
            fields["kind"] = partner_kind
        planned.append({"code": code, "fields": fields})
    if problems:
        raise ImportRefused(problems)
    return planned


@transaction.atomic
def sellers_import(*, actor, data: bytes, name: str = "", kind: str) -> tuple[int, int]:
    """Import a list of agents or partners, all or none (module docstring); returns (added, updated)."""
    if actor is None or not actor.is_active or not actor.has_perm(KEEP_PERMISSION):
        raise PermissionDenied(_("You do not have permission to do this."))
    if kind not in ("agents", "partners"):
        raise ValueError(kind)
    model = SalesAgent if kind == "agents" else Partner
    added = updated = 0
    for row in plan_sellers_import(data, name, kind):
        _item, created = model.objects.update_or_create(code=row["code"], defaults=row["fields"])
        added += created
        updated += not created
    return added, updated


def seller_figures(queryset) -> dict:
    """Of the complaints in `queryset`: how many name an agent, a partner, either; and per agent and per partner
    (those named at least once, most complaints first) the complaints, the sales-related ones and those upheld.
    One grouped query (by agent and partner), summed here."""
    upheld = Q(outcome__in=[Outcome.UPHELD, Outcome.PARTLY_UPHELD])
    rows = (
        queryset.order_by()
        .values("sales_agent__code", "sales_agent__name", "partner__code", "partner__name")
        .annotate(
            n=Count("id"), sales=Count("id", filter=Q(category=Category.SALES)), upheld=Count("id", filter=upheld)
        )
    )
    totals = {"naming_agent": 0, "naming_partner": 0, "naming_either": 0, "sales_naming_either": 0}
    per: dict[str, dict] = {"agents": {}, "partners": {}}
    for row in rows:
        agent, partner = row["sales_agent__code"], row["partner__code"]
        totals["naming_agent"] += row["n"] if agent else 0
        totals["naming_partner"] += row["n"] if partner else 0
        if agent or partner:
            totals["naming_either"] += row["n"]
            totals["sales_naming_either"] += row["sales"]
        for key, code, name in (
            ("agents", agent, row["sales_agent__name"]),
            ("partners", partner, row["partner__name"]),
        ):
            if code:
                entry = per[key].setdefault(
                    code, {"code": code, "name": name, "complaints": 0, "sales": 0, "upheld": 0}
                )
                entry["complaints"] += row["n"]
                entry["sales"] += row["sales"]
                entry["upheld"] += row["upheld"]
    return {**totals, "agents": _most_first(per["agents"]), "partners": _most_first(per["partners"])}


def _most_first(entries: dict) -> list[dict]:
    return sorted(entries.values(), key=lambda entry: (-entry["complaints"], entry["code"]))
