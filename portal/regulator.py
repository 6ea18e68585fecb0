"""The regulator's route: besides complaining to us, a consumer may complain to the national financial regulator
(国家金融监督管理总局), whose consumer hotline is 12378. Consumer pages and decision letters name it
(docs/domain.md)."""

from django.utils.translation import gettext_lazy as _

HOTLINE = "12378"
NAME = _("National Financial Regulatory Administration")
WEBSITE = "https://www.nfra.gov.cn/"


def sentence() -> str:
    """One sentence for letters and text messages."""
    return _("You may also complain to the %(regulator)s on its consumer hotline %(hotline)s.") % {
        "regulator": NAME,
        "hotline": HOTLINE,
    }
