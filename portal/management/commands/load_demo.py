"""Load demo content in both languages. Idempotent: a second run changes nothing.

Refused when DEBUG is off (a production configuration) unless given --demo-site: the demo's complaints and
published statistics cannot be taken back out of the append-only records.

Each app adds its part through portal.registry.register_demo_loader; this command runs them in order.
"""

import os
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from portal import demo, registry


class Command(BaseCommand):
    help = "Load demo content (site profile, branches and each app's examples) in Chinese and English."

    def add_arguments(self, parser):
        parser.add_argument(
            "--demo-site",
            action="store_true",
            help="Load the demo even though DEBUG is off: for a site that is a demo on purpose (and for the tests).",
        )
        parser.add_argument(
            "--with-admin",
            action="store_true",
            help="Also create a demo superuser 'admin' (only with DJANGO_DEBUG=1 or the SQLite database).",
        )

    def handle(self, *args, with_admin=False, demo_site=False, **options):
        if not settings.DEBUG and not demo_site:
            raise CommandError(
                "Refused: DEBUG is off, so this looks like a production site, and the demo would add invented "
                "complaints, bookings and published statistics that the append-only records then keep for good. "
                "Run it with DJANGO_DEBUG=1 for local development, or pass --demo-site if this site is a demo "
                "on purpose."
            )
        with transaction.atomic():
            demo.load(self.stdout)
            for loader in registry.demo_loaders:
                loader.load(self.stdout)
        if with_admin:
            self._create_admin()
        self.stdout.write(self.style.SUCCESS("Demo content is in place."))

    def _create_admin(self):
        if not (settings.DEBUG or not settings.USING_POSTGRESQL):
            raise CommandError("A demo admin is only created for local development (DJANGO_DEBUG=1 or SQLite).")
        # The password is kept beside the SQLite file (ignored by git) so every `make run` can print it again.
        secret_file = settings.BASE_DIR / ".demo-admin-password"
        if secret_file.exists():
            password = secret_file.read_text().strip()
        else:
            password = "demo-" + secrets.token_urlsafe(9)
            secret_file.write_text(password + "\n")
        port = os.environ.get("PORT", "8000").strip() or "8000"
        user_model = get_user_model()
        user = user_model.objects.filter(username="admin").first()
        if user is None:
            user_model.objects.create_superuser("admin", "admin@localhost", password)
        elif not user.check_password(password):
            user.set_password(password)
            user.save(update_fields=["password"])
        self.stdout.write(
            self.style.WARNING(f"Demo admin: log in at http://127.0.0.1:{port}/admin/ as admin / {password}")
        )
