"""Parts kept by their content (`{% fragment … by content %}`): a notice's card, a reception day, a branch's card,
the site's header and footer. A change to other public content does not render them again; a change to what they
show, however it was made, shows on the very next request."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from notices import services as notice_services
from notices.models import Category, Notice
from portal import pagecache
from portal.models import Branch, SiteProfile
from reception.models import ReceptionDay

pytestmark = pytest.mark.usefixtures("parts_cached_pages_not")


def _get(client: Client, path: str) -> tuple[list[str], str]:
    """The page, and the names of the templates its request rendered (the test client records them)."""
    response = client.get(path)
    assert response.status_code == 200, path
    return [template.name for template in response.templates], response.content.decode()


def _publish(title: str) -> Notice:
    notice = notice_services.notice_create(
        actor=None,
        category=Category.ANNOUNCEMENTS,
        title_zh_hans=title,
        title_en="A notice published elsewhere",
        summary_zh_hans="摘要",
        body_zh_hans="正文",
    )
    return notice_services.notice_publish(notice=notice, actor=None)


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/notices/", "/en/notices/", "/notices/announcements/"])
def test_a_publish_renders_only_the_new_notices_card_again_and_the_list_shows_it(content, path):
    client = Client()
    rendered, _html = _get(client, path)
    assert rendered.count("notices/_card.html") >= 5
    _publish("新近发布的一则公告")
    rendered, html = _get(client, path)
    assert rendered.count("notices/_card.html") == 1
    expected = "A notice published elsewhere" if path.startswith("/en/") else "新近发布的一则公告"
    assert expected in html


@pytest.mark.django_db
def test_a_card_changed_without_the_services_shows_its_new_text_after_the_next_change(content):
    client = Client()
    notice = Notice.objects.published().listed().first()
    _rendered, html = _get(client, "/notices/")
    assert notice.title_zh_hans in html
    # A bulk update sends no signal: the page is renewed by the next change, and its card with it, because the
    # card is kept by every field of the row it shows, not by when it was last saved.
    Notice.objects.filter(pk=notice.pk).update(title_zh_hans="批量改过的标题", title="批量改过的标题")
    pagecache.invalidate()
    rendered, html = _get(client, "/notices/")
    assert "批量改过的标题" in html and rendered.count("notices/_card.html") == 1


@pytest.mark.django_db
def test_the_header_and_footer_follow_the_profile_and_are_not_rendered_again_for_a_notice(content):
    client = Client()
    _get(client, "/rights/")
    _publish("又一则公告")
    rendered, _html = _get(client, "/rights/")
    assert rendered.count("includes/footer.html") == 0 and rendered.count("includes/nav_list.html") == 0
    profile = SiteProfile.objects.get()
    profile.hotline = "400-765-4321"
    profile.save()
    rendered, html = _get(client, "/rights/")
    footer = html[html.index('<footer class="site-footer">') :]
    assert "400-765-4321" in footer and rendered.count("includes/footer.html") == 1


@pytest.mark.django_db
def test_a_reception_day_and_a_branch_card_show_their_edits_and_only_they_are_rendered_again(content):
    client = Client()
    rendered, _html = _get(client, "/reception/")
    days = rendered.count("reception/_day.html")
    assert days > 3
    day = ReceptionDay.objects.upcoming(timezone.localdate()).last()
    day.place = "另一处接待地点七号楼"
    day.save()
    rendered, html = _get(client, "/reception/")
    assert "另一处接待地点七号楼" in html and rendered.count("reception/_day.html") == 1
    branch = Branch.objects.active().first()
    branch.address = "改过的柜台地址一号"
    branch.save()
    _rendered, contact = _get(client, "/contact/")
    assert "改过的柜台地址一号" in contact
    # Every day of that branch names it (its anchor): they are rendered again, the other branches' are not.
    rendered, _html = _get(client, "/reception/")
    of_branch = ReceptionDay.objects.upcoming(timezone.localdate()).filter(branch=branch).count()
    assert rendered.count("reception/_day.html") == of_branch < days


@pytest.mark.django_db
def test_the_next_day_marker_moves_when_the_first_day_is_cancelled(content):
    client = Client()
    first = ReceptionDay.objects.bookable(timezone.localdate()).first()
    assert "reception-day-next" in _article(_get(client, "/reception/")[1], first.anchor)
    first.status = "cancelled"
    first.status_reason = "总经理出差"
    first.save()
    article = _article(_get(client, "/reception/")[1], first.anchor)
    assert "reception-day-cancelled" in article and "reception-day-next" not in article


def _article(html: str, anchor: str) -> str:
    start = html.rindex("<article", 0, html.index(f'id="{anchor}"'))
    return html[start : html.index("</article>", start)]


@pytest.mark.django_db
def test_a_rows_content_names_it_with_every_loaded_field_and_the_rows_loaded_with_it(content):
    day = ReceptionDay.objects.public().first()
    same = ReceptionDay.objects.public().get(pk=day.pk)
    assert pagecache.content_digest(day) == pagecache.content_digest(same)
    same.place = same.place + "（新）"
    assert pagecache.content_digest(day) != pagecache.content_digest(same)
    moved_branch = ReceptionDay.objects.public().get(pk=day.pk)
    moved_branch.branch.slug = "another-branch"
    assert pagecache.content_digest(day) != pagecache.content_digest(moved_branch)


@pytest.mark.parametrize(
    "value", ["text", 3, Decimal("1.5"), date(2026, 12, 2), datetime(2026, 12, 2, 8, 0), None, ("a", 1), ["b"]]
)
def test_plain_values_name_a_fragment_by_their_value(value):
    assert pagecache.content_digest(value) == pagecache.content_digest(value)


def test_a_value_that_could_print_as_its_address_cannot_name_a_fragment():
    with pytest.raises(TypeError):
        pagecache.content_digest(object())
    with pytest.raises(TypeError):
        pagecache.content_digest(("fine", object()))


@pytest.mark.django_db
def test_the_fraud_report_box_follows_the_profile(content):
    client = Client()
    _rendered, html = _get(client, "/notices/fraud-warnings/")
    assert 'class="callout notice-report"' in html
    profile = SiteProfile.objects.get()
    profile.email = "report@example.com"
    profile.save()
    _rendered, html = _get(client, "/notices/fraud-warnings/")
    box = html[html.index('class="callout notice-report"') : html.index("</aside>", html.index("notice-report"))]
    assert "report@example.com" in box
