"""Experiment specs: a TOML file parsed into a validated experiment.

A spec file becomes an :class:`ExperimentSpec` through :func:`load_spec`.

A spec says which scenario and model size to run, for how many quarters, which levers and
scenario parameters to vary (the design) and which to hold fixed, how many replications, the
root seed and which outputs to keep. Every mistake is reported at load time with the file, the
key and what is allowed; nothing runs until the spec is valid.

.. code-block:: toml

    [experiment]
    name = "smoke"
    scenario = "small"
    steps = 8
    replications = 2
    seed = 2024
    # posterior_draws = 20   # with scenario = "china_2024@posterior": run at 20 particles

    [policy]                 # levers held fixed
    pricing = "conditional_free"

    [design]
    type = "factorial"       # factorial | one_at_a_time | latin_hypercube | sobol | morris
    [design.factors]         # lists of values; [low, high] bounds for sampling designs,
                             # or "plausible": the parameter table's plausible range
    pricing = ["free", "cost_recovery"]
"""

from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from econ.experiment.posterior import read_posterior
from econ.experiment.runs import DEFAULT_MODEL, resolve_model
from econ.metrics import ALL_COLUMNS, MODEL_COLUMNS
from econ.parameters import Parameter, ParameterError, shown
from econ.policy import LEVERS
from econ.scenarios import SCENARIO_PARAMETERS, SCENARIOS, get_scenario, resolve_estimate

__all__ = [
    "DESIGNS",
    "LIMITS",
    "REQUIRED",
    "SPEC_KEYS",
    "SPEC_TABLES",
    "ExperimentSpec",
    "SpecError",
    "SpecKey",
    "check_name",
    "load_spec",
    "parse_spec",
]

#: Design types and whether their factors are value lists or [low, high] bounds.
DESIGNS = {
    "factorial": "values",
    "one_at_a_time": "values",
    "latin_hypercube": "bounds",
    "sobol": "bounds",
    "morris": "bounds",
}
#: Every column the model reports, any of which may be kept.
ALL_OUTPUTS = ALL_COLUMNS

#: Bounds on the sizes of an experiment: beyond them a sweep would not end, or not fit.
LIMITS = {
    "n_firms": (10, 1_000_000),  # the scenario parameter's bound
    "steps": (2, 1_000),  # quarters; two are needed for a growth rate
    "replications": (1, 10_000),
    "samples": (2, 65_536),
    "levels": (2, 64),
    "seed": (0, 2**64 - 1),
    "values": (1, 1_000),  # values listed for one factor
    "posterior_draws": (1, 10_000),
    "runs": (1, 100_000),  # design points x replications (x posterior draws)
}
#: Per-run time limit (seconds) a spec or the command line may set.
TIME_LIMIT_BOUNDS = (1.0, 7 * 24 * 3600.0)
#: A safe file-name component: experiment names become folder and file names.
_SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,99}")


@dataclass(frozen=True)
class SpecKey:
    """One key of a spec file: the table it sits in, its TOML type, default and meaning.

    Parameters
    ----------
    table : str
        The TOML table the key belongs to (``"experiment"``, ``"design"`` or ``"quick"``).
    name : str
        The key as written in the file.
    type : str
        Its TOML type, in words.
    default : object
        The value used when the key is absent; :data:`REQUIRED` when it must be given.
    meaning : str
        What the key sets, with its unit.
    minimum : int or None, default None
        The smallest whole number allowed, for integer keys.
    """

    table: str
    name: str
    type: str
    default: Any
    meaning: str
    minimum: int | None = None


#: Marks a :class:`SpecKey` without a default: the key must be given.
REQUIRED = "(required)"

#: The spec file's tables and what each holds; ``[policy]`` and ``[params]`` take any policy
#: lever (:data:`econ.policy.LEVERS`) or scenario parameter, validated as ``Policy`` and
#: ``Scenario`` validate them.
SPEC_TABLES = {
    "experiment": "what to run: the scenario and size, quarters, replications and seed",
    "policy": "policy levers held fixed at a value (any lever; others keep their defaults)",
    "params": "scenario parameters held fixed at a value (any parameter except n_firms)",
    "design": "the design: its type, the factors it varies and the design's own settings",
    "quick": "what --quick shrinks the experiment to, for a smoke run",
}

