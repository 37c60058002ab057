"""A sweep's progress bar stays quiet in a log: a few lines, not one per run."""

from __future__ import annotations

from econ.experiment import parse_spec, run

RUNS = 12


def test_progress_in_a_log_is_not_one_line_per_run(tmp_path, capsys):
    spec = parse_spec(
        {
            "experiment": {
                "name": "quiet",
                "scenario": "small",
                "n_firms": 40,
                "steps": 4,
                "replications": RUNS // 2,
            },
            "design": {"type": "factorial", "factors": {"pricing": ["free", "cost_recovery"]}},
        }
    )
    run(spec, executor="processes", workers=2, out=tmp_path / "quiet", progress=True)
    err = capsys.readouterr().err  # captured: not a terminal, as in a CI log
    renders = err.count("\r") + err.count("\n")
    assert "quiet" in err and f"{RUNS}/{RUNS}" in err  # the bar is there and finishes
    # The first draw and the last (tqdm's close), not one line per finished run.
    assert renders <= 4, err
