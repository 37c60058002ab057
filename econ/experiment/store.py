"""Results on disk: atomic per-run files, a manifest, and loading into pandas.

Layout of ``results/<experiment>/`` once a sweep has finished::

    manifest.json        the spec as parsed, provenance, the plan (run ids), counts
    design.parquet       the design points
    runs.parquet         one row per planned run, rebuilt at the end of every sweep
    series.parquet       every successful run's time series (one row per quarter and run,
                         with run_id), in plan order: one Parquet dataset
    compacted.json       the record of each run in series.parquet, and that file's checksum

While a sweep runs, each run is staged in its own files, so a killed sweep loses only the
runs in flight::

    series/<id>.parquet  a finished run's time series
    runs/<id>.json       a finished or failed run's record (written last: the run is done)

At its end the sweep compacts them into ``series.parquet`` and ``compacted.json``
(:meth:`ResultStore.compact`) and deletes them. Every file is written to a temporary name
and renamed into place, so a killed sweep leaves no partial file, and a rerun finds exactly
the runs that finished, staged or compacted.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from econ.experiment.runs import RunResult, RunSpec
from econ.experiment.spec import ExperimentSpec, SpecError, check_name
from econ.parameters import shown

__all__ = [
    "COMPACTED_RECORDS",
    "COMPACTED_SERIES",
    "TEMPORARY_PREFIX",
    "DamagedResultsError",
    "ResultStore",
    "Results",
    "ResultsFolderError",
    "load",
    "record_of",
    "to_ema",
    "write_atomic",
]

#: Every temporary file econ writes starts with this: clean-up removes only these.
TEMPORARY_PREFIX = ".econ-tmp."
#: The folders of a store that hold econ's files (clean-up looks nowhere else).
_STORE_FOLDERS = (".", "runs", "series")
#: The compacted series of a finished experiment, and the records of the runs it holds.
COMPACTED_SERIES, COMPACTED_RECORDS = "series.parquet", "compacted.json"
#: Staged series files read together in one multi-threaded read (ResultStore.read_series).
_SERIES_BATCH = 256


class ResultsFolderError(ValueError):
    """A results folder belongs to something else (another experiment, or not econ)."""


class DamagedResultsError(ValueError):
    """Stored runs whose record and series do not agree; ``damaged`` maps run id to why.

    Parameters
    ----------
    message : str
        What is wrong, naming the folder and the damaged runs.
    damaged : dict of str to str or None, default None
        Each damaged run's id and why it cannot be trusted, in a few words (None: none
        listed).
    """

    def __init__(self, message: str, damaged: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.damaged = damaged or {}


def write_atomic(path: Path, write, digest: bool = False) -> str | None:
    """Write a file through ``write(tmp_path)`` then rename it into place.

    The temporary file is created with the mode the umask allows (as ``open`` would) and a
    name starting with :data:`TEMPORARY_PREFIX`, next to ``path``; if ``write`` raises, it
    is removed and ``path`` is left as it was.

    Parameters
    ----------
    path : pathlib.Path
        The file to write; its folder is created if missing.
    write : callable
        ``write(tmp_path)`` writes the file's whole content to ``tmp_path``, a
        ``pathlib.Path``.
    digest : bool, default False
        Also return the SHA-256 of the bytes written.

    Returns
    -------
    str or None
        With ``digest``, the SHA-256 of the file's bytes (64 hex digits); else None.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    while True:
        tmp = path.parent / f"{TEMPORARY_PREFIX}{path.name}.{secrets.token_hex(4)}.tmp"
        try:
            os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
            break
        except FileExistsError:  # pragma: no cover - 32 random bits collided
            continue
    try:
        write(tmp)
        checksum = _sha256(tmp) if digest else None
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return checksum


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_json(path: Path, data: Any) -> None:
    """Atomically write ``data`` as JSON."""
    write_atomic(path, lambda tmp: tmp.write_text(json.dumps(data, indent=2, default=_plain)))


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, tuple | set):
        return list(value)
    raise TypeError(f"cannot store {type(value).__name__} in JSON")


