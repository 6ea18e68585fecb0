"""Surrender-agent rings (代理退保): many policyholders' complaints behind one organiser.

The method (docs/compliance.md states it with its measured rates):
1. The complaints received in the WINDOW_DAYS days up to `as_of` that share something with another: the same
   contact phone or e-mail (grouped in SQL), or that record a representative, an address or a bank account
   (few: proxies and letters). Their keys come from complaints.identity, the one normaliser of the same person.
2. A shared key is a signal when it stands behind at least two DIFFERENT policyholders (a family's or a repeat
   complainant's own complaints are one policyholder: the same ID number, policy number or policyholder name).
   The complaints linked by signals form components (union-find).
3. On PostgreSQL each component's complaints look for near-identical descriptions in the window (pg_trgm
   similarity >= TEXT_SIMILARITY, through the GIN trigram index; at most TEXT_NEIGHBOURS per complaint), which
   join the ring. On SQLite this step is skipped, and the ring says so.
4. A component is a ring warning when it holds RING_MIN_HOLDERS different policyholders or more, or
   RING_MIN_HOLDERS_SUPPORTED when a power of attorney comes from a company or a non-relative (a family of three
   writing one text for all is no ring). Many "full refund" demands from one province or branch in AREA_DAYS days
   (AREA_MIN or more) are shown on a ring as a further signal; alone they are no ring.

A warning is a reason to look, never a finding: a flagged complaint keeps its deadlines and every right (nothing
here writes to a complaint). `find_rings(as_of)` reads only; complaints.compliance.alerts stores the warnings.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import connection, transaction
from django.db.models import Count, Q
from django.db.models.functions import Lower, TruncDate
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from portal.beijing import BEIJING, day_start
from portal.privacy import mask_address, mask_email, mask_name, mask_phone

from ..identity import address_key, email_key, id_number_key, name_key, phone_key, policy_key
from ..models import NON_RELATIVES, Capacity, Complaint, DesiredRemedy

WINDOW_DAYS = 90
TEXT_SIMILARITY = 0.6
TEXT_NEIGHBOURS = 50
RING_MIN_HOLDERS = 4
RING_MIN_HOLDERS_SUPPORTED = 3
AREA_DAYS = 14
AREA_MIN = 8

# The shared keys, in the order a ring's map lists them.
IDENTITY_SIGNALS = ("representative_phone", "representative", "phone", "address", "email", "account")
SIGNAL_KINDS = (*IDENTITY_SIGNALS, "text", "attorney", "area")

FIELDS = (
    "id",
    "tracking_number",
    "received_at",
    "name",
    "phone",
    "email",
    "id_number",
    "policy_number",
    "capacity",
    "principal_name",
    "representative_name",
    "representative_phone",
    "representative_org",
    "representative_relationship",
    "address",
    "bank_account_digest",
    "desired_remedy",
    "province",
    "branch_id",
)


@dataclass
class Signal:
    kind: str
    value: str  # as recorded (never an account: its digest is no value to show)
    complaint_ids: list[int]


@dataclass
class Ring:
    key: str  # the tracking number of its earliest complaint: stable while the ring grows
    members: list[dict]
    holders: int
    signals: list[Signal] = field(default_factory=list)
    text_checked: bool = True

    @property
    def complaint_ids(self) -> list[int]:
        return [member["id"] for member in self.members]


def _keys(row: dict) -> dict[str, str]:
    """A complaint's keys for each identity signal ("" where it has none)."""
    representative = ""
    if row["representative_name"] or row["representative_org"]:
        representative = f"{name_key(row['representative_name'])}|{name_key(row['representative_org'])}"
    return {
        "representative_phone": phone_key(row["representative_phone"]),
        "representative": representative,
        "phone": phone_key(row["phone"]),
        "address": address_key(row["address"]),
        "email": email_key(row["email"]),
        "account": row["bank_account_digest"],
    }


def holder_name(row: dict) -> str:
    """The policyholder's name: the principal for a proxy or an heir, else the complainant."""
    if row["capacity"] in (Capacity.PROXY, Capacity.HEIR) and row["principal_name"]:
        return row["principal_name"]
    return row["name"]


class _Union:
    def __init__(self):
        self.parent: dict = {}

    def find(self, item):
        self.parent.setdefault(item, item)
        while self.parent[item] != item:
            self.parent[item] = self.parent[self.parent[item]]
            item = self.parent[item]
        return item

    def join(self, first, second):
        self.parent[self.find(first)] = self.find(second)


