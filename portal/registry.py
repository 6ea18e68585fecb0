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


def register_home_section(
    order: int, template: str, context: Callable | None = None, *, elderly_template: str = ""
) -> None:
    if not any(section.template == template for section in home_sections):
        home_sections.append(HomeSection(order, template, context or (lambda request: {}), elderly_template))
        home_sections.sort()


def register_sitemap(name: str, sitemap) -> None:
    sitemaps[name] = sitemap


def register_demo_loader(order: int, name: str, load: Callable) -> None:
    if not any(loader.name == name for loader in demo_loaders):
        demo_loaders.append(DemoLoader(order, name, load))
        demo_loaders.sort()


@dataclass(order=True)
class VolumeGenerator:
    order: int
    name: str = field(compare=False)
    # generate(options, stdout): options holds notices, complaints, reception_days, seed, until (a date).
    generate: Callable = field(compare=False)


volume_generators: list[VolumeGenerator] = []


def register_volume_generator(order: int, name: str, generate: Callable) -> None:
    """Synthetic data for benchmarks (`manage.py generate_volume`); each app fills its own tables."""
    if not any(generator.name == name for generator in volume_generators):
        volume_generators.append(VolumeGenerator(order, name, generate))
        volume_generators.sort()


@dataclass(order=True)
class PeriodicJob:
    order: int
    name: str = field(compare=False)
    # run(now) -> a count or a short summary; must be idempotent (run_periodic may run every few minutes).
    run: Callable = field(compare=False)


periodic_jobs: list[PeriodicJob] = []


def register_periodic(order: int, name: str, run: Callable) -> None:
    """A job of `manage.py run_periodic` (digests, escalations, retries of messages)."""
    if not any(job.name == name for job in periodic_jobs):
        periodic_jobs.append(PeriodicJob(order, name, run))
        periodic_jobs.sort()


# Other personal data under the complaints' retention period (reception's bookings): name -> step(cutoff=,
# dry_run=) returning what it anonymised. Apps register theirs from AppConfig.ready(); the complaints retention
# run (complaints.compliance.retention.retention_apply) calls every one after anonymising complaints.
retention_steps: dict[str, Callable] = {}


def register_retention_step(name: str, step: Callable) -> None:
    retention_steps[name] = step
