"""Telling people: the outbox of messages to complainants and visitors, and the staff inbox.

- `catalogue`: every message the portal sends, in both languages, in one place (docs/messages.md lists them).
- `outbox`: `message_queue` writes a message in the transaction of the change that causes it; the worker
  (`db_worker`) delivers it with retries and back-off; `run_periodic` sweeps what a dead worker left behind.
- `sms`: the SMS backends (console, test, Tencent Cloud), chosen by `PORTAL_SMS_BACKEND`.
- `alerts`: `staff_alert`, a line in a staff member's inbox (the admin) and an email.

The apps call these; this package imports no app.
"""