def record_of(result: RunResult, series_sha256: str | None = None) -> dict[str, Any]:
    """The JSON record of one run.

    Parameters
    ----------
    result : RunResult
        A finished or failed run.
    series_sha256 : str or None, default None
        The SHA-256 of its series file, once written: resume and ``load`` check it.

    Returns
    -------
    dict
        Run id, status, design point, replication, seed, factor values, summary outcomes,
        error, traceback, wall time (s) and the series checksum: the content of
        ``runs/<run_id>.json``.
    """
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
        "series_sha256": series_sha256,
    }


#: Fields of a record and the types they must have.
_RECORD_FIELDS = {
    "run_id": str,
    "status": str,
    "point": int,
    "replication": int,
    "seed": int,
    "factors": dict,
    "summary": dict,
    "error": str,
}


def record_problem(record: Any, run_id: str) -> str | None:
    """What is wrong with a run's record (None if it is a well-formed record of ``run_id``)."""
    if not isinstance(record, dict):
        return f"is {type(record).__name__}, not a record"
    for key, kind in _RECORD_FIELDS.items():
        value = record.get(key)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            return f"has no valid {key!r}"
    if record["run_id"] != run_id:
        return f"names another run ({shown(record['run_id'], 40)})"
    if record["status"] not in ("ok", "failed"):
        return f"has status {shown(record['status'], 40)}"
    if not all(isinstance(v, int | float) for v in record["summary"].values()):
        return "has a summary that is not all numbers"
    sha = record.get("series_sha256")
    if sha is not None and not isinstance(sha, str):
        return "has no valid 'series_sha256'"
    return None


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


def _runs_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """The runs table: ``error`` last, wherever the first failed run comes."""
    frame = pd.DataFrame(rows)
    if "error" in frame:
        frame = frame[[c for c in frame.columns if c != "error"] + ["error"]]
    return frame


