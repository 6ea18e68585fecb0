"""Which requests the page cache may answer or store, and under which key: read from the WSGI environ (or
request.META) directly, so that a hit costs no HttpRequest."""

import hashlib

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.http.cookie import parse_cookie
from django.http.request import split_domain_port, validate_host

from ..display import COOKIE as DISPLAY_COOKIE
from ..display import ELDERLY


def enabled() -> bool:
    return getattr(settings, "PORTAL_PAGE_CACHE_SECONDS", 0) > 0


def _host(environ, secure: bool) -> str | None:
    """The request's host as HttpRequest.get_host() finds it, or None when it is not allowed."""
    if settings.USE_X_FORWARDED_HOST and "HTTP_X_FORWARDED_HOST" in environ:
        host = environ["HTTP_X_FORWARDED_HOST"]
    elif "HTTP_HOST" in environ:
        host = environ["HTTP_HOST"]
    else:
        host = environ.get("SERVER_NAME", "")
        port = str(environ.get("SERVER_PORT", ""))
        if port and port != ("443" if secure else "80"):
            host = f"{host}:{port}"
    domain, _port = split_domain_port(host)
    allowed = settings.ALLOWED_HOSTS
    if settings.DEBUG and not allowed:
        allowed = [".localhost", "127.0.0.1", "[::1]"]
    return host if domain and validate_host(domain, allowed) else None


def _secure(environ) -> bool:
    header = settings.SECURE_PROXY_SSL_HEADER
    if header and header[0] in environ:
        return environ[header[0]].split(",", 1)[0].strip() == header[1]
    return environ.get("wsgi.url_scheme") == "https"


def page_key(environ) -> str | None:
    """The cache key of the page a request (its WSGI environ, or request.META) asks for, or None when it may
    neither be served from nor stored into the cache. Read from the environ directly, so that a hit costs no
    HttpRequest; both the WSGI handler and the middleware use this one function."""
    return anonymous_key(environ) if enabled() else None


def anonymous_key(environ) -> str | None:
    """page_key whether or not whole pages are cached: a key for a GET by a visitor without a session or pending
    messages (address and display mode), else None. Pages of empty forms (blank.py) are kept under it."""
    if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
        return None
    path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "/")
    if path.startswith((settings.STATIC_URL, settings.MEDIA_URL)):
        return None
    mode = "s"
    if "HTTP_COOKIE" in environ:
        cookies = parse_cookie(environ["HTTP_COOKIE"])
        if settings.SESSION_COOKIE_NAME in cookies or CookieStorage.cookie_name in cookies:
            return None
        if cookies.get(DISPLAY_COOKIE) == ELDERLY:
            mode = "e"
    secure = _secure(environ)
    if settings.SECURE_SSL_REDIRECT and not secure:
        return None  # the security middleware redirects it
    host = _host(environ, secure)
    if host is None:
        return None  # rendered, so that Django answers 400
    address = f"{'https' if secure else 'http'}://{host}{path}?{environ.get('QUERY_STRING', '')}"
    digest = hashlib.sha256(address.encode("utf-8", "surrogateescape")).hexdigest()[:40]
    return f"pagecache:{mode}:{digest}"
