"""The command line: the main job and its helpers."""

from econ.cli import main


def test_baseline_prints_growth_summary(capsys):
    assert main(["baseline", "--scenario", "small", "--quarters", "13", "--replications", "2"]) == 0
    out = capsys.readouterr().out
    assert "growth" in out and "2022-2025" in out and "market_cagr" in out


def test_levers_and_scenarios_tables(capsys):
    assert main(["levers"]) == 0
    assert "`openness`" in capsys.readouterr().out
    assert main(["scenarios"]) == 0
    assert "Ta Kung Pao" in capsys.readouterr().out


def test_bad_size_is_a_clean_error(capsys):
    assert main(["baseline", "--scenario", "small", "--n-firms", "0", "--quarters", "2"]) == 2
    assert "n_firms=0 is out of range" in capsys.readouterr().err
