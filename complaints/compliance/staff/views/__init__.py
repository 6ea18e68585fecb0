"""The compliance staff views, by area: the dashboard and reports (dashboard.py), exports (exports.py), the
import (imports.py), and publishing the statistics and drafting the disclosure (publishing.py)."""
