"""Elderly-friendly display mode (适老化), remembered in the cookie display_mode=elderly."""

COOKIE = "display_mode"
ELDERLY = "elderly"


def is_elderly(request) -> bool:
    return request is not None and request.COOKIES.get(COOKIE) == ELDERLY