#: Every fixed key of a spec file, table by table. :func:`parse_spec` accepts exactly these
#: keys (plus levers in ``[policy]`` and parameters in ``[params]``) and takes its defaults
#: and minimums from here; the documentation's spec reference is generated from it.
SPEC_KEYS: tuple[SpecKey, ...] = (
    SpecKey(
        "experiment",
        "name",
        "string",
        "the file's name without .toml",
        "the experiment's name (letters, digits, '-' and '_'); also its results folder's",
    ),
    SpecKey("experiment", "description", "string", "", "free text, kept in the manifest"),
    SpecKey(
        "experiment",
        "model",
        "string",
        DEFAULT_MODEL,
        "the model class, 'package.module:Class': a mesa.Model taking econ's keyword "
        "arguments (run ids hash its module's code too)",
    ),
    SpecKey(
        "experiment",
        "scenario",
        "string",
        "china_2024",
        f"the scenario the runs start from: {', '.join(SCENARIOS)}",
    ),
    SpecKey(
        "experiment",
        "n_firms",
        "integer",
        "the scenario's n_firms",
        "simulated firm slots (model size)",
        minimum=10,
    ),
    SpecKey("experiment", "steps", "integer", 40, "quarters each run lasts", minimum=2),
    SpecKey(
        "experiment",
        "replications",
        "integer",
        1,
        "runs per design point, with seeds SeedSequence(seed).spawn(replications)",
        minimum=1,
    ),
    SpecKey("experiment", "seed", "integer", 0, "the root seed of the replications", minimum=0),
    SpecKey(
        "experiment",
        "posterior_draws",
        "integer",
        "none: the posterior mean",
        "with scenario '<scenario>@posterior': run every design point and replication at this "
        "many particles drawn by weight from the stored posterior, instead of at its mean",
        minimum=1,
    ),
    SpecKey(
        "experiment",
        "time_limit",
        "number",
        "an estimate from the model's size",
        "seconds one run may take before it is stopped and recorded as failed",
    ),
    SpecKey(
        "experiment",
        "outputs",
        "list of strings",
        list(MODEL_COLUMNS),
        "the model's reported columns each run keeps (any of econ.metrics.ALL_COLUMNS)",
    ),
    SpecKey(
        "design",
        "type",
        "string",
        REQUIRED,
        f"the design: {', '.join(DESIGNS)}",
    ),
    SpecKey(
        "design",
        "factors",
        "table",
        REQUIRED,
        "[design.factors]: each varied lever or parameter with a list of values (factorial, "
        'one_at_a_time) or [low, high] bounds (latin_hypercube, sobol, morris); "plausible" '
        "takes the bounds from the parameter table",
    ),
    SpecKey(
        "design",
        "baseline",
        "table",
        "each factor's default",
        "[design.baseline]: the point one_at_a_time designs vary one factor away from",
    ),
    SpecKey(
        "design",
        "samples",
        "integer",
        "required by sampling designs",
        "Latin hypercube points, Sobol base sample N, or Morris trajectories",
        minimum=2,
    ),
    SpecKey("design", "levels", "integer", 4, "Morris grid levels", minimum=2),
    SpecKey(
        "design",
        "second_order",
        "boolean",
        False,
        "Sobol designs: also sample for second-order indices",
    ),
    SpecKey(
        "quick", "n_firms", "integer", "min(n_firms, 150)", "firm slots under --quick", minimum=10
    ),
    SpecKey("quick", "steps", "integer", "min(steps, 8)", "quarters under --quick", minimum=2),
    SpecKey(
        "quick",
        "replications",
        "integer",
        "min(replications, 2)",
        "replications under --quick",
        minimum=1,
    ),
    SpecKey(
        "quick", "samples", "integer", "min(samples, 8)", "design samples under --quick", minimum=2
    ),
    SpecKey(
        "quick",
        "posterior_draws",
        "integer",
        "min(posterior_draws, 2)",
        "posterior draws under --quick",
        minimum=1,
    ),
)

_KEYS = {(k.table, k.name): k for k in SPEC_KEYS}
_TABLES = {table: {k.name for k in SPEC_KEYS if k.table == table} for table in SPEC_TABLES} | {
    "policy": set(LEVERS),
    "params": set(SCENARIO_PARAMETERS) - {"n_firms"},
}


