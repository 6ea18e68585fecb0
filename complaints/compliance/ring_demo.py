"""The demo's surrender-agent rings: a year of them (`manage.py load_demo`, after the complaints and last year's
record). Four rings from complaints.compliance.ring_generator, about three months apart, each registered through
the services as the complaints came in; the older ones handled to the end as any other (a flag changes nothing),
the newest still open. The daily run is replayed at each month's end (its warnings stored as they would have
been), and the oldest ring's tip to the regulator is logged."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from portal.actors import system_actor
from portal.beijing import BEIJING

from .. import notifications, services
from ..demo import _clock, _staff
from ..models import Complaint
from .alerts import alerts_run
from .models import RingTip
from .ring_generator import _Maker, ring_members
from .ring_tips import ring_tip_record
from .rings import find_rings

# Days before today each ring's first complaint came in (not before this year's first day); the last is still
# being handled.
RING_STARTS = (330, 240, 150, 12)
SPAN_DAYS = 10


def load(stdout=None) -> None:
    with notifications.muted():
        made = _load()
    if stdout is not None:
        stdout.write(f"surrender-agent rings: {made} complaints registered\n")


def _moment(day, hour: int) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=BEIJING)


def _load() -> int:
    today = timezone.localdate()
    maker = _Maker(seed=f"demo-rings-{today.year}", start=today, prefix="")
    handler, supervisor = _staff("handler"), _staff("supervisor")
    made = 0
    # Within this year: last year's record is imported and its figures published (compliance/demo.py).
    january = today.replace(month=1, day=1)
    for number, wanted in enumerate(RING_STARTS):
        first = max(today - timedelta(days=wanted), january)
        days_ago = (today - first).days
        for index, (day, values) in enumerate(ring_members(maker, number, span=min(SPAN_DAYS, days_ago))):
            received = min(_moment(first + timedelta(days=day), 9 + index % 8), timezone.now() - timedelta(hours=1))
            key = f"demo-ring-{today.year}-{number}-{index}"
            if Complaint.objects.filter(idempotency_key=key).exists():
                continue
            with _clock(received):
                complaint = services.complaint_register(
                    actor=system_actor(), channel="letter", received_at=received, idempotency_key=key, **values
                )
            made += 1
            if days_ago > 20:
                _handle(complaint, received, handler, supervisor)
    for back in range(0, 365, 30):
        alerts_run(as_of=today - timedelta(days=back + 1), notify=False)
    first = max(today - timedelta(days=RING_STARTS[0]), january)
    oldest = find_rings(min(today, first + timedelta(days=SPAN_DAYS + 1)))
    if oldest and not RingTip.objects.filter(ring_key=oldest[0].key).exists():
        sent = min(today, first + timedelta(days=SPAN_DAYS + 3))
        with _clock(_moment(sent, 16)):
            ring_tip_record(
                actor=supervisor,
                ring_key=oldest[0].key,
                complaint_ids=oldest[0].complaint_ids,
                recipient=RingTip.Recipient.REGULATOR,
                sent_on=sent,
                reference=f"消保线索〔{sent.year}〕3号",
                note="附团伙关联图及授权委托书复印件。",
            )
    return made


def _handle(complaint, received, handler, supervisor) -> None:
    """A ring's complaint handled as any other, within its time limit: assigned, accepted, decided, closed."""
    steps = [
        (1, lambda: services.complaint_assign(complaint=complaint, actor=supervisor, handler=handler)),
        (1, lambda: services.complaint_accept(complaint=complaint, actor=handler)),
        (2, lambda: services.complaint_start(complaint=complaint, actor=handler)),
        (
            9,
            lambda: services.complaint_decide(
                complaint=complaint,
                actor=handler,
                decision="经调取投保资料和回访录音核实，销售过程合规，不支持全额退保；可按合同约定退还现金价值。",
                outcome="not_upheld",
                reliefs=["explanation"],
                remedies=["review", "mediation", "arbitration", "litigation"],
            ),
        ),
        (
            12,
            lambda: services.complaint_close(
                complaint=complaint,
                actor=handler,
                cause="service",
                root_cause="第三方代理机构组织投诉，要求全额退保",
                responsible_unit="消费者权益保护部",
            ),
        ),
    ]
    for offset, step in steps:
        with _clock(received + timedelta(days=offset, hours=1)):
            step()
        complaint.refresh_from_db()
