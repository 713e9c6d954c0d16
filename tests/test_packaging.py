"""Packaging: rules and models ship inside the package and are found through importlib.resources;
the wheel carries them and nothing else of the repository; constraints.txt pins what is tested.
(.ci/run goes further: it builds sdist and wheel and runs the wheel in a fresh venv.)"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from importlib import metadata
from importlib.resources import files
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from service import paths
from service.models import build_models

REPO = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


def constraints() -> dict[str, str]:
    pins = {}
    for line in (REPO / "constraints.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, sep, version = line.partition("==")
            assert sep and version, f"constraints.txt: {line!r} is not an exact pin"
            pins[canonicalize_name(name)] = version
    return pins


def closure(requirements: list[str], extras: tuple[str, ...] = ()) -> dict[str, Requirement]:
    """Every distribution the requirements pull in, as installed here (markers evaluated)."""
    found: dict[str, Requirement] = {}
    todo = [(Requirement(r), extras) for r in requirements]
    while todo:
        req, with_extras = todo.pop()
        if req.marker and not any(req.marker.evaluate({"extra": e}) for e in (with_extras or ("",))):
            continue
        name = canonicalize_name(req.name)
        if name in found:
            continue
        found[name] = req
        for sub in metadata.requires(req.name) or []:
            todo.append((Requirement(sub), tuple(req.extras)))
    return found


# ---- where the data is found ----------------------------------------------------------------


def test_rules_and_models_resolve_through_importlib_resources_to_the_checkout():
    """The editable install maps service.rules/service.models onto the repository's rules/ and
    models/ (no copy: an edit to rules/messages.toml is read at once)."""
    rules, models = files("service.rules"), files("service.models")
    assert isinstance(rules, Path) and isinstance(models, Path)
    assert rules.resolve() == (REPO / "rules").resolve()
    assert models.resolve() == (REPO / "models").resolve()
    if "IDPHOTO_RULES_DIR" not in os.environ:
        assert paths.RULES_DIR == rules
    if "IDPHOTO_MODELS_DIR" not in os.environ:
        assert paths.MODELS_DIR == models
    assert {"e-legitymacja.toml", "register-1mb.toml", "messages.toml"} <= {p.name for p in rules.iterdir()}


def test_the_packaged_pin_check_passes_on_the_models_the_engine_reads():
    assert build_models.verify(paths.MODELS_DIR) == []


def test_an_override_must_name_a_real_folder_with_the_data(tmp_path, monkeypatch):
    monkeypatch.setenv("IDPHOTO_RULES_DIR", str(tmp_path / "missing"))
    with pytest.raises(paths.DataDirError, match=r"IDPHOTO_RULES_DIR=.*missing.*not a directory"):
        paths.data_dir("service.rules", "IDPHOTO_RULES_DIR", "messages.toml")
    monkeypatch.setenv("IDPHOTO_RULES_DIR", str(tmp_path))
    with pytest.raises(paths.DataDirError, match="no messages.toml"):
        paths.data_dir("service.rules", "IDPHOTO_RULES_DIR", "messages.toml")
    (tmp_path / "messages.toml").write_text("")
    assert paths.data_dir("service.rules", "IDPHOTO_RULES_DIR", "messages.toml") == tmp_path
    monkeypatch.delenv("IDPHOTO_RULES_DIR")
    with pytest.raises(paths.DataDirError, match="package service.nothing is not installed"):
        paths.data_dir("service.nothing", "IDPHOTO_RULES_DIR", "messages.toml")


def test_a_missing_override_stops_the_import_instead_of_falling_back(tmp_path):
    env = os.environ | {"IDPHOTO_MODELS_DIR": str(tmp_path / "gone")}
    done = subprocess.run([sys.executable, "-c", "import service"], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    assert f"IDPHOTO_MODELS_DIR={tmp_path / 'gone'}" in done.stderr and "DataDirError" in done.stderr


# ---- the wheel ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> zipfile.ZipFile:
    """The wheel pip builds from a copy of this tree (isolated build, ~10 s; in a copy, as
    setuptools leaves build/ beside the sources, and stale files there would reach the wheel)."""
    source, out = tmp_path_factory.mktemp("source"), tmp_path_factory.mktemp("wheel")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, source / name)
    for name in ("service", "rules", "models"):
        shutil.copytree(REPO / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-c", str(REPO / "constraints.txt"), "-w", str(out), str(source)],
        capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    (path,) = out.glob("idphoto-*.whl")
    with zipfile.ZipFile(path) as whl:
        yield whl


def test_the_wheel_carries_every_profile_and_model_inside_the_package(wheel):
    names = set(wheel.namelist())
    for profile in (REPO / "rules").glob("*.toml"):
        assert f"service/rules/{profile.name}" in names
    for model, pinned in build_models.PINNED_SHA256.items():
        assert hashlib.sha256(wheel.read(f"service/models/{model}")).hexdigest() == pinned
    assert {"service/models/canonical_face.json", "service/models/README.md", "service/models/build_models.py"} <= names
    assert {"service/web/static/index.html", "service/web/static/app.js", "service/web/static/app.css"} <= names


def test_every_package_and_module_of_the_source_tree_is_in_the_wheel(wheel):
    """The packages are listed by hand in pyproject.toml (discovery cannot list the mapped
    rules and models): a new subpackage left out would be missing from the wheel only."""
    listed = set(PYPROJECT["tool"]["setuptools"]["packages"])
    names = set(wheel.namelist())
    for init in sorted((REPO / "service").rglob("__init__.py")):
        package = ".".join(init.parent.relative_to(REPO).parts)
        assert package in listed, f"{package} is not in [tool.setuptools] packages in pyproject.toml"
    for module in sorted((REPO / "service").rglob("*.py")):
        assert module.relative_to(REPO).as_posix() in names, f"{module} is not in the wheel"


def test_the_wheel_holds_the_package_and_nothing_else_of_the_repository(wheel):
    tops = {name.split("/", 1)[0] for name in wheel.namelist()}
    assert tops == {"service", f"idphoto-{PYPROJECT['project']['version']}.dist-info"}
    assert not [n for n in wheel.namelist() if re.search(r"(^|/)(tests|benchmarks|examples|ops)/|conftest\.py$|__pycache__", n)]
    (entry_points,) = [n for n in wheel.namelist() if n.endswith(".dist-info/entry_points.txt")]
    assert "idphoto = service.cli:main" in wheel.read(entry_points).decode()


# ---- pinned versions ------------------------------------------------------------------------


def test_constraints_pin_every_runtime_and_test_dependency_at_the_tested_version():
    """Every distribution the service and the test extra pull in is pinned, and the pin is what
    is installed here (CI installs with -c constraints.txt). After changing a dependency:
    python ops/freeze_constraints.py."""
    pins = constraints()
    project = PYPROJECT["project"]
    needed = closure(project["dependencies"]) | closure(project["optional-dependencies"]["test"])
    unpinned = sorted(set(needed) - set(pins))
    assert not unpinned, f"not in constraints.txt: {unpinned} (run python ops/freeze_constraints.py)"
    for name, req in needed.items():
        assert req.specifier.contains(pins[name], prereleases=True), f"{name}=={pins[name]} does not satisfy {req}"
        assert metadata.version(name) == pins[name], f"{name} {metadata.version(name)} installed, {pins[name]} pinned"
    assert canonicalize_name(project["name"]) not in pins


def test_the_build_backend_is_pinned_and_every_install_uses_the_constraints():
    pins = constraints()
    for requirement in PYPROJECT["build-system"]["requires"]:
        req = Requirement(requirement)
        assert req.specifier.contains(pins[canonicalize_name(req.name)])
    dockerfile = (REPO / "Dockerfile").read_text(encoding="utf-8")
    pip_installs = re.findall(r"pip (?:--python \S+ )?install [^\n]*", dockerfile)
    assert pip_installs and all("-c constraints.txt" in line for line in pip_installs)
    assert "COPY --from=builder /opt/idphoto /opt/idphoto" in dockerfile  # the final stage takes the venv only


def test_ci_runs_the_readmes_test_command():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    quick_start = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = quick_start.split("```sh\n", 1)[1].split("```", 1)[0].splitlines()
    assert len(block) == 2 and "-c constraints.txt" in block[0] and "[test]" not in block[0]
    test_command = block[1]
    assert "-c constraints.txt" in test_command and "pytest" in test_command
    assert test_command in (REPO / ".ci" / "run").read_text(encoding="utf-8")
