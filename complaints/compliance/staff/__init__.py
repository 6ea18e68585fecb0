"""The compliance staff pages: the dashboard and report downloads, exports with their progress, the import
(upload, preview, confirm), publishing the public statistics and the draft disclosure (views/), their forms
(forms.py) and their URL list (urls.py), which the compliance dashboard's admin entry mounts behind the admin
site's admin_view. Every page checks its own permission; each action calls the service the commands call."""
