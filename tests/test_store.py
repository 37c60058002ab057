"""The store verifies what it trusts, touches only its own files and shares no folder
unknowingly: damaged runs are named by load() and re-run by a resumed sweep; records and
series name each other; clean-up never leaves the store; files respect the umask."""

import json
import os
import shutil
import stat
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from econ.cli import main
from econ.experiment import parse_spec, run
from econ.experiment.store import (
    TEMPORARY_PREFIX,
    DamagedResultsError,
    ResultsFolderError,
    ResultStore,
    load,
    write_atomic,
)

SPEC = {
    "experiment": {
        "name": "store",
        "scenario": "small",
        "n_firms": 60,
        "steps": 3,
        "replications": 2,
        "seed": 3,
    },
    "design": {"type": "factorial", "factors": {"openness": [0.0, 0.5]}},
}


@pytest.fixture(scope="module")
def intact(tmp_path_factory):
    out = tmp_path_factory.mktemp("intact") / "store"
    return run(parse_spec(SPEC), executor="serial", out=out, progress=False)


@pytest.fixture
def copy(intact, tmp_path):
    out = tmp_path / "store"
    shutil.copytree(intact.path, out)
    return out


def _truncate(out: Path, run_id: str, other: str) -> None:
    path = out / "series" / f"{run_id}.parquet"
    path.write_bytes(path.read_bytes()[:100])


def _empty(out, run_id, other):
    (out / "series" / f"{run_id}.parquet").write_bytes(b"")


def _delete_series(out, run_id, other):
    (out / "series" / f"{run_id}.parquet").unlink()


def _replace_series(out, run_id, other):  # another run's numbers under this run's name
    shutil.copy(out / "series" / f"{other}.parquet", out / "series" / f"{run_id}.parquet")


def _edit_series(out, run_id, other):  # a valid file of this run, with a number changed
    path = out / "series" / f"{run_id}.parquet"
    frame = pd.read_parquet(path)
    frame.loc[0, "market_size"] *= 2
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), path)


def _record(text: str):
    def damage(out, run_id, other):
        (out / "runs" / f"{run_id}.json").write_text(text)

    damage.__name__ = f"record {text}"
    return damage


def _not_utf8(out, run_id, other):
    (out / "runs" / f"{run_id}.json").write_bytes(b"\xff\xfe{")


def _delete_record(out, run_id, other):
    (out / "runs" / f"{run_id}.json").unlink()


def _swap_record(out, run_id, other):  # another run's record under this run's name
    shutil.copy(out / "runs" / f"{other}.json", out / "runs" / f"{run_id}.json")


DAMAGES = {
    "truncated series": (_truncate, "checksum"),
    "empty series": (_empty, "checksum"),
    "deleted series": (_delete_series, "series file missing"),
    "replaced series": (_replace_series, "checksum"),
    "edited series": (_edit_series, "checksum"),
    "record [1]": (_record("[1]"), "record is list"),
    'record {"status": "ok"}': (_record('{"status": "ok"}'), "record has no valid 'run_id'"),
    "record null": (_record("null"), "record is NoneType"),
    "record not JSON": (_record("{"), "record is not JSON"),
    "record not UTF-8": (_not_utf8, "record unreadable"),
    "deleted record": (_delete_record, "record missing"),
    "another run's record": (_swap_record, "record names another run"),
}


@pytest.mark.parametrize("case", list(DAMAGES))
def test_damaged_run_is_named_skippable_and_rerun(copy, intact, case):
    damage, why = DAMAGES[case]
    run_id, other = intact.runs["run_id"].iloc[0], intact.runs["run_id"].iloc[1]
    damage(copy, run_id, other)
    with pytest.raises(DamagedResultsError, match=run_id) as raised:
        load(copy)
    assert why in str(raised.value) and raised.value.damaged.keys() == {run_id}
    assert "\n" not in str(raised.value)
    skipped = load(copy, skip_damaged=True)
    assert skipped.damaged.keys() == {run_id} and why in skipped.damaged[run_id]
    assert run_id not in set(skipped.ok["run_id"]) and len(skipped.ok) == 3
    assert run_id not in set(skipped.series["run_id"])
    # A resumed sweep trusts nothing damaged: it re-runs exactly that run.
    resumed = run(parse_spec(SPEC), executor="serial", out=copy, progress=False)
    assert resumed.manifest["counts"] == {"planned": 4, "skipped": 3, "done": 1, "failed": 0}
    pd.testing.assert_frame_equal(resumed.runs, intact.runs, check_exact=True)
    pd.testing.assert_frame_equal(resumed.series, intact.series, check_exact=True)