class ResultStore:
    """The folder of one experiment's results.

    Parameters
    ----------
    root : str or pathlib.Path
        The folder, ``results/<experiment>`` by default; created when the first file is
        written.

    Raises
    ------
    NotADirectoryError
        If ``root`` exists and is not a folder.
    """

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root).expanduser()
        if self.root.exists() and not self.root.is_dir():
            raise NotADirectoryError(f"results path {self.root} exists and is not a folder")

    def series_path(self, run_id: str) -> Path:
        """Where a run's series is stored.

        Parameters
        ----------
        run_id : str
            The run's id (:attr:`RunSpec.run_id <econ.experiment.runs.RunSpec.run_id>`).

        Returns
        -------
        pathlib.Path
            ``series/<run_id>.parquet`` under the folder.
        """
        return self.root / "series" / f"{run_id}.parquet"

    def record_path(self, run_id: str) -> Path:
        """Where a run's record is stored.

        Parameters
        ----------
        run_id : str
            The run's id.

        Returns
        -------
        pathlib.Path
            ``runs/<run_id>.json`` under the folder.
        """
        return self.root / "runs" / f"{run_id}.json"

    def claim(self, experiment: str) -> None:
        """Check that this folder is new, empty, or already holds ``experiment``'s results.

        Two experiments never share a folder unknowingly, and econ never writes into a
        folder it did not create.

        Parameters
        ----------
        experiment : str
            The name of the experiment that will write here.

        Raises
        ------
        ResultsFolderError
            If the folder is not empty and holds no econ results (no ``manifest.json``), or
            holds another experiment's results.
        """
        if not self.root.exists():
            return
        manifest_path = self.root / "manifest.json"
        if not manifest_path.exists():
            if any(self.root.iterdir()):
                raise ResultsFolderError(
                    f"{self.root} is not empty and holds no econ results (no manifest.json); "
                    "econ writes only into a new or empty folder, or into its own results: "
                    "choose another --out"
                )
            return
        manifest = read_manifest(self.root)
        if manifest["experiment"] != experiment:
            raise ResultsFolderError(
                f"{self.root} holds the results of experiment {manifest['experiment']!r}; "
                f"experiment {experiment!r} would mix its runs with them: choose another "
                f"--out (default results/{experiment}), or delete that folder first"
            )

    def remove_stale_temporaries(self) -> None:
        """Delete temporary files a killed sweep left behind: only econ's own (by their
        prefix), only in this store's folders, never in subfolders or elsewhere."""
        for folder in _STORE_FOLDERS:
            where = self.root / folder
            if not where.is_dir() or where.is_symlink():
                continue
            for tmp in where.glob(f"{TEMPORARY_PREFIX}*.tmp"):
                if tmp.is_file() and not tmp.is_symlink():
                    tmp.unlink(missing_ok=True)

    def read_record(self, run_id: str) -> dict[str, Any] | None:
        """A run's record, or None if it has none or one that is not a valid record of it.

        Parameters
        ----------
        run_id : str
            The run's id.

        Returns
        -------
        dict or None
            The record (:func:`record_of`), or None.
        """
        try:
            record = json.loads(self.record_path(run_id).read_text())
        except (OSError, ValueError):  # missing, unreadable, not UTF-8 or not JSON
            record = None
        if record is not None and record_problem(record, run_id) is None:
            return record
        return self._compacted["records"].get(run_id)

    @cached_property
    def _compacted(self) -> dict[str, Any]:
        """What ``compacted.json`` says: valid records by run id, the series checksum."""
        try:
            data = json.loads((self.root / COMPACTED_RECORDS).read_text())
            records, sha256 = dict(data["records"]), data["series_sha256"]
        except (OSError, ValueError, KeyError, TypeError):  # none, or damaged: runs re-run
            return {"records": {}, "series_sha256": None}
        valid = {
            run_id: record
            for run_id, record in records.items()
            if record_problem(record, run_id) is None
        }
        return {"records": valid, "series_sha256": sha256}

    @cached_property
    def _compacted_series(self) -> tuple[str | None, set[str]]:
        """Why ``series.parquet`` cannot be trusted (or None), and the run ids inside it."""
        try:
            data = (self.root / COMPACTED_SERIES).read_bytes()
        except FileNotFoundError:
            return "compacted series file missing", set()
        except OSError as err:
            return f"compacted series file unreadable ({err.strerror})", set()
        if hashlib.sha256(data).hexdigest() != self._compacted["series_sha256"]:
            return "compacted series file changed since it was written (checksum differs)", set()
        try:
            ids = pq.read_table(pa.BufferReader(data), columns=["run_id"]).column("run_id")
        except (pa.ArrowException, ValueError, KeyError):
            return "compacted series file is not Parquet with a run_id column", set()
        return None, set(pc.unique(ids).to_pylist())

    def _is_staged(self, run_id: str) -> bool:
        """Whether the run has its own record file (staged, not compacted)."""
        return self.record_path(run_id).exists() or run_id not in self._compacted["records"]

    def damage(self, run_id: str) -> str | None:
        """Why a run's stored result cannot be trusted, or None if it can.

        A finished run is intact when its record parses and names it, and, if it succeeded,
        its series file exists, matches the checksum in the record, is Parquet, and holds
        rows of this run only (the run id inside the data).

        Parameters
        ----------
        run_id : str
            The run's id.

        Returns
        -------
        str or None
            What is wrong, in a few words, or None.
        """
        if not self._is_staged(run_id):
            if self._compacted["records"][run_id]["status"] != "ok":
                return None
            problem, ids = self._compacted_series
            if problem is None and run_id not in ids:
                problem = "compacted series file has no rows of this run"
            return problem
        try:
            text = self.record_path(run_id).read_text()
        except FileNotFoundError:
            return "record missing"
        except (OSError, ValueError) as err:
            return f"record unreadable ({type(err).__name__})"
        try:
            record = json.loads(text)
        except ValueError:
            return "record is not JSON"
        problem = record_problem(record, run_id)
        if problem is not None:
            return f"record {problem}"
        if record["status"] != "ok":
            return None
        return self._series_damage(run_id, record.get("series_sha256"))

    def _series_damage(self, run_id: str, sha256: str | None) -> str | None:
        try:
            data = self.series_path(run_id).read_bytes()
        except FileNotFoundError:
            return "series file missing"
        except OSError as err:
            return f"series file unreadable ({err.strerror})"
        if sha256 is not None and hashlib.sha256(data).hexdigest() != sha256:
            return "series file changed since it was written (checksum differs)"
        try:
            ids = pq.read_table(pa.BufferReader(data), columns=["run_id"]).column("run_id")
        except (pa.ArrowException, ValueError, KeyError):
            return "series file is not Parquet with a run_id column"
        if len(ids) == 0:
            return "series file has no rows"
        if not pc.all(pc.equal(ids, run_id)).as_py():
            return "series file holds another run's data"
        return None

    def finished(self, run_ids: list[str] | None = None) -> set[str]:
        """Ids of runs that finished successfully and are intact (others are re-run).

        Parameters
        ----------
        run_ids : list of str or None, default None
            The runs to check; None: every record in the folder.

        Returns
        -------
        set of str
            The ids of the intact, successful runs.
        """
        if run_ids is None:
            run_ids = [path.stem for path in (self.root / "runs").glob("*.json")]
            run_ids += list(self._compacted["records"])
        finished = set()
        for run_id in dict.fromkeys(run_ids):
            record = self.read_record(run_id)
            if record is not None and record["status"] == "ok" and self.damage(run_id) is None:
                finished.add(run_id)
        return finished

    def write_result(self, result: RunResult) -> None:
        """Store one run: its series first, then its record (which marks it done) with the
        series file's checksum.

        Parameters
        ----------
        result : RunResult
            The run to store; its series is written unless it is None.
        """
        run_id = result.run.run_id
        sha256 = None
        if result.series is not None:
            table = pa.Table.from_pandas(result.series, preserve_index=False)
            sha256 = write_atomic(
                self.series_path(run_id), lambda tmp: pq.write_table(table, tmp), digest=True
            )
        write_json(self.record_path(run_id), record_of(result, sha256))

    def write_manifest(self, manifest: dict[str, Any]) -> None:
        """Write ``manifest.json`` atomically.

        Parameters
        ----------
        manifest : dict
            The experiment's provenance (see the user guide's "Results and provenance").
        """
        write_json(self.root / "manifest.json", manifest)

    def write_design(self, design: pd.DataFrame) -> None:
        """Write ``design.parquet`` atomically.

        Parameters
        ----------
        design : pandas.DataFrame
            The design points (:func:`~econ.experiment.designs.design_points`).
        """
        table = pa.Table.from_pandas(design.reset_index(), preserve_index=False)
        write_atomic(self.root / "design.parquet", lambda tmp: pq.write_table(table, tmp))

    def consolidate(self, plan: list[RunSpec], known: dict[str, dict] | None = None) -> None:
        """Write ``runs.parquet``: one row per planned run with a record, in plan order.

        Parameters
        ----------
        plan : list of RunSpec
            Every run of the experiment.
        known : dict of str to dict or None, default None
            Records already in memory (this sweep's runs), by run id; others are read from disk.
        """
        known = known or {}
        rows = []
        for run_id in dict.fromkeys(r.run_id for r in plan):
            record = known.get(run_id) or self.read_record(run_id)
            if record is not None:
                rows.append(_row(record))
        frame = pa.Table.from_pandas(_runs_frame(rows), preserve_index=False)
        write_atomic(self.root / "runs.parquet", lambda tmp: pq.write_table(frame, tmp))

    def read_series(self, run_ids: list[str]) -> pa.Table:
        """The series of successful runs, staged or compacted, in the order of ``run_ids``.

        Parameters
        ----------
        run_ids : list of str
            Ids of intact successful runs (:meth:`finished`).

        Returns
        -------
        pyarrow.Table
            Their rows, run after run, each run's quarters in order.
        """
        run_ids = list(dict.fromkeys(run_ids))
        staged = [r for r in run_ids if self._is_staged(r)]
        compacted = [r for r in run_ids if not self._is_staged(r)]
        tables = []
        # Multi-threaded reads of _SERIES_BATCH files each: one dataset of every file held
        # about 75 KB a file until the end (3.5 GB for a 47,000-run Sobol sweep); batches
        # hold a constant ~90 MB.
        paths = [str(self.series_path(r)) for r in staged]
        for start in range(0, len(paths), _SERIES_BATCH):
            batch = paths[start : start + _SERIES_BATCH]
            tables.append(pq.ParquetDataset(batch).read().combine_chunks())
        if compacted:
            tables.append(
                pq.read_table(self.root / COMPACTED_SERIES, filters=[("run_id", "in", compacted)])
            )
        if not tables:
            return pa.table({})
        table = pa.concat_tables(tables, promote_options="default")
        if staged and compacted:  # back to the order asked for
            order = pc.index_in(table.column("run_id"), pa.array(run_ids))
            table = table.take(pc.sort_indices(order))  # Arrow's sort is stable
        return table

    def compact(self, plan: list[RunSpec]) -> None:
        """Compact the staged runs into ``series.parquet`` and ``compacted.json``.

        Every intact run of ``plan`` (and every run compacted before that ``plan`` no longer
        names) goes into the compacted dataset, then its staged files are deleted. Damaged
        runs stay staged, so :func:`load` names them and a resumed sweep re-runs them. A
        compaction interrupted at any point leaves either the old or the new dataset
        trusted, or the runs named damaged (never silently wrong data).

        Parameters
        ----------
        plan : list of RunSpec
            Every run of the experiment.
        """
        before = self._compacted["records"]
        run_ids = list(dict.fromkeys([*(r.run_id for r in plan), *before]))
        records = {}
        for run_id in run_ids:
            record = self.read_record(run_id)
            if record is not None and (record["status"] != "ok" or self.damage(run_id) is None):
                records[run_id] = {**record, "series_sha256": None}
        ok = [run_id for run_id, record in records.items() if record["status"] == "ok"]
        table = self.read_series(ok) if ok else pa.table({"run_id": pa.array([], pa.string())})
        sha256 = write_atomic(
            self.root / COMPACTED_SERIES, lambda tmp: pq.write_table(table, tmp), digest=True
        )
        write_json(self.root / COMPACTED_RECORDS, {"series_sha256": sha256, "records": records})
        for cached in ("_compacted", "_compacted_series"):
            self.__dict__.pop(cached, None)
        for run_id in records:  # now in the compacted dataset: staging only
            self.series_path(run_id).unlink(missing_ok=True)
            self.record_path(run_id).unlink(missing_ok=True)
        for folder in ("runs", "series"):
            path = self.root / folder
            if path.is_dir() and not path.is_symlink() and not any(path.iterdir()):
                path.rmdir()


