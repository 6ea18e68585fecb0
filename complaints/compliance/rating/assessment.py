"""The rating self-assessment (自评) drafted from the year's figures, in Chinese, for compliance to edit:

- a draft notice (announcements category, slug `rating-self-assessment-<year>`, never published here) whose body
  has one section per element with its weight and figures; a second run rewrites the figures of the draft there
  is and keeps the editor's own text below the marker line of each element;
- the same text as a PDF (portal.pdf, the way the disclosure's key figures are made), attached to the draft in
  Chinese and offered on the rating page.
"""

import re

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from notices import services as notice_services
from notices.models import Category as NoticeCategory
from notices.models import Notice
from notices.models import Status as NoticeStatus
from portal.actors import system_actor
from portal.pdf import summary_pdf, wrap

from .figures import figure_label, rating_figures

PERMISSION = "complaints.draft_disclosure"
# The editor writes below this line of each element; a new draft keeps what is there.
EDITOR_MARK = "（以下由合规部门补充说明与佐证材料）"
PDF_WIDTH = 76


def slug(year: int) -> str:
    return f"rating-self-assessment-{year}"


def _value(figure: dict) -> str:
    value = figure["value"]
    if value is None:
        return f"暂无数据（{figure['reason'].rstrip('。.')}）"
    if figure["unit"] == "percent":
        return f"{value}%"
    if figure["unit"] == "per_100m_premium":
        return f"{value}件/亿元保费"
    if figure["unit"] == "per_10k_policies":
        return f"{value}件/万张保单"
    return f"{value}"


def element_sections(year: int) -> list[tuple[str, str]]:
    """(heading, figures text) of each element, in Chinese."""
    with translation.override("zh-hans"):
        report = rating_figures(year)
        sections = []
        for element in report["elements"]:
            heading = f"## {element['name']}（权重{element['weight']}%）"
            lines = [f"- {figure_label(figure['key'])}：{_value(figure)}" for figure in element["figures"]]
            sections.append((heading, "\n".join(lines)))
    return sections


def assessment_text(year: int, editor_text: dict[str, str] | None = None) -> str:
    editor_text = editor_text or {}
    parts = [
        f"# {year}年度消费者权益保护监管评价自评报告（草稿）",
        f"依据《金融机构消费者权益保护监管评价办法》，以下为公司{year}年度自评所需的数据，"
        "由消费者权益保护服务平台根据当年记录生成；“暂无数据”项须由合规部门补充。",
    ]
    for heading, figures in element_sections(year):
        parts += [heading, figures, EDITOR_MARK]
        if editor_text.get(heading):
            parts.append(editor_text[heading])
    return "\n\n".join(parts).rstrip() + "\n"


def _editor_text(body: str) -> dict[str, str]:
    """What the editor wrote under each element's marker line, by the element's heading."""
    kept = {}
    for match in re.finditer(r"^(## .+?)$(.*?)(?=^## |\Z)", body or "", re.MULTILINE | re.DOTALL):
        heading, rest = match.group(1).strip(), match.group(2)
        if EDITOR_MARK in rest:
            text = rest.split(EDITOR_MARK, 1)[1].strip()
            if text:
                kept[re.sub(r"（权重\d+%）$", "", heading)] = text
    return kept


def _keyed(editor_text: dict[str, str], year: int) -> dict[str, str]:
    """The editor's text keyed by the headings of this draft (a weight changed since keeps the text)."""
    return {
        heading: editor_text[re.sub(r"（权重\d+%）$", "", heading)]
        for heading, _figures in element_sections(year)
        if re.sub(r"（权重\d+%）$", "", heading) in editor_text
    }


def assessment_pdf(notice: Notice) -> bytes:
    lines = []
    for line in notice.body_zh_hans.splitlines():
        lines += wrap(line.lstrip("# "), PDF_WIDTH)
    return summary_pdf(lines, chinese=True)


@transaction.atomic
def assessment_draft(*, year: int, actor) -> tuple[Notice, bool]:
    """Create the year's self-assessment draft, or rewrite the figures of the draft there is (keeping the
    editor's text); attach its PDF (replacing the earlier one). Returns the notice and whether it was created."""
    if actor is None or not actor.has_perm(PERMISSION):
        raise PermissionDenied(_("You do not have permission to do this."))
    draft = (
        Notice.objects.select_for_update()
        .filter(category=NoticeCategory.ANNOUNCEMENTS, slug=slug(year), status=NoticeStatus.DRAFT)
        .first()
    )
    created = draft is None
    if created:
        notice = notice_services.notice_create(
            actor=actor,
            category=NoticeCategory.ANNOUNCEMENTS,
            title_zh_hans=f"{year}年度消费者权益保护监管评价自评报告（草稿）",
            summary_zh_hans=f"{year}年度消费者权益保护监管评价自评，供合规部门编辑，不对外发布。",
            body_zh_hans=assessment_text(year),
            slug=slug(year),
        )
    else:
        kept = _keyed(_editor_text(draft.body_zh_hans), year)
        notice = notice_services.notice_update(notice=draft, actor=actor, body_zh_hans=assessment_text(year, kept))
    # The PDF is the drafter's output, attached by the system (a compliance officer keeps no attachments).
    for attachment in notice.attachments.all():
        notice_services.notice_attachment_remove(attachment=attachment, actor=system_actor())
    notice_services.notice_attachment_add(
        notice=notice,
        actor=system_actor(),
        upload=SimpleUploadedFile(f"rating-self-assessment-{year}.pdf", assessment_pdf(notice)),
        language="zh-hans",
    )
    return notice, created
