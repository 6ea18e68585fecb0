"""The Chinese admin is Chinese: every admin page every role can reach, rendered in zh-hans, shows no English UI.

What is UI text is told by the catalogs, not guessed: a visible text node (or a button's value, a title, an
aria-label, a placeholder) that equals an English message id — of this project's catalog or of the Django
catalogs the admin uses (django.conf, admin, auth, contenttypes) — and that shows as that English is an
untranslated UI string. Message ids with placeholders ("Filter by %(field_name)s") match with any value in the
placeholder. Data (names, descriptions, codes, user names) is not checked against the catalogs except where it
happens to equal a message id, which the demo's data does not.

Beside the catalogs, a run of three or more English words anywhere outside the data (the result list's cells,
read-only field values, form inputs and text areas, the history's and preview's quoted content) fails too: it is
UI text that no catalog knows, i.e. a string someone forgot to mark for translation.

The pages: the index; every registered model's changelist, add page, and change and history page of the first
record the role may see; and every custom URL a ModelAdmin adds that takes no argument or only the record's id.
Only HTML pages that answer 200 are read (a refusal is test_permissions' business). The JavaScript the admin
loads is checked separately: its catalog (admin/jsi18n) translates every string of Django's admin scripts.
Every page read also has its breadcrumbs as Django 6.1 styles them (an `ol.breadcrumbs`, never a `div`).
"""

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import django
import polib
import pytest
from django.conf import settings
from django.contrib import admin
from django.test import Client, RequestFactory
from django.urls import NoReverseMatch, URLPattern, reverse
from django.utils import translation

from tests.reliability.test_permissions import ROLES, _custom_urls, world  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def chinese():
    """The URLs reversed here are the Chinese admin's (an earlier test's request may leave English active)."""
    with translation.override("zh-hans"):
        yield


DJANGO = Path(django.__file__).parent
CATALOGS = [
    DJANGO / "conf" / "locale" / "en" / "LC_MESSAGES" / "django.po",
    *(DJANGO / "contrib" / app / "locale" / "en" / "LC_MESSAGES" / "django.po" for app in ("admin", "auth")),
    DJANGO / "contrib" / "contenttypes" / "locale" / "en" / "LC_MESSAGES" / "django.po",
    Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po",
]
# Message ids whose Chinese is the same characters: codes, names, abbreviations (and Django's "%s").
SAME_IN_CHINESE = re.compile(r"^(?:[A-Z0-9]{2,}s?|[\W\d_]*|%\(?\w*\)?[sd]?)$")
# Text that is data wherever it appears on an admin page.
DATA_TAGS = {"textarea", "td"}
# Text that is not prose at all: scripts, styles, and codes shown as codes (an import file's column names).
CODE_TAGS = {"script", "style", "pre", "code"}
DATA_CLASSES = {"readonly", "field-box-data", "help-data", "quoted", "preview"}
# A label, a heading, a column's heading or a button that is one or two English words ("Priority", "Task name").
HEADINGS = {"label", "h1", "h2", "h3", "legend", "caption", "button"}
ENGLISH_LABEL = re.compile(r"[A-Z][a-z]+(?: [a-z]+)?")
ENGLISH_RUN = re.compile(r"\b[A-Za-z][a-z]+(?:[ ,;:’'-]+[A-Za-z][a-z]*){2,}\b")


def _msgids() -> tuple[set[str], re.Pattern]:
    """The English message ids that are translated into other characters in Chinese, exact and as one pattern."""
    exact, patterns = set(), []
    for path in CATALOGS:
        for entry in polib.pofile(str(path)):
            for msgid in filter(None, (entry.msgid, entry.msgid_plural)):
                text = " ".join(msgid.split())
                if SAME_IN_CHINESE.match(text) or not re.search(r"[A-Za-z]{2}", text):
                    continue
                if entry.msgstr and entry.msgstr == entry.msgid:
                    continue
                if re.search(r"%(\(\w+\))?[sd]|\{\w*\}", text):
                    literal = re.split(r"%(?:\(\w+\))?[sd]|\{\w*\}", text)
                    if sum(len(part.strip()) for part in literal) >= 4:
                        patterns.append("(?:" + r"\S.*?".join(re.escape(part) for part in literal) + ")")
                else:
                    exact.add(text)
    return exact, re.compile("^(?:" + "|".join(patterns) + ")$")


