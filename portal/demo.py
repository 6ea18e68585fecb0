"""Demo content for the shell: the insurer's profile and its branches, from the published facts
(hotline, reporting email, the Beijing branch's counter and reception details), read from demo_data/site.toml.
Idempotent."""

import tomllib
from pathlib import Path

from .models import Branch, SiteProfile

_DATA = tomllib.loads((Path(__file__).resolve().parent / "demo_data" / "site.toml").read_text("utf-8"))
PROFILE = _DATA["profile"]
# The head office, above the branches (a review of a branch's decision goes to it), at the profile's address.
HEAD_OFFICE = {
    **_DATA["head_office"],
    "address_zh_hans": PROFILE["address_zh_hans"],
    "address_en": PROFILE["address_en"],
    "counter_hours_zh_hans": PROFILE["office_hours_zh_hans"],
    "counter_hours_en": PROFILE["office_hours_en"],
}
BRANCHES = _DATA["branch"]


def load(stdout=None) -> None:
    profile = SiteProfile.objects.filter(pk=1).first() or SiteProfile(pk=1)
    changed = False
    for field, value in PROFILE.items():
        if getattr(profile, field) != value:
            setattr(profile, field, value)
            changed = True
    if changed or profile._state.adding:
        profile.save()
    head_office = _branch(HEAD_OFFICE)
    for data in BRANCHES:
        _branch({**data, "parent": head_office})
    if stdout:
        stdout.write(f"portal: site profile, the head office and {len(BRANCHES)} branches under it\n")


def _branch(data: dict) -> Branch:
    values = {key: value for key, value in data.items() if key != "slug"}
    branch = Branch.objects.filter(slug=data["slug"]).first()
    if branch is None:
        return Branch.objects.create(slug=data["slug"], name=values["name_zh_hans"], **values)
    if any(getattr(branch, key) != value for key, value in values.items()):
        for key, value in values.items():
            setattr(branch, key, value)
        branch.save()
    return branch
