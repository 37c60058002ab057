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

    [policy]                 # levers held fixed
    pricing = "conditional_free"

    [design]
    type = "factorial"       # factorial | one_at_a_time | latin_hypercube | sobol | morris
    [design.factors]         # lists of values; [low, high] bounds for sampling designs
    pricing = ["free", "cost_recovery"]
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from econ.experiment.runs import DEFAULT_MODEL, resolve_model
from econ.metrics import ALL_COLUMNS, MODEL_COLUMNS
from econ.parameters import Parameter, ParameterError
from econ.policy import LEVERS
from econ.scenarios import SCENARIO_PARAMETERS, SCENARIOS

__all__ = [
    "DESIGNS",
    "REQUIRED",
    "SPEC_KEYS",
    "SPEC_TABLES",
    "ExperimentSpec",
    "SpecError",
    "SpecKey",
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
        "one_at_a_time) or [low, high] bounds (latin_hypercube, sobol, morris)",
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
        "quick", "n_firms", "integer", "min(n_firms, 150)", "firm slots under --quick", minimum=1
    ),
    SpecKey("quick", "steps", "integer", "min(steps, 8)", "quarters under --quick", minimum=1),
    SpecKey(
        "quick",
        "replications",
        "integer",
        "min(replications, 2)",
        "replications under --quick",
        minimum=1,
    ),
    SpecKey(
        "quick", "samples", "integer", "min(samples, 8)", "design samples under --quick", minimum=1
    ),
)

_KEYS = {(k.table, k.name): k for k in SPEC_KEYS}
_TABLES = {table: {k.name for k in SPEC_KEYS if k.table == table} for table in SPEC_TABLES} | {
    "policy": set(LEVERS),
    "params": set(SCENARIO_PARAMETERS) - {"n_firms"},
}