def read_manifest(root: Path) -> dict[str, Any]:
    """A results folder's manifest, checked enough to be used: raises
    :class:`FileNotFoundError` without one and :class:`DamagedResultsError` for a bad one."""
    path = Path(root) / "manifest.json"
    if not path.is_file():
        raise FileNotFoundError(f"{root}: no manifest.json; is this an econ results folder?")
    try:
        manifest = json.loads(path.read_text())
    except (OSError, ValueError) as err:
        raise DamagedResultsError(
            f"{path} is unreadable or not JSON ({type(err).__name__})"
        ) from None
    if not isinstance(manifest, dict):
        raise DamagedResultsError(f"{path} is {type(manifest).__name__}, not a manifest")
    try:
        check_name(manifest.get("experiment"), "its experiment name")
    except SpecError as err:
        raise DamagedResultsError(f"{path}: {err}") from None
    plan = manifest.get("plan")
    if not isinstance(plan, list) or not all(isinstance(run_id, str) for run_id in plan):
        raise DamagedResultsError(f"{path}: 'plan' is not a list of run ids")
    if not all(run_id.isalnum() for run_id in plan):  # ids become file names
        raise DamagedResultsError(f"{path}: 'plan' holds a run id that is not a hash")
    for key, kind in (("spec", dict), ("status", str), ("counts", dict)):
        if not isinstance(manifest.get(key), kind):
            raise DamagedResultsError(f"{path}: {key!r} is missing or not a {kind.__name__}")
    return manifest


