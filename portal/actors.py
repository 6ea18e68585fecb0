"""The system actor: the account that writes done by the system itself (management commands, demo loaders,
periodic jobs) are made as, so that every service can check its actor and record who acted.

It cannot log in (unusable password, inactive) and is created on first use.
"""

from django.contrib.auth import get_user_model

SYSTEM_USERNAME = "system"


def system_actor():
    """The system's user (username "system"), created on first use."""
    user, created = get_user_model().objects.get_or_create(
        username=SYSTEM_USERNAME, defaults={"is_active": False, "is_staff": False}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def is_system_actor(user) -> bool:
    """Whether `user` is the system actor (not a person who happens to be called "system": it never logs in)."""
    return (
        user is not None
        and getattr(user, "is_authenticated", False)
        and user.get_username() == SYSTEM_USERNAME
        and not user.is_active
        and not user.has_usable_password()
    )
