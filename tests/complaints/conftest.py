import pytest
from django.contrib.auth.models import Group

from portal import roles
from portal.messaging.sms import MemorySMSBackend


@pytest.fixture
def handler(make_user):
    return make_user("handler", groups=[roles.COMPLAINT_HANDLER])


@pytest.fixture
def supervisor(make_user):
    return make_user("supervisor", groups=[roles.SUPERVISOR])


@pytest.fixture
def senior(make_user):
    return make_user("senior", groups=[roles.SENIOR_MANAGER])


@pytest.fixture
def compliance(make_user):
    return make_user("compliance", groups=[roles.COMPLIANCE_OFFICER])


@pytest.fixture
def people(make_user, demo):
    """A handler, another handler, a supervisor and a compliance officer, on the demo data (a test file may
    define its own `people`)."""
    return {
        "handler": make_user("handler", groups=[roles.COMPLAINT_HANDLER]),
        "other_handler": make_user("other", groups=[roles.COMPLAINT_HANDLER]),
        "supervisor": make_user("supervisor", groups=[roles.SUPERVISOR]),
        "compliance": make_user("compliance", groups=[roles.COMPLIANCE_OFFICER]),
    }


@pytest.fixture
def sms_outbox(settings):
    settings.PORTAL_SMS_BACKEND = "memory"
    MemorySMSBackend.outbox = []
    return MemorySMSBackend.outbox


@pytest.fixture
def groups(db):
    return {group.name: group for group in Group.objects.all()}
