"""The results store pinned on hand-made result folders (issue #17, mutation testing).

No model is run: runs, records and series are written here, including the states a killed
or still-running sweep leaves (records without series, series without records, a manifest
that says "running"), and loaded back through ``econ.results.load`` and ``ResultStore``.
"""

import hashlib
import json
import os
import re

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from econ.experiment.runs import RunResult, RunSpec
from econ.experiment.spec import ExperimentSpec
from econ.experiment.store import (
    TEMPORARY_PREFIX,
    DamagedResultsError,
    ResultsFolderError,
    ResultStore,
    load,
    record_of,
    to_ema,
    write_atomic,
    write_json,
)

SPEC = ExperimentSpec.from_dict(
    {
        "name": "toy",
        "scenario": "small",
        "steps": 2,
        "replications": 2,
        "seed": 1,
        "design": "factorial",
        "factors": {"openness": [0.0, 0.5]},
        "outputs": ["market_size", "welfare"],
    }
)


def run_spec(point, replication):
    return RunSpec(
        point=point,
        replication=replication,
        seed=100 * point + replication,
        scenario="small",
        n_firms=50,
        steps=2,
        policy={"openness": 0.5 * point},
        params={},
        factors={"openness": 0.5 * point},
        outputs=("market_size", "welfare"),
        model="m",
    )


PLAN = [run_spec(point, rep) for point in (0, 1) for rep in (0, 1)]


def result(run, status="ok", series=True):
    frame = None
    if series:
        frame = pd.DataFrame(
            {
                "run_id": run.run_id,
                "step": [1, 2],
                "market_size": [10.0 * run.seed, 10.0 * run.seed + 1],
                "welfare": [1.0, 2.0],
            }
        )
    return RunResult(
        run,
        status,
        summary={"welfare": float(run.seed)} if status == "ok" else {},
        series=frame,
        error="" if status == "ok" else "ValueError: boom",
        traceback="" if status == "ok" else "Traceback ...",
        seconds=0.5,
    )


def manifest(status):
    return {
        "experiment": "toy",
        "status": status,
        "spec": SPEC.to_dict(),
        "plan": [r.run_id for r in PLAN],
        "counts": {},
    }


def folder(tmp_path, status="running", results=(), consolidate=False):
    store = ResultStore(tmp_path / "toy")
    store.write_manifest(manifest(status))
    for r in results:
        store.write_result(r)
    if consolidate:
        store.consolidate(PLAN)
    return store


def test_record_of_a_run():
    run = PLAN[3]
    record = record_of(result(run, "failed"))
    assert record == {
        "run_id": run.run_id,
        "status": "failed",
        "point": 1,
        "replication": 1,
        "seed": 101,
        "factors": {"openness": 0.5},
        "summary": {},
        "error": "ValueError: boom",
        "traceback": "Traceback ...",
        "seconds": 0.5,
        "series_sha256": None,
    }
    assert record_of(result(run), "ab" * 32)["series_sha256"] == "ab" * 32


def test_write_result_stores_the_series_then_the_record(tmp_path):
    store = ResultStore(tmp_path / "toy")
    run = PLAN[1]
    store.write_result(result(run))
    assert store.series_path(run.run_id) == tmp_path / "toy" / "series" / f"{run.run_id}.parquet"
    assert store.record_path(run.run_id) == tmp_path / "toy" / "runs" / f"{run.run_id}.json"
    series = pq.read_table(store.series_path(run.run_id)).to_pandas()
    assert list(series.columns) == ["run_id", "step", "market_size", "welfare"]
    assert list(series["market_size"]) == [10.0, 11.0]
    # The record carries the series file's SHA-256, which load and resume check.
    sha256 = hashlib.sha256(store.series_path(run.run_id).read_bytes()).hexdigest()
    assert store.read_record(run.run_id) == record_of(result(run), sha256)
    failed = PLAN[2]
    store.write_result(result(failed, "failed", series=False))
    assert not store.series_path(failed.run_id).exists()
    assert store.read_record(failed.run_id)["status"] == "failed"