class SpecError(ValueError):
    """A spec file is malformed; the message names the file, the key and what is allowed."""


def check_name(name: Any, where: str = "experiment name") -> str:
    """``name`` if it is a safe file-name component (it becomes folder and file names).

    Parameters
    ----------
    name : object
        The name to check: 1-100 ASCII letters, digits, ``-`` and ``_``, starting with a
        letter or digit.
    where : str, default "experiment name"
        What the name is, for the error message.

    Returns
    -------
    str
        ``name``, unchanged.

    Raises
    ------
    SpecError
        If ``name`` is not a string or not a safe file-name component.
    """
    if not isinstance(name, str) or not _SAFE_NAME.fullmatch(name):
        raise SpecError(
            f"{where} {shown(name)}: use 1-100 ASCII letters, digits, '-' and '_', "
            "starting with a letter or digit"
        )
    return name


@dataclass(frozen=True)
class ExperimentSpec:
    """A validated experiment: what to run, how to vary it and what to keep.

    Made by :func:`load_spec` or :func:`parse_spec`, which check every value; the spec file's
    keys are listed in :data:`SPEC_KEYS`.

    Parameters
    ----------
    name : str
        The experiment's name (results go to ``results/<name>``).
    scenario : str
        The scenario the runs start from.
    steps : int
        Quarters each run lasts.
    replications : int
        Runs per design point.
    seed : int
        Root seed of the replications.
    design : str
        The design type, a key of :data:`DESIGNS`.
    factors : dict
        Each varied lever or parameter: a list of values, or ``(low, high)`` bounds for
        sampling designs (in the factor's own unit).
    policy : dict, optional
        Levers held fixed.
    params : dict, optional
        Scenario parameters held fixed.
    n_firms : int or None, optional
        Firm slots; None keeps the scenario's.
    outputs : tuple of str, optional
        Reported columns each run keeps; default the model's main columns.
    baseline : dict, optional
        The point a one-at-a-time design varies away from (default: each factor's default).
    samples : int, optional
        Latin hypercube points, Sobol base sample or Morris trajectories (0 for other designs).
    levels : int, optional
        Morris grid levels (default 4).
    second_order : bool, optional
        Sobol designs: sample for second-order indices too.
    description : str, optional
        Free text.
    quick_settings : dict of str to int, optional
        What :meth:`quick` shrinks to (the ``[quick]`` table).
    source : str, optional
        Where the spec came from (a file path), for error messages.
    model : str, optional
        The model class, ``"package.module:Class"``; default ``econ.model:DataEconomy``.
    time_limit : float or None, optional
        Seconds one run may take before it is stopped and recorded as failed; None (the
        default) derives a limit from the model's size (:meth:`run_time_limit`).
    posterior_draws : int, optional
        Particles drawn from the stored posterior of a ``"<scenario>@<label>"`` scenario, each
        run with every design point and replication (:mod:`econ.experiment.posterior`); 0
        (the default) runs at the posterior mean.
    """

    name: str
    scenario: str
    steps: int
    replications: int
    seed: int
    design: str
    factors: dict[str, Any]  # name -> list of values, or (low, high) for sampling designs
    policy: dict[str, Any] = field(default_factory=dict)
    params: dict[str, Any] = field(default_factory=dict)
    n_firms: int | None = None
    outputs: tuple[str, ...] = MODEL_COLUMNS
    baseline: dict[str, Any] = field(default_factory=dict)
    samples: int = 0
    levels: int = 4
    second_order: bool = False
    description: str = ""
    quick_settings: dict[str, int] = field(default_factory=dict)
    source: str = "<dict>"
    model: str = DEFAULT_MODEL  # the model class, "package.module:Class"
    time_limit: float | None = None  # seconds per run; None: derived from the size
    posterior_draws: int = 0  # 0: the scenario's point estimate, no draws

    def quick(self) -> ExperimentSpec:
        """A shrunken copy for smoke runs: fewer firms, quarters, replications and samples.

        ``[quick]`` values were checked against the same bounds as ``[experiment]``'s.

        Returns
        -------
        ExperimentSpec
            Named ``<name>_quick``, sized by ``[quick]`` or at most 150 firms, 8 quarters,
            2 replications, 8 samples and 2 posterior draws.
        """
        q = self.quick_settings
        n_firms = q.get("n_firms", min(self.n_firms or 10**9, 150))
        samples = q.get("samples", min(self.samples, 8)) if self.samples else 0
        draws = q.get("posterior_draws", min(self.posterior_draws, 2))
        return replace(
            self,
            name=f"{self.name}_quick",
            n_firms=n_firms,
            steps=q.get("steps", min(self.steps, 8)),
            replications=q.get("replications", min(self.replications, 2)),
            samples=samples,
            posterior_draws=draws if self.posterior_draws else 0,
        )

    @property
    def n_points(self) -> int:
        """Design points (for one-at-a-time designs, at most this many)."""
        return design_size(self.design, self.factors, self.samples, self.second_order)

    @property
    def n_runs(self) -> int:
        """Runs the experiment plans: design points times replications (times draws)."""
        return self.n_points * self.replications * max(self.posterior_draws, 1)

    def view_width(self) -> int:
        """Products a firm sees at most (sets a run's memory and time per firm).

        Returns
        -------
        int
            The most public, private and foreign products a firm sees in any run of the
            design, plus the operators' licence slots.
        """
        scenario = get_scenario(self.scenario)

        def largest(name: str) -> int:
            values = [getattr(scenario, name), self.params.get(name, 0)]
            values += list(self.factors.get(name, ()))
            return int(max(values))

        return (
            largest("public_seen")
            + largest("private_seen")
            + largest("n_foreign_products")
            + 5  # operator licence slots
        )

    def firms(self) -> int:
        """Simulated firm slots of each run.

        Returns
        -------
        int
            The spec's ``n_firms``, else the scenario's.
        """
        return self.n_firms or get_scenario(self.scenario).n_firms

    def run_time_limit(self) -> float:
        """Seconds one run may take: the spec's ``time_limit``, else a generous estimate.

        A run costs about 0.1 microseconds per firm, product seen and quarter on a laptop
        core (``benchmarks/``); the default allows 20 times that plus two minutes, so a
        loaded machine never trips it and a run that hangs is stopped within minutes.

        Returns
        -------
        float
            The limit in seconds, at most a week.
        """
        if self.time_limit is not None:
            return self.time_limit
        per_quarter = 0.05 + 2e-6 * self.firms() * self.view_width()
        return min(120.0 + self.steps * per_quarter, TIME_LIMIT_BOUNDS[1])

    def memory_per_run(self) -> int:
        """Bytes a worker needs for one run.

        The interpreter and model code (200 MiB), and about 250 bytes per firm and product
        seen (measured peaks are 90-180).

        Returns
        -------
        int
            The estimate, in bytes.
        """
        return 200 * 2**20 + 250 * self.firms() * self.view_width()

    def to_dict(self) -> dict[str, Any]:
        """The spec as parsed, as plain data (for the manifest); :meth:`from_dict` reads it.

        Returns
        -------
        dict
            Every field, with lists for tuples.
        """
        data = dict(self.__dict__)
        data["factors"] = {k: list(v) for k, v in self.factors.items()}
        data["outputs"] = list(self.outputs)
        data["quick_settings"] = dict(self.quick_settings)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ExperimentSpec:
        """The spec back from :meth:`to_dict`'s plain data, validated as a spec file is.

        Parameters
        ----------
        data : dict
            A spec as :meth:`to_dict` writes it.

        Returns
        -------
        ExperimentSpec
            The validated spec.

        Raises
        ------
        SpecError
            If ``data`` is not a valid spec.
        """
        if not isinstance(data, dict):
            raise SpecError(f"a spec must be a mapping, not {type(data).__name__}")
        source = data.get("source", "<dict>")
        if not isinstance(source, str):
            raise SpecError(f"a spec's source must be a string, not {shown(source)}")
        design = {
            "type": data.get("design"),
            "factors": data.get("factors"),
            "levels": data.get("levels", 4),
            "second_order": data.get("second_order", False),
        }
        if data.get("samples"):
            design["samples"] = data["samples"]
        if data.get("baseline"):
            design["baseline"] = data["baseline"]
        experiment = {
            k: data[k]
            for k in ("name", "description", "scenario", "steps", "replications", "seed", "model")
            if k in data
        }
        experiment["outputs"] = data.get("outputs", list(MODEL_COLUMNS))
        if data.get("posterior_draws"):  # 0 (no draws) is the default, not a value to check
            experiment["posterior_draws"] = data["posterior_draws"]
        for key in ("n_firms", "time_limit"):
            if data.get(key) is not None:
                experiment[key] = data[key]
        toml = {
            "experiment": experiment,
            "policy": data.get("policy", {}),
            "params": data.get("params", {}),
            "design": design,
        }
        if data.get("quick_settings"):
            toml["quick"] = data["quick_settings"]
        return parse_spec(toml, source=source)

    def parameter(self, name: str) -> Parameter:
        """The lever or scenario parameter a factor name refers to.

        Parameters
        ----------
        name : str
            A factor's name.

        Returns
        -------
        econ.parameters.Parameter
            Its definition: unit, default, bounds.
        """
        return LEVERS.get(name) or SCENARIO_PARAMETERS[name]