class Results:
    """An experiment's results as tidy pandas DataFrames.

    Made by :func:`load` (or returned by :func:`econ.experiment.run`).

    Parameters
    ----------
    path : pathlib.Path
        The results folder.
    manifest : dict
        The experiment's provenance, from ``manifest.json``.
    runs : pandas.DataFrame
        One row per run: run id, design point, replication, seed, status, factors, summary
        outcomes (see :func:`~econ.experiment.runner.summarise` for their units) and error.
    design : pandas.DataFrame
        One row per design point.
    damaged : dict of str to str, optional
        Runs left out by ``load(..., skip_damaged=True)`` (run id: why); their rows in
        ``runs`` have status ``"damaged"``.
    spec : ExperimentSpec or None, optional
        The experiment's spec, when the caller has it already; None (the default) parses it
        from the manifest when it is first used.

    See Also
    --------
    load : read a results folder.
    to_ema : the results in EMA Workbench's form.
    """

    def __init__(
        self,
        path: Path,
        manifest: dict[str, Any],
        runs: pd.DataFrame,
        design: pd.DataFrame,
        damaged: dict[str, str] | None = None,
        spec: ExperimentSpec | None = None,
    ) -> None:
        self.path, self.manifest, self.runs, self.design = path, manifest, runs, design
        self.damaged = damaged or {}
        if spec is not None:
            self.__dict__["spec"] = spec

    @cached_property
    def spec(self) -> ExperimentSpec:
        """The experiment's spec, parsed back from the manifest."""
        return ExperimentSpec.from_dict(self.manifest["spec"])

    @property
    def factors(self) -> list[str]:
        """Names of the varied factors, and ``draw`` when the runs are over posterior draws.

        With ``draw`` among the factors, :func:`econ.analysis.effects` pairs runs within a
        draw; :func:`econ.analysis.effects_over_draws` pools the draws.
        """
        return [*self.spec.factors, *(["draw"] if self.spec.posterior_draws else [])]

    @property
    def ok(self) -> pd.DataFrame:
        """Runs that finished successfully (and are intact)."""
        if "status" not in self.runs:
            return self.runs
        return self.runs[self.runs["status"] == "ok"]

    @cached_property
    def series(self) -> pd.DataFrame:
        """Time series of the successful runs, in plan order."""
        ok_ids = list(self.ok["run_id"].drop_duplicates()) if len(self.ok) else []
        if not ok_ids:
            return pd.DataFrame()
        series = ResultStore(self.path).read_series(ok_ids).to_pandas()
        keys = self.ok[["run_id", "point", "replication", "seed", *self.factors]]
        return keys.merge(series, on="run_id", how="inner")

    def __repr__(self) -> str:
        counts = self.runs["status"].value_counts().to_dict() if len(self.runs) else {}
        return f"Results({self.manifest['experiment']!r}, {len(self.runs)} runs {counts})"


