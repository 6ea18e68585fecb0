"""Whole-page cache for public pages (DESIGN.md §11), shared by every process of a deployment.

How it works:
- A view opts in with `@public_page`: its 200 responses to anonymous GETs are stored whole (status line, every
  header the middleware added, body), keyed by scheme, host, full path (which carries the language prefix and the
  query) and display mode.
- A hit is answered before Django builds a response: `PageCacheWSGIHandler` (portal/wsgi.py) looks the page up
  and writes the stored bytes out, with no middleware, URL resolver, template or database. `PageCacheMiddleware`,
  first in MIDDLEWARE, stores pages (outermost, so what it stores carries the final headers) and answers hits for
  handlers other than the WSGI one (the test client).
- Every stored page carries the content version it was rendered under. Any change to public content calls
  `invalidate()` (apps connect their models through `watch_models`), which replaces the version: every cached
  page is stale at once, in every process. The version lives where every process sees it: in the cache when the
  cache is shared (Redis), in a small file when each process has its own memory cache (the workers of one server
  without REDIS_URL) — a memory-only version would leave the other workers serving the old page.
- Content that changes with time alone (a notice scheduled for 10:00, a reception day that has passed) is
  handled by horizons: each app registers a function returning the next moment its public pages change, and
  no page is kept past the earliest of them.
- Each page is stored as is and gzipped (for the browsers that accept it, i.e. all of them), with an ETag each;
  a browser that already holds the page gets 304 Not Modified.
Requests with a session cookie (staff) or pending messages are never served from, nor stored into, the cache.
A cache that cannot be reached (Redis down) only costs speed: the page is rendered as if it were a miss.
"""

import gzip
import hashlib
import logging
import os
import re
import secrets
import tempfile
from collections.abc import Callable
from datetime import datetime
from functools import wraps
from pathlib import Path

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.handlers.wsgi import WSGIHandler
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpResponse, HttpResponseNotModified
from django.http.cookie import parse_cookie
from django.http.request import split_domain_port, validate_host
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import parse_etags, parse_http_date_safe

from .display import COOKIE as DISPLAY_COOKIE
from .display import ELDERLY

logger = logging.getLogger(__name__)

VERSION_KEY = "pagecache:version"
HORIZON_KEY = "pagecache:horizon"
# A handler that has already looked the request up leaves the result here for the middleware.
ENVIRON_KEY = "portal.pagecache"
_ACCEPTS_GZIP = re.compile(r"\bgzip\b")  # as Django's GZipMiddleware reads Accept-Encoding
_GZIP_MIN_BYTES = 200  # smaller pages gain nothing from compression
_horizons: list[Callable[[], datetime | None]] = []


def enabled() -> bool:
    return getattr(settings, "PORTAL_PAGE_CACHE_SECONDS", 0) > 0


def register_horizon(function: Callable[[], datetime | None]) -> None:
    """`function()` returns the next moment the app's public pages change by time alone, or None."""
    if function not in _horizons:
        _horizons.append(function)


