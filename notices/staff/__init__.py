"""The notices' staff page outside the ModelAdmin: the preview of any notice as its public page (views.py), and
its URL list (urls.py), which the notices' ModelAdmin mounts behind the admin site's admin_view."""
