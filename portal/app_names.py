"""Third-party apps under translated names: theirs ("Tasks Database Backend", "Axes") are not marked for translation
and would be the English headings of the Chinese admin. Installed as "portal.app_names.…" in INSTALLED_APPS (a
module of its own: a second AppConfig in portal/apps.py would stop Django choosing PortalConfig for "portal")."""

from axes.apps import AppConfig as AxesAppConfig
from django.utils.translation import gettext_lazy as _
from django_tasks_db.apps import TasksAppConfig


class TasksDatabaseConfig(TasksAppConfig):
    verbose_name = _("Background tasks")


class AxesConfig(AxesAppConfig):
    verbose_name = _("Sign-in records")
