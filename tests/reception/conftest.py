from datetime import date, time

import pytest


@pytest.fixture
def make_day(demo):
    """make_day(branch_slug="beijing", day=date(...), **fields) -> a ReceptionDay."""
    from portal.models import Branch
    from reception.models import ReceptionDay

    def make(slug="beijing", day=date(2026, 12, 9), **fields):
        values = {
            "start_time": time(9, 0),
            "end_time": time(11, 30),
            "receptionist": "张丹",
            "title_zh_hans": "总经理",
            "title_en": "General Manager",
            "place_zh_hans": "北京市朝阳区东三环中路5号",
            "place_en": "5 East Third Ring Middle Road, Beijing",
            "phone": "010-85921177",
            "liaison": "张颖",
            **fields,
        }
        return ReceptionDay.objects.create(branch=Branch.objects.get(slug=slug), date=day, **values)

    return make
