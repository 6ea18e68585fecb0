"""The page cache in front of Django: `PageCacheWSGIHandler` answers hits before Django builds a request,
`PageCacheMiddleware` stores public pages (and answers hits for other handlers, such as the test client);
`public_page` marks the views whose pages may be stored."""

import gzip
import hashlib
import re
from functools import wraps

from django.core.handlers.wsgi import WSGIHandler
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_vary_headers
from django.utils.http import parse_etags, parse_http_date_safe

from .keys import page_key
from .store import UNREACHABLE, LocalCopies, cache, current_version, logger, read, timeout_for

# This process's own copies of the pages it served last (≈ 40 KB each, the page and its gzip): a hit then costs
# no cache read and no unpickling, only the version (store.LocalCopies says why that is safe).
_local = LocalCopies(200)
# A handler that has already looked the request up leaves the result here for the middleware.
ENVIRON_KEY = "portal.pagecache"
_ACCEPTS_GZIP = re.compile(r"\bgzip\b")  # as Django's GZipMiddleware reads Accept-Encoding
_GZIP_MIN_BYTES = 200  # smaller pages gain nothing from compression


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
        local = _local.get(key)
        if local is not None:
            version = current_version()
            if local[0] == version:
                return key, version, local
        version, entry = read(key)
        if entry is not None and entry[0] == version:
            _local.put(key, entry, timeout_for(version))
    except UNREACHABLE:  # the cache server is down: render the page instead
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
        timeout = timeout_for(version)
        if timeout <= 0:
            return None
        entry = _entry(version, response)
        cache().set(key, entry, timeout=timeout)
        _local.put(key, entry, timeout)
    except UNREACHABLE:
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