def load(path: str | Path, skip_damaged: bool = False) -> Results:
    """Load ``results/<experiment>`` (as written by ``econ run``) into :class:`Results`.

    Every successful run is checked first: its record and series file must exist, parse
    and name each other, and the series must match the checksum in the record. Damaged
    runs raise :class:`DamagedResultsError` naming them (rerunning the sweep into the same
    folder re-runs exactly those); with ``skip_damaged=True`` they are left out instead and
    listed in ``Results.damaged``.

    Parameters
    ----------
    path : str or pathlib.Path
        The results folder.
    skip_damaged : bool, default False
        Leave damaged runs out instead of raising.

    Returns
    -------
    Results
        The experiment's runs, design and manifest; its series are read on first use.

    Raises
    ------
    DamagedResultsError
        If the folder is not an intact econ results folder, or runs are damaged.
    """
    if not isinstance(skip_damaged, bool):
        raise TypeError(f"skip_damaged={shown(skip_damaged)}: expected True or False")
    root = Path(path).expanduser()
    manifest = read_manifest(root)
    try:
        spec = ExperimentSpec.from_dict(manifest["spec"])
    except SpecError as err:
        raise DamagedResultsError(f"{root / 'manifest.json'}: its spec is invalid: {err}") from None
    store = ResultStore(root)
    runs = None
    runs_path = root / "runs.parquet"
    if runs_path.is_file() and manifest["status"] == "complete":
        try:
            runs = pd.read_parquet(runs_path)
        except (pa.ArrowException, OSError, ValueError):
            runs = None  # rebuilt from the records below
        if runs is not None and (
            not {"run_id", "status"} <= set(runs.columns)
            or not runs["run_id"].isin(manifest["plan"]).all()  # ids become file names
        ):
            runs = None
    if runs is None:  # a sweep that is running or was killed: read the records there are
        records = (store.read_record(run_id) for run_id in dict.fromkeys(manifest["plan"]))
        runs = _runs_frame([_row(r) for r in records if r is not None])
    if "status" not in runs:  # no run has finished yet: the columns a run's row would have
        draws = ["draw"] if spec.posterior_draws else []
        columns = ["run_id", "point", "replication", "seed", "status", *spec.factors, *draws]
        runs = pd.DataFrame(columns=columns)
    damaged = {}
    if len(runs):
        for run_id in runs.loc[runs["status"] == "ok", "run_id"].drop_duplicates():
            problem = store.damage(run_id)
            if problem is not None:
                damaged[run_id] = problem
    if damaged and not skip_damaged:
        listed = "; ".join(f"{run_id} ({why})" for run_id, why in list(damaged.items())[:5])
        more = f"; and {len(damaged) - 5} more" if len(damaged) > 5 else ""
        raise DamagedResultsError(
            f"{root}: {len(damaged)} stored run(s) are damaged: {listed}{more}. Run the "
            "experiment again into the same folder to re-run them, or load it with "
            "skip_damaged=True to leave them out",
            damaged,
        )
    if damaged:
        runs = runs.copy()
        hit = runs["run_id"].isin(list(damaged))
        runs.loc[hit, "status"] = "damaged"
        runs.loc[hit, "error"] = runs.loc[hit, "run_id"].map(damaged)
    design_path = root / "design.parquet"
    try:
        design = pd.read_parquet(design_path) if design_path.exists() else pd.DataFrame()
    except (pa.ArrowException, OSError, ValueError):
        raise DamagedResultsError(
            f"{design_path} is damaged; run the experiment again into the same folder to rewrite it"
        ) from None
    return Results(root, manifest, runs, design, damaged, spec)


