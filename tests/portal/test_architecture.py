"""The house's rules that code review alone would let slip: which modules may import which."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = ("portal", "notices", "complaints", "reception")


def _modules() -> dict[str, Path]:
    found = {}
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            found[name.removesuffix(".__init__")] = path
    return found


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    """Every project module `name` imports, at module level or inside functions."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            targets.add(base)
            targets.update(f"{base}.{alias.name}" for alias in node.names)
    return {target for target in targets if target in known and target != name}


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(name, path, set(modules)) for name, path in modules.items()}


def test_no_two_project_modules_import_each_other(graph):
    pairs = sorted({tuple(sorted((a, b))) for a, targets in graph.items() for b in targets if a in graph.get(b, ())})
    assert pairs == []


def test_portal_imports_no_app(graph):
    leaks = {name: sorted(t for t in targets if not t.startswith("portal")) for name, targets in graph.items()}
    assert {name: targets for name, targets in leaks.items() if name.startswith("portal") and targets} == {}


def test_complaints_and_reception_do_not_import_each_other_except_the_visit_service(graph):
    assert not [
        t
        for name, targets in graph.items()
        if name.startswith("complaints")
        for t in targets
        if t.startswith("reception")
    ]


def test_the_workflow_core_imports_from_compliance_only_the_exporter(graph):
    # The management commands are entry points of both halves; the app's configuration loads the package.
    outside = (".compliance", ".management", "complaints.apps")
    core = {
        name: targets
        for name, targets in graph.items()
        if name.startswith("complaints") and not any(part in name for part in outside)
    }
    used = {t for targets in core.values() for t in targets if t.startswith("complaints.compliance")}
    assert used <= {"complaints.compliance", "complaints.compliance.exports"}


def test_reception_never_imports_the_compliance_sub_package(graph):
    # Reception's retention step is registered through portal.registry; the anonymised markers are portal.privacy's.
    assert [
        f"{name} -> {t}"
        for name, targets in graph.items()
        if name.startswith("reception")
        for t in targets
        if t.startswith("complaints.compliance")
    ] == []


def _compliance_model_names() -> set[str]:
    """The models that remain in the compliance sub-package (complaints/compliance/models.py)."""
    tree = ast.parse((ROOT / "complaints" / "compliance" / "models.py").read_text(encoding="utf-8"))
    return {node.name for node in tree.body if isinstance(node, ast.ClassDef) and node.bases}


def test_the_workflow_core_never_reaches_compliance_models_by_string():
    # The core (complaints/ outside compliance/) names no compliance model as "complaints.<Model>" nor through
    # apps.get_model(...): only the models of the core (root causes and remediation items among them) are its own.
    names = {name.lower() for name in _compliance_model_names()}
    assert {"exportlog", "reportingvolume"} <= names
    found = []
    for module, path in _modules().items():
        if not module.startswith("complaints") or module.startswith("complaints.compliance"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                label, _dot, model = node.value.partition(".")
                if label == "complaints" and model.lower() in names:
                    found.append(f"{module}:{node.lineno} {node.value}")
            elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) == "get_model":
                for arg in node.args:
                    if isinstance(arg, ast.Constant) and str(arg.value).lower() in names:
                        found.append(f"{module}:{node.lineno} get_model({arg.value!r})")
    assert found == []


def test_the_workflow_core_reaches_root_causes_and_remediation_by_import_not_through_the_app_registry():
    found = []
    for module, path in _modules().items():
        if not module.startswith("complaints") or module.startswith("complaints.compliance"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) == "get_model"
            ) or (isinstance(node, ast.Attribute) and node.attr == "related_model"):
                found.append(f"{module}:{node.lineno}")
    assert found == []


def test_the_working_day_rules_live_once():
    defined = {}
    for module, path in _modules().items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and node.name in (
                "is_working_day",
                "next_working_day",
                "previous_working_day",
            ):
                defined.setdefault(node.name, []).append(module)
    assert defined == {
        name: ["portal.workdays"] for name in ("is_working_day", "next_working_day", "previous_working_day")
    }


def test_compliance_is_a_package_and_no_suffix_modules_remain():
    assert (ROOT / "complaints" / "compliance" / "__init__.py").is_file()
    assert sorted(path.name for path in ROOT.glob("*/*_compliance.py")) == []


def test_the_public_forms_share_one_honeypot_and_one_field_template():
    from complaints.forms import ComplaintForm
    from portal.forms import HoneypotMixin
    from reception.forms import BookingForm

    assert issubclass(ComplaintForm, HoneypotMixin) and issubclass(BookingForm, HoneypotMixin)
    for form in (ComplaintForm, BookingForm):
        assert "clean_website" not in vars(form)
    templates = ROOT / "templates"
    field_templates = sorted(p.relative_to(templates).as_posix() for p in templates.rglob("*field*.html"))
    assert [p for p in field_templates if not p.startswith("admin/")] == ["includes/field.html"]
    for page in ("complaints/new.html", "reception/book.html"):
        text = (templates / page).read_text(encoding="utf-8")
        assert '{% include "includes/honeypot.html" %}' in text
        assert '{% include "includes/error_summary.html" %}' in text


def test_no_translated_string_hides_in_an_f_string_where_makemessages_cannot_see_it():
    names = {"_", "gettext", "gettext_lazy", "pgettext", "pgettext_lazy", "ngettext", "ngettext_lazy"}
    hidden = []
    for name, path in _modules().items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.JoinedStr):
                for call in ast.walk(node):
                    if isinstance(call, ast.Call) and getattr(call.func, "id", None) in names:
                        hidden.append(f"{name}:{call.lineno}")
    assert hidden == []