def test_finished_counts_only_successful_readable_records(tmp_path):
    store = folder(
        tmp_path,
        results=[result(PLAN[0]), result(PLAN[1], "failed", series=False), result(PLAN[2])],
    )
    assert store.finished() == {PLAN[0].run_id, PLAN[2].run_id}
    # A series without a record is not finished; nor is an unreadable record.
    store.write_result(result(PLAN[3]))
    store.record_path(PLAN[3].run_id).unlink()
    assert PLAN[3].run_id not in store.finished()
    store.record_path(PLAN[2].run_id).write_text('{"status": "ok"')  # torn by a crash
    assert store.finished() == {PLAN[0].run_id}
    assert store.read_record(PLAN[2].run_id) is None
    assert store.read_record("no-such-run") is None
    assert ResultStore(tmp_path / "empty").finished() == set()


def test_a_results_path_that_is_a_file_is_refused(tmp_path):
    path = tmp_path / "results.txt"
    path.write_text("not a folder")
    with pytest.raises(NotADirectoryError, match="exists and is not a folder"):
        ResultStore(path)
    assert ResultStore(tmp_path / "new").root == tmp_path / "new"


def test_consolidate_writes_one_row_per_planned_run_with_a_record_in_plan_order(tmp_path):
    # Stored out of plan order; one run never finished; the plan names one run twice.
    store = folder(tmp_path, results=[result(PLAN[3]), result(PLAN[1], "failed"), result(PLAN[0])])
    store.consolidate([PLAN[3], *PLAN, PLAN[0]])
    runs = pd.read_parquet(tmp_path / "toy" / "runs.parquet")
    assert list(runs["run_id"]) == [PLAN[3].run_id, PLAN[0].run_id, PLAN[1].run_id]
    assert list(runs["status"]) == ["ok", "ok", "failed"]
    assert list(runs.columns) == [
        "run_id", "point", "replication", "seed", "status", "openness", "welfare", "error",
    ]  # fmt: skip
    assert list(runs["openness"]) == [0.5, 0.0, 0.0]
    assert list(runs["error"]) == ["", "", "ValueError: boom"]
    # Records in memory win over the files (this sweep's runs).
    known = {PLAN[0].run_id: {**record_of(result(PLAN[0])), "status": "ok", "seed": 7}}
    store.consolidate(PLAN, known)
    runs = pd.read_parquet(tmp_path / "toy" / "runs.parquet")
    assert list(runs["seed"]) == [7, 1, 101]


def test_load_a_complete_sweep_reads_the_consolidated_table(tmp_path):
    store = folder(tmp_path, "complete", [result(r) for r in PLAN], consolidate=True)
    # The consolidated table, not the records, is what a complete sweep's load reads: a
    # record edited since (still a valid record of its run) does not show.
    edited = {**store.read_record(PLAN[0].run_id), "seed": 999}
    write_json(store.record_path(PLAN[0].run_id), edited)
    results = load(tmp_path / "toy")
    assert list(results.runs["run_id"]) == [r.run_id for r in PLAN]
    assert list(results.runs["seed"]) == [0, 1, 100, 101]
    assert results.manifest["status"] == "complete"
    assert results.path == tmp_path / "toy"
    assert results.factors == ["openness"] and results.spec == SPEC
    assert len(results.ok) == 4
    assert repr(results) == "Results('toy', 4 runs {'ok': 4})"


@pytest.mark.parametrize("status", ["running", "interrupted"])
def test_load_an_unfinished_sweep_reads_the_records_there_are(tmp_path, status):
    # Killed part-way: two runs done, one failed, one never finished; a stale runs.parquet of
    # an earlier sweep must not be read.
    store = folder(tmp_path, status, [result(PLAN[2]), result(PLAN[0]), result(PLAN[1], "failed")])
    stale = folder(tmp_path / "old", "complete", [result(PLAN[0])], consolidate=True)
    os.replace(stale.root / "runs.parquet", store.root / "runs.parquet")
    results = load(store.root)
    assert list(results.runs["run_id"]) == [PLAN[0].run_id, PLAN[1].run_id, PLAN[2].run_id]
    assert list(results.runs["status"]) == ["ok", "failed", "ok"]
    assert list(results.ok["run_id"]) == [PLAN[0].run_id, PLAN[2].run_id]
    series = results.series
    assert list(series["run_id"].unique()) == [PLAN[0].run_id, PLAN[2].run_id]
    assert list(series.columns[:5]) == ["run_id", "point", "replication", "seed", "openness"]
    assert len(series) == 4 and list(series["step"]) == [1, 2, 1, 2]