def _key(key: Any) -> str:
    """A key as it appears in an error message (a TOML key is a string; a dict's may not be)."""
    return key if isinstance(key, str) and len(key) <= 60 else shown(key, 60)


def design_size(kind: str, factors: dict[str, Any], samples: int, second_order: bool) -> int:
    """Points of a design, computed before any is drawn (one-at-a-time: at most)."""
    k = len(factors)
    if kind == "factorial":
        return math.prod(len(v) for v in factors.values())
    if kind == "one_at_a_time":
        return 1 + sum(len(v) for v in factors.values())
    if kind == "latin_hypercube":
        return samples
    if kind == "sobol":
        return samples * (2 * k + 2 if second_order else k + 2)
    return samples * (k + 1)  # morris


def load_spec(path: str | Path) -> ExperimentSpec:
    """Read and validate a spec file.

    Parameters
    ----------
    path : str or pathlib.Path
        A TOML spec file; its name (without ``.toml``) is the default experiment name.

    Returns
    -------
    ExperimentSpec
        The validated spec.

    Raises
    ------
    SpecError
        If the file is missing, not TOML, or not a valid spec; the message names the file, the
        key and what is allowed.
    """
    path = Path(path)
    if not path.is_file():
        raise SpecError(f"{path}: no such spec file")
    try:
        data = tomllib.loads(path.read_text())
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise SpecError(f"{path}: not valid TOML: {err}") from None
    experiment = data.setdefault("experiment", {})
    if isinstance(experiment, dict):
        experiment.setdefault("name", path.stem)
    return parse_spec(data, source=str(path))


