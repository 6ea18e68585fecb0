"""The complaints' staff views, by area: a complaint's record pages (complaint.py), registration
(registration.py) and the approvers' decision on an extension (extensions.py)."""