def watch_models(*models) -> None:
    """Invalidate every cached page whenever one of these models is saved or deleted."""
    for model in models:
        post_save.connect(_changed, sender=model, dispatch_uid=f"pagecache-save-{model._meta.label}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"pagecache-delete-{model._meta.label}")


def _changed(**kwargs) -> None:
    invalidate()
    # Again once the change is committed: a request served between the signal and the commit (on this or any
    # server) still read the old rows and may have stored them under the new version; that page must not live.
    transaction.on_commit(invalidate)


# The content version.


def _cache():
    return caches["default"]


def _process_local() -> bool:
    """True when each process has its own cache, so the version must live outside it."""
    return isinstance(_cache(), LocMemCache)


def version_file() -> Path:
    """Where the version lives without a shared cache: one file per deployment (project folder + database)."""
    configured = getattr(settings, "PORTAL_PAGE_CACHE_VERSION_FILE", "")
    if configured:
        return Path(configured)
    database = settings.DATABASES["default"]
    identity = f"{settings.BASE_DIR}|{database.get('HOST', '')}|{database.get('PORT', '')}|{database.get('NAME')}"
    digest = hashlib.sha256(identity.encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"portal-pagecache-{digest}.version"


def _file_version() -> str:
    try:
        return version_file().read_text()
    except FileNotFoundError:
        return ""


def invalidate() -> None:
    """Make every cached page stale, in every process and on every server."""
    if _process_local():
        path = version_file()
        # A fresh random token rather than a counter: two processes invalidating at once both change it, with no
        # read-modify-write race; os.replace makes the new version appear whole.
        temporary = path.with_name(f"{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        temporary.write_text(secrets.token_hex(8))
        os.replace(temporary, path)
        return
    try:
        _cache().incr(VERSION_KEY)
    except ValueError:
        _cache().set(VERSION_KEY, 2, timeout=None)


def _version():
    if _process_local():
        return _file_version()
    version = _cache().get(VERSION_KEY)
    if version is None:
        _cache().add(VERSION_KEY, 1, timeout=None)
        version = _cache().get(VERSION_KEY, 1)
    return version


def content_version(request=None):
    """The current content version (kept on the request, so a page's fragments read it once). Never raises."""
    if request is not None and hasattr(request, "_portal_content_version"):
        return request._portal_content_version
    try:
        version = _version()
    except Exception:
        logger.warning("page cache unavailable", exc_info=True)
        version = None
    if request is not None:
        request._portal_content_version = version
    return version


def _read(key: str):
    """(current version, stored entry or None) in one round trip to the cache."""
    if _process_local():
        return _file_version(), _cache().get(key)
    values = _cache().get_many([VERSION_KEY, key])
    version = values.get(VERSION_KEY)
    if version is None:
        return _version(), None
    return version, values.get(key)


# Which requests, and under which key.


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
    if not enabled() or environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
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


def lookup(environ):
    """(key, version, entry or None) for a cacheable request, else None. Never raises: a cache that cannot be
    reached makes every request a miss."""
    cached = environ.get(ENVIRON_KEY)
    if cached is not None:
        return cached
    try:
        key = page_key(environ)
        if key is None:
            return None
        version, entry = _read(key)
    except Exception:  # the cache server is down: render the page instead
        logger.warning("page cache unavailable", exc_info=True)
        return None
    if entry is not None and entry[0] != version:
        entry = None
    return key, version, entry


def _representation(entry, environ):
    """(headers, body, etag) of the stored page for this client: gzip when it accepts it."""
    if entry[3] is not None and _ACCEPTS_GZIP.search(environ.get("HTTP_ACCEPT_ENCODING", "")):
        return entry[3]
    return entry[2]


def _not_modified(etag: str, environ, headers=()) -> bool:
    if_none_match = environ.get("HTTP_IF_NONE_MATCH")
    if not if_none_match:
        # A feed reader that kept the Last-Modified of its last fetch (RFC 9110: If-None-Match wins when both).
        since = parse_http_date_safe(environ.get("HTTP_IF_MODIFIED_SINCE", ""))
        modified = next((parse_http_date_safe(value) for name, value in headers if name == "Last-Modified"), None)
        return since is not None and modified is not None and modified <= since
    tags = parse_etags(if_none_match)
    return etag in tags or "*" in tags


# Storing.


def _timeout(version, longest: int | None = None) -> int:
    """Seconds a page (or a fragment, or a value) may be kept: at most `longest` (the page cache's setting by
    default), and less when a scheduled change comes sooner."""
    if longest is None:
        longest = settings.PORTAL_PAGE_CACHE_SECONDS
    # Keyed by the version, so that a change (a newly scheduled notice) also makes the horizon be computed anew.
    horizon_key = f"{HORIZON_KEY}:{version}"
    horizon = _cache().get(horizon_key)
    if horizon is None:
        moments = [moment for moment in (function() for function in _horizons) if moment is not None]
        horizon = min(moments).timestamp() if moments else 0.0
        _cache().set(horizon_key, horizon, timeout=max(longest, 1))
    if not horizon:
        return longest
    remaining = int(horizon - timezone.now().timestamp())
    return max(0, min(longest, remaining))


def remember(key_parts: tuple, compute: Callable, request=None):
    """A value derived from public content (a rendered fragment, a count), computed once and kept until that
    content changes or its next scheduled change comes: the same rules as whole pages. Off when
    PORTAL_FRAGMENT_CACHE_SECONDS is 0; a cache that cannot be reached only means computing it every time."""
    longest = getattr(settings, "PORTAL_FRAGMENT_CACHE_SECONDS", 0)
    version = content_version(request) if longest > 0 else None
    if version is None:
        return compute()
    raw = "\x1f".join(str(part) for part in (version, *key_parts))
    key = "remember:" + hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()[:40]
    try:
        value = _cache().get(key)
    except Exception:
        logger.warning("page cache unavailable", exc_info=True)
        value = None
    if value is not None:
        return value
    value = compute()  # once, outside the cache's error handling: its own errors are the page's
    try:
        timeout = _timeout(version, longest)
        if timeout > 0:
            _cache().set(key, value, timeout=timeout)
    except Exception:
        logger.warning("page cache unavailable", exc_info=True)
    return value


def _entry(version, response) -> tuple:
    """What is stored: the version, the status line, and the page as is and gzipped (compressed once here, not
    per request; the page holds no secret, so compression leaks nothing)."""
    body = response.content
    digest = hashlib.sha256(body).hexdigest()[:32]
    patch_vary_headers(response, ("Accept-Encoding",))
    plain_headers = [(name, value) for name, value in response.items() if name.lower() != "etag"]
    plain = ((*plain_headers, ("ETag", f'"{digest}"')), body, f'"{digest}"')
    compressed = None
    if len(body) >= _GZIP_MIN_BYTES:
        gz_body = gzip.compress(body, compresslevel=6, mtime=0)
        gz_headers = [(name, value) for name, value in plain_headers if name.lower() != "content-length"]
        gz_etag = f'"{digest}-gzip"'
        gz_headers += [
            ("Content-Length", str(len(gz_body))),
            ("Content-Encoding", "gzip"),
            ("ETag", gz_etag),
        ]
        compressed = (tuple(gz_headers), gz_body, gz_etag)
    return (version, f"{response.status_code} {response.reason_phrase}", plain, compressed)


def _store(key: str, version, response) -> tuple | None:
    try:
        timeout = _timeout(version)
        if timeout <= 0:
            return None
        entry = _entry(version, response)
        _cache().set(key, entry, timeout=timeout)
    except Exception:
        logger.warning("page cache unavailable", exc_info=True)
        return None
    return entry


def _storable(request, response) -> bool:
    return (
        request.method == "GET"
        and getattr(response, "_portal_public_page", False)
        and response.status_code == 200
        and not response.cookies
        and not getattr(response, "streaming", False)
    )


def public_page(view):
    """Mark a view's responses as the same for every anonymous visitor with the same path and display mode."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response._portal_public_page = True
        return response

    return wrapper


class PageCacheMiddleware:
    """Stores public pages and serves hits when the request did not come through PageCacheWSGIHandler."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        found = lookup(request.META)
        if found is None:
            return self.get_response(request)
        key, version, entry = found
        if entry is None:
            response = self.get_response(request)
            if not _storable(request, response):
                return response
            entry = _store(key, version, response)
            if entry is None:
                return response
        return _response(entry, request.META)


def _response(entry, environ) -> HttpResponse:
    headers, body, etag = _representation(entry, environ)
    if _not_modified(etag, environ, headers):
        return HttpResponseNotModified(headers={"ETag": etag})
    code, _, reason = entry[1].partition(" ")
    response = HttpResponse(body, status=int(code), reason=reason)
    for name, value in headers:
        response[name] = value
    return response


class PageCacheWSGIHandler(WSGIHandler):
    """Django's WSGI handler with the page cache in front: a hit costs one cache read and no Django request
    processing (a bare Django page costs several times more)."""

    def __call__(self, environ, start_response):
        found = lookup(environ)
        if found is not None and found[2] is not None:
            entry = found[2]
            headers, body, etag = _representation(entry, environ)
            if _not_modified(etag, environ, headers):
                start_response("304 Not Modified", [("ETag", etag)])
                return []
            start_response(entry[1], list(headers))
            return [] if environ["REQUEST_METHOD"] == "HEAD" else [body]
        if found is not None:
            environ[ENVIRON_KEY] = found  # the middleware stores the page under this key and version
        return super().__call__(environ, start_response)