def to_ema(results: Results) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """Results in EMA Workbench's ``(experiments, outcomes)`` form.

    EMA's PRIM, feature scoring, plots and ``save_results`` accept this pair (with
    ema_workbench installed, the outcomes are registered as EMA time-series outcomes so that
    ``save_results`` knows them).

    Parameters
    ----------
    results : Results
        An experiment's results.

    Returns
    -------
    experiments : pandas.DataFrame
        One row per successful run with the factor columns plus ``scenario`` (the replication
        seed), ``policy`` (the design point) and ``model``; factors that are not numbers
        (regimes, switches) and the three id columns are categorical, as EMA's own
        experiments are.
    outcomes : dict of str to numpy.ndarray
        Each kept column (in its own unit) as an array of shape (runs, quarters), plus
        ``TIME`` (the quarters).
    """
    ok = results.ok.reset_index(drop=True)
    experiments = ok[results.factors].copy()
    for factor in results.factors:
        if not pd.api.types.is_float_dtype(experiments[factor]) and not (
            pd.api.types.is_integer_dtype(experiments[factor])
            and not pd.api.types.is_bool_dtype(experiments[factor])
        ):
            experiments[factor] = experiments[factor].astype("category")
    experiments["scenario"] = ok["seed"].astype("category")
    experiments["policy"] = ok["point"].astype("category")
    experiments["model"] = pd.Categorical(["econ.DataEconomy"] * len(ok))
    outcomes: dict[str, np.ndarray] = {}
    if len(ok):
        series = results.series.drop_duplicates(["run_id", "step"]).set_index(["run_id", "step"])
        for column in results.manifest["spec"]["outputs"]:
            if column in series:
                outcomes[column] = series[column].unstack("step").loc[ok["run_id"]].to_numpy()
        steps = np.sort(series.index.get_level_values("step").unique()).astype(float)
        outcomes["TIME"] = np.tile(steps, (len(ok), 1))
    _register_with_ema(outcomes)
    return experiments, outcomes


def _register_with_ema(outcomes: dict[str, np.ndarray]) -> None:
    """Declare the outcomes to EMA Workbench, if installed: its save_results needs that."""
    try:
        from ema_workbench import TimeSeriesOutcome
    except ImportError:
        return
    for name in outcomes:
        TimeSeriesOutcome(name)
