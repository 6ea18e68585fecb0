"""Compression of the pages the page cache does not hold (the forms, the tracking pages, every page while the
cache is off): gzip for HTML, as the page cache already does for the pages it stores (portal/pagecache/front.py).

BREACH (guessing a secret on a compressed HTTPS page from the sizes of many responses to requests that put
attacker-chosen text beside it) is answered thus:
- Django's GZipMiddleware, which this extends, adds 0–100 random bytes to every compressed response ("Heal the
  Breach"), so that sizes tell an attacker little;
- the CSRF token is masked afresh in every response (Django), so it is never the same secret twice;
- the public pages reflect nothing an outside site can choose: forms are CSRF-protected, so a cross-site request
  cannot fill them, and the complaint form's query (`?step=`) is one of a fixed list;
- the staff site (`/admin/`) is never compressed: its lists echo search terms from the address beside personal
  data, the textbook case, for pages served to a few staff on good connections, where compression gains little.
Only HTML is compressed here; static files are compressed ahead by whitenoise, and downloads (CSV, XLSX, PDF)
pass as they are.

These pages are compressed once per request, so at gzip's fastest level (1, as nginx compresses by default)
rather than Django's 6: a notices list (22 KB of HTML) then costs ≈ 50–70 µs instead of ≈ 120–170 µs, for a body
about a tenth larger (5.2 KB instead of 4.7 KB). Pages the page cache stores are compressed once, at 6
(portal/pagecache/front.py).
"""

import gzip
import secrets

from django.conf import settings
from django.middleware.gzip import GZipMiddleware, re_accepts_gzip
from django.utils.cache import patch_vary_headers

# gzip's level for pages compressed on every request (see above).
LEVEL = 1

UNCOMPRESSED_PREFIXES = ("/admin/",)


class CompressPages(GZipMiddleware):
    def process_response(self, request, response):
        if not settings.PORTAL_COMPRESS_PAGES:
            return response
        if not response.get("Content-Type", "").startswith("text/html"):
            return response
        if request.path.startswith(UNCOMPRESSED_PREFIXES):
            return response
        if response.streaming:
            return super().process_response(request, response)
        return self._compressed(request, response)

    def _compressed(self, request, response):
        """GZipMiddleware's answer for a whole page, at LEVEL, with the same random padding ("Heal the
        Breach": 1–100 random bytes as the gzip header's file name, django.utils.text.compress_string)."""
        if len(response.content) < 200 or response.has_header("Content-Encoding"):
            return response
        patch_vary_headers(response, ("Accept-Encoding",))
        if not re_accepts_gzip.search(request.META.get("HTTP_ACCEPT_ENCODING", "")):
            return response
        body = gzip.compress(response.content, compresslevel=LEVEL, mtime=0)
        header = bytearray(body[:10])
        header[3] = gzip.FNAME
        body = bytes(header) + b"a" * secrets.randbelow(self.max_random_bytes) + b"\x00" + body[10:]
        if len(body) >= len(response.content):
            return response
        response.content = body
        response.headers["Content-Length"] = str(len(body))
        etag = response.get("ETag")
        if etag and etag.startswith('"'):
            response.headers["ETag"] = "W/" + etag
        response.headers["Content-Encoding"] = "gzip"
        return response