def test_load_a_complete_manifest_without_a_runs_table_reads_the_records(tmp_path):
    folder(tmp_path, "complete", [result(PLAN[1]), result(PLAN[0])])
    results = load(tmp_path / "toy")
    assert list(results.runs["run_id"]) == [PLAN[0].run_id, PLAN[1].run_id]


def test_load_with_records_but_series_missing_or_series_without_records(tmp_path):
    store = folder(tmp_path, results=[result(PLAN[0]), result(PLAN[1])])
    # A series written by a run whose record never came (killed between the two writes).
    store.write_result(result(PLAN[3]))
    store.record_path(PLAN[3].run_id).unlink()
    results = load(store.root)
    assert list(results.runs["run_id"]) == [PLAN[0].run_id, PLAN[1].run_id]
    assert set(results.series["run_id"]) == {PLAN[0].run_id, PLAN[1].run_id}


def test_load_a_sweep_with_no_runs_yet(tmp_path):
    folder(tmp_path)
    results = load(tmp_path / "toy")
    assert results.runs.empty and results.design.empty
    assert results.series.empty
    assert repr(results) == "Results('toy', 0 runs {})"
    experiments, outcomes = to_ema(results)
    assert len(experiments) == 0 and outcomes == {}


def test_load_a_sweep_whose_runs_all_failed(tmp_path):
    folder(tmp_path, "complete", [result(r, "failed", series=False) for r in PLAN], True)
    results = load(tmp_path / "toy")
    assert len(results.runs) == 4 and results.ok.empty and results.series.empty


def test_load_refuses_a_folder_without_a_manifest(tmp_path):
    (tmp_path / "series").mkdir()
    with pytest.raises(FileNotFoundError, match=r"no manifest\.json; is this an econ results"):
        load(tmp_path)
    with pytest.raises(FileNotFoundError):
        load(tmp_path / "nowhere")


def test_design_is_loaded_when_written(tmp_path):
    store = folder(tmp_path, "complete", [result(r) for r in PLAN], consolidate=True)
    design = pd.DataFrame({"openness": [0.0, 0.5]}, index=pd.Index([0, 1], name="point"))
    store.write_design(design)
    loaded = load(store.root).design
    assert list(loaded.columns) == ["point", "openness"]
    assert list(loaded["openness"]) == [0.0, 0.5]


def test_to_ema_gives_experiments_and_outcomes_by_run(tmp_path):
    folder(tmp_path, "complete", [result(r) for r in PLAN], consolidate=True)
    experiments, outcomes = to_ema(load(tmp_path / "toy"))
    assert list(experiments.columns) == ["openness", "scenario", "policy", "model"]
    # Seeds are EMA's scenarios and design points its policies, both categorical; numeric
    # factors stay numbers.
    assert list(experiments["scenario"]) == [0, 1, 100, 101]
    assert list(experiments["policy"]) == [0, 0, 1, 1]
    for name in ("scenario", "policy", "model"):
        assert isinstance(experiments[name].dtype, pd.CategoricalDtype)
    assert experiments["openness"].dtype == float
    assert set(experiments["model"]) == {"econ.DataEconomy"}
    assert set(outcomes) == {"market_size", "welfare", "TIME"}
    assert np.array_equal(outcomes["TIME"], np.tile([1.0, 2.0], (4, 1)))
    assert outcomes["market_size"].shape == (4, 2)
    assert np.array_equal(outcomes["market_size"][:, 1], [1.0, 11.0, 1001.0, 1011.0])


def test_atomic_writes_leave_no_partial_file(tmp_path):
    target = tmp_path / "deep" / "er" / "data.json"
    write_json(target, {"a": np.int64(3), "b": (1, 2), "c": {4}, "d": np.float32(0.5)})
    assert json.loads(target.read_text()) == {"a": 3, "b": [1, 2], "c": [4], "d": 0.5}

    def crash(tmp):
        tmp.write_text("half of it")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, crash)
    assert json.loads(target.read_text())["a"] == 3  # the old file is untouched
    assert sorted(p.name for p in target.parent.iterdir()) == ["data.json"]
    with pytest.raises(TypeError, match="cannot store object in JSON"):
        write_json(tmp_path / "bad.json", {"x": object()})
    assert not (tmp_path / "bad.json").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_stale_temporaries_are_removed_and_results_kept(tmp_path):
    store = folder(tmp_path, results=[result(PLAN[0])])
    stale = [
        store.root / "runs" / ".econ-tmp.x.json.abc.tmp",
        store.root / "series" / ".econ-tmp.y.parquet.def.tmp",
        store.root / ".econ-tmp.manifest.json.1.tmp",
    ]
    for path in stale:
        path.write_text("partial")
    # Only econ's own temporaries, only in the store's folders.
    keep = [
        store.root / "runs" / "notes.tmp",
        store.root / "runs" / ".x.json.abc.tmp",  # no econ prefix: not provably ours
        store.root / "other" / ".econ-tmp.z.json.1.tmp",
    ]
    keep[-1].parent.mkdir()
    for path in keep:
        path.write_text("not ours")
    store.remove_stale_temporaries()
    assert not any(p.exists() for p in stale)
    assert all(p.exists() for p in keep) and store.finished() == {PLAN[0].run_id}
    assert store.series_path(PLAN[0].run_id).exists()


