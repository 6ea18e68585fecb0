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
"""

from django.conf import settings
from django.middleware.gzip import GZipMiddleware

UNCOMPRESSED_PREFIXES = ("/admin/",)


class CompressPages(GZipMiddleware):
    def process_response(self, request, response):
        if not settings.PORTAL_COMPRESS_PAGES:
            return response
        if not response.get("Content-Type", "").startswith("text/html"):
            return response
        if request.path.startswith(UNCOMPRESSED_PREFIXES):
            return response
        return super().process_response(request, response)
