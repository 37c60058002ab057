"""Spec files: validation at load time, with the file, the key and what is allowed."""

import pytest

from econ.experiment import ExperimentSpec, SpecError, design_points, load_spec, parse_spec, run
from econ.study import spec_names, spec_path
from tests.test_posterior_draws import write_calibration

SHIPPED = [spec_path(name) for name in spec_names()]

VALID = """
[experiment]
name = "t"
scenario = "small"
steps = 4
replications = 2
seed = 3

[policy]
operators = 1

[design]
type = "factorial"

[design.factors]
pricing = ["free", "market"]
openness = [0.0, 1.0]
"""


def write(tmp_path, text):
    path = tmp_path / "spec.toml"
    path.write_text(text)
    return path


def test_valid_spec_parses(tmp_path):
    spec = load_spec(write(tmp_path, VALID))
    assert isinstance(spec, ExperimentSpec)
    assert spec.factors == {"pricing": ["free", "market"], "openness": [0.0, 1.0]}
    assert spec.policy == {"operators": 1} and spec.replications == 2


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("[policy]", "[polcy]"), r"polcy: unknown table; allowed: design, experiment"),
        (("steps = 4", "stepz = 4"), r"\[experiment\] stepz: unknown key; allowed: description"),
        (("steps = 4", "steps = 'four'"), r"\[experiment\] steps: 'four' is not allowed"),
        (("steps = 4", "steps = 1"), r"expected a whole number in \[2, 1,000\]"),
        (("operators = 1", "operators = 9"), r"\[policy\] operators: Policy.operators=9 is out"),
        (("openness = [0.0, 1.0]", "openness = [0.0, 1.5]"), r"openness=1.5 is out of range"),
        (("openness = [0.0, 1.0]", "openess = [0.0]"), r"openess: not a policy lever"),
        (("openness = [0.0, 1.0]", "openness = []"), r"must be a non-empty list"),
        (('type = "factorial"', 'type = "grid"'), r"\[design\] type: 'grid'; allowed: factorial"),
        (
            ('scenario = "small"', 'scenario = "tiny"'),
            r"scenario: 'tiny'; allowed: china_2024, small",
        ),
        (("openness = [0.0, 1.0]", "operators = [1, 2]"), r"also held fixed"),
        (("seed = 3", "seed = -3"), r"\[experiment\] seed"),
    ],
)
def test_bad_specs_name_file_key_and_allowed(tmp_path, change, message):
    path = write(tmp_path, VALID.replace(*change))
    with pytest.raises(SpecError, match=message) as info:
        load_spec(path)
    assert str(path) in str(info.value)


def test_empty_design_fails(tmp_path):
    text = VALID.split("[design.factors]")[0] + "[design.factors]\n"
    with pytest.raises(SpecError, match="varies nothing"):
        load_spec(write(tmp_path, text))


def test_sampling_designs_need_numeric_bounds_and_samples():
    base = {"experiment": {"scenario": "small"}, "design": {"type": "sobol", "samples": 4}}
    with pytest.raises(SpecError, match=r"give bounds as \[low, high\]"):
        parse_spec({**base, "design": {**base["design"], "factors": {"openness": [0, 0.5, 1]}}})
    with pytest.raises(SpecError, match="samples numbers; pricing takes one of"):
        parse_spec(
            {**base, "design": {**base["design"], "factors": {"pricing": ["free", "market"]}}}
        )
    with pytest.raises(SpecError, match="low must be below high"):
        parse_spec({**base, "design": {**base["design"], "factors": {"openness": [0.5, 0.5]}}})
    with pytest.raises(SpecError, match=r"\[design\] samples"):
        parse_spec({**base, "design": {"type": "sobol", "factors": {"openness": [0, 1]}}})


def test_invalid_spec_runs_nothing(tmp_path):
    out = tmp_path / "results"
    with pytest.raises(SpecError):
        run(write(tmp_path, VALID.replace("steps = 4", "steps = 0")), out=out)
    assert not out.exists()


def test_bad_toml_and_missing_file(tmp_path):
    with pytest.raises(SpecError, match="not valid TOML"):
        load_spec(write(tmp_path, "[experiment\nname="))
    with pytest.raises(SpecError, match="no such spec file"):
        load_spec(tmp_path / "missing.toml")


def test_quick_shrinks(tmp_path):
    spec = load_spec(spec_path("smoke"))
    quick = spec.quick()
    assert quick.n_firms == 120 and quick.steps == 4 and quick.name == "smoke_quick"


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_specs_are_valid(path, tmp_path, monkeypatch):
    # posterior_effects reads a stored calibration of china_2024: give it one.
    write_calibration(tmp_path, name="china_2024", scenario="china_2024")
    monkeypatch.setenv("ECON_CALIBRATIONS", str(tmp_path))
    spec = load_spec(path)
    assert len(design_points(spec)) > 0
    # The manifest's plain-data form parses back to the same spec.
    assert ExperimentSpec.from_dict(spec.to_dict()) == spec
    assert ExperimentSpec.from_dict(spec.quick().to_dict()) == spec.quick()


def test_the_schema_is_what_parse_spec_accepts_and_defaults_to():
    """SPEC_KEYS, the data the documentation's spec reference is generated from, is the
    schema parse_spec applies: every key is accepted, absent keys take its defaults, and
    integer keys are held to its minimums."""
    from econ.experiment.spec import REQUIRED, SPEC_KEYS, SPEC_TABLES

    design = {"type": "factorial", "factors": {"openness": [0.0, 1.0]}}
    spec = parse_spec({"design": design})
    keys = {(k.table, k.name): k for k in SPEC_KEYS}
    for name in ("scenario", "steps", "replications", "seed", "description"):
        assert getattr(spec, name) == keys["experiment", name].default, name
    assert list(spec.outputs) == keys["experiment", "outputs"].default
    assert spec.levels == keys["design", "levels"].default
    assert spec.second_order is keys["design", "second_order"].default
    assert (
        {k.table for k in SPEC_KEYS}
        <= set(SPEC_TABLES)
        == {
            "experiment",
            "policy",
            "params",
            "design",
            "quick",
        }
    )
    assert {k.name for k in SPEC_KEYS if k.default == REQUIRED} == {"type", "factors"}
    for key in SPEC_KEYS:
        if key.minimum is None or key.name == "posterior_draws":
            continue  # posterior_draws needs a stored calibration: tests/test_posterior_draws.py
        table = {"design": dict(design)} | ({} if key.table == "design" else {key.table: {}})
        if key.name == "samples":  # only sampling designs take samples, in both tables
            sobol = {"type": "sobol", "factors": {"openness": [0.0, 1.0]}, "samples": 2}
            table["design"] = sobol
        table[key.table][key.name] = key.minimum
        parse_spec(table)  # the minimum itself is allowed
        table[key.table][key.name] = key.minimum - 1
        below = rf"\[{key.table}\] {key.name}: .*(>= {key.minimum}|in \[{key.minimum}, )"
        with pytest.raises(SpecError, match=below):
            parse_spec(table)
    for table in ("experiment", "design", "quick"):
        with pytest.raises(
            SpecError,
            match="unknown key; allowed: "
            + ", ".join(sorted(k.name for k in SPEC_KEYS if k.table == table)),
        ):
            parse_spec({"design": dict(design)} | {table: {"nonsense": 1}})