def policyholders(rows: list[dict]) -> dict[int, int]:
    """{complaint id: policyholder number}: complaints with the same ID number, policy number or policyholder
    name (complaints.identity's keys) are one policyholder."""
    union = _Union()
    for row in rows:
        union.find(("c", row["id"]))
        for kind, key in (
            ("id", id_number_key(row["id_number"])),
            ("policy", policy_key(row["policy_number"])),
            ("name", name_key(holder_name(row))),
        ):
            if key:
                union.join(("c", row["id"]), (kind, key))
    roots: dict = {}
    return {row["id"]: roots.setdefault(union.find(("c", row["id"])), len(roots)) for row in rows}


def _window(as_of: date):
    start = as_of - timedelta(days=WINDOW_DAYS - 1)
    return day_start(start), day_start(as_of + timedelta(days=1))


def _candidates(as_of: date) -> list[dict]:
    """The window's complaints that may share a key with another (see the module's step 1)."""
    since, until = _window(as_of)
    recent = Complaint.objects.filter(received_at__gte=since, received_at__lt=until, merged_into=None)
    shared_phones = recent.exclude(phone="").values("phone").annotate(n=Count("id")).filter(n__gte=2).values("phone")
    shared_emails = (
        recent.exclude(email="")
        .annotate(key=Lower("email"))
        .values("key")
        .annotate(n=Count("id"))
        .filter(n__gte=2)
        .values("key")
    )
    recorded = ~Q(representative_phone="") | ~Q(representative_name="") | ~Q(address="") | ~Q(bank_account_digest="")
    chosen = recent.annotate(email_key=Lower("email")).filter(
        recorded | Q(phone__in=shared_phones) | Q(email_key__in=shared_emails)
    )
    return list(chosen.order_by().values(*FIELDS))


def _rows(ids) -> list[dict]:
    return list(Complaint.objects.filter(pk__in=list(ids)).order_by().values(*FIELDS))


def text_available() -> bool:
    return connection.vendor == "postgresql"


