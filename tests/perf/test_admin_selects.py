"""No admin form renders a select of every complaint or every user: at a million complaints such a page is a
million options (megabytes of HTML and seconds of rendering) for one field."""

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.forms import ModelChoiceField
from django.test import RequestFactory

from complaints.models import Complaint

pytestmark = pytest.mark.django_db

UNBOUNDED = (Complaint, get_user_model())


def _full_selects(form_class) -> list[str]:
    found = []
    for name, field in form_class.base_fields.items():
        if not isinstance(field, ModelChoiceField) or field.queryset.model not in UNBOUNDED:
            continue
        if field.queryset.model is get_user_model() and "is_staff" in str(field.queryset.query):
            continue  # staff accounts only: a few hundred at most, a select is the right widget
        widget = getattr(field.widget, "widget", field.widget)  # the admin's related-object wrapper
        if type(widget).__name__ not in ("ForeignKeyRawIdWidget", "ManyToManyRawIdWidget", "AutocompleteSelect",
                                         "AutocompleteSelectMultiple"):  # fmt: skip
            found.append(name)
    return found


def test_no_admin_form_offers_every_complaint_or_every_user_as_a_select(make_user):
    request = RequestFactory().get("/admin/")
    request.user = make_user("root", superuser=True)
    offenders = []
    for model, model_admin in admin.site._registry.items():
        for obj in (None, model()):
            allowed = (
                model_admin.has_add_permission(request)
                if obj is None
                else model_admin.has_change_permission(request, obj)
            )
            if not allowed:  # the admin shows every field read-only: no select at all
                continue
            try:
                form_class = model_admin.get_form(request, obj)
            except Exception:  # noqa: S112 - a read-only admin may refuse the add form; its change form counts
                continue
            offenders += [f"{model._meta.label}.{name}" for name in _full_selects(form_class)]
    assert sorted(set(offenders)) == []
