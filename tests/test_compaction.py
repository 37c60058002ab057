"""A finished experiment is one Parquet dataset: per-run files are staging only.

Compacted results load exactly as the staged ones did, resume and growing a spec run only
what is missing, and damage to the compacted files is named and re-run, never trusted.
"""

import json
import shutil

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from econ.experiment import parse_spec, plan_runs, run
from econ.experiment.store import (
    COMPACTED_RECORDS,
    COMPACTED_SERIES,
    DamagedResultsError,
    ResultStore,
    load,
)
from tests.test_store import SPEC

FINISHED = {"manifest.json", "design.parquet", "runs.parquet", COMPACTED_SERIES, COMPACTED_RECORDS}


@pytest.fixture(scope="module")
def staged(tmp_path_factory):
    out = tmp_path_factory.mktemp("staged") / "store"
    return run(parse_spec(SPEC), executor="serial", out=out, progress=False, compact=False)


@pytest.fixture(scope="module")
def compacted(tmp_path_factory):
    out = tmp_path_factory.mktemp("compacted") / "store"
    return run(parse_spec(SPEC), executor="serial", out=out, progress=False)


@pytest.fixture
def copy(compacted, tmp_path):
    out = tmp_path / "store"
    shutil.copytree(compacted.path, out)
    return out


def _same(a, b):
    pd.testing.assert_frame_equal(a.runs, b.runs, check_exact=True)
    pd.testing.assert_frame_equal(a.series, b.series, check_exact=True)


def test_a_finished_sweep_leaves_one_dataset_and_no_per_run_files(compacted, staged):
    assert {p.name for p in compacted.path.iterdir()} == FINISHED
    assert len(list(staged.path.rglob("*.json"))) > 4  # what compaction replaces
    _same(load(compacted.path), load(staged.path))
    series = pq.read_table(compacted.path / COMPACTED_SERIES).to_pandas()
    assert list(series["run_id"].drop_duplicates()) == list(compacted.runs["run_id"])


def test_compacting_staged_runs_changes_no_number(staged, tmp_path):
    out = tmp_path / "store"
    shutil.copytree(staged.path, out)
    ResultStore(out).compact(plan_runs(parse_spec(SPEC)))
    assert {p.name for p in out.iterdir()} == FINISHED
    _same(load(out), load(staged.path))


def test_resume_into_a_compacted_folder_runs_nothing(copy, compacted):
    again = run(parse_spec(SPEC), executor="serial", out=copy, progress=False)
    assert again.manifest["counts"] == {"planned": 4, "skipped": 4, "done": 0, "failed": 0}
    _same(again, compacted)


def test_a_grown_spec_runs_only_the_new_runs_and_compacts_them_all(copy, tmp_path):
    grown = {**SPEC, "experiment": {**SPEC["experiment"], "replications": 3}}
    again = run(parse_spec(grown), executor="serial", out=copy, progress=False)
    assert again.manifest["counts"] == {"planned": 6, "skipped": 4, "done": 2, "failed": 0}
    assert {p.name for p in copy.iterdir()} == FINISHED
    fresh = run(parse_spec(grown), executor="serial", out=tmp_path / "fresh", progress=False)
    _same(again, fresh)


def _edit_series(out):
    path = out / COMPACTED_SERIES
    frame = pq.read_table(path).to_pandas()
    frame.loc[0, "market_size"] *= 2
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), path)


def _truncate_series(out):
    path = out / COMPACTED_SERIES
    path.write_bytes(path.read_bytes()[:100])


def _delete_series(out):
    (out / COMPACTED_SERIES).unlink()


def _damage_records(out):
    (out / COMPACTED_RECORDS).write_text("{")


DAMAGES = {
    "edited series": (_edit_series, "checksum differs"),
    "truncated series": (_truncate_series, "checksum differs"),
    "deleted series": (_delete_series, "compacted series file missing"),
    "records not JSON": (_damage_records, "record missing"),
}


@pytest.mark.parametrize("case", list(DAMAGES))
def test_damage_to_the_dataset_is_named_and_every_run_in_it_rerun(copy, compacted, case):
    damage, why = DAMAGES[case]
    damage(copy)
    with pytest.raises(DamagedResultsError, match=why) as raised:
        load(copy)
    assert raised.value.damaged.keys() == set(compacted.runs["run_id"])
    assert len(load(copy, skip_damaged=True).ok) == 0
    again = run(parse_spec(SPEC), executor="serial", out=copy, progress=False)
    assert again.manifest["counts"] == {"planned": 4, "skipped": 0, "done": 4, "failed": 0}
    _same(again, compacted)


