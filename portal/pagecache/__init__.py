"""Whole-page cache for public pages (docs/design.md, caching), shared by every process of a deployment.

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

from .fragments import content_digest, later, remember, remember_content
from .front import PageCacheMiddleware, PageCacheWSGIHandler, public_page
from .keys import page_key
from .store import forget_local, invalidate, register_horizon, watch_models

__all__ = [
    "PageCacheMiddleware",
    "PageCacheWSGIHandler",
    "content_digest",
    "forget_local",
    "invalidate",
    "later",
    "page_key",
    "public_page",
    "register_horizon",
    "remember",
    "remember_content",
    "watch_models",
]
