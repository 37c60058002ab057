"""``econ init DIR``: a research folder from the installed package, never overwriting."""

import hashlib
import json
from pathlib import Path

import pytest

from econ.cli import main
from econ.commands.init import RECORD, scaffold, template_files

ROOT = Path(__file__).parents[1]


def test_the_templates_are_the_repository_files():
    """One copy: the package's paper and notebooks are the repository's (symbolic links)."""
    files = template_files()
    assert files["paper/paper.typ"].read_bytes() == (ROOT / "paper" / "paper.typ").read_bytes()
    notebooks = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
    assert notebooks and all(f"notebooks/{name}" in files for name in notebooks)
    assert "specs/baseline.toml" in files and "paper/refs.bib" in files


def test_init_writes_every_template_and_a_record(tmp_path, capsys):
    folder = tmp_path / "research"
    assert main(["init", str(folder)]) == 0
    written = {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()}
    assert written == {*template_files(), RECORD}
    record = json.loads((folder / RECORD).read_text())
    assert set(record["files"]) == set(template_files())
    assert "econ study --quick" in capsys.readouterr().out


def test_a_second_init_writes_nothing_and_restores_what_is_missing(tmp_path):
    scaffold(tmp_path)
    assert scaffold(tmp_path) == []
    (tmp_path / "paper" / "refs.bib").unlink()
    assert scaffold(tmp_path) == [tmp_path / "paper" / "refs.bib"]


def test_init_updates_its_own_unchanged_files(tmp_path):
    """A file econ init wrote and nobody changed follows a newer template."""
    scaffold(tmp_path)
    spec = tmp_path / "specs" / "smoke.toml"
    old = b"# an older template\n"
    spec.write_bytes(old)
    record = json.loads((tmp_path / RECORD).read_text())
    record["files"]["specs/smoke.toml"] = hashlib.sha256(old).hexdigest()
    (tmp_path / RECORD).write_text(json.dumps(record))
    assert scaffold(tmp_path) == [spec]
    assert spec.read_bytes() == template_files()["specs/smoke.toml"].read_bytes()


@pytest.mark.parametrize("changed", ["mine", "edited"])
def test_init_refuses_to_overwrite_a_file_it_did_not_write(tmp_path, capsys, changed):
    if changed == "edited":
        scaffold(tmp_path)
    paper = tmp_path / "paper" / "paper.typ"
    paper.parent.mkdir(parents=True, exist_ok=True)
    paper.write_text("my own paper\n")
    before = sorted(tmp_path.rglob("*"))
    assert main(["init", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "would overwrite paper/paper.typ" in err and "never overwrites" in err
    assert paper.read_text() == "my own paper\n"
    assert sorted(tmp_path.rglob("*")) == before  # nothing written at all


def test_init_on_a_bad_path_fails_in_one_line(tmp_path, capsys):
    afile = tmp_path / "a_file"
    afile.write_text("x")
    for folder in (afile, afile / "below"):
        assert main(["init", str(folder)]) == 2
        err = capsys.readouterr().err.strip()
        assert err.startswith("econ init: error:") and len(err.splitlines()) == 1
    assert afile.read_text() == "x"


def test_init_refuses_a_damaged_record(tmp_path, capsys):
    (tmp_path / RECORD).write_text("not json")
    assert main(["init", str(tmp_path)]) == 2
    assert "not a record econ init wrote" in capsys.readouterr().err
