"""Every workflow step's staff form, as action -> (form class, call): the workflow's own (forms.py) and those of
group complaints and several issues (group_forms.py), which replace the reclassification form with one that also
takes the secondary categories."""

from .forms import ACTION_FORMS as WORKFLOW_FORMS
from .group_forms import GROUP_ACTION_FORMS

ACTION_FORMS = {**WORKFLOW_FORMS, **GROUP_ACTION_FORMS}
