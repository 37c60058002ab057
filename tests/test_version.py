"""Citable software: one version, shown by ``econ --version`` and recorded in every manifest;
CITATION.cff (valid Citation File Format 1.2.0) and CHANGELOG.md (Keep a Changelog) agree
with it.

``tests/data/citation-cff-1.2.0.schema.json`` is the Citation File Format's own JSON schema
(https://citation-file-format.github.io, CC-BY-4.0), as the ``cffconvert`` validator ships it.
"""

from __future__ import annotations

import json
import re
import tomllib
from importlib import metadata
from pathlib import Path

import jsonschema
import pytest
import yaml
from packaging.version import Version

import econ
from econ import __version__
from econ.cli import main
from econ.experiment import parse_spec, run

ROOT = Path(__file__).parents[1]
SEMVER = re.compile(r"^(\d+)\.(\d+)\.(\d+)(\.dev\d+)?$")
KEEP_A_CHANGELOG_KINDS = {"Added", "Changed", "Deprecated", "Removed", "Fixed", "Security"}


def test_version_is_semantic_and_written_once():
    assert SEMVER.match(__version__), f"{__version__!r} is not X.Y.Z or X.Y.Z.devN"
    Version(__version__)  # and valid PEP 440
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "version" not in project["project"] and "version" in project["project"]["dynamic"]
    attr = project["tool"]["setuptools"]["dynamic"]["version"]["attr"]
    module, name = attr.rsplit(".", 1)
    assert module == "econ._version" and getattr(econ._version, name) == __version__
    written = [
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / "econ").rglob("*.py")
        if re.search(r"^__version__\s*=", path.read_text(), re.M)
    ]
    assert written == ["econ/_version.py"]


def test_installed_metadata_carries_the_version():
    """Where this checkout is the installed distribution (CI's editable install), its
    metadata version is the one in econ/_version.py."""
    dist = metadata.distribution("econ-datamarket")
    direct = json.loads(dist.read_text("direct_url.json") or "{}")
    if direct.get("url", "").rstrip("/") != ROOT.resolve().as_uri():
        pytest.skip("econ-datamarket is installed from another checkout")
    assert dist.version == __version__


def test_econ_version_prints_the_version(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out == f"econ {__version__}\n"
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts["econ"] == "econ.cli:main"


def test_every_manifest_records_the_version(tmp_path):
    spec = parse_spec(
        {
            "experiment": {"name": "v", "scenario": "small", "n_firms": 60, "steps": 2},
            "design": {"type": "factorial", "factors": {"openness": [0.0]}},
        }
    )
    results = run(spec, executor="serial", out=tmp_path / "v", progress=False)
    manifest = json.loads((tmp_path / "v" / "manifest.json").read_text())
    assert manifest["econ_version"] == results.manifest["econ_version"] == __version__


def test_citation_cff_is_valid_and_names_this_version():
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    schema = json.loads((ROOT / "tests/data/citation-cff-1.2.0.schema.json").read_text())
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())
    errors = [f"{list(e.path)}: {e.message}" for e in validator.iter_errors(cff)]
    assert not errors, errors
    assert cff["version"] == __version__
    assert cff["license"] == "MIT" and cff["title"].startswith("econ")
    paper = re.search(r'#set document\(title: "([^"]+)"', (ROOT / "paper/paper.typ").read_text())
    assert cff["preferred-citation"]["title"] == paper.group(1)
    if not Version(__version__).is_devrelease:
        assert "date-released" in cff, "a release names its date"


def test_changelog_follows_keep_a_changelog():
    text = (ROOT / "CHANGELOG.md").read_text()
    assert text.startswith("# Changelog\n")
    assert "keepachangelog.com" in text and "semver.org" in text
    sections = re.findall(r"^## \[([^\]]+)\](?: - (\d{4}-\d{2}-\d{2}))?$", text, re.M)
    assert sections[0] == ("Unreleased", ""), "the first section is Unreleased"
    released = [Version(v) for v, _ in sections[1:]]
    assert released and all(date for _, date in sections[1:]), "released sections are dated"
    assert released == sorted(released, reverse=True), "newest release first"
    assert Version("0.1.0") in released
    kinds = set(re.findall(r"^### (.+)$", text, re.M))
    assert kinds <= KEEP_A_CHANGELOG_KINDS, kinds - KEEP_A_CHANGELOG_KINDS
    version = Version(__version__)
    if version.is_devrelease:
        assert version > released[0], "work toward the next release follows the last one"
    else:
        assert version in released, f"CHANGELOG.md has no section for {__version__}"