def parse_spec(data: dict[str, Any], source: str = "<dict>") -> ExperimentSpec:
    """Validate a spec given as a dict (the parsed TOML).

    Parameters
    ----------
    data : dict
        The spec's tables (``experiment``, ``policy``, ``params``, ``design``, ``quick``); see
        :data:`SPEC_KEYS`.
    source : str, default "<dict>"
        Where the spec came from, for error messages.

    Returns
    -------
    ExperimentSpec
        The validated spec.

    Raises
    ------
    SpecError
        At the first bad table, key or value, naming it and what is allowed.
    """

    def fail(key: str, problem: str) -> SpecError:
        return SpecError(f"{source}: {key}: {problem}")

    if not isinstance(data, dict):
        raise fail("spec", f"must be a table of tables, not {type(data).__name__}")
    for table, value in data.items():
        if table not in _TABLES:
            raise fail(_key(table), f"unknown table; allowed: {', '.join(sorted(_TABLES))}")
        if not isinstance(value, dict):
            raise fail(f"[{table}]", f"must be a table, not {shown(value, 40)}")
        unknown = sorted(_key(k) for k in set(value) - _TABLES[table])
        if unknown:
            allowed = ", ".join(sorted(_TABLES[table]))
            raise fail(f"[{table}] {unknown[0]}", f"unknown key; allowed: {allowed}")
    exp = data.get("experiment", {})
    design = data.get("design", {})

    def integer(table: dict, key: str, where: str, default: int | None = None) -> int:
        low, high = LIMITS[key]
        value = table.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            allowed = f"expected a whole number in [{low}, {high:,}]"
            raise fail(where, f"{shown(value)} is not allowed; {allowed}")
        return value

    try:
        name = check_name(exp.get("name", "experiment"), "name")
    except SpecError as err:
        raise fail("[experiment] name", str(err).removeprefix("name ")) from None
    scenario = exp.get("scenario", "china_2024")
    if not isinstance(scenario, str) or scenario.partition("@")[0] not in SCENARIOS:
        raise fail(
            "[experiment] scenario",
            f"{shown(scenario)}; allowed: {', '.join(SCENARIOS)}, or one of them with "
            "'@posterior' (a stored calibration)",
        )
    if "@" in scenario:
        try:
            resolve_estimate(scenario)
        except ParameterError as err:
            raise fail("[experiment] scenario", str(err)) from None
    steps = integer(exp, "steps", "[experiment] steps", 40)
    replications = integer(exp, "replications", "[experiment] replications", 1)
    seed = integer(exp, "seed", "[experiment] seed", 0)
    draws = 0
    if "posterior_draws" in exp:
        where = "[experiment] posterior_draws"
        draws = integer(exp, "posterior_draws", where)
        if "@" not in scenario:
            raise fail(
                where,
                f"draws from a stored posterior; set [experiment] scenario to "
                f"'{scenario}@posterior' (or '{scenario}@<calibration folder>')",
            )
        try:
            read_posterior(scenario)
        except ParameterError as err:
            raise fail(where, str(err)) from None
    n_firms = exp.get("n_firms")
    if n_firms is not None:
        n_firms = integer(exp, "n_firms", "[experiment] n_firms")
    outputs = exp.get("outputs", list(MODEL_COLUMNS))
    if not isinstance(outputs, list) or not outputs:
        raise fail("[experiment] outputs", "must be a non-empty list of column names")
    for column in outputs:
        if not isinstance(column, str) or column not in ALL_OUTPUTS:
            raise fail(
                "[experiment] outputs", f"{shown(column)}; allowed: {', '.join(ALL_OUTPUTS)}"
            )
    if len(set(outputs)) != len(outputs):
        raise fail("[experiment] outputs", "lists a column twice")
    time_limit = exp.get("time_limit")
    if time_limit is not None:
        low, high = TIME_LIMIT_BOUNDS
        if (
            isinstance(time_limit, bool)
            or not isinstance(time_limit, int | float)
            or not low <= time_limit <= high
        ):
            raise fail(
                "[experiment] time_limit",
                f"{shown(time_limit)} is not allowed; expected seconds per run in "
                f"[{low:g}, {high:g}]",
            )
        time_limit = float(time_limit)

    def check(where: str, name: str, value: Any) -> Any:
        param = LEVERS.get(name) or SCENARIO_PARAMETERS.get(name)
        try:
            return param.validate(value, "Policy" if name in LEVERS else "Scenario")
        except ParameterError as err:
            raise fail(where, str(err)) from None

    policy = {k: check(f"[policy] {k}", k, v) for k, v in data.get("policy", {}).items()}
    params = {k: check(f"[params] {k}", k, v) for k, v in data.get("params", {}).items()}

    kind = design.get("type")
    if not isinstance(kind, str) or kind not in DESIGNS:
        raise fail("[design] type", f"{shown(kind)}; allowed: {', '.join(DESIGNS)}")
    raw = design.get("factors")
    if raw is not None and not isinstance(raw, dict):
        raise fail("[design.factors]", f"must be a table, not {shown(raw, 40)}")
    if not raw:
        raise fail("[design.factors]", "the design varies nothing; list at least one factor")
    factors: dict[str, Any] = {}
    known = (set(LEVERS) | set(SCENARIO_PARAMETERS)) - {"n_firms"}
    for fname, values in raw.items():
        where = f"[design.factors] {_key(fname)}"
        if fname not in known:
            raise fail(
                where,
                "not a policy lever or scenario parameter; see `econ levers` and `econ scenarios`",
            )
        if fname in policy or fname in params:
            raise fail(
                where, "is also held fixed in [policy] or [params]; vary or fix it, not both"
            )
        if values == "plausible" and DESIGNS[kind] == "bounds":
            # The parameter table's plausible range, so the spec and the table cannot drift.
            param = LEVERS.get(fname) or SCENARIO_PARAMETERS[fname]
            if param.plausible is None:
                raise fail(where, f"{fname} has no plausible range in its table; give [low, high]")
            values = list(param.plausible)
        if not isinstance(values, list) or not values:
            raise fail(where, 'must be a non-empty list (or "plausible" in a sampling design)')
        if DESIGNS[kind] == "values":
            if len(values) > LIMITS["values"][1]:
                raise fail(where, f"lists {len(values):,} values; at most {LIMITS['values'][1]:,}")
            checked = [check(where, fname, v) for v in values]
            if len(set(map(repr, checked))) != len(checked):
                raise fail(where, "lists a value twice")
            factors[fname] = checked
        else:
            param = LEVERS.get(fname) or SCENARIO_PARAMETERS[fname]
            if param.choices is not None or param.kind is bool:
                raise fail(where, f"a {kind} design samples numbers; {fname} takes {param.allowed}")
            if len(values) != 2:
                raise fail(where, "give bounds as [low, high]")
            low, high = (check(where, fname, v) for v in values)
            if not low < high:
                raise fail(where, f"bounds [{low}, {high}]: low must be below high")
            factors[fname] = (low, high)

    samples = 0
    if DESIGNS[kind] == "bounds":
        samples = integer(design, "samples", "[design] samples")
    elif "samples" in design:
        raise fail("[design] samples", f"only used by sampling designs, not {kind}")
    levels = integer(design, "levels", "[design] levels", 4)
    second_order = design.get("second_order", False)
    if not isinstance(second_order, bool):
        raise fail("[design] second_order", "expected true or false")
    raw_baseline = design.get("baseline", {})
    if not isinstance(raw_baseline, dict):
        raise fail("[design.baseline]", f"must be a table, not {shown(raw_baseline, 40)}")
    if "baseline" in design and kind != "one_at_a_time":
        raise fail("[design.baseline]", "only used by one_at_a_time designs")
    baseline = {}
    for bname, value in raw_baseline.items():
        if bname not in factors:
            raise fail(f"[design.baseline] {_key(bname)}", "not a factor of this design")
        baseline[bname] = check(f"[design.baseline] {bname}", bname, value)

    quick = {}
    for qname in data.get("quick", {}):
        if qname == "samples" and DESIGNS[kind] != "bounds":
            raise fail("[quick] samples", f"only used by sampling designs, not {kind}")
        if qname == "posterior_draws" and not draws:
            raise fail("[quick] posterior_draws", "only used with [experiment] posterior_draws")
        quick[qname] = integer(data["quick"], qname, f"[quick] {qname}")
    model = exp.get("model", DEFAULT_MODEL)
    if not isinstance(model, str):
        raise fail("[experiment] model", "expected a string 'package.module:Class'")
    try:
        resolve_model(model)
    except ValueError as err:
        raise fail("[experiment] model", str(err)) from None
    description = exp.get("description", _KEYS["experiment", "description"].default)
    if not isinstance(description, str):
        raise fail("[experiment] description", "expected a string")
    for label, shrink in (("", {}), ("[quick] ", quick)):
        points = design_size(kind, factors, shrink.get("samples", samples), second_order)
        reps = shrink.get("replications", replications)
        k = shrink.get("posterior_draws", draws)
        if points * reps * max(k, 1) > LIMITS["runs"][1]:
            times = f" x {k:,} posterior draws" if k else ""
            raise fail(
                f"{label}[design]".strip(),
                f"{points:,} design points x {reps:,} replications{times} = "
                f"{points * reps * max(k, 1):,} runs; at most {LIMITS['runs'][1]:,} (fewer "
                "values, samples, replications or draws, or split the experiment)",
            )
    return ExperimentSpec(
        name=name,
        scenario=scenario,
        steps=steps,
        replications=replications,
        seed=seed,
        design=kind,
        factors=factors,
        policy=policy,
        params=params,
        n_firms=n_firms,
        outputs=tuple(outputs),
        baseline=baseline,
        samples=samples,
        levels=levels,
        second_order=second_order,
        description=description,
        quick_settings=quick,
        source=source,
        model=model,
        time_limit=time_limit,
        posterior_draws=draws,
    )
