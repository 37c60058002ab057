"""Every malformed spec, bad sweep argument and bad command line gets one line naming the
field and what is allowed (a CLI user error exits 2, with no traceback); sizes have upper
bounds, and runs and memory are estimated before anything starts (issue #15)."""

import tomllib

import pytest

from econ.cli import main
from econ.experiment import ExperimentSpec, SpecError, load_spec, parse_spec, run

VALID = """
[experiment]
name = "t"
scenario = "small"
n_firms = 60
steps = 3
replications = 2
seed = 3

[policy]
operators = 1

[design]
type = "factorial"

[design.factors]
openness = [0.0, 1.0]
"""
MORRIS = VALID.replace('type = "factorial"', 'type = "morris"\nsamples = 4')
TWELVE = "\n".join(
    f"{name} = [{', '.join(str(0.05 * i) for i in range(10))}]"
    for name in (
        "openness",
        "infrastructure",
        "audit_rate",
        "review_strictness",
        "revenue_share",
        "reasonable_profit",
        "compute_growth_east",
        "compute_growth_west",
        "east_west_network",
        "share_west",
        "exit_hazard",
        "data_depreciation",
    )
)

#: (what is wrong, how to break VALID, the key the message must name)
SPECS = [
    (
        "top-level experiment = 'x'",
        lambda t: 'experiment = "x"\n' + t.split("[policy]")[1],
        "[experiment]",
    ),
    (
        "top-level policy = 3",
        lambda t: "policy = 3\n" + t.replace("[policy]\noperators = 1", ""),
        "[policy]",
    ),
    (
        "[design] baseline = 3",
        lambda t: t.replace('type = "factorial"', 'type = "one_at_a_time"\nbaseline = 3'),
        "[design.baseline]",
    ),
    (
        "baseline in a factorial",
        lambda t: t + "\n[design.baseline]\nopenness = 0.0\n",
        "[design.baseline]",
    ),
    (
        "[design] factors = 3",
        lambda t: t.replace("[design.factors]\nopenness = [0.0, 1.0]", "factors = 3"),
        "[design.factors]",
    ),
    (
        "[design] type = list",
        lambda t: t.replace('type = "factorial"', 'type = ["factorial"]'),
        "[design] type",
    ),
    (
        "scenario = list",
        lambda t: t.replace('scenario = "small"', 'scenario = ["small"]'),
        "[experiment] scenario",
    ),
    ("[quick] steps = 1", lambda t: t + "\n[quick]\nsteps = 1\n", "[quick] steps"),
    ("[quick] n_firms = 5", lambda t: t + "\n[quick]\nn_firms = 5\n", "[quick] n_firms"),
    (
        "[quick] replications = 0",
        lambda t: t + "\n[quick]\nreplications = 0\n",
        "[quick] replications",
    ),
    ("[quick] steps = 10**6", lambda t: t + "\n[quick]\nsteps = 1000000\n", "[quick] steps"),
    ("[quick] samples in a factorial", lambda t: t + "\n[quick]\nsamples = 4\n", "[quick] samples"),
    ("[quick] samples = 1", lambda t: MORRIS + "\n[quick]\nsamples = 1\n", "[quick] samples"),
    ("[quick] unknown key", lambda t: t + "\n[quick]\nfirms = 5\n", "[quick] firms"),
    ("[quick] = 3", lambda t: "quick = 3\n" + t, "[quick]"),
    ("steps = 1", lambda t: t.replace("steps = 3", "steps = 1"), "[experiment] steps"),
    ("steps = 100000", lambda t: t.replace("steps = 3", "steps = 100000"), "[experiment] steps"),
    ("steps = 3.0", lambda t: t.replace("steps = 3", "steps = 3.0"), "[experiment] steps"),
    (
        "replications = 10**6",
        lambda t: t.replace("replications = 2", "replications = 1000000"),
        "[experiment] replications",
    ),
    (
        "replications = true",
        lambda t: t.replace("replications = 2", "replications = true"),
        "[experiment] replications",
    ),
    (
        "samples = 2**40",
        lambda t: MORRIS.replace("samples = 4", "samples = 1099511627776"),
        "[design] samples",
    ),
    ("samples = 0", lambda t: MORRIS.replace("samples = 4", "samples = 0"), "[design] samples"),
    ("levels = 1000", lambda t: MORRIS + "", "[design] levels"),
    ("12 factors x 10 values", lambda t: t.replace("openness = [0.0, 1.0]", TWELVE), "[design]"),
    ("n_firms = 5", lambda t: t.replace("n_firms = 60", "n_firms = 5"), "[experiment] n_firms"),
    (
        "n_firms = 10**7",
        lambda t: t.replace("n_firms = 60", "n_firms = 10000000"),
        "[experiment] n_firms",
    ),
    ("seed = -1", lambda t: t.replace("seed = 3", "seed = -1"), "[experiment] seed"),
    ("seed = 1.5", lambda t: t.replace("seed = 3", "seed = 1.5"), "[experiment] seed"),
    ("name = '../x'", lambda t: t.replace('name = "t"', 'name = "../x"'), "[experiment] name"),
    ("name = 'a b'", lambda t: t.replace('name = "t"', 'name = "a b"'), "[experiment] name"),
    ("name = ''", lambda t: t.replace('name = "t"', 'name = ""'), "[experiment] name"),
    ("name = 3", lambda t: t.replace('name = "t"', "name = 3"), "[experiment] name"),
    ("name = '-x'", lambda t: t.replace('name = "t"', 'name = "-x"'), "[experiment] name"),
    (
        "name of 101 chars",
        lambda t: t.replace('name = "t"', f'name = "{"x" * 101}"'),
        "[experiment] name",
    ),
    (
        "outputs = 'market_size'",
        lambda t: t.replace("seed = 3", 'seed = 3\noutputs = "market_size"'),
        "[experiment] outputs",
    ),
    (
        "outputs = [1]",
        lambda t: t.replace("seed = 3", "seed = 3\noutputs = [1]"),
        "[experiment] outputs",
    ),
    (
        "outputs twice",
        lambda t: t.replace("seed = 3", 'seed = 3\noutputs = ["hhi", "hhi"]'),
        "[experiment] outputs",
    ),
    (
        "time_limit = 0",
        lambda t: t.replace("seed = 3", "seed = 3\ntime_limit = 0"),
        "[experiment] time_limit",
    ),
    (
        "time_limit = inf",
        lambda t: t.replace("seed = 3", "seed = 3\ntime_limit = inf"),
        "[experiment] time_limit",
    ),
    (
        "time_limit = nan",
        lambda t: t.replace("seed = 3", "seed = 3\ntime_limit = nan"),
        "[experiment] time_limit",
    ),
    (
        "time_limit = '1h'",
        lambda t: t.replace("seed = 3", 'seed = 3\ntime_limit = "1h"'),
        "[experiment] time_limit",
    ),
    (
        "time_limit = true",
        lambda t: t.replace("seed = 3", "seed = 3\ntime_limit = true"),
        "[experiment] time_limit",
    ),
    (
        "description = 3",
        lambda t: t.replace("seed = 3", "seed = 3\ndescription = 3"),
        "[experiment] description",
    ),
    (
        "second_order = 'yes'",
        lambda t: MORRIS.replace("samples = 4", "samples = 4\nsecond_order = 'yes'"),
        "[design] second_order",
    ),
    (
        "[policy] operators = inf",
        lambda t: t.replace("operators = 1", "operators = inf"),
        "[policy] operators",
    ),
    (
        "[policy] operators = nan",
        lambda t: t.replace("operators = 1", "operators = nan"),
        "[policy] operators",
    ),
    (
        "[policy] pricing = list",
        lambda t: t.replace("operators = 1", 'pricing = ["free"]'),
        "[policy] pricing",
    ),
    (
        "[policy] registration = 'no'",
        lambda t: t.replace("operators = 1", 'registration = "no"'),
        "[policy] registration",
    ),
    (
        "[params] n_firms",
        lambda t: t.replace("[policy]", "[params]\nn_firms = 10\n\n[policy]"),
        "[params] n_firms",
    ),
    (
        "factor values a string",
        lambda t: t.replace("openness = [0.0, 1.0]", 'openness = "0.5"'),
        "[design.factors] openness",
    ),
    (
        "factor values nested",
        lambda t: t.replace("openness = [0.0, 1.0]", "openness = [[0.1]]"),
        "[design.factors] openness",
    ),
    (
        "factor with 1001 values",
        lambda t: t.replace(
            "openness = [0.0, 1.0]",
            f"infrastructure = [{', '.join(str(i / 1000) for i in range(1001))}]",
        ),
        "[design.factors] infrastructure",
    ),
    ("not TOML", lambda t: t.replace("[policy]", "[policy"), "not valid TOML"),
]
SPECS = [
    (
        why,
        (lambda t: MORRIS.replace("samples = 4", "samples = 4\nlevels = 1000"))
        if why == "levels = 1000"
        else make,
        key,
    )
    for why, make, key in SPECS
]


