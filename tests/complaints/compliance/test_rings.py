"""Surrender-agent rings: the signals behind different policyholders grouped into one warning, the alerts' JSON,
the map page (masked as repeat warnings mask phones), tips passed on, a bank account never in plain, a flagged
complaint unchanged, the consumer side, and the hit and false-positive rates on a generated year."""

import json
import logging
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import translation

from complaints import services
from complaints.compliance import alerts, rings
from complaints.compliance.models import RingTip
from complaints.compliance.ring_generator import measure, planted_year
from complaints.compliance.ring_tips import ring_tip_record
from complaints.identity import account_digest, address_key, email_key
from complaints.models import Complaint, ComplaintEvent
from portal import roles
from tests.complaints.factories import register, shanghai

pytestmark = pytest.mark.django_db

AS_OF = date(2026, 11, 20)
AGENT_PHONE = "13955556666"
TEMPLATE = (
    "本人{name}于2019年在银行办理业务时被误导购买了分红型年金险，销售人员承诺是理财产品、保本保息、随时可取，"
    "未告知这是保险，也未说明退保损失和犹豫期，存在欺诈销售。现要求贵公司全额退还已交保费{amount}元。"
)
HOLDERS = ["赵一明", "钱二芳", "孙三强", "李四娟"]


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(shanghai(2026, 11, 21, 9), tick=False)


def make_ring(received_at) -> list:
    """Four proxy complaints of four policyholders, one representative's phone, near-identical texts;
    `received_at(index)` gives each its time."""
    return [
        register(
            received_at=received_at(index),
            name="周代理",
            phone=f"1360000000{index}",
            capacity="proxy",
            principal_name=holder,
            policy_number=f"P-88{index}",
            representative_name="周代理",
            representative_phone=AGENT_PHONE,
            representative_org="安心维权咨询有限公司",
            representative_relationship="company",
            desired_remedy="full_refund",
            category="policy_service",
            description=TEMPLATE.format(name=holder, amount=50000 + 1000 * index),
        )
        for index, holder in enumerate(HOLDERS)
    ]


@pytest.fixture
def ring(make_user):
    return make_ring(lambda index: shanghai(2026, 10, 1 + 5 * index, 10))


def _alerts_json(as_of=AS_OF) -> list:
    out = StringIO()
    call_command("complaint_alerts", "--as-of", as_of.isoformat(), "--format", "json", stdout=out)
    return json.loads(out.getvalue())


def _ring_url(ring, language="zh-hans"):
    with translation.override(language):
        return reverse("admin:complaints_compliance_ring", kwargs={"key": ring[0].tracking_number})


def _client(make_user, name, group):
    client = Client()
    client.force_login(make_user(name, groups=[group]))
    return client


def test_four_complaints_from_different_people_with_one_representatives_phone_and_near_identical_texts_form_one_ring_warning_naming_all_four(
    ring,
):
    found = [w for w in _alerts_json() if w["dimension"] == "ring"]
    assert len(found) == 1
    warning = found[0]
    assert warning["kind"] == "ring" and sorted(warning["complaints"]) == sorted(c.tracking_number for c in ring)
    kinds = {signal["kind"]: signal for signal in warning["signals"]}
    assert set(kinds) >= {"representative_phone", "representative", "attorney"}
    assert kinds["representative_phone"]["value"] == "139****6666"
    assert len(kinds["representative_phone"]["complaints"]) == 4
    if connection.vendor == "postgresql":
        assert len(kinds["text"]["complaints"]) == 4
    # Masked: the representative's full phone and name appear nowhere in the command's output.
    assert AGENT_PHONE not in json.dumps(found) and "周代理" not in json.dumps(found, ensure_ascii=False)


def test_a_family_sharing_a_home_phone_and_address_raises_no_ring_warning():
    for day, name in enumerate(["陈大海", "陈小梅", "陈小川"]):
        register(
            received_at=shanghai(2026, 11, 1 + day, 10),
            name=name,
            phone="13812340000",
            address="成都市人民路8号3-201",
            description=f"{name}的理赔申请交了一个月还没有结果，第{day}次来电。",
        )
    assert not [w for w in _alerts_json() if w["dimension"] == "ring"]


def test_one_persons_repeat_complaints_are_one_policyholder_and_no_ring():
    for day in range(5):
        register(received_at=shanghai(2026, 11, 1 + day, 10), name="吴六", phone="13812340001", policy_number="P-1")
    assert rings.find_rings(AS_OF) == []


def test_a_ring_outside_the_ninety_day_window_is_not_warned_on(ring):
    assert rings.find_rings(AS_OF + timedelta(days=rings.WINDOW_DAYS + 40)) == []


