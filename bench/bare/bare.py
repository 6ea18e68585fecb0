"""The reference for the web benchmarks: a minimal Django app rendering a small template.

Run with the portal's own gunicorn settings: `gunicorn -c portal/gunicorn.conf.py --chdir bench/bare bare:application`.
"""

import os

from django.conf import settings

if not settings.configured:
    settings.configure(
        DEBUG=False,
        SECRET_KEY=os.environ.get("DJANGO_SECRET_KEY", "bench-only-secret-key-0123456789abcdef0123456789"),
        ALLOWED_HOSTS=["*"],
        ROOT_URLCONF=__name__,
        MIDDLEWARE=[],
        INSTALLED_APPS=[],
        TEMPLATES=[
            {
                "BACKEND": "django.template.backends.django.DjangoTemplates",
                "DIRS": [os.path.dirname(os.path.abspath(__file__))],
            }
        ],
        USE_TZ=True,
    )

import django
from django.core.wsgi import get_wsgi_application
from django.shortcuts import render
from django.urls import path


def page(request):
    return render(request, "bare.html", {"title": "Bare page", "items": ["one", "two", "three"]})


urlpatterns = [path("", page)]

django.setup()
application = get_wsgi_application()