def _near_identical(seed_ids: list[int], as_of: date) -> set[tuple[int, int]]:
    """Pairs (a, b), a < b, of complaints whose descriptions are near-identical (pg_trgm similarity at least
    TEXT_SIMILARITY, the `%` operator answered from the GIN trigram index): each seed with its TEXT_NEIGHBOURS
    closest in the window."""
    if not seed_ids or not text_available():
        return set()
    table = Complaint._meta.db_table
    since, until = _window(as_of)
    scope, params = "c.received_at >= %s AND c.received_at < %s AND c.merged_into_id IS NULL", [since, until]
    sql = (
        f"SELECT s.id, n.id FROM {table} s, LATERAL ("  # noqa: S608 (the table name is the model's)
        f"  SELECT c.id FROM {table} c WHERE c.description %% s.description AND c.id <> s.id AND {scope}"
        f"  ORDER BY similarity(c.description, s.description) DESC LIMIT {int(TEXT_NEIGHBOURS)}"
        f") n WHERE s.id = ANY(%s)"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT set_config('pg_trgm.similarity_threshold', %s, true)", [str(TEXT_SIMILARITY)])
        cursor.execute(sql, [*params, seed_ids])
        return {(min(a, b), max(a, b)) for a, b in cursor.fetchall()}


def _area_bursts(rows: list[dict], as_of: date) -> set[int]:
    """The complaints among `rows` demanding a full refund from a province or branch that had AREA_MIN or more
    such demands in the AREA_DAYS days up to the complaint's own day."""
    refunds = [row for row in rows if row["desired_remedy"] == DesiredRemedy.FULL_REFUND]
    if not refunds:
        return set()
    since, until = _window(as_of)
    first = since - timedelta(days=AREA_DAYS)
    demands = Complaint.objects.filter(
        received_at__gte=first, received_at__lt=until, desired_remedy=DesiredRemedy.FULL_REFUND
    ).annotate(day=TruncDate("received_at", tzinfo=BEIJING))
    counts: dict = defaultdict(lambda: defaultdict(int))
    for column in ("province", "branch_id"):
        for value, day, n in (
            demands.order_by().values(column, "day").annotate(n=Count("id")).values_list(column, "day", "n")
        ):
            if value not in (None, ""):
                counts[(column, value)][day] += n
    flagged = set()
    for row in refunds:
        day = row["received_at"].astimezone(BEIJING).date()
        for column in ("province", "branch_id"):
            per_day = counts.get((column, row[column]), {})
            if sum(n for d, n in per_day.items() if day - timedelta(days=AREA_DAYS) < d <= day) >= AREA_MIN:
                flagged.add(row["id"])
    return flagged


def _analyse(rows: list[dict], text_pairs: set, as_of: date, *, text_checked: bool) -> list[Ring]:
    """The rings among `rows` (linked by shared keys behind different policyholders and by `text_pairs`)."""
    by_id = {row["id"]: row for row in rows}
    holder = policyholders(rows)
    groups: dict = defaultdict(list)
    for row in rows:
        for kind, key in _keys(row).items():
            if key:
                groups[(kind, key)].append(row["id"])
    union = _Union()
    signals = []
    for (kind, _key), ids in groups.items():
        if len({holder[pk] for pk in ids}) < 2:
            continue
        for pk in ids[1:]:
            union.join(ids[0], pk)
        first = by_id[ids[0]]
        value = {
            "representative_phone": first["representative_phone"],
            "representative": " / ".join(v for v in (first["representative_name"], first["representative_org"]) if v),
            "phone": first["phone"],
            "address": first["address"],
            "email": first["email"],
            "account": "",
        }[kind]
        signals.append(Signal(kind, value, sorted(ids)))
    for a, b in text_pairs:
        if a in by_id and b in by_id:
            union.join(a, b)
    components: dict = defaultdict(set)
    for pk in union.parent:
        if pk in by_id:
            components[union.find(pk)].add(pk)
    area = _area_bursts(rows, as_of)
    rings = []
    for ids in components.values():
        holders = len({holder[pk] for pk in ids})
        members = sorted((by_id[pk] for pk in ids), key=lambda row: (row["received_at"], row["id"]))
        found = [signal for signal in signals if set(signal.complaint_ids) <= ids]
        texts = sorted({pk for pair in text_pairs if set(pair) <= ids for pk in pair})
        if texts:
            found.append(Signal("text", "", texts))
        attorneys = [
            row["id"]
            for row in members
            if row["capacity"] == Capacity.PROXY and row["representative_relationship"] in NON_RELATIVES
        ]
        if attorneys:
            found.append(Signal("attorney", "", attorneys))
        if not (holders >= RING_MIN_HOLDERS or (holders >= RING_MIN_HOLDERS_SUPPORTED and attorneys)) or not any(
            signal.kind in IDENTITY_SIGNALS for signal in found
        ):
            continue
        bursts = [row["id"] for row in members if row["id"] in area]
        if bursts:
            found.append(Signal("area", members[0]["province"] or "", bursts))
        found.sort(key=lambda signal: (SIGNAL_KINDS.index(signal.kind), signal.complaint_ids))
        rings.append(Ring(members[0]["tracking_number"], members, holders, found, text_checked))
    return sorted(rings, key=lambda ring: (-ring.holders, ring.key))


def find_rings(as_of: date) -> list[Ring]:
    """The ring warnings of the WINDOW_DAYS days up to `as_of` (no writes), the largest first."""
    rows = _candidates(as_of)
    if not text_available():
        return _analyse(rows, set(), as_of, text_checked=False)
    # The text step: within each group of complaints linked by a shared key, the near-identical pairs (a ring's
    # own template); then the complaints of those pairs look for their near-identical neighbours in the window.
    # A family's or a law firm's complaints, each in its own words, look no further.
    groups = _seed_groups(rows)
    inside = _similar_pairs([(a, b) for ids in groups for a in ids for b in ids if a < b])
    template = sorted({pk for pair in inside for pk in pair})
    pairs = inside | _near_identical(template, as_of)
    known = {row["id"] for row in rows}
    rows += _rows({pk for pair in pairs for pk in pair} - known)
    return _analyse(rows, pairs, as_of, text_checked=True)


def _similar_pairs(candidates: list[tuple[int, int]]) -> set[tuple[int, int]]:
    """Those of the pairs (a, b) whose descriptions are near-identical (pg_trgm similarity >= TEXT_SIMILARITY)."""
    if not candidates or not text_available():
        return set()
    table = Complaint._meta.db_table
    sql = (
        f"SELECT p.a, p.b FROM unnest(%s::bigint[], %s::bigint[]) AS p(a, b) "  # noqa: S608 (the model's table)
        f"JOIN {table} x ON x.id = p.a JOIN {table} y ON y.id = p.b "
        f"WHERE similarity(x.description, y.description) >= %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [[a for a, _b in candidates], [b for _a, b in candidates], TEXT_SIMILARITY])
        return {(min(a, b), max(a, b)) for a, b in cursor.fetchall()}


def _seed_groups(rows: list[dict]) -> list[set[int]]:
    """The groups of complaints sharing a key behind two policyholders or more (the text step's seeds)."""
    holder = policyholders(rows)
    groups: dict = defaultdict(set)
    for row in rows:
        for kind, key in _keys(row).items():
            if key:
                groups[(kind, key)].add(row["id"])
    return [ids for ids in groups.values() if len({holder[pk] for pk in ids}) >= 2]


def ring_of(complaint_ids, as_of: date) -> Ring | None:
    """The ring made of exactly these complaints (a stored warning's), with its signals as they stand now."""
    rows = _rows(complaint_ids)
    if not rows:
        return None
    ids = sorted(row["id"] for row in rows)
    pairs = _similar_pairs([(a, b) for a in ids for b in ids if a < b])
    rings = _analyse(rows, pairs, as_of, text_checked=text_available())
    if rings:
        return max(rings, key=lambda ring: len(ring.members))
    members = sorted(rows, key=lambda row: (row["received_at"], row["id"]))
    return Ring(members[0]["tracking_number"], members, len(set(policyholders(rows).values())), [])


# Showing a signal: masked as the repeat warnings mask phones, for whoever may not see personal data in full.


def shown_value(signal: Signal, *, full: bool) -> str:
    if signal.kind == "account" or not signal.value:
        return ""
    if full or signal.kind == "area":
        return signal.value
    if signal.kind in ("representative_phone", "phone"):
        return mask_phone(signal.value)
    if signal.kind == "email":
        return mask_email(signal.value)
    if signal.kind == "representative":
        name, _sep, org = signal.value.partition(" / ")
        return " / ".join(part for part in (mask_name(name), org) if part)
    if signal.kind == "address":
        return mask_address(signal.value)
    return signal.value


def signal_label(kind: str) -> str:
    labels = {
        "representative_phone": _("Same representative's phone"),
        "representative": _("Same representative"),
        "phone": _("Same contact phone"),
        "address": _("Same address"),
        "email": _("Same e-mail address"),
        "account": _("Same bank account"),
        "text": _("Near-identical descriptions"),
        "attorney": _("Power of attorney from a company or a non-relative"),
        "area": _("Many full-refund demands from one area"),
    }
    return str(labels.get(kind, kind))


def explain(signal: Signal, *, full: bool) -> str:
    """The signal in words, for the ring's map and the alerts' JSON."""
    count = len(signal.complaint_ids)
    value = shown_value(signal, full=full)
    if signal.kind == "text":
        return ngettext(
            "%(count)d complaint's description is near-identical to another's in this ring (trigram similarity "
            "of %(threshold)s or more).",
            "%(count)d complaints' descriptions are near-identical to another's in this ring (trigram similarity "
            "of %(threshold)s or more).",
            count,
        ) % {"count": count, "threshold": TEXT_SIMILARITY}
    if signal.kind == "attorney":
        return ngettext(
            "%(count)d power of attorney is given by a company or by someone who is no relative.",
            "%(count)d powers of attorney are given by a company or by someone who is no relative.",
            count,
        ) % {"count": count}
    if signal.kind == "area":
        return _(
            "%(count)d of these complaints demand a full refund from an area with %(min)d or more such demands "
            "within %(days)d days."
        ) % {"count": count, "min": AREA_MIN, "days": AREA_DAYS}
    if signal.kind == "account":
        return _("The same bank account (matched by its keyed hash) is given on %(count)d complaints.") % {
            "count": count
        }
    return _("“%(value)s” is given on %(count)d complaints of different policyholders.") % {
        "value": value,
        "count": count,
    }


def as_json(ring: Ring) -> list[dict]:
    """A ring's signals for `complaint_alerts --format json`: masked, with their complaints' tracking numbers."""
    numbers = {member["id"]: member["tracking_number"] for member in ring.members}
    return [
        {
            "kind": signal.kind,
            "value": shown_value(signal, full=False),
            "complaints": [numbers[pk] for pk in signal.complaint_ids if pk in numbers],
            "explanation": explain(signal, full=False),
        }
        for signal in ring.signals
    ]
