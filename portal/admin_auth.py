"""The admin's users, groups and sign-in records in the admin's language.

Django stores a permission's name in English when it creates it ("Can add complaint"), and shows that stored
name in the user and group forms; the labels here are made from the code instead: Django's four default
permissions from the model's translated name, the models' own permissions from their Meta (the stored name may
be an older wording), anything else as stored. django-axes' records name themselves in English with a UTC time;
here they are the user name and the Beijing time. A role's group is shown by its translated name.
"""

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, Permission, User
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy

from .display import full_name

DEFAULT_ACTIONS = {
    "add": pgettext_lazy("permission", "Can add %(name)s"),
    "change": pgettext_lazy("permission", "Can change %(name)s"),
    "delete": pgettext_lazy("permission", "Can delete %(name)s"),
    "view": pgettext_lazy("permission", "Can view %(name)s"),
}


def permission_label(permission: Permission) -> str:
    """ "消费投诉 | 投诉 | 可以查看投诉" for the permission view_complaint."""
    model = permission.content_type.model_class()
    if model is None:
        return str(permission)
    opts = model._meta
    declared = dict(opts.permissions)
    action, _sep, model_name = permission.codename.partition("_")
    if permission.codename in declared:
        name = str(declared[permission.codename])
    elif model_name == opts.model_name and action in DEFAULT_ACTIONS and action in opts.default_permissions:
        name = str(DEFAULT_ACTIONS[action]) % {"name": opts.verbose_name}
    else:
        name = permission.name
    return f"{opts.app_config.verbose_name} | {opts.verbose_name} | {name}"


def group_label(group: Group) -> str:
    """A role's group by its translated name (the stored name is the English key, portal/roles.py)."""
    return gettext(group.name)


# Everywhere a group is shown (the user form, the user list's filter, the group's own pages) it is its role.
Group.__str__ = group_label


class PermissionLabels:
    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if field is not None and db_field.remote_field.model is Permission:
            field.label_from_instance = permission_label
        return field


admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class PortalUserAdmin(PermissionLabels, UserAdmin):
    # The account and the name it is shown by everywhere else (portal.display.person_name).
    list_display = ("username", "display_name", "email", "is_staff", "is_active")

    @admin.display(description=pgettext_lazy("person", "name"), ordering="last_name")
    def display_name(self, user):
        return full_name(user.first_name, user.last_name) or "—"


@admin.register(Group)
class PortalGroupAdmin(PermissionLabels, GroupAdmin):
    list_display = ("role",)

    @admin.display(description=pgettext_lazy("group", "name"), ordering="name")
    def role(self, group):
        return group_label(group)


def _sign_in_record(record) -> str:
    moment = timezone.localtime(record.attempt_time).strftime("%Y-%m-%d %H:%M:%S")
    return " · ".join(part for part in (record.username or "", moment) if part)


def name_sign_in_records() -> None:
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        model.__str__ = _sign_in_record


name_sign_in_records()