@pytest.mark.parametrize(("why", "make", "key"), SPECS, ids=[s[0] for s in SPECS])
def test_malformed_spec_is_one_line_naming_the_key(tmp_path, why, make, key):
    path = tmp_path / "spec.toml"
    path.write_text(make(VALID))
    with pytest.raises(SpecError) as raised:
        load_spec(path)
    message = str(raised.value)
    assert message.startswith(f"{path}: ") and key in message and "\n" not in message


def test_quick_keeps_the_experiments_minimums():
    spec = load_spec_text(VALID + "\n[quick]\nn_firms = 10\nsteps = 2\nreplications = 1\n")
    quick = spec.quick()
    assert (quick.n_firms, quick.steps, quick.replications) == (10, 2, 1)
    assert ExperimentSpec.from_dict(quick.to_dict()) == quick


def load_spec_text(text):
    return parse_spec(tomllib.loads(text))


@pytest.mark.parametrize(
    "data",
    [
        [1],
        {"name": "x", "design": "factorial", "factors": {"openness": [0.0]}, "outputs": 3},
        {"name": "x", "design": "factorial", "factors": {"openness": [0.0]}, "source": 3},
        {"name": "x", "design": "factorial", "factors": 3},
        {"name": "x", "design": 3, "factors": {"openness": [0.0]}},
        {"name": "x", "design": "factorial", "factors": {"openness": [0.0]}, "policy": [1]},
        {"name": "x", "design": "factorial", "factors": {"openness": [0.0]}, "baseline": 3},
    ],
)
def test_a_spec_read_back_from_a_manifest_is_validated(data):
    with pytest.raises(SpecError):
        ExperimentSpec.from_dict(data)


