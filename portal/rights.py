"""The eight consumer rights of 《银行保险机构消费者权益保护管理办法》 (in force 2023-03-01).

The codes are stable identifiers (notices are tagged with them); labels and explanations are UI strings.
"""

from django.utils.translation import gettext_lazy as _

CONSUMER_RIGHTS = [
    (
        "information",
        _("Right to information"),
        _(
            "To know the true facts about a product or service: what it costs, what it covers, what it excludes "
            "and what can go wrong."
        ),
    ),
    (
        "choice",
        _("Right of free choice"),
        _(
            "To decide for yourself whether to buy, which product and from whom, without being pressured or tied "
            "to other purchases."
        ),
    ),
    (
        "fair-dealing",
        _("Right to fair dealing"),
        _("To fair terms, clear prices and no unreasonable conditions or hidden charges."),
    ),
    (
        "property-safety",
        _("Right to safety of property"),
        _("To have your money and policy values kept safe and handled only as you agreed."),
    ),
    (
        "redress",
        _("Right to seek redress"),
        _("To complain, and to be compensated according to law when your rights have been harmed."),
    ),
    (
        "education",
        _("Right to financial education"),
        _("To learn about financial products, their risks and how to protect yourself."),
    ),
    (
        "respect",
        _("Right to respect"),
        _("To be treated with respect for your personal dignity, ethnic customs and beliefs, without discrimination."),
    ),
    (
        "information-security",
        _("Right to information security"),
        _("To have your personal information collected only as needed, kept safe and never sold or leaked."),
    ),
]

RIGHT_CHOICES = [(code, label) for code, label, _explanation in CONSUMER_RIGHTS]
