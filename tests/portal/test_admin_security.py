"""Staff sign-in: throttled after repeated failures, with a clear page; sessions that expire."""

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client

pytestmark = pytest.mark.django_db


def test_admin_login_is_locked_after_five_wrong_passwords_even_with_the_right_one_after():
    User.objects.create_user("editor", "e@example.com", "the-right-password-123", is_staff=True)
    client = Client()
    statuses = [
        client.post("/en/admin/login/", {"username": "editor", "password": "wrong"}).status_code
        for _attempt in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert statuses == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    response = client.post("/en/admin/login/", {"username": "editor", "password": "the-right-password-123"})
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.text


def test_right_password_signs_staff_in_before_any_lockout():
    User.objects.create_user("editor", "e@example.com", "the-right-password-123", is_staff=True)
    response = Client().post("/en/admin/login/", {"username": "editor", "password": "the-right-password-123"})
    assert response.status_code == 302


def test_staff_sessions_expire_after_eight_hours_and_with_the_browser():
    assert settings.SESSION_COOKIE_AGE == 8 * 60 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True


def test_weak_staff_passwords_are_refused_by_the_validators():
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    for weak in ["12345678", "password123", "short"]:
        with pytest.raises(ValidationError):
            validate_password(weak)