def test_a_record_missing_from_the_dataset_reruns_that_run_alone(copy, compacted):
    path = copy / COMPACTED_RECORDS
    data = json.loads(path.read_text())
    run_id = compacted.runs["run_id"].iloc[2]
    del data["records"][run_id]
    path.write_text(json.dumps(data))
    with pytest.raises(DamagedResultsError, match=f"{run_id} \\(record missing\\)"):
        load(copy)
    again = run(parse_spec(SPEC), executor="serial", out=copy, progress=False)
    assert again.manifest["counts"] == {"planned": 4, "skipped": 3, "done": 1, "failed": 0}
    _same(again, compacted)


def test_staged_files_left_by_an_interrupted_compaction_are_harmless(copy, staged, compacted):
    """Killed after compacted.json was written but before the staged files were deleted."""
    for folder in ("runs", "series"):
        shutil.copytree(staged.path / folder, copy / folder)
    _same(load(copy), compacted)
    again = run(parse_spec(SPEC), executor="serial", out=copy, progress=False)
    assert again.manifest["counts"]["skipped"] == 4
    assert {p.name for p in copy.iterdir()} == FINISHED  # compacted again, staging gone


def test_a_store_reads_its_own_compaction_and_leaves_damaged_runs_staged(staged, tmp_path):
    out = tmp_path / "store"
    shutil.copytree(staged.path, out)
    plan = plan_runs(parse_spec(SPEC))
    ids = [r.run_id for r in plan]
    store = ResultStore(out)
    before = store.read_series(ids)
    damaged = store.series_path(ids[0])
    damaged.write_bytes(damaged.read_bytes()[:-10])  # a torn series file stays staged
    store.compact(plan)
    assert damaged.exists() and store.record_path(ids[0]).exists()
    records = json.loads((out / COMPACTED_RECORDS).read_text())["records"]
    assert sorted(records) == sorted(ids[1:])
    assert all(record["series_sha256"] is None for record in records.values())
    # The same store object reads the new dataset (its cache of the old one is dropped).
    kept = before.filter(pc.is_in(before.column("run_id"), pa.array(ids[1:])))
    assert store.read_series(ids[1:]).equals(kept)


def test_failed_runs_are_compacted_and_a_sweep_with_no_success_too(tmp_path):
    # A prohibitive integration cost: no data market at start-up, so those runs fail.
    factors = {"integration_cost_rmb": [1_500.0, 1e9]}
    mixed = {**SPEC, "design": {"type": "factorial", "factors": factors}}
    results = run(parse_spec(mixed), executor="serial", out=tmp_path / "mixed", progress=False)
    records = json.loads((tmp_path / "mixed" / COMPACTED_RECORDS).read_text())["records"]
    assert sorted(r["status"] for r in records.values()) == ["failed", "failed", "ok", "ok"]
    series = pq.read_table(tmp_path / "mixed" / COMPACTED_SERIES)
    assert set(series.column("run_id").to_pylist()) == set(results.ok["run_id"])
    failing = {**SPEC, "design": {"type": "factorial", "factors": {"integration_cost_rmb": [1e9]}}}
    results = run(parse_spec(failing), executor="serial", out=tmp_path / "none", progress=False)
    assert results.manifest["counts"]["failed"] == 2 and len(results.series) == 0
    assert {p.name for p in (tmp_path / "none").iterdir()} == FINISHED
    assert pq.read_table(tmp_path / "none" / COMPACTED_SERIES).num_rows == 0


@pytest.mark.parametrize("batch", [1, 3])
def test_staged_series_read_in_batches_keep_the_order_asked_for(staged, monkeypatch, batch):
    # Staged files are read a batch at a time (memory stays flat in sweeps of 10^4-10^5
    # runs); batches that split the runs unevenly must still give the runs in the order
    # asked for, each run's quarters in order.
    from econ.experiment import store as store_module

    ids = list(staged.runs["run_id"])[::-1]
    whole = ResultStore(staged.path).read_series(ids)
    monkeypatch.setattr(store_module, "_SERIES_BATCH", batch)
    batched = ResultStore(staged.path).read_series(ids)
    assert batched.equals(whole)
    assert list(pc.unique(batched.column("run_id")).to_pylist()) == ids
    expected = pa.concat_tables(
        [pq.read_table(ResultStore(staged.path).series_path(i)) for i in ids]
    )
    assert batched.equals(expected)
