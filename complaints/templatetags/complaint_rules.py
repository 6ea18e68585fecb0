"""`{% complaint_rules as rules %}`: the limits of the complaint rules in force today (complaints.models.RuleVersion),
for the public texts that state them (rules.base, rules.first, rules.second, rules.review: days). Read once per
request; public pages are cached and invalidated when a version is approved or takes effect (complaints/apps.py)."""

from django import template
from django.conf import settings

from complaints import deadlines, services

register = template.Library()


def limits() -> dict[str, int]:
    version = services.rule_version_in_force()
    if version is None:
        rules = deadlines.DEFAULT_RULES
        return {
            "base": rules.base_days,
            "first": rules.extended_limits[0],
            "second": rules.extended_limits[-1],
            "review": int(settings.PORTAL_REVIEW_LIMIT_DAYS),
        }
    return {
        "base": version.base_days,
        "first": version.first_extension_limit,
        "second": version.second_extension_limit,
        "review": version.review_limit,
    }


@register.simple_tag(takes_context=True)
def complaint_rules(context) -> dict[str, int]:
    request = context.get("request")
    if request is None:
        return limits()
    if not hasattr(request, "_complaint_rules"):
        request._complaint_rules = limits()
    return request._complaint_rules
