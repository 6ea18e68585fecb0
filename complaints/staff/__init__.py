"""The complaints' staff pages, outside the ModelAdmins: the workflow steps, registration, the attachments, the
decision letter and the approvers' decision on an extension (views/), their forms (forms.py) and their URL lists
(urls.py), which the complaints' ModelAdmins mount behind the admin site's admin_view."""
