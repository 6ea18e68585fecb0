"""Strings of Django and of the third-party apps the admin shows, that they ship without a Chinese.

Listed here so that `makemessages` keeps them in this project's catalog, where they are translated: the catalogs
of LOCALE_PATHS are merged over Django's and the apps' own, so the project's Chinese is the one shown. Nothing
imports the list; tests/portal/test_admin_chinese.py finds the pages where one would be missing.
"""

from django.utils.translation import gettext_noop

DJANGO_6_1 = [
    # The empty choice of a select (django/db/models/fields/__init__.py, BLANK_CHOICE_LABEL).
    gettext_noop("- Select an option -"),
    # The date hierarchy's navigation (admin/date_hierarchy.html).
    gettext_noop("Filter by %(field_name)s"),
]
# django-axes' sign-in records: its models' names are marked for translation, with no Chinese in the package.
AXES = [
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("access log"),
    gettext_noop("access logs"),
    gettext_noop("access attempt expiration"),
    gettext_noop("access attempt expirations"),
    gettext_noop("Access Attempt"),
    gettext_noop("Access lock out"),
    gettext_noop("Attempt Time"),
    gettext_noop("Expires At"),
    gettext_noop("Failed Logins"),
    gettext_noop("GET Data"),
    gettext_noop("HTTP Accept"),
    gettext_noop("IP Address"),
    gettext_noop("Logout Time"),
    gettext_noop("POST Data"),
    gettext_noop("Path"),
    gettext_noop("Session key hash (sha256)"),
    gettext_noop("The time when access attempt expires and is no longer valid."),
    gettext_noop("User Agent"),
    gettext_noop("Username"),
]
# django-tasks-db's task results (the background worker's records).
TASKS = [
    gettext_noop("Task Result"),
    gettext_noop("Task Results"),
    gettext_noop("enqueued at"),
    gettext_noop("started at"),
    gettext_noop("finished at"),
    gettext_noop("args kwargs"),
    gettext_noop("priority"),
    gettext_noop("task path"),
    gettext_noop("worker id"),
    gettext_noop("queue name"),
    gettext_noop("backend name"),
    gettext_noop("run after"),
    gettext_noop("return value"),
    gettext_noop("exception class path"),
    gettext_noop("traceback"),
]