def test_series_with_another_runs_id_inside_is_damaged_without_a_checksum(copy, intact):
    # Records written before checksums existed: the run id inside the data still decides.
    run_id, other = intact.runs["run_id"].iloc[0], intact.runs["run_id"].iloc[1]
    for rid in (run_id, other):
        path = copy / "runs" / f"{rid}.json"
        record = json.loads(path.read_text())
        del record["series_sha256"]
        path.write_text(json.dumps(record))
    assert ResultStore(copy).damage(other) is None
    _replace_series(copy, run_id, other)
    assert ResultStore(copy).damage(run_id) == "series file holds another run's data"


def test_records_and_checksums_name_each_other(intact):
    store = ResultStore(intact.path)
    for run_id in intact.runs["run_id"]:
        record = json.loads(store.record_path(run_id).read_text())
        assert record["run_id"] == run_id and len(record["series_sha256"]) == 64
        assert set(pd.read_parquet(store.series_path(run_id))["run_id"]) == {run_id}
        assert store.damage(run_id) is None


@pytest.mark.parametrize(
    "text", ["[1]", "{", '{"experiment": "../../x", "plan": [], "spec": {}}', '"manifest"']
)
def test_damaged_manifest_is_a_clear_error(copy, text):
    (copy / "manifest.json").write_text(text)
    with pytest.raises(DamagedResultsError, match=r"manifest\.json"):
        load(copy)
    with pytest.raises(DamagedResultsError, match=r"manifest\.json"):
        run(parse_spec(SPEC), executor="serial", out=copy, progress=False)


def test_load_rejects_a_truthy_string():
    with pytest.raises(TypeError, match="skip_damaged='no'"):
        load("anywhere", skip_damaged="no")


# Folders: one experiment each, and nothing that is not econ's ----------------------------


def test_another_experiment_cannot_share_the_folder(copy):
    before = (copy / "manifest.json").read_text()
    other = {**SPEC, "experiment": {**SPEC["experiment"], "name": "intruder"}}
    with pytest.raises(ResultsFolderError, match="holds the results of experiment 'store'"):
        run(parse_spec(other), executor="serial", out=copy, progress=False)
    assert (copy / "manifest.json").read_text() == before
    assert load(copy).manifest["experiment"] == "store"
    quick = parse_spec(SPEC).quick()  # store_quick is another experiment too
    with pytest.raises(ResultsFolderError, match="'store_quick'"):
        run(quick, executor="serial", out=copy, progress=False)


def test_a_folder_that_is_not_econs_is_refused_and_left_alone(tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine")
    with pytest.raises(ResultsFolderError, match="holds no econ results"):
        run(parse_spec(SPEC), executor="serial", out=folder, progress=False)
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]
    empty = tmp_path / "empty"
    empty.mkdir()
    assert len(run(parse_spec(SPEC), executor="serial", out=empty, progress=False).ok) == 4


def _tree(root: Path) -> dict[str, tuple[int, int]]:
    return {
        str(p.relative_to(root)): (p.stat().st_mtime_ns, p.stat().st_size)
        for p in sorted(root.rglob("*"))
    }


def test_out_home_walks_and_touches_nothing(tmp_path, monkeypatch, capsys):
    home = tmp_path / "home"
    (home / "project" / "deep").mkdir(parents=True)
    (home / "notes.txt").write_text("mine")
    (home / "project" / "deep" / ".notes.txt.swp.tmp").write_text("editor")
    (home / "project" / f"{TEMPORARY_PREFIX}x.tmp").write_text("looks like ours, is not")
    monkeypatch.setenv("HOME", str(home))
    before = _tree(home)
    code = main(["run", "smoke", "--quick", "--executor", "serial", "--out", "~"])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "holds no econ results" in err
    assert "Traceback" not in err
    assert _tree(home) == before


