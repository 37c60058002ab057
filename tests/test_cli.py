"""The command line: the main job and its helpers."""

from econ.cli import main


def test_baseline_prints_growth_summary(capsys, tmp_path):
    args = [
        "baseline",
        "--scenario",
        "small",
        "--quarters",
        "13",
        "--replications",
        "2",
        "--executor",
        "serial",
        "--out",
        str(tmp_path / "b"),
    ]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "growth" in out and "2022-2025" in out and "market_cagr" in out
    assert (tmp_path / "b" / "runs.parquet").exists()
    # A second call finds every run done and reruns nothing.
    assert main(args) == 0
    from econ.results import load

    assert load(tmp_path / "b").manifest["counts"]["skipped"] == 2


def test_levers_and_scenarios_tables(capsys):
    assert main(["levers"]) == 0
    assert "`openness`" in capsys.readouterr().out
    assert main(["scenarios"]) == 0
    assert "Ta Kung Pao" in capsys.readouterr().out


def test_bad_size_is_a_clean_error(capsys, tmp_path):
    args = ["baseline", "--scenario", "small", "--n-firms", "0", "--out", str(tmp_path / "x")]
    assert main(args) == 2
    assert "n_firms" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()


def test_levers_and_scenarios_as_json(capsys):
    import json

    from econ import LEVERS, Scenario

    assert main(["levers", "--json"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert [r["name"] for r in records] == list(LEVERS)
    pricing = records[0]
    assert pricing["default"] == LEVERS["pricing"].default and "free" in pricing["choices"]
    assert main(["scenarios", "--json"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert {r["name"] for r in records} == set(Scenario.PARAMETERS)
    assert all(r["unit"] and r["type"] in ("int", "float", "bool") for r in records)


def test_help_text_is_clean(capsys):
    import pytest

    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "``" not in out and "econ:" in out
