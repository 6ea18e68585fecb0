"""Every UI string is translated, and the catalogs are in step with the code (no string missing from them)."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parents[2]
ZH_PO = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
SOURCES = ["manage.py", "portal", "notices", "complaints", "reception", "templates"]


def test_every_chinese_message_is_translated_and_none_is_fuzzy():
    catalog = polib.pofile(str(ZH_PO))
    pending = [e.msgid for e in catalog if not e.obsolete and (not e.translated() or "fuzzy" in e.flags)]
    assert pending == []


def test_catalog_contains_every_string_the_code_marks_for_translation(tmp_path):
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
        else:
            shutil.copy(source, tmp_path / name)
    (tmp_path / "locale").mkdir()
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "--no-obsolete"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        env={"DJANGO_DEBUG": "1", "PATH": "/usr/bin:/bin", "PYTHONPATH": str(tmp_path)},
    )
    assert result.returncode == 0, result.stderr
    fresh = {e.msgid for e in polib.pofile(str(tmp_path / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"))}
    committed = {e.msgid for e in polib.pofile(str(ZH_PO)) if not e.obsolete}
    assert sorted(fresh - committed) == [], "run `make messages` and translate the new strings"