def test_runs_and_memory_are_estimated_before_anything_starts(tmp_path):
    spec = load_spec_text(VALID)
    assert spec.n_points == 2 and spec.n_runs == 4
    assert spec.memory_per_run() > 200 * 2**20
    big = load_spec_text(VALID.replace("n_firms = 60", "n_firms = 1000000"))
    out = tmp_path / "r"
    with pytest.raises(ValueError, match=r"GiB of memory \(256 worker\(s\) x"):
        run(big, executor="processes", workers=256, out=out, progress=False)
    assert not out.exists()
    with pytest.raises(ValueError, match="workers=100000: expected a whole number in"):
        run(spec, workers=100_000, out=out, progress=False)
    assert not out.exists()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"executor": "threads"}, "executor='threads'"),
        ({"executor": 3}, "executor=3"),
        ({"workers": 0}, "workers=0"),
        ({"workers": 1.5}, "workers=1.5"),
        ({"workers": "2"}, "workers='2'"),
        ({"workers": True}, "workers=True"),
        ({"quick": "no"}, "quick='no'"),
        ({"progress": "no"}, "progress='no'"),
        ({"batch_size": 0}, "batch_size=0"),
        ({"batch_size": "1"}, "batch_size='1'"),
        ({"time_limit": 0}, "time_limit=0"),
        ({"time_limit": float("nan")}, "time_limit=nan"),
        ({"time_limit": float("inf")}, "time_limit=inf"),
        ({"time_limit": "10"}, "time_limit='10'"),
        ({"time_limit": True}, "time_limit=True"),
        ({"out": 3}, "out=3"),
        ({"scheduler": 3}, "scheduler=3"),
    ],
)
def test_bad_sweep_arguments_are_named_before_anything_is_written(tmp_path, kwargs, message):
    out = tmp_path / "r"
    kwargs = {"out": out, **kwargs}
    with pytest.raises((ValueError, TypeError)) as raised:
        run(load_spec_text(VALID), progress=kwargs.pop("progress", False), **kwargs)
    assert message in str(raised.value) and "\n" not in str(raised.value)
    assert not out.exists()


