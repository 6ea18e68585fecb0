"""The background worker's task results in the admin, with django-tasks-db's two English-only headings translated
(its field names are marked for translation and have their Chinese in the project's catalog)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

admin.site.unregister(DBTaskResult)


@admin.register(DBTaskResult)
class TaskResultAdmin(DBTaskResultAdmin):
    # The id and the task's name have no translated label in the package.
    list_display = tuple(
        {"id": "task_id", "task_name": "task"}.get(name, name) for name in DBTaskResultAdmin.list_display
    )

    def get_readonly_fields(self, request, obj=None):
        return ["task_id" if name == "id" else name for name in super().get_readonly_fields(request, obj)]

    @admin.display(description="ID", ordering="id")
    def task_id(self, obj):
        return obj.id

    @admin.display(description=_("task"))
    def task(self, obj):
        return obj.task_name

    @admin.display(description=_("traceback"))
    def formatted_traceback(self, obj):
        return super().formatted_traceback(obj)

    @admin.display(description=_("run after"))
    def display_run_after(self, obj):
        return super().display_run_after(obj)
