"""The workflow's layout: complaints/services.py is a short public import path over complaints/workflow/."""

from pathlib import Path

from complaints import services

ROOT = Path(__file__).resolve().parents[2]


def test_the_public_services_module_is_a_short_list_of_re_exports():
    assert len((ROOT / "complaints" / "services.py").read_text(encoding="utf-8").splitlines()) < 150


def test_every_workflow_module_is_under_six_hundred_lines():
    sizes = {
        path.name: len(path.read_text(encoding="utf-8").splitlines())
        for path in (ROOT / "complaints" / "workflow").glob("*.py")
    }
    assert sizes and {name: size for name, size in sizes.items() if size >= 600} == {}


def test_every_name_the_services_module_exports_is_importable_from_it():
    assert all(hasattr(services, name) for name in services.__all__)