def test_temporary_files_sit_beside_their_target_with_the_name_cleanup_looks_for(tmp_path):
    target = tmp_path / "runs" / "abc.json"
    seen = []

    def write(tmp):
        seen.append(tmp)
        tmp.write_text("{}")

    write_atomic(target, write)
    (tmp,) = seen
    assert tmp.parent == target.parent
    assert tmp.name.startswith(f"{TEMPORARY_PREFIX}abc.json.") and tmp.name.endswith(".tmp")
    assert not tmp.exists() and target.read_text() == "{}"


def test_a_writer_that_removed_its_file_and_failed_raises_its_own_error(tmp_path):
    def write(tmp):
        tmp.unlink()
        raise ValueError("disk full")

    with pytest.raises(ValueError, match="disk full"):
        write_atomic(tmp_path / "x.json", write)
    assert list(tmp_path.iterdir()) == []


def test_records_are_indented_json(tmp_path):
    store = ResultStore(tmp_path / "toy")
    store.write_result(result(PLAN[0], series=False))
    text = store.record_path(PLAN[0].run_id).read_text()
    assert text.startswith('{\n  "run_id": ')


def test_series_files_hold_only_the_kept_columns(tmp_path):
    store = ResultStore(tmp_path / "toy")
    r = result(PLAN[0])
    r.series.index = [5, 6]  # a series cut from a longer frame
    store.write_result(r)
    names = pq.read_schema(store.series_path(PLAN[0].run_id)).names
    assert names == ["run_id", "step", "market_size", "welfare"]


def test_a_design_file_holds_the_points_and_their_factors(tmp_path):
    store = ResultStore(tmp_path / "toy")
    store.write_design(pd.DataFrame({"openness": [0.0, 0.5]}, index=pd.Index([3, 4], name="point")))
    names = pq.read_schema(tmp_path / "toy" / "design.parquet").names
    assert names == ["point", "openness"]


def test_an_empty_runs_table_has_the_columns_of_a_run(tmp_path):
    folder(tmp_path)
    runs = load(tmp_path / "toy").runs
    assert list(runs.columns) == ["run_id", "point", "replication", "seed", "status", "openness"]
    # A hand-made manifest without a spec is refused, naming the key.
    store = ResultStore(tmp_path / "bare")
    store.write_manifest({"experiment": "bare", "status": "running", "plan": [], "counts": {}})
    with pytest.raises(DamagedResultsError, match="'spec' is missing or not a dict"):
        load(store.root)


def test_the_runs_table_file_holds_only_the_runs_columns(tmp_path):
    store = folder(tmp_path, "complete", [result(r) for r in PLAN], consolidate=True)
    names = pq.read_schema(store.root / "runs.parquet").names
    want = ["run_id", "point", "replication", "seed", "status", "openness", "welfare", "error"]
    assert names == want


def test_a_record_whose_series_file_is_gone(tmp_path):
    # A finished record whose series file was deleted by hand: the runs table still loads,
    # and reading the series names the missing file (or leaves that run out), never mixes.
    store = folder(tmp_path, results=[result(PLAN[0]), result(PLAN[1])])
    store.series_path(PLAN[1].run_id).unlink()
    with pytest.raises(DamagedResultsError, match=f"1 stored run.*{PLAN[1].run_id}") as error:
        load(store.root)
    assert str(error.value).endswith(
        "Run the experiment again into the same folder to re-run them, or load it with "
        "skip_damaged=True to leave them out"
    )
    assert error.value.damaged == {PLAN[1].run_id: "series file missing"}
    # skip_damaged leaves it out of the series and marks it in the runs table.
    results = load(store.root, skip_damaged=True)
    assert list(results.runs["run_id"]) == [PLAN[0].run_id, PLAN[1].run_id]
    assert list(results.runs["status"]) == ["ok", "damaged"]
    assert list(results.runs["error"]) == ["", "series file missing"]
    assert results.damaged == {PLAN[1].run_id: "series file missing"}
    assert set(results.series["run_id"]) == {PLAN[0].run_id}


