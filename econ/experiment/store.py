"""Results on disk: atomic per-run files, a manifest, and loading into pandas.

Layout of ``results/<experiment>/``::

    manifest.json        the spec as parsed, provenance, the plan (run ids), counts
    design.parquet       the design points
    series/<id>.parquet  each finished run's time series (one row per quarter, with run_id)
    runs/<id>.json       each finished or failed run's record (written last: the run is done)
    runs.parquet         one row per planned run, rebuilt at the end of every sweep

Every file is written to a temporary name and renamed into place, so a killed sweep leaves no
partial file, and a rerun finds exactly the runs that finished.
"""

from __future__ import annotations

import json
import os
import tempfile
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from econ.experiment.runs import RunResult, RunSpec
from econ.experiment.spec import ExperimentSpec

__all__ = ["ResultStore", "Results", "load", "record_of", "to_ema"]


def write_atomic(path: Path, write) -> None:
    """Write a file through ``write(tmp_path)`` then rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_json(path: Path, data: Any) -> None:
    """Atomically write ``data`` as JSON."""
    write_atomic(path, lambda tmp: tmp.write_text(json.dumps(data, indent=2, default=_plain)))


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, tuple | set):
        return list(value)
    raise TypeError(f"cannot store {type(value).__name__} in JSON")


def record_of(result: RunResult) -> dict[str, Any]:
    """The JSON record of one run."""
    run = result.run
    return {
        "run_id": run.run_id,
        "status": result.status,
        "point": run.point,
        "replication": run.replication,
        "seed": run.seed,
        "factors": run.factors,
        "summary": result.summary,
        "error": result.error,
        "traceback": result.traceback,
        "seconds": result.seconds,
    }


def _row(record: dict[str, Any]) -> dict[str, Any]:
    """One row of the runs table from a run's record."""
    return {
        "run_id": record["run_id"],
        "point": record["point"],
        "replication": record["replication"],
        "seed": record["seed"],
        "status": record["status"],
        **record["factors"],
        **record["summary"],
        "error": record["error"],
    }


class ResultStore:
    """The folder of one experiment's results."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        if self.root.exists() and not self.root.is_dir():
            raise NotADirectoryError(f"results path {self.root} exists and is not a folder")

    def series_path(self, run_id: str) -> Path:
        return self.root / "series" / f"{run_id}.parquet"

    def record_path(self, run_id: str) -> Path:
        return self.root / "runs" / f"{run_id}.json"

    def remove_stale_temporaries(self) -> None:
        """Delete temporary files a killed sweep left behind (never a finished result)."""
        for tmp in self.root.glob("**/.*.tmp"):
            tmp.unlink(missing_ok=True)

    def read_record(self, run_id: str) -> dict[str, Any] | None:
        """A run's record, or None if it has none (or an unreadable one)."""
        try:
            return json.loads(self.record_path(run_id).read_text())
        except (OSError, json.JSONDecodeError):
            return None

    def finished(self) -> set[str]:
        """Ids of runs that finished successfully (failed runs are retried)."""
        return {
            path.stem
            for path in (self.root / "runs").glob("*.json")
            if (self.read_record(path.stem) or {}).get("status") == "ok"
        }

    def write_result(self, result: RunResult) -> None:
        """Store one run: its series first, then its record (which marks it done)."""
        run_id = result.run.run_id
        if result.series is not None:
            table = pa.Table.from_pandas(result.series, preserve_index=False)
            write_atomic(self.series_path(run_id), lambda tmp: pq.write_table(table, tmp))
        write_json(self.record_path(run_id), record_of(result))

    def write_manifest(self, manifest: dict[str, Any]) -> None:
        write_json(self.root / "manifest.json", manifest)

    def write_design(self, design: pd.DataFrame) -> None:
        table = pa.Table.from_pandas(design.reset_index(), preserve_index=False)
        write_atomic(self.root / "design.parquet", lambda tmp: pq.write_table(table, tmp))

    def consolidate(self, plan: list[RunSpec], known: dict[str, dict] | None = None) -> None:
        """Write ``runs.parquet``: one row per planned run with a record, in plan order.

        ``known`` holds records already in memory (this sweep's runs); others are read.
        """
        known = known or {}
        rows = []
        for run_id in dict.fromkeys(r.run_id for r in plan):
            record = known.get(run_id) or self.read_record(run_id)
            if record is not None:
                rows.append(_row(record))
        frame = pa.Table.from_pandas(pd.DataFrame(rows), preserve_index=False)
        write_atomic(self.root / "runs.parquet", lambda tmp: pq.write_table(frame, tmp))