def _spec_file(tmp_path, text):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    return str(path)


@pytest.mark.parametrize(
    "argv",
    [
        ["run", "no_such_spec.toml"],
        ["run", "smoke", "--workers", "0"],
        ["run", "smoke", "--workers", "100000"],
        ["run", "smoke", "--workers", "two"],
        ["run", "smoke", "--time-limit", "-1"],
        ["run", "smoke", "--time-limit", "nan"],
        ["run", "smoke", "--time-limit", "ten"],
        ["run", "smoke", "--executor", "nonsense"],
        ["run", "smoke", "--out", "FILE"],
        ["run", "BAD_SPEC"],
        ["run", "HUGE_SPEC"],
        ["run", "smoke", "--quick", "--out", "OTHER_EXPERIMENT"],
        ["figures", "no_such_folder"],
        ["figures", "EMPTY_FOLDER"],
        ["baseline", "--quarters", "1"],
        ["baseline", "--quarters", "100000"],
        ["baseline", "--replications", "0"],
        ["baseline", "--n-firms", "5"],
        ["baseline", "--seed", "-1"],
        ["baseline", "--scenario", "atlantis"],
        ["study", "--time-limit", "0"],
        ["dashboard", "--port", "99999"],
        ["levers", "--nonsense"],
        ["nonsense"],
    ],
)
def test_cli_user_errors_are_one_line_and_exit_2(tmp_path, capsys, argv):
    (tmp_path / "FILE").write_text("a file")
    (tmp_path / "EMPTY_FOLDER").mkdir()
    other = tmp_path / "OTHER_EXPERIMENT"
    other.mkdir()
    (other / "manifest.json").write_text(
        '{"experiment": "other", "plan": [], "spec": {}, "status": "complete", "counts": {}}'
    )
    files = {
        "FILE": str(tmp_path / "FILE"),
        "EMPTY_FOLDER": str(tmp_path / "EMPTY_FOLDER"),
        "OTHER_EXPERIMENT": str(other),
        "BAD_SPEC": _spec_file(tmp_path, 'experiment = "x"\n'),
        "HUGE_SPEC": _spec_file(tmp_path, VALID.replace("openness = [0.0, 1.0]", TWELVE)),
    }
    argv = [files.get(a, a) for a in argv]
    with pytest.raises(SystemExit) as raised:
        raise SystemExit(main(argv))
    assert raised.value.code == 2
    captured = capsys.readouterr()
    assert captured.err.count("\n") == 1 and "error" in captured.err
    assert "Traceback" not in captured.err + captured.out