def test_record_problems_are_named(tmp_path):
    store = folder(tmp_path, results=[result(PLAN[0])])
    run_id = PLAN[0].run_id
    good = store.read_record(run_id)
    path = store.record_path(run_id)
    long_status = "s" * 60
    cases = [
        ({**good, "status": "weird"}, "record has status 'weird'"),
        ({**good, "status": long_status}, "record has status 'sssssssssssssssssssss"),
        ({**good, "series_sha256": 5}, "record has no valid 'series_sha256'"),
        ({**good, "summary": {"welfare": "high"}}, "record has a summary that is not all numbers"),
        ({**good, "run_id": PLAN[1].run_id}, "record names another run"),
    ]
    for record, message in cases:
        write_json(path, record)
        assert store.damage(run_id).startswith(message)
        assert store.read_record(run_id) is None
    # A long status is cut short in the message (40 characters shown).
    write_json(path, {**good, "status": long_status})
    assert len(store.damage(run_id)) < len("record has status ''") + 50
    path.unlink()
    assert store.damage(run_id) == "record missing"
    path.write_bytes(b"\xff\xfe not utf-8")
    assert store.damage(run_id) == "record unreadable (UnicodeDecodeError)"
    path.write_text("{not json")
    assert store.damage(run_id) == "record is not JSON"


def test_a_series_changed_since_it_was_written_is_damaged(tmp_path):
    store = folder(tmp_path, results=[result(PLAN[0]), result(PLAN[1])])
    # Another valid series of the same run, written over the first: only the checksum sees it.
    other = result(PLAN[0]).series.assign(welfare=[5.0, 6.0])
    other.to_parquet(store.series_path(PLAN[0].run_id), index=False)
    assert store.damage(PLAN[0].run_id) == (
        "series file changed since it was written (checksum differs)"
    )
    assert store.damage(PLAN[1].run_id) is None
    assert store.finished() == {PLAN[1].run_id}


def test_a_store_claims_only_a_new_empty_or_own_folder(tmp_path):
    ResultStore(tmp_path / "new").claim("toy")  # does not exist yet
    (tmp_path / "empty").mkdir()
    ResultStore(tmp_path / "empty").claim("toy")
    folder(tmp_path)  # toy's own results
    ResultStore(tmp_path / "toy").claim("toy")
    with pytest.raises(ResultsFolderError, match="holds the results of experiment 'toy'"):
        ResultStore(tmp_path / "toy").claim("other")
    (tmp_path / "stuff").mkdir()
    (tmp_path / "stuff" / "notes.txt").write_text("mine")
    with pytest.raises(ResultsFolderError, match=r"holds no econ results .*: choose another --out"):
        ResultStore(tmp_path / "stuff").claim("toy")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"experiment": "../up"}, "its experiment name"),
        ({"plan": "abc"}, "'plan' is not a list of run ids"),
        ({"plan": [1, 2]}, "'plan' is not a list of run ids"),
        ({"plan": ["../x"]}, "'plan' holds a run id that is not a hash"),
        ({"status": 3}, "'status' is missing or not a str"),
    ],
)
def test_a_bad_manifest_is_named(tmp_path, change, message):
    store = folder(tmp_path)
    write_json(store.root / "manifest.json", {**manifest("running"), **change})
    with pytest.raises(DamagedResultsError, match=re.escape(message)):
        load(store.root)


