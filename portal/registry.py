"""Extension points through which the apps add their parts to the shared shell.

`portal` never imports an app; each app registers here from its AppConfig.ready(). This keeps the arrows
one way (apps → portal) while the home page, the sitemap and `load_demo` still show every app's part.
"""

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(order=True)
class HomeSection:
    order: int
    template: str = field(compare=False)
    # Returns the template context; receives the request. Must cost a fixed number of queries.
    context: Callable = field(compare=False, default=lambda request: {})
    # The section on the simplified home of the elderly mode (适老化), if it has one there.
    elderly_template: str = field(compare=False, default="")


@dataclass(order=True)
class DemoLoader:
    order: int
    name: str = field(compare=False)
    load: Callable = field(compare=False)  # load(stdout) -> None; must be idempotent


home_sections: list[HomeSection] = []
sitemaps: dict = {}
demo_loaders: list[DemoLoader] = []


def _add_once(entries: list, entry, key: str = "name") -> None:
    """Add `entry` to `entries` (kept in order) unless one with the same `key` is there (a second ready())."""
    if not any(getattr(existing, key) == getattr(entry, key) for existing in entries):
        entries.append(entry)
        entries.sort()


def register_home_section(
    order: int, template: str, context: Callable | None = None, *, elderly_template: str = ""
) -> None:
    _add_once(
        home_sections, HomeSection(order, template, context or (lambda request: {}), elderly_template), "template"
    )


def register_sitemap(name: str, sitemap) -> None:
    sitemaps[name] = sitemap


def register_demo_loader(order: int, name: str, load: Callable) -> None:
    _add_once(demo_loaders, DemoLoader(order, name, load))


@dataclass(order=True)
class VolumeGenerator:
    order: int
    name: str = field(compare=False)
    # generate(options, stdout): options holds notices, complaints, reception_days, seed, until (a date).
    generate: Callable = field(compare=False)


volume_generators: list[VolumeGenerator] = []


def register_volume_generator(order: int, name: str, generate: Callable) -> None:
    """Synthetic data for benchmarks (`manage.py generate_volume`); each app fills its own tables."""
    _add_once(volume_generators, VolumeGenerator(order, name, generate))


@dataclass(order=True)
class PeriodicJob:
    order: int
    name: str = field(compare=False)
    # run(now) -> a count or a short summary; must be idempotent (run_periodic may run every few minutes).
    run: Callable = field(compare=False)


periodic_jobs: list[PeriodicJob] = []


def register_periodic(order: int, name: str, run: Callable) -> None:
    """A job of `manage.py run_periodic` (digests, escalations, retries of messages)."""
    _add_once(periodic_jobs, PeriodicJob(order, name, run))


# Other personal data under the complaints' retention period (reception's bookings): name -> step(cutoff=,
# dry_run=) returning what it anonymised. Apps register theirs from AppConfig.ready(); the complaints retention
# run (complaints.compliance.retention.retention_apply) calls every one after anonymising complaints.
retention_steps: dict[str, Callable] = {}


def register_retention_step(name: str, step: Callable) -> None:
    retention_steps[name] = step


# Who works at a branch: reception links its Branch staff to their branches (reception.BranchStaff). Each entry
# is a function of a branch id (None: any branch) returning the Q that selects, among users, the staff of that
# branch; the complaints app asks it for the employees a complaint may name (complaints/people.py).
branch_staff: dict[str, Callable] = {}


def register_branch_staff(name: str, members: Callable) -> None:
    branch_staff[name] = members


@dataclass
class AccountSource:
    """Another app's records of a person, found by their phone (E.164), for the complainant's account
    (complaints/account/): reception's bookings. Each callable takes the phone first.

    - items(phone, today) -> list of dicts to list in the account (each with "reference", "title", "when",
      "status", "can_cancel");
    - cancel(phone, reference) -> bool: cancel one of them, when it is theirs and can be cancelled;
    - export(phone) -> list of dicts: everything held about the phone, for the copy of one's data;
    - erase(phone, today) -> list of references: what a deletion request may remove now (the rest is kept under
      its retention rule)."""

    name: str
    items: Callable
    cancel: Callable
    export: Callable
    erase: Callable


account_sources: dict[str, AccountSource] = {}


def register_account_source(source: AccountSource) -> None:
    account_sources[source.name] = source