class SpecError(ValueError):
    """A spec file is malformed; the message names the file, the key and what is allowed."""


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

    def quick(self) -> ExperimentSpec:
        """A shrunken copy for smoke runs: fewer firms, quarters, replications and samples.

        Returns
        -------
        ExperimentSpec
            Named ``<name>_quick``, sized by ``[quick]`` or at most 150 firms, 8 quarters,
            2 replications and 8 samples.
        """
        q = self.quick_settings
        n_firms = q.get("n_firms", min(self.n_firms or 10**9, 150))
        samples = q.get("samples", min(self.samples, 8)) if self.samples else 0
        return replace(
            self,
            name=f"{self.name}_quick",
            n_firms=n_firms,
            steps=q.get("steps", min(self.steps, 8)),
            replications=q.get("replications", min(self.replications, 2)),
            samples=samples,
        )

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
        experiment["outputs"] = list(data.get("outputs", MODEL_COLUMNS))
        if data.get("n_firms") is not None:
            experiment["n_firms"] = data["n_firms"]
        toml = {
            "experiment": experiment,
            "policy": data.get("policy", {}),
            "params": data.get("params", {}),
            "design": design,
        }
        if data.get("quick_settings"):
            toml["quick"] = data["quick_settings"]
        return parse_spec(toml, source=data.get("source", "<dict>"))

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
    except tomllib.TOMLDecodeError as err:
        raise SpecError(f"{path}: not valid TOML: {err}") from None
    data.setdefault("experiment", {}).setdefault("name", path.stem)
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

    for table, value in data.items():
        if table not in _TABLES:
            raise fail(table, f"unknown table; allowed: {', '.join(sorted(_TABLES))}")
        if not isinstance(value, dict):
            raise fail(table, "must be a table")
        unknown = sorted(set(value) - _TABLES[table])
        if unknown:
            allowed = ", ".join(sorted(_TABLES[table]))
            raise fail(f"[{table}] {unknown[0]}", f"unknown key; allowed: {allowed}")
    exp = data.get("experiment", {})
    design = data.get("design", {})

    def integer(table: dict, table_name: str, key: str) -> int:
        schema = _KEYS[table_name, key]
        default = schema.default if type(schema.default) is int else None
        value, low = table.get(key, default), schema.minimum
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            problem = f"{value!r} is not allowed; expected a whole number >= {low}"
            raise fail(f"[{table_name}] {key}", problem)
        return value

    name = exp.get("name", "experiment")
    if (
        not isinstance(name, str)
        or not name
        or not name.replace("_", "").replace("-", "").isalnum()
    ):
        raise fail("[experiment] name", f"{name!r}: use letters, digits, '-' and '_'")
    scenario = exp.get("scenario", _KEYS["experiment", "scenario"].default)
    if scenario not in SCENARIOS:
        raise fail("[experiment] scenario", f"{scenario!r}; allowed: {', '.join(SCENARIOS)}")
    steps = integer(exp, "experiment", "steps")
    replications = integer(exp, "experiment", "replications")
    seed = integer(exp, "experiment", "seed")
    n_firms = exp.get("n_firms")
    if n_firms is not None:
        n_firms = integer(exp, "experiment", "n_firms")
    outputs = exp.get("outputs", list(_KEYS["experiment", "outputs"].default))
    if not isinstance(outputs, list) or not outputs:
        raise fail("[experiment] outputs", "must be a non-empty list of column names")
    for column in outputs:
        if column not in ALL_OUTPUTS:
            raise fail("[experiment] outputs", f"{column!r}; allowed: {', '.join(ALL_OUTPUTS)}")

    def check(where: str, name: str, value: Any) -> Any:
        param = LEVERS.get(name) or SCENARIO_PARAMETERS.get(name)
        try:
            return param.validate(value, "Policy" if name in LEVERS else "Scenario")
        except ParameterError as err:
            raise fail(where, str(err)) from None

    policy = {k: check(f"[policy] {k}", k, v) for k, v in data.get("policy", {}).items()}
    params = {k: check(f"[params] {k}", k, v) for k, v in data.get("params", {}).items()}

    kind = design.get("type")
    if kind not in DESIGNS:
        raise fail("[design] type", f"{kind!r}; allowed: {', '.join(DESIGNS)}")
    raw = design.get("factors")
    if not isinstance(raw, dict) or not raw:
        raise fail("[design.factors]", "the design varies nothing; list at least one factor")
    factors: dict[str, Any] = {}
    known = (set(LEVERS) | set(SCENARIO_PARAMETERS)) - {"n_firms"}
    for fname, values in raw.items():
        where = f"[design.factors] {fname}"
        if fname not in known:
            raise fail(
                where,
                "not a policy lever or scenario parameter; see `econ levers` and `econ scenarios`",
            )
        if fname in policy or fname in params:
            raise fail(
                where, "is also held fixed in [policy] or [params]; vary or fix it, not both"
            )
        if not isinstance(values, list) or not values:
            raise fail(where, "must be a non-empty list")
        if DESIGNS[kind] == "values":
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
        samples = integer(design, "design", "samples")
    elif "samples" in design:
        raise fail("[design] samples", f"only used by sampling designs, not {kind}")
    levels = integer(design, "design", "levels")
    second_order = design.get("second_order", _KEYS["design", "second_order"].default)
    if not isinstance(second_order, bool):
        raise fail("[design] second_order", "expected true or false")
    baseline = {}
    for bname, value in design.get("baseline", {}).items():
        if bname not in factors:
            raise fail(f"[design.baseline] {bname}", "not a factor of this design")
        baseline[bname] = check(f"[design.baseline] {bname}", bname, value)
    if "baseline" in design and kind != "one_at_a_time":
        raise fail("[design.baseline]", "only used by one_at_a_time designs")

    quick = {}
    for qname in data.get("quick", {}):
        quick[qname] = integer(data["quick"], "quick", qname)
    model = exp.get("model", _KEYS["experiment", "model"].default)
    if not isinstance(model, str):
        raise fail("[experiment] model", "expected a string 'package.module:Class'")
    try:
        resolve_model(model)
    except ValueError as err:
        raise fail("[experiment] model", str(err)) from None
    description = exp.get("description", _KEYS["experiment", "description"].default)
    if not isinstance(description, str):
        raise fail("[experiment] description", "expected a string")
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
    )
