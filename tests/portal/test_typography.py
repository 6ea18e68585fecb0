"""Chinese text uses full-width punctuation (，。：；？！（）): in the zh catalog, the templates and the demo content.

Half-width punctuation next to Chinese characters reads as machine-made to a Chinese reader. The check works on
the text a reader sees: msgstr entries of the catalog, template text outside tags, and the string literals of the
demo modules (English docstrings with a Chinese gloss, "Accept (受理) the complaint", are English and not checked).
"""

import io
import re
import tokenize
import tomllib
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2]
ZH_PO = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
DEMO_MODULES = sorted(
    [
        *ROOT.glob("*/demo.py"),
        *ROOT.glob("*/demo_*.py"),
        *ROOT.glob("*/volume.py"),
        *ROOT.glob("*/volume/*.py"),
    ]
)
# The demo's texts, kept as data beside the demo modules.
DEMO_DATA = sorted([*ROOT.glob("*/demo_data/*.toml"), *ROOT.glob("*/*/demo_data/*.toml")])
TEMPLATES = sorted((ROOT / "templates").rglob("*.html"))

HAN = "\u3400-\u4dbf\u4e00-\u9fff"
# Characters after which (or before which) Chinese punctuation is due: Chinese and its own full-width marks.
CHINESE = HAN + "\u3001\u3002\u300a-\u3011\uff01\uff08\uff09\uff0c\uff1a\uff1b\uff1f\u201c\u201d\u2018\u2019"
FULL = {",": "，", ":": "：", ";": "；", "?": "？", "!": "！", ".": "。", "(": "（", ")": "）"}
_MARK = re.compile(
    rf"(?<=[{CHINESE}])[,:;?!] ?|(?<!\s)[,;?!] ?(?=[{HAN}])|(?<![\d\s]): ?(?=[{HAN}])"
    rf"|(?<=[{HAN}）])\.(?=$|\s|[{CHINESE}\"'“”])"
)
# A bracket pair that is not a %(name)s placeholder and holds Chinese, or stands next to it.
_PAIR = re.compile(r"( ?)(?<!%)\(([^()]*)\)( ?)")


_PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|\{[a-z_]+\}")


def full_width(text: str) -> str:
    """`text` with the half-width punctuation next to Chinese made full-width (and the spaces around it gone).
    Placeholders (%(name)s, {name}) are kept as they are and count as neither Chinese nor punctuation."""
    placeholders = _PLACEHOLDER.findall(text)
    for index, placeholder in enumerate(placeholders):
        text = text.replace(placeholder, chr(0xE000 + index), 1)
    text = _full_width(text)
    for index, placeholder in enumerate(placeholders):
        text = text.replace(chr(0xE000 + index), placeholder, 1)
    return text


def _full_width(text: str) -> str:
    def pair(match):
        before, inner, after = match.group(1), match.group(2), match.group(3)
        start, end = match.start(), match.end()
        left = text[start - 1] if start else ""
        right = text[end] if end < len(text) else ""
        chinese = re.compile(f"[{CHINESE}]")
        if re.search(f"[{HAN}]", inner) or chinese.match(left or " ") or chinese.match(right or " "):
            if not (before and not chinese.match(left or " ")):
                before = ""
            if not (after and not chinese.match(right or " ")):
                after = ""
            return f"{before}（{inner}）{after}"
        return match.group(0)

    text = _PAIR.sub(pair, text)
    return _MARK.sub(lambda match: FULL[match.group(0).strip()], text)


def _is_chinese_text(value: str) -> bool:
    han = len(re.findall(f"[{HAN}]", value))
    return han > 0 and han >= len(re.findall(r"[A-Za-z]", value))


def catalog_findings() -> list[str]:
    return [
        entry.msgstr for entry in polib.pofile(str(ZH_PO)) if entry.msgstr and full_width(entry.msgstr) != entry.msgstr
    ]


def template_findings(path: Path) -> list[str]:
    text = re.sub(r"{%.*?%}|{{.*?}}|<[^>]*>", "\n", path.read_text(encoding="utf-8"), flags=re.S)
    return [line for line in text.splitlines() if _is_chinese_text(line) and full_width(line) != line]


def python_strings(path: Path):
    """(start, end, text) of every string literal's text in a module (f-string parts included)."""
    source = path.read_text(encoding="utf-8")
    kinds = {tokenize.STRING, getattr(tokenize, "FSTRING_MIDDLE", -1)}
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type in kinds:
            yield token.start, token.end, token.string


def module_findings(path: Path) -> list[str]:
    return [text for _, _, text in python_strings(path) if _is_chinese_text(text) and full_width(text) != text]


def data_strings(value):
    """Every string in a parsed data file, at any depth."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from data_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from data_strings(item)


def data_findings(path: Path) -> list[str]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return [text for text in data_strings(data) if _is_chinese_text(text) and full_width(text) != text]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("查看公告信息,提交投诉", "查看公告信息，提交投诉"),
        ("发生了什么?", "发生了什么？"),
        ("长辈版(大字)", "长辈版（大字）"),
        ("格式为PDF或Word(DOCX)。", "格式为PDF或Word（DOCX）。"),
        ("共%(count)s个(含附件)", "共%(count)s个（含附件）"),
        ("%(date)s(预约编号 %(number)s)。", "%(date)s（预约编号 %(number)s）。"),
        ("10 MB,格式", "10 MB，格式"),
        ("时间: 9:00-17:00", "时间：9:00-17:00"),
        ("上午9:00-12:00,下午13:30-18:00", "上午9:00-12:00，下午13:30-18:00"),
        ("E.g. TS-20261121 (English)", "E.g. TS-20261121 (English)"),
    ],
)
def test_half_width_punctuation_next_to_chinese_is_made_full_width(typed, expected):
    assert full_width(typed) == expected


def test_the_chinese_catalog_uses_full_width_punctuation():
    assert catalog_findings() == []


def test_templates_use_full_width_punctuation_in_chinese_text():
    findings = {str(path.relative_to(ROOT)): template_findings(path) for path in TEMPLATES}
    assert {path: lines for path, lines in findings.items() if lines} == {}


def test_demo_content_uses_full_width_punctuation():
    assert DEMO_MODULES, "no demo module found"
    findings = {str(path.relative_to(ROOT)): module_findings(path) for path in DEMO_MODULES if path.exists()}
    findings |= {str(path.relative_to(ROOT)): data_findings(path) for path in DEMO_DATA}
    assert {path: texts for path, texts in findings.items() if texts} == {}