EXACT, WITH_PLACEHOLDERS = _msgids()
LANGUAGE_NAMES = {name for _code, name in settings.LANGUAGES}
NAMES = {
    "handler": "王芳",
    "supervisor": "李强",
    "senior": "张伟",
    "compliance": "刘洋",
    "editor": "陈静",
    "branch": "杨磊",
    "superuser": "赵敏",
}


class _Texts(HTMLParser):
    """The visible texts of a page: (text, is data)."""

    VOID = {"br", "img", "input", "meta", "link", "hr", "source", "col", "wbr", "area", "base", "embed"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[bool | None] = []  # per open element: is it data (None: code, not read at all)
        self.tags: list[str] = []  # the open elements' names, beside `stack`
        self.texts: list[tuple[str, bool, bool]] = []  # (text, is data, is a label or heading)

    def _data(self) -> bool:
        return bool(self.stack) and bool(self.stack[-1])

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = set((attrs.get("class") or "").split())
        # Text marked as another language (the language switch, an English version's link) is meant so.
        other_language = attrs.get("lang", "zh").lower()[:2] != "zh"
        is_data = self._data() or tag in DATA_TAGS or bool(classes & DATA_CLASSES) or other_language
        if tag in CODE_TAGS or (self.stack and self.stack[-1] is None):
            is_data = None
        for name in ("title", "aria-label", "placeholder", "alt"):
            if attrs.get(name) and is_data is not None:
                self.texts.append((attrs[name], is_data, False))
        if tag == "input" and attrs.get("type") in ("submit", "button", "reset") and attrs.get("value"):
            self.texts.append((attrs["value"], False, True))
        if tag not in self.VOID:
            self.stack.append(is_data)
            self.tags.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in self.VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        # Up to the element that ends (an element left open inside it, a <p> or an <li>, ends with it).
        if tag in self.tags:
            while self.tags and self.tags.pop() != tag:
                self.stack.pop()
            self.stack.pop()

    def _heading(self) -> bool:
        return bool(HEADINGS.intersection(self.tags)) or ("th" in self.tags and "thead" in self.tags)

    def handle_data(self, data):
        text = " ".join(data.split())
        if text and not (self.stack and self.stack[-1] is None):
            self.texts.append((text, self._data(), self._heading()))


def untranslated(html: str) -> list[str]:
    """The English UI texts on a page rendered in Chinese."""
    parser = _Texts()
    parser.feed(html)
    found = []
    for text, is_data, heading in parser.texts:
        if text in LANGUAGE_NAMES:
            continue  # a language is named in its own language (the language choices, the switch)
        bare = text.strip(" :：*()（）«»›‹")
        in_catalog = bare in EXACT or text in EXACT or WITH_PLACEHOLDERS.match(text)
        english_label = heading and ENGLISH_LABEL.fullmatch(bare)
        if in_catalog or (not is_data and (ENGLISH_RUN.search(text) or english_label)):
            found.append(text)
    return found


def _request(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def _first(model_admin, request):
    try:
        return model_admin.get_queryset(request).order_by("pk").first()
    except Exception:
        return None


def _urls(records, user):
    """Every admin page to render for `user`: the standard pages its permissions open (a refused page is
    test_permissions' business), and every custom page (whether it may is decided by the answer)."""
    yield reverse("admin:index")
    request = _request(user)
    for model, model_admin in admin.site._registry.items():
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        key = f"{model._meta.app_label}.{model._meta.model_name}"
        obj = _first(model_admin, request) if model._meta.managed else None
        if obj is None and user.is_superuser:
            obj = records["objects"].get(key)
        sees = model_admin.has_view_or_change_permission(request)
        pages = (("changelist", [], sees), ("add", [], model_admin.has_add_permission(request)))
        if obj is not None:
            sees_obj = model_admin.has_view_or_change_permission(request, obj)
            pages += (("change", [obj], sees_obj), ("history", [obj], sees_obj))
        for page, args, allowed in pages:
            try:
                if allowed:
                    yield reverse(f"{prefix}_{page}", args=[arg.pk for arg in args])
            except NoReverseMatch:
                continue  # no such page (the dashboard has no add form)
        for pattern in model_admin.get_urls():
            if (
                not isinstance(pattern, URLPattern)
                or not pattern.name
                or pattern.name.endswith(("_changelist", "_add", "_change", "_delete", "_history", "_autocomplete"))
            ):
                continue
            arguments = list(pattern.pattern.converters)
            try:
                if not arguments:
                    yield reverse(f"admin:{pattern.name}")
                elif arguments == ["object_id"] and obj is not None:
                    yield reverse(f"admin:{pattern.name}", args=[obj.pk])
            except NoReverseMatch:
                continue
    # The custom pages with other arguments (an action on a complaint, a request's decision, a day's bookings).
    yield from _custom_urls(records).values()


def test_every_admin_page_of_every_role_in_chinese_shows_no_english_ui_text(world):  # noqa: F811
    wrong, read = [], {}
    # Staff are named as in the demo: a user name equal to a message id ("handler") would read as English UI.
    # The steps already recorded name staff by the user names they had then (an account name is data).
    former_names = set()
    for role, user in world["users"].items():
        former_names.add(user.username)
        user.username, user.first_name, user.last_name = f"staff{user.pk}", NAMES[role][1:], NAMES[role][0]
        user.save()
    for role in [*(role for role in ROLES if role != "anonymous"), "superuser"]:
        user = world["users"][role]
        client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
        client.force_login(user)
        read[role] = 0
        for url in dict.fromkeys(_urls(world, user)):
            response = client.get(url)
            if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
                continue
            read[role] += 1
            assert response.headers.get("Content-Language") == "zh-hans", url
            html = response.content.decode()
            texts = dict.fromkeys(text for text in untranslated(html) if text not in former_names)
            if re.search(r'<(?!ol\b)\w+[^>]*class="breadcrumbs"', html):  # the admin styles only ol.breadcrumbs
                texts['(breadcrumbs not in Django 6.1\'s <ol class="breadcrumbs">)'] = None
            wrong.extend(f"{role} {url}: {text!r}" for text in texts)
    assert min(read.values()) >= 3, read
    assert not wrong, "\n".join(dict.fromkeys(wrong))


def test_the_admins_javascript_catalog_translates_every_string_of_djangos_admin_scripts(make_user):
    client = Client()
    client.force_login(make_user())
    response = client.get(reverse("admin:jsi18n"))
    assert response.status_code == 200 and response.headers["Content-Language"] == "zh-hans"
    english = polib.pofile(str(DJANGO / "contrib" / "admin" / "locale" / "en" / "LC_MESSAGES" / "djangojs.po"))
    entries = json.loads(re.search(r"const newcatalog = (\{.*?\});", response.content.decode(), re.S).group(1))
    missing = [
        entry.msgid
        for entry in english
        if (f"{entry.msgctxt}\x04" if entry.msgctxt else "") + entry.msgid not in entries
    ]
    assert missing == []


def test_the_checker_tells_english_ui_from_data():
    page = (
        "<h1>Filter by 收到时间</h1><p>筛选</p><table id='result_list'><tr><td>Ping An Life Insurance Company</td>"
        "</tr></table><input type='submit' value='Save and continue editing'><textarea>Please call me back</textarea>"
        "<label>The complaint was closed</label><span>张三</span><option>- Select an option -</option>"
        "<table><thead><tr><th>Task name</th></tr></thead><tbody><tr><th>Beijing</th></tr></tbody></table>"
    )
    assert untranslated(page) == [
        "Filter by 收到时间",
        "Save and continue editing",
        "The complaint was closed",
        "- Select an option -",
        "Task name",
    ]


def test_one_english_word_with_two_meanings_has_the_chinese_of_its_meaning():

    from complaints.models import Complaint
    from notices.models import Notice
    from portal.messaging.models import Message
    from portal.models import Branch, Holiday
    from reception.models import Booking, DayStatus, ReceptionDay

    def label(model, field):
        return str(model._meta.get_field(field).verbose_name)

    with translation.override("zh-hans"):
        assert (label(Complaint, "category"), label(Notice, "category")) == ("投诉类别", "栏目")
        assert (label(Booking, "name"), label(Branch, "name")) == ("姓名", "名称")
        assert (label(ReceptionDay, "title"), label(Notice, "title")) == ("职务", "标题")
        assert (label(Holiday, "date"), label(ReceptionDay, "date")) == ("日期", "接待日期")
        assert (label(Message, "channel"), label(Complaint, "channel")) == ("发送渠道", "投诉渠道")
        assert str(DayStatus.SCHEDULED.label) == "已安排"
        # Looked up through other names, so that makemessages takes no message id from this file.
        translated, in_context = translation.gettext, translation.pgettext
        assert in_context("notice", "Scheduled") == "定时发布"
        # The dashboard's "Change" (a difference) is not the admin's "Change" (修改) any more.
        assert (translated("Change"), in_context("comparison", "Change")) == ("修改", "变化")