def test_a_flagged_complaint_keeps_its_deadlines_and_every_action(ring, make_user):
    supervisor = make_user("supervisor", groups=[roles.SUPERVISOR])
    before = {c.pk: (c.due_date, c.statutory_due_date, c.status, c.handler_id) for c in ring}
    alerts.alerts_run(as_of=AS_OF, notify=False)
    ring_tip_record(
        actor=supervisor,
        ring_key=ring[0].tracking_number,
        complaint_ids=[c.pk for c in ring],
        recipient="regulator",
        sent_on=AS_OF,
        reference="京银保监消保〔2026〕12号",
    )
    after = {c.pk: (c.due_date, c.statutory_due_date, c.status, c.handler_id) for c in Complaint.objects.all()}
    assert after == before
    flagged = Complaint.objects.get(pk=ring[-1].pk)
    services.complaint_assign(complaint=flagged, actor=supervisor, handler=supervisor)
    services.complaint_accept(complaint=flagged, actor=supervisor)
    services.complaint_start(complaint=flagged, actor=supervisor)
    decided = services.complaint_decide(
        complaint=flagged,
        actor=supervisor,
        decision="经核实，同意按合同退还现金价值。",
        outcome="partly_upheld",
        reliefs=["refund"],
        remedies=["review"],
    )
    assert decided.status == "decided" and decided.due_date == before[flagged.pk][0]


def test_the_daily_run_stores_a_ring_warning_once_with_its_complaints(ring):
    first = [row for row in alerts.alerts_run(as_of=AS_OF, notify=False) if row.kind == "ring"]
    again = [row for row in alerts.alerts_run(as_of=AS_OF, notify=False) if row.kind == "ring"]
    assert len(first) == 1 and again == []
    assert sorted(first[0].complaint_ids) == sorted(c.pk for c in ring) and first[0].value == ring[0].tracking_number


def test_a_bank_account_is_kept_only_as_a_keyed_hash_in_no_column_event_log_or_export(make_user, caplog, tmp_path):
    client = _client(make_user, "registrar", roles.SUPERVISOR)
    account = "6222 0210 0112 3456 789"
    plain = account.replace(" ", "")
    with caplog.at_level(logging.DEBUG):
        response = client.post(
            "/en/admin/complaints/complaint/register/",
            {
                "channel": "letter",
                "received_at": "2026-11-20T09:30",
                "source": "self",
                "name": "郑七",
                "phone": "13812345678",
                "capacity": "proxy",
                "principal_name": "郑老七",
                "representative_name": "郑七",
                "representative_relationship": "relative",
                "language": "zh-hans",
                "category": "policy_service",
                "description": "要求退保。",
                "desired_remedy": "full_refund",
                "bank_account": account,
                "register_anyway": "1",
            },
        )
        assert response.status_code == 302, response.content[:2000]
        call_command(
            "export_complaints",
            "--start",
            "2026-11-01",
            "--end",
            "2026-11-30",
            "--output",
            str(tmp_path / "all.csv"),
            "--unmasked",
            "--user",
            "registrar",
            stdout=StringIO(),
        )
    complaint = Complaint.objects.get()
    assert complaint.bank_account_digest == account_digest(plain) == account_digest("6222-0210-0112-3456-789")
    assert complaint.desired_remedy == "full_refund" and complaint.representative_relationship == "relative"
    dumped = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            dumped.append(repr(cursor.fetchall()))
    everything = "".join(dumped) + caplog.text + "".join(p.read_text() for p in tmp_path.iterdir())
    assert plain not in everything.replace(" ", "") and complaint.tracking_number in everything


def test_an_account_digest_depends_on_the_match_key(settings):
    first = account_digest("6222021001123456789")
    settings.IDENTITY_MATCH_KEY = "another-key-for-matching-only"
    assert account_digest("6222021001123456789") != first and account_digest("") == ""


def test_addresses_and_emails_meet_however_they_are_typed():
    assert address_key("成都市 人民路8号 3-201") == address_key("成都市人民路８号3201")
    assert email_key(" Helper@Example.NET ") == email_key("helper@example.net")


def test_a_compliance_officer_reads_the_ring_map_masked_and_a_supervisor_in_full(ring, make_user):
    alerts.alerts_run(as_of=AS_OF, notify=False)
    url = _ring_url(ring)
    officer = _client(make_user, "officer", roles.COMPLIANCE_OFFICER).get(_ring_url(ring, "en"))
    assert officer.status_code == 200
    assert "139****6666" in officer.text and "+8613955556666" not in officer.text and "赵一明" not in officer.text
    assert all(c.tracking_number in officer.text for c in ring) and "Same representative&#x27;s phone" in officer.text
    supervisor = _client(make_user, "supervisor", roles.SUPERVISOR).get(url)
    assert "+8613955556666" in supervisor.text and "赵一明" in supervisor.text
    with translation.override("zh-hans"):
        listing_url = reverse("admin:complaints_compliance_rings")
    listing = _client(make_user, "officer2", roles.COMPLIANCE_OFFICER).get(listing_url)
    assert ring[0].tracking_number in listing.text


