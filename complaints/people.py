"""Who may be chosen for what: the one rule behind every staff choice list, autocomplete and service check.

- Handler (assignment): an active member of staff who may work complaints (complaints.handle_complaint:
  complaint handlers, and supervisors, who may handle), minus the complaint's conflicted staff (the recusal
  rule, 回避: the employee it is about and, for a review, whoever the original was about or decided it).
- Employee complained about: an active member of staff of the complaint's branch or of head office. Head office
  is the complaints roles (complaint handlers, supervisors, senior managers, compliance officers) and the
  superusers (who hold every role's permissions); a branch's staff are the Branch staff linked to it
  (reception registers the link: portal.registry.branch_staff). While the complaint names no branch, the staff
  of every branch. Content editors and accounts without a role are nobody's employee here.
- Remediation owner: an active compliance officer or manager (supervisor, senior manager).

Every list is ordered by name and shows people by name (portal.display.person_name).
"""

from django.contrib.auth import get_user_model
from django.db.models import Q

from portal import registry, roles

from .workflow.core import conflicted_ids

HEAD_OFFICE_ROLES = (roles.COMPLAINT_HANDLER, roles.SUPERVISOR, roles.SENIOR_MANAGER, roles.COMPLIANCE_OFFICER)
OWNER_ROLES = (roles.COMPLIANCE_OFFICER, roles.SUPERVISOR, roles.SENIOR_MANAGER)
BY_NAME = ("last_name", "first_name", "username")


def _active_staff():
    return get_user_model().objects.filter(is_active=True, is_staff=True)


def staff_with(codename: str):
    """Active staff holding complaints.`codename` (superusers hold every permission)."""
    return (
        _active_staff()
        .filter(
            Q(is_superuser=True)
            | Q(groups__permissions__codename=codename, groups__permissions__content_type__app_label="complaints")
            | Q(user_permissions__codename=codename, user_permissions__content_type__app_label="complaints")
        )
        .distinct()
        .order_by(*BY_NAME)
    )


def handlers():
    """Everyone who may handle complaints: the handler filters and lists."""
    return staff_with("handle_complaint")


def assignable(complaint=None):
    """Whom `complaint` may be assigned to (every handler when no complaint is given)."""
    people = handlers()
    if complaint is not None:
        people = people.exclude(pk__in=conflicted_ids(complaint))
    return people


def may_handle(user, complaint) -> bool:
    return user is not None and assignable(complaint).filter(pk=user.pk).exists()


def _branch_staff(branch_id) -> Q:
    found = Q(pk__in=[])
    for members in registry.branch_staff.values():
        found |= members(branch_id)
    return found


def employees(branch=None, *, any_branch: bool = False):
    """The staff a complaint of `branch` may name: head office and that branch's staff (every branch's staff
    when `any_branch`, or while no branch is recorded)."""
    branch_id = getattr(branch, "pk", branch)
    head_office = Q(groups__name__in=HEAD_OFFICE_ROLES) | Q(is_superuser=True)
    scope = head_office | _branch_staff(None if any_branch else branch_id)
    return _active_staff().filter(pk__in=get_user_model().objects.filter(scope).values("pk")).order_by(*BY_NAME)


def may_be_named(user, branch=None) -> bool:
    return user is not None and employees(branch).filter(pk=user.pk).exists()


def remediation_owners():
    """Who may own a remediation item: active compliance officers and managers."""
    return (
        _active_staff()
        .filter(pk__in=get_user_model().objects.filter(groups__name__in=OWNER_ROLES).values("pk"))
        .order_by(*BY_NAME)
    )


def may_own(user) -> bool:
    return user is not None and remediation_owners().filter(pk=user.pk).exists()


def settlement_staff():
    """Who may be given a settlement authority (mediation): active staff of the complaints roles, by name."""
    return (
        _active_staff()
        .filter(pk__in=get_user_model().objects.filter(groups__name__in=HEAD_OFFICE_ROLES).values("pk"))
        .order_by(*BY_NAME)
    )