class Results:
    """An experiment's results as tidy pandas DataFrames.

    ``runs``: one row per run (design point, replication, seed, status, factors, summary
    outcomes). ``series``: one row per run and quarter (ids, factors and kept columns), read
    from Parquet the first time it is used. ``design``: one row per design point.
    ``manifest``: provenance.
    """

    def __init__(
        self, path: Path, manifest: dict[str, Any], runs: pd.DataFrame, design: pd.DataFrame
    ) -> None:
        self.path, self.manifest, self.runs, self.design = path, manifest, runs, design

    @cached_property
    def spec(self) -> ExperimentSpec:
        """The experiment's spec, parsed back from the manifest."""
        return ExperimentSpec.from_dict(self.manifest["spec"])

    @property
    def factors(self) -> list[str]:
        """Names of the varied factors."""
        return list(self.spec.factors)

    @property
    def ok(self) -> pd.DataFrame:
        """Runs that finished successfully."""
        return self.runs[self.runs["status"] == "ok"]

    @cached_property
    def series(self) -> pd.DataFrame:
        """Time series of the successful runs, in plan order."""
        ok_ids = self.ok["run_id"].drop_duplicates()
        paths = [str(self.path / "series" / f"{run_id}.parquet") for run_id in ok_ids]
        if not paths:
            return pd.DataFrame()
        series = pq.ParquetDataset(paths).read().to_pandas()  # one multi-threaded read
        keys = self.ok[["run_id", "point", "replication", "seed", *self.factors]]
        return keys.merge(series, on="run_id", how="inner")

    def __repr__(self) -> str:
        counts = self.runs["status"].value_counts().to_dict() if len(self.runs) else {}
        return f"Results({self.manifest['experiment']!r}, {len(self.runs)} runs {counts})"


def load(path: str | Path) -> Results:
    """Load ``results/<experiment>`` (as written by ``econ run``) into :class:`Results`."""
    root = Path(path)
    manifest_path = root / "manifest.json"
    if not manifest_path.is_file():
        raise FileNotFoundError(f"{root}: no manifest.json; is this an econ results folder?")
    manifest = json.loads(manifest_path.read_text())
    runs_path = root / "runs.parquet"
    if runs_path.is_file() and manifest.get("status") == "complete":
        runs = pd.read_parquet(runs_path)
    else:  # a sweep that is running or was killed: read the records there are
        store = ResultStore(root)
        records = (store.read_record(run_id) for run_id in dict.fromkeys(manifest["plan"]))
        runs = pd.DataFrame([_row(r) for r in records if r is not None])
    if "status" not in runs:  # no run has finished yet: the columns a run's row would have
        factors = list(manifest.get("spec", {}).get("factors", {}))
        runs = pd.DataFrame(columns=["run_id", "point", "replication", "seed", "status", *factors])
    design_path = root / "design.parquet"
    design = pd.read_parquet(design_path) if design_path.exists() else pd.DataFrame()
    return Results(root, manifest, runs, design)


def to_ema(results: Results) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """Results in EMA Workbench's ``(experiments, outcomes)`` form.

    ``experiments`` has one row per successful run with the factor columns plus ``scenario``
    (the replication seed), ``policy`` (the design point) and ``model``; ``outcomes`` maps
    each kept column to an array of shape (runs, quarters). EMA's PRIM, feature scoring and
    plots accept this pair.
    """
    ok = results.ok.reset_index(drop=True)
    experiments = ok[results.factors].copy()
    experiments["scenario"] = ok["seed"].astype(str)
    experiments["policy"] = ok["point"].astype(str)
    experiments["model"] = "econ.DataEconomy"
    outcomes: dict[str, np.ndarray] = {}
    if len(ok):
        series = results.series.drop_duplicates(["run_id", "step"]).set_index(["run_id", "step"])
        for column in results.manifest["spec"]["outputs"]:
            if column in series:
                outcomes[column] = series[column].unstack("step").loc[ok["run_id"]].to_numpy()
    return experiments, outcomes
