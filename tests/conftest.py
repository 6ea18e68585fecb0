"""Shared fixtures: real PostgreSQL (started by `make test`), plain static storage, and small makers."""

import os

import pytest
from django.conf import settings


def pytest_configure(config):
    # The manifest storage needs `collectstatic`; tests serve the source files instead (docs/design.md, testing).
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # One fast hasher for every test (and the live server they start): the production hasher's deliberate cost
    # is not what any test measures, and a staff user is made in hundreds of them.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    # `make test` migrates one database before pytest starts; each test process's database is a copy of it
    # (CREATE DATABASE ... TEMPLATE), and the migrations Django then runs find nothing left to apply.
    template = os.environ.get("PORTAL_TEST_DB_TEMPLATE")
    if template:
        settings.DATABASES["default"].setdefault("TEST", {})["TEMPLATE"] = template


CRAWL = "tests/browser/test_crawl.py::test_every_sitemap_page"
# Marked `slow` and left out of `make check` (`make test` runs them): ten seconds or more each, for running the
# load_demo command itself, sweeping every admin page, generating hundreds of requests, or a dump and restore.
SLOW = (
    "tests/complaints/test_demo.py::",
    "tests/complaints/compliance/test_demo_record.py::",
    "tests/complaints/test_workflow_actors.py::test_the_demo_events_name_the_system_actor",
    "tests/complaints/test_admin.py::test_every_group_against_every_workflow_action",
    "tests/notices/test_demo.py::",
    "tests/portal/test_shell.py::test_load_demo_twice_changes_nothing",
    "tests/portal/test_admin_chinese.py::test_every_admin_page_of_every_role_in_chinese_shows_no_english_ui_text",
    "tests/portal/test_admin_hardening.py::test_every_declared_filter_and_date_hierarchy_of_every_admin_still_filters",
    "tests/portal/test_operations.py::test_database_outage_answers_503_with_retry_after_on_every_page_and_in_healthz",
    "tests/portal/test_operations.py::test_the_deployment_check_warns_when_workers_or_servers_would_not_share_their_state",
    "tests/portal/test_operations.py::test_production_settings_pass_the_deployment_check_without_warnings",
    "tests/portal/test_personal_data_seen.py::test_the_migration_copies_the_complaints_earlier_log",
    "tests/reliability/test_bad_input.py::",
    "tests/reliability/test_backup_restore.py::",
    "tests/reliability/test_permissions.py::test_every_role_against_every_registered_admin_page",
)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """The crawl first (pytest-django's order otherwise kept): the longest test by far, it then runs beside the
    others in a parallel run instead of alone at its end."""
    items.sort(key=lambda item: not item.nodeid.startswith(CRAWL))


def pytest_itemcollected(item):
    if item.nodeid.startswith(SLOW):
        item.add_marker(pytest.mark.slow)


@pytest.fixture(autouse=True)
def _clean_cache():
    """Each test starts with an empty cache (rate-limit counters, cached pages and profile)."""
    from django.core.cache import cache

    from portal.pagecache import forget_local

    cache.clear()
    forget_local()
    yield
    cache.clear()
    forget_local()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts as the test run does: no catalogue active (messages are their English ids, addresses are
    the default language's). A request through the test client activates its page's language in this thread and
    leaves it active, so a later test's reverse() would otherwise build /en/ addresses."""
    from django.utils import translation

    translation.deactivate_all()
    yield
    translation.deactivate_all()


@pytest.fixture(autouse=True)
def _media_root(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def demo(db):
    """The shell's demo content: site profile and branches."""
    from portal import demo as portal_demo

    portal_demo.load()
    return portal_demo


@pytest.fixture
def make_user(db):
    """make_user("handler", groups=["Complaint handler"]) -> a staff user in those groups."""
    from django.contrib.auth.models import Group, User

    def make(username="staff", *, groups=(), superuser=False, staff=True, password="a-long-test-password-1"):
        user = User.objects.create_user(username, f"{username}@example.com", password, is_staff=staff)
        if superuser:
            user.is_superuser = True
            user.save()
        for name in groups:
            user.groups.add(Group.objects.get(name=name))
        return user

    return make


@pytest.fixture
def run_worker(db):
    """run_worker() -> every task due now runs as `db_worker` runs it (its Worker claims each task and runs it), in
    this process and this test's transaction. The command's own loop is left out: it recycles the database
    connection, which would end the test's transaction (tests/reliability runs the command itself)."""
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult
    from django_tasks_db.utils import exclusive_transaction

    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )

    def run() -> int:
        count = 0
        while True:
            with exclusive_transaction():
                task = DBTaskResult.objects.ready().get_locked()
                if task is None:
                    return count
                task.claim(worker.worker_id)
            worker.run_task(task)
            count += 1

    return run
