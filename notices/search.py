"""Words people search with, and the other words notices use for the same thing: a search for 欺诈 also finds a
notice about a 退保骗局, one for "claim" a notice about a payout. Matches are highlighted in the page's language."""

import re

from django.utils.html import escape
from django.utils.safestring import mark_safe

# Each group: words that mean the same to someone searching notices. Chinese and English are separate tables
# because a search runs over the page's language only.
SYNONYMS = {
    "zh-hans": (
        ("欺诈", "诈骗", "骗局", "骗保", "欺骗"),
        ("理赔", "赔付", "赔款", "索赔", "理赔款"),
        ("退保", "解约", "解除合同", "撤单"),
        ("投诉", "申诉", "维权"),
        ("保费", "保险费"),
        ("外籍", "外国人", "境外人士", "外籍人士"),
        ("老年人", "老人", "长辈", "适老"),
        ("销售误导", "误导销售", "夸大收益"),
        ("个人信息", "隐私", "信息安全"),
    ),
    "en": (
        ("fraud", "scam", "swindle", "fake", "deception"),
        ("claim", "claims", "payout", "compensation", "benefit payment"),
        ("surrender", "cancel", "cancellation", "terminate"),
        ("complaint", "complain", "grievance", "dispute"),
        ("premium", "premiums", "contribution"),
        ("foreigner", "foreigners", "foreign national", "expat", "expatriate"),
        ("elderly", "older people", "senior", "seniors"),
        ("mis-selling", "misleading", "misled"),
        ("personal data", "privacy", "personal information"),
    ),
}


def _table(language: str) -> tuple:
    return SYNONYMS["en" if (language or "").startswith("en") else "zh-hans"]


def expand(term: str, language: str) -> list[str]:
    """`term` and its variants with each synonym it contains replaced by the others of its group (longest
    words first, so 理赔款 is not read as 理赔 + 款). The term itself comes first."""
    variants = [term]
    lowered = term.lower()
    for group in _table(language):
        for word in sorted(group, key=len, reverse=True):
            if word.lower() in lowered:
                start = lowered.index(word.lower())
                for other in group:
                    variant = term[:start] + other + term[start + len(word) :]
                    if variant.lower() not in (known.lower() for known in variants):
                        variants.append(variant)
                break
    return variants


def terms(text: str, language: str) -> list[list[str]]:
    """The query as terms (split on spaces: every term must match), each with its variants."""
    return [expand(term, language) for term in (text or "").split() if term]


def highlight(text: str, variants: list[str]) -> str:
    """`text` escaped, with every match of the variants wrapped in <mark>."""
    words = sorted({word for word in variants if word}, key=len, reverse=True)
    if not text or not words:
        return escape(text or "")
    pattern = re.compile("|".join(re.escape(word) for word in words), re.IGNORECASE)
    parts, last = [], 0
    for match in pattern.finditer(text):
        parts.append(escape(text[last : match.start()]))
        parts.append(f"<mark>{escape(match.group(0))}</mark>")
        last = match.end()
    parts.append(escape(text[last:]))
    return mark_safe("".join(parts))  # noqa: S308 - every part is escaped above
