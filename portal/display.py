"""How the portal shows things to people: the elderly-friendly display mode (适老化), remembered in the cookie
display_mode=elderly, and people by name.

People by name: `person_name(user)` is the one way a member of staff is named on every page, list, choice,
message and export. Chinese names read family name first with no space (李娜); other names "Given Family"
(Anna Li); the username stands only when neither part is recorded. The user model's str() and short name are
this name (`name_users`, called from portal's AppConfig.ready()), so the admin's greeting, changelists,
filters, read-only fields and choice lists name people the same way. Events keep the username they recorded;
`recorded_name` resolves it when shown (a deleted account shows the recorded username).
"""

import re

from django.utils.translation import gettext

from .actors import is_system_actor

COOKIE = "display_mode"
ELDERLY = "elderly"

# CJK ideographs (with extension A and the compatibility block) and the middle dot of transliterated names.
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def is_elderly(request) -> bool:
    return request is not None and request.COOKIES.get(COOKIE) == ELDERLY


def full_name(given: str, family: str) -> str:
    """A name from its parts: Chinese family name first without a space, others given name first."""
    given, family = (given or "").strip(), (family or "").strip()
    if _CJK.search(given + family):
        return f"{family}{given}"
    return " ".join(part for part in (given, family) if part)


def name_from(username: str, given: str = "", family: str = "") -> str:
    """The display name from a row's parts (values() queries); the username only when no part is recorded."""
    return full_name(given, family) or (username or "")


def person_name(user) -> str:
    """A member of staff as people read them: 李娜, Anna Li; their username only when no name is recorded. The
    system's account (portal.actors) is "System" in the reader's language."""
    if user is None:
        return ""
    given, family = getattr(user, "first_name", ""), getattr(user, "last_name", "")
    if not (given or family) and is_system_actor(user):
        return gettext("System")
    return name_from(user.get_username(), given, family)


def recorded_name(username: str, names: dict[str, str]) -> str:
    """The name of the account an event recorded by username (`names`: username → name, in one query); the
    recorded username when the account is gone."""
    return names.get(username, username)


def names_of(usernames) -> dict[str, str]:
    """username → display name for the accounts that still exist, in one query."""
    from django.contrib.auth import get_user_model

    usernames = {str(name) for name in usernames if name}
    if not usernames:
        return {}
    model = get_user_model()
    field = model.USERNAME_FIELD
    return {getattr(user, field): person_name(user) for user in model.objects.filter(**{f"{field}__in": usernames})}


def name_users() -> None:
    """Make the user model's str() its display name (called once from portal's AppConfig.ready())."""
    from django.contrib.auth import get_user_model

    model = get_user_model()
    model.__str__ = person_name
    # The admin's greeting ("欢迎，李娜") reads the short name: the display name too, never the given name alone.
    model.get_short_name = person_name
