"""The system as an actor: the account recorded on what the portal does by itself.

Management commands, periodic jobs and the demo loaders act as `system_actor()`, so every event they write
names an actor. It is one User row, username "system", with an unusable password and `is_active=False`: it can
never sign in, is never staff, and so never appears where staff are chosen (those lists keep active staff only).
"""

from django.contrib.auth import get_user_model

SYSTEM_USERNAME = "system"


def system_actor():
    """The system's account, created on first use and found by its username afterwards."""
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(
        username=SYSTEM_USERNAME, defaults={"is_active": False, "is_staff": False, "is_superuser": False}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def is_system_actor(user) -> bool:
    """Whether `user` is the system's account (an inactive account named "system" that cannot sign in): an
    active account that happens to carry the name is not."""
    return (
        user is not None
        and getattr(user, "pk", None) is not None
        and user.get_username() == SYSTEM_USERNAME
        and not user.is_active
        and not user.has_usable_password()
    )