def test_a_handler_is_refused_the_ring_pages_and_a_tip(ring, make_user):
    alerts.alerts_run(as_of=AS_OF, notify=False)
    handler = make_user("handler", groups=[roles.COMPLAINT_HANDLER])
    client = Client()
    client.force_login(handler)
    url = _ring_url(ring)
    assert client.get(_ring_url(ring).rsplit("/", 2)[0] + "/").status_code == 403
    assert client.post(url, {"recipient": "police", "sent_on": "2026-11-20", "reference": "X"}).status_code == 403
    with pytest.raises(PermissionDenied):
        ring_tip_record(
            actor=handler, ring_key="x", complaint_ids=[ring[0].pk], recipient="police", sent_on=AS_OF, reference="X"
        )
    assert not RingTip.objects.exists()


def test_a_supervisor_logs_a_tip_to_the_regulator_leaving_an_internal_event_on_each_complaint(ring, make_user):
    alerts.alerts_run(as_of=AS_OF, notify=False)
    client = _client(make_user, "supervisor", roles.SUPERVISOR)
    url = _ring_url(ring)
    response = client.post(
        url, {"recipient": "regulator", "sent_on": "2026-11-20", "reference": "川金监函〔2026〕7号", "note": "附地图"}
    )
    assert response.status_code == 302
    tip = RingTip.objects.get()
    assert (tip.recipient, tip.sent_on, tip.reference) == ("regulator", date(2026, 11, 20), "川金监函〔2026〕7号")
    assert sorted(tip.complaints.values_list("pk", flat=True)) == sorted(c.pk for c in ring)
    events = ComplaintEvent.objects.filter(action="ring_tip")
    assert events.count() == 4 and not events.filter(public=True).exists()
    assert "川金监函〔2026〕7号" in client.get(url).text


def test_a_tip_dated_tomorrow_or_without_a_reference_is_refused_with_the_reason_and_nothing_is_recorded(
    ring, make_user
):
    alerts.alerts_run(as_of=AS_OF, notify=False)
    client = _client(make_user, "supervisor", roles.SUPERVISOR)
    url = _ring_url(ring, "en")
    response = client.post(url, {"recipient": "police", "sent_on": "2026-11-22", "reference": "A-1", "note": "留"})
    assert response.status_code == 400 and "cannot be in the future" in response.text and "留" in response.text
    response = client.post(url, {"recipient": "police", "sent_on": "2026-11-20", "reference": "  "})
    assert response.status_code == 400 and "This field is required" in response.text
    assert not RingTip.objects.exists() and not ComplaintEvent.objects.filter(action="ring_tip").exists()


def test_full_refund_demands_from_one_province_in_two_weeks_show_on_the_ring_as_an_area_signal(ring):
    for index in range(rings.AREA_MIN):
        register(
            received_at=shanghai(2026, 10, 10, 9 + index),
            name=f"路人{index}",
            phone=f"1370000000{index}",
            province="四川",
            desired_remedy="full_refund",
        )
    Complaint.objects.filter(pk__in=[c.pk for c in ring]).update(province="四川")
    found = rings.find_rings(AS_OF)
    assert len(found) == 1
    area = [signal for signal in found[0].signals if signal.kind == "area"]
    assert area and set(area[0].complaint_ids) <= {c.pk for c in ring}


@pytest.mark.parametrize(("prefix", "text"), [("/en", "Complaining is free and needs no agent"), ("", "投诉免费")])
def test_the_complaint_form_says_complaining_is_free_and_needs_no_agent_near_the_category(client, prefix, text):
    page = client.get(f"{prefix}/complaints/new/?step=what")
    assert page.status_code == 200 and text in page.content.decode()
    assert 'id="id_category_helptext"' in page.content.decode()


def test_a_proxy_filing_on_the_web_records_the_representative_apart_from_the_policyholder():
    complaint = services.complaint_submit(
        name="钱代办",
        phone="13800001234",
        description="代我父亲投诉：退保金额有误。",
        category="policy_service",
        capacity="proxy",
        principal_name="钱老先生",
        representative_name="钱代办",
        representative_phone="139 0000 5678",
        representative_org="",
        representative_relationship="relative",
        address="北京市幸福路1号",
        desired_remedy="partial_refund",
    )
    complaint.refresh_from_db()
    assert (complaint.representative_phone, complaint.principal_name) == ("+8613900005678", "钱老先生")
    assert complaint.address == "北京市幸福路1号" and complaint.desired_remedy == "partial_refund"


def test_a_generated_year_with_five_planted_rings_finds_at_least_four_with_at_most_one_warning_in_five_false():
    year = planted_year(total=2000, rings=5, seed=29, start=date(2025, 1, 1))
    Complaint.objects.bulk_create(year.complaints, batch_size=1000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE complaints_complaint")  # as autovacuum does after a bulk load
    found = {}
    for step in range(1, 14):
        day = date(2025, 1, 1) + timedelta(days=30 * step - 1)
        found[day] = rings.find_rings(day)
    figures = measure(year, found)
    assert figures["planted"] == 5
    if connection.vendor == "postgresql":
        assert figures["hit_rate"] >= 0.8, figures
    assert figures["false_positive_rate"] <= 0.2, figures
    with translation.override("en"):
        assert all(rings.explain(signal, full=False) for ring in found[max(found)] for signal in ring.signals)
