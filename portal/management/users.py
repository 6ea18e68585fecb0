"""What the management commands share about the `--user NAME` option."""

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError


def user_named(username: str | None):
    """The user a command's `--user NAME` names, None when the option was not given; a name that matches no
    account stops the command with a clear message (nothing is written)."""
    if not username:
        return None
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"No such user: {username}")
    return user
