"""django-tasks-db under a translated name: its own, "Tasks Database Backend", is not marked for translation and
would be the one English heading of the Chinese admin. Installed as "portal.tasks_app.TasksDatabaseConfig" (a module
of its own: a second AppConfig in portal/apps.py would stop Django choosing PortalConfig for "portal")."""

from django.utils.translation import gettext_lazy as _
from django_tasks_db.apps import TasksAppConfig


class TasksDatabaseConfig(TasksAppConfig):
    verbose_name = _("Background tasks")
