"""The compliance back office of the complaints app: what the consumer-protection department does with the
complaints rather than to them — reports and the regulator's ratios, exports and their log, imports of
complaints received elsewhere, the yearly disclosure's draft, the dashboard's charts, retention of personal
data, and the compliance pages of the admin.

It is part of the complaints app (same app label, tables and permissions). Its modules import the workflow
core (complaints.models, complaints.services, complaints.notifications); the core imports nothing from here
except the exporter, which the staff pages' "export selected" action (complaints/staff/actions.py) calls.
"""
