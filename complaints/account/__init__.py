"""A complainant's own account: sign in by a code sent by SMS, "my complaints and bookings", requests about
one's personal data, and call-back requests (docs/design.md, "Accounts"; docs/operations.md).

- `sign_in`: codes and sessions (the limits, the hashes, signing out on the server)
- `requests`: the services of data requests and call backs (each step an event and, for data requests, a message)
- `copy`: everything held about a phone, for the copy of one's data (HTML and JSON)
- `forms`, `views`, `urls`: the public pages; `staff`: the admin's pages that handle requests and call backs
"""