def test_to_ema_keeps_numbers_as_numbers_and_makes_switches_categories(tmp_path):
    spec = ExperimentSpec.from_dict(
        {
            "name": "toy",
            "scenario": "small",
            "steps": 2,
            "replications": 1,
            "seed": 1,
            "design": "factorial",
            "factors": {"operators": [1, 2], "hk_bridge": [False, True]},
            "outputs": ["welfare"],
        }
    )

    def run(point, ops, bridge):
        levers = {"operators": ops, "hk_bridge": bridge}
        return RunSpec(point, 0, point, "small", 50, 2, levers, {}, levers, ("welfare",), model="m")

    plan = [run(0, 1, False), run(1, 2, True)]
    store = ResultStore(tmp_path / "toy")
    store.write_manifest({**manifest("complete"), "spec": spec.to_dict(),
                          "plan": [r.run_id for r in plan]})  # fmt: skip
    for run in plan:
        series = pd.DataFrame({"run_id": run.run_id, "step": [1, 2], "welfare": [1.0, 2.0]})
        store.write_result(RunResult(run, "ok", {"welfare": 1.0}, series, "", "", 0.1))
    store.consolidate(plan)
    experiments, _ = to_ema(load(store.root))
    assert pd.api.types.is_integer_dtype(experiments["operators"])
    assert isinstance(experiments["hk_bridge"].dtype, pd.CategoricalDtype)
    assert list(experiments["operators"]) == [1, 2]


def test_an_unreadable_runs_table_is_rebuilt_from_the_records(tmp_path):
    store = folder(tmp_path, "complete", [result(PLAN[0]), result(PLAN[1])], consolidate=True)
    (store.root / "runs.parquet").write_bytes(b"not parquet")
    assert list(load(store.root).runs["run_id"]) == [PLAN[0].run_id, PLAN[1].run_id]


def test_a_manifest_that_is_not_json_names_the_parse_error(tmp_path):
    store = folder(tmp_path)
    (store.root / "manifest.json").write_text("{")
    with pytest.raises(DamagedResultsError, match="not JSON \\(JSONDecodeError\\)"):
        load(store.root)


def test_a_symlink_named_like_a_temporary_is_left_alone(tmp_path):
    store = folder(tmp_path, results=[result(PLAN[0])])
    outside = tmp_path / "theirs.txt"
    outside.write_text("not ours")
    link = store.root / "runs" / f"{TEMPORARY_PREFIX}link.json.1.tmp"
    link.symlink_to(outside)
    store.remove_stale_temporaries()
    assert link.is_symlink() and outside.read_text() == "not ours"


@pytest.mark.parametrize(("lost", "more"), [(5, ""), (6, "; and 1 more")])
def test_damaged_runs_are_listed_five_at_most(tmp_path, lost, more):
    plan = [run_spec(point, rep) for point in (0, 1, 2) for rep in (0, 1)]
    store = ResultStore(tmp_path / "toy")
    store.write_manifest({**manifest("running"), "plan": [r.run_id for r in plan]})
    for run in plan:
        store.write_result(result(run))
    for run in plan[:lost]:
        store.series_path(run.run_id).unlink()
    with pytest.raises(DamagedResultsError) as error:
        load(store.root)
    message = str(error.value)
    assert f"{lost} stored run(s) are damaged" in message
    assert message.count("series file missing") == 5
    assert ("more" in message) == bool(more) and more in message


def test_a_second_compaction_refreshes_what_the_store_knows(tmp_path):
    store = folder(tmp_path, results=[result(PLAN[0])])
    store.compact(PLAN)
    assert store.damage(PLAN[0].run_id) is None  # reads, and caches, the compacted series
    store.write_result(result(PLAN[1]))
    store.compact(PLAN)
    assert store.damage(PLAN[1].run_id) is None
    assert store.finished() == {PLAN[0].run_id, PLAN[1].run_id}


def test_a_compaction_of_failed_runs_only_keeps_a_run_id_column(tmp_path):
    store = folder(tmp_path, results=[result(PLAN[0], "failed", series=False)])
    store.compact(PLAN)
    compacted = pq.read_table(store.root / "series.parquet")
    assert compacted.column_names == ["run_id"] and compacted.num_rows == 0


@pytest.mark.parametrize(
    "table", [pd.DataFrame({"run_id": ["abc"], "status": ["ok"]}), pd.DataFrame({"x": [1]})]
)
def test_a_runs_table_of_other_runs_or_columns_is_rebuilt_from_the_records(tmp_path, table):
    store = folder(tmp_path, "complete", [result(PLAN[0]), result(PLAN[1])], consolidate=True)
    table.to_parquet(store.root / "runs.parquet")
    runs = load(store.root).runs
    assert list(runs["run_id"]) == [PLAN[0].run_id, PLAN[1].run_id]
    assert list(runs["status"]) == ["ok", "ok"]
