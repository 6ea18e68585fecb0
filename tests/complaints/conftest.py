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
def sms_outbox(settings):
    settings.PORTAL_SMS_BACKEND = "memory"
    MemorySMSBackend.outbox = []
    return MemorySMSBackend.outbox


@pytest.fixture
def groups(db):
    return {group.name: group for group in Group.objects.all()}
