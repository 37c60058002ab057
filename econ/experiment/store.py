"""Results on disk: atomic per-run files, a manifest, and loading into pandas.

Layout of ``results/<experiment>/``::

    manifest.json        the spec as parsed, provenance, the plan (run ids), counts
    design.parquet       the design points
    series/<id>.parquet  each finished run's time series (one row per quarter)
    runs/<id>.json       each finished or failed run's record (written last: the run is done)
    runs.parquet         one row per planned run, rebuilt at the end of every sweep

Every file is written to a temporary name and renamed into place, so a killed sweep leaves no
partial file, and a rerun finds exactly the runs that finished.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from econ.experiment.runner import RunResult, RunSpec

__all__ = ["ResultStore", "Results", "load", "to_ema"]


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


class ResultStore:
    """The folder of one experiment's results."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        if self.root.exists() and not self.root.is_dir():
            raise NotADirectoryError(f"results path {self.root} exists and is not a folder")

    def remove_stale_temporaries(self) -> None:
        """Delete temporary files a killed sweep left behind (never a finished result)."""
        for tmp in self.root.glob("**/.*.tmp"):
            tmp.unlink(missing_ok=True)

    def series_path(self, run_id: str) -> Path:
        return self.root / "series" / f"{run_id}.parquet"

    def record_path(self, run_id: str) -> Path:
        return self.root / "runs" / f"{run_id}.json"

    def finished(self) -> set[str]:
        """Ids of runs that finished successfully (failed runs are retried)."""
        done = set()
        for path in (self.root / "runs").glob("*.json"):
            try:
                if json.loads(path.read_text()).get("status") == "ok":
                    done.add(path.stem)
            except (OSError, json.JSONDecodeError):
                continue  # unreadable record: run it again
        return done

    def write_result(self, result: RunResult) -> None:
        """Store one run: its series first, then its record (which marks it done)."""
        run = result.run
        if result.series is not None:
            table = pa.Table.from_pandas(result.series, preserve_index=False)
            write_atomic(self.series_path(run.run_id), lambda tmp: pq.write_table(table, tmp))
        write_json(
            self.record_path(run.run_id),
            {
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
            },
        )

    def write_manifest(self, manifest: dict[str, Any]) -> None:
        write_json(self.root / "manifest.json", manifest)

    def write_design(self, design: pd.DataFrame) -> None:
        table = pa.Table.from_pandas(design.reset_index(), preserve_index=False)
        write_atomic(self.root / "design.parquet", lambda tmp: pq.write_table(table, tmp))

    def consolidate(self, plan: list[RunSpec]) -> pd.DataFrame:
        """Write ``runs.parquet``: one row per planned run, in plan order."""
        runs = _runs_frame(self, plan)
        table = pa.Table.from_pandas(runs, preserve_index=False)
        write_atomic(self.root / "runs.parquet", lambda tmp: pq.write_table(table, tmp))
        return runs


def _runs_frame(store: ResultStore, plan: list[RunSpec]) -> pd.DataFrame:
    rows = []
    for run in plan:
        path = store.record_path(run.run_id)
        record = json.loads(path.read_text()) if path.exists() else {"status": "missing"}
        row = {
            "run_id": run.run_id,
            "point": run.point,
            "replication": run.replication,
            "seed": run.seed,
            "status": record["status"],
            **run.factors,
        }
        row.update(record.get("summary", {}))
        row["error"] = record.get("error", "")
        rows.append(row)
    return pd.DataFrame(rows)


@dataclass
class Results:
    """An experiment's results as tidy pandas DataFrames.

    ``runs``: one row per run (design point, replication, seed, status, factors, summary
    outcomes). ``series``: one row per run and quarter (ids, factors and kept columns).
    ``design``: one row per design point. ``manifest``: provenance.
    """

    runs: pd.DataFrame
    series: pd.DataFrame
    design: pd.DataFrame
    manifest: dict[str, Any]
    path: Path

    @property
    def factors(self) -> list[str]:
        """Names of the varied factors."""
        return list(self.manifest["spec"]["factors"])

    @property
    def ok(self) -> pd.DataFrame:
        """Runs that finished successfully."""
        return self.runs[self.runs["status"] == "ok"]


def load(path: str | Path) -> Results:
    """Load ``results/<experiment>`` (as written by ``econ run``) into :class:`Results`."""
    root = Path(path)
    manifest_path = root / "manifest.json"
    if not manifest_path.is_file():
        raise FileNotFoundError(f"{root}: no manifest.json; is this an econ results folder?")
    manifest = json.loads(manifest_path.read_text())
    runs_path = root / "runs.parquet"
    plan_ids = manifest["plan"]
    if runs_path.is_file():
        runs = pd.read_parquet(runs_path)
    else:  # a sweep that was killed before consolidating: read the records
        rows = []
        for run_id in plan_ids:
            record_path = root / "runs" / f"{run_id}.json"
            if record_path.exists():
                rec = json.loads(record_path.read_text())
                rows.append(
                    {
                        "run_id": run_id,
                        "point": rec["point"],
                        "replication": rec["replication"],
                        "seed": rec["seed"],
                        "status": rec["status"],
                        **rec["factors"],
                        **rec["summary"],
                        "error": rec["error"],
                    }
                )
        runs = pd.DataFrame(rows)
    design = (
        pd.read_parquet(root / "design.parquet")
        if (root / "design.parquet").exists()
        else (pd.DataFrame())
    )
    ok_ids = runs.loc[runs["status"] == "ok", "run_id"].drop_duplicates() if len(runs) else []
    frames = []
    ids_cols = [c for c in runs.columns if c in ("run_id", "point", "replication", "seed")]
    factor_cols = list(manifest["spec"]["factors"])
    for run_id in ok_ids:
        frame = pd.read_parquet(root / "series" / f"{run_id}.parquet")
        frame.insert(0, "run_id", run_id)
        frames.append(frame)
    series = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    if len(series):
        keys = runs[ids_cols + factor_cols]
        series = keys.merge(series, on="run_id", how="inner")
    return Results(runs=runs, series=series, design=design, manifest=manifest, path=root)


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
        columns = [c for c in results.manifest["spec"]["outputs"] if c in series]
        for column in columns:
            wide = series[column].unstack("step").loc[ok["run_id"]]
            outcomes[column] = wide.to_numpy()
    return experiments, outcomes