def test_clean_up_removes_only_econs_temporaries_in_the_store(copy, tmp_path):
    ours = [
        copy / f"{TEMPORARY_PREFIX}manifest.json.ab12.tmp",
        copy / "runs" / f"{TEMPORARY_PREFIX}x.json.cd34.tmp",
        copy / "series" / f"{TEMPORARY_PREFIX}x.parquet.ef56.tmp",
    ]
    theirs = [
        copy / ".manifest.json.swp.tmp",  # an editor's
        copy / "runs" / ".x.json.tmp",
        copy / "figures" / "deep" / f"{TEMPORARY_PREFIX}y.tmp",  # not a store folder
        tmp_path / f"{TEMPORARY_PREFIX}outside.tmp",  # outside the store
    ]
    for path in ours + theirs:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x")
    target = tmp_path / "target.txt"
    target.write_text("not econ's")
    (copy / f"{TEMPORARY_PREFIX}link.tmp").symlink_to(target)
    run(parse_spec(SPEC), executor="serial", out=copy, progress=False)
    assert not any(p.exists() for p in ours)
    assert all(p.read_text() == "x" for p in theirs)
    assert target.read_text() == "not econ's"


@pytest.mark.parametrize("umask", [0o022, 0o027])
def test_files_respect_the_umask(tmp_path, umask):
    old = os.umask(umask)
    try:
        results = run(parse_spec(SPEC), executor="processes", workers=2, out=tmp_path / "r")
        write_atomic(tmp_path / "figure.pdf", lambda tmp: tmp.write_bytes(b"%PDF"))
    finally:
        os.umask(old)
    files = [p for p in results.path.rglob("*") if p.is_file()] + [tmp_path / "figure.pdf"]
    assert len(files) > 10
    assert {stat.S_IMODE(p.stat().st_mode) for p in files} == {0o666 & ~umask}


# Names from data never become paths -------------------------------------------------------


@pytest.mark.parametrize("name", ["../../escaped", "/tmp/escaped", "a/b", "..", "", "x" * 101])
def test_experiment_names_from_a_shared_folder_are_checked(copy, tmp_path, name, capsys):
    manifest = json.loads((copy / "manifest.json").read_text())
    manifest["experiment"] = name
    (copy / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(DamagedResultsError, match="letters, digits"):
        load(copy)
    before = _tree(tmp_path)
    assert main(["figures", str(copy), "--out", str(tmp_path / "figures")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert _tree(tmp_path) == before
    assert not Path("/tmp/escaped_market_paths.pdf").exists()


def test_figures_never_overwrite_the_papers(intact, tmp_path, monkeypatch, capsys):
    repo = tmp_path / "repo"
    (repo / "paper" / "figures").mkdir(parents=True)
    (repo / "paper" / "paper.typ").write_text("= Paper")
    committed = repo / "paper" / "figures" / "store_market_paths.pdf"
    committed.write_bytes(b"committed")
    results = repo / "results" / "store"
    shutil.copytree(intact.path, results)
    monkeypatch.chdir(repo)
    for out in ("paper/figures", "paper", str(repo / "paper" / "figures_quick")):
        assert main(["figures", "results/store", "--out", out]) == 2
        err = capsys.readouterr().err
        assert "econ paper" in err and err.count("\n") == 1
    assert main(["figures", "results/store", "--tables", "paper/tables"]) == 2
    capsys.readouterr()
    assert main(["figures", "results/store"]) == 0  # by default, beside the results
    written = capsys.readouterr().out.split()
    assert written and all(Path(p).resolve().is_relative_to(results.resolve()) for p in written)
    assert (results / "figures" / "store_market_paths.pdf").is_file()
    assert committed.read_bytes() == b"committed"
