import datetime
import io

import pytest
from django.utils import timezone

from notices import services
from notices.models import Category

# Smallest valid files, judged by content.
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "teal").save(buffer, "PNG")
    return buffer.getvalue()


PNG_BYTES = _png()


@pytest.fixture
def editor(make_user):
    return make_user("editor", groups=["Content editor"])


@pytest.fixture
def make_notice(db):
    """make_notice(category=..., title_zh_hans=..., publish=True, publish_at=...) -> a notice made by the services."""
    counter = {"n": 0}

    def make(*, category=Category.ANNOUNCEMENTS, publish=True, publish_at=None, actor=None, **fields):
        counter["n"] += 1
        number = counter["n"]
        values = {
            "title_zh_hans": f"通知{number}",
            "title_en": f"Notice {number}",
            "summary_zh_hans": f"摘要{number}",
            "summary_en": f"Summary {number}",
            "body_zh_hans": f"正文{number}",
            "body_en": f"Body {number}",
            **fields,
        }
        if category == Category.DISCLOSURES:
            values.setdefault("disclosure_year", 2023)
        notice = services.notice_create(actor=actor, category=category, **values)
        if publish:
            notice = services.notice_publish(
                notice=notice,
                actor=actor,
                publish_at=publish_at or timezone.now() - datetime.timedelta(minutes=number),
            )
        return notice

    return make
