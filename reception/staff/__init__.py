"""Reception's staff pages outside the ModelAdmins: importing and generating reception days, a day's bookings
(printable), the visits registered as complaints, and the branch-staff user autocomplete (views.py), their forms
(forms.py) and their URL lists (urls.py), which reception's ModelAdmins mount behind the admin site's admin_view."""
