"""`econ paper --quick` builds a PDF with the expected sections and figures."""

import json
import shutil
from pathlib import Path

import pytest
import typst

from econ.experiment.runs import model_fingerprint
from econ.study.paper import REQUIRED_SECTIONS, build_paper, provenance, sections

PAPER = Path(__file__).parents[1] / "paper"


def test_quick_paper_has_sections_figures_and_generated_numbers(quick_root, tmp_path, monkeypatch):
    # The paper's estimation writes its calibration where `econ calibrate` would.
    monkeypatch.setenv("ECON_CALIBRATIONS", str(tmp_path / "calibrations"))
    for name in ("paper.typ", "refs.bib"):
        shutil.copy(PAPER / name, tmp_path / name)
    pdf = build_paper(quick=True, results_root=quick_root, out=tmp_path)
    data = pdf.read_bytes()
    assert pdf.name == "paper_quick.pdf" and data.startswith(b"%PDF")
    assert (
        data.count(b"/Type /Page\n") + data.count(b"/Type /Page>") + data.count(b"/Type/Page") >= 6
        or len(data) > 200_000
    )
    inputs = {"figures": "figures_quick", "tables": "tables_quick"}
    found = sections(tmp_path / "paper.typ", **inputs)
    for section in REQUIRED_SECTIONS:
        assert section in found, section
    figures = json.loads(
        typst.query(
            str(tmp_path / "paper.typ"),
            "figure.where(kind: image)",
            field="caption",
            sys_inputs=inputs,
        )
    )
    assert len(figures) >= 8
    tables = json.loads(
        typst.query(
            str(tmp_path / "paper.typ"),
            "figure.where(kind: table)",
            field="caption",
            sys_inputs=inputs,
        )
    )
    assert len(tables) >= 6
    numbers = json.loads((tmp_path / "tables_quick" / "numbers.json").read_text())
    assert numbers["quick"] is True and "free_use_ratio" in numbers
    assert {"market_size_cagr", "welfare_mean"} <= set(numbers["morris"])
    # The cold chain: each measure's levels against today's, and privacy computing's map.
    assert {m: set(v) for m, v in numbers["cold_chain"].items()} == {
        "infrastructure": {"0.6", "1"},
        "privacy_computing": {"0.5", "1"},
        "traceability": {"0.5", "1"},
    }
    assert numbers["privacy_breakeven"]["cells"] == numbers["breakeven"]["cells"] == 16
    # Every figure's runs were made by this code, and the paper says so.
    assert numbers["provenance"]["model_fingerprints"] == [model_fingerprint()]
    assert numbers["provenance"]["figures"] >= 8
    figures_made = {p.name for p in (tmp_path / "figures_quick").iterdir()}
    assert "privacy_breakeven_breakeven.png" in figures_made
    # The estimation section: the quick calibration and the effects over its draws.
    assert (tmp_path / "calibrations" / "china_2024_quick" / "estimate.json").is_file()
    estimation = numbers["estimation"]
    assert set(estimation["effects"]) == {
        "free_over_cost_recovery",
        "operators_over_none",
        "registration_over_none",
    }
    assert {"estimation_posterior.png", "estimation_predictive.png"} <= {
        p.name for p in (tmp_path / "figures_quick").iterdir()
    }
    # The robustness estimate without the moment no particle reaches, and its effects.
    assert (tmp_path / "calibrations" / "china_2024_without_datasets_growth_quick").is_dir()
    without = estimation["without"]
    assert without["moments"] == ["datasets_growth"]
    assert set(without["parameters"]) == set(estimation["parameters"])
    assert set(without["effects"]) == set(estimation["effects"])
    assert (tmp_path / "tables_quick" / "estimation_without.csv").is_file()
    assert any("without the growth of open datasets" in _plain(t) for t in tables)


def test_committed_paper_numbers_come_from_the_generated_files():
    source = (PAPER / "paper.typ").read_text()
    assert 'json(tables + "/numbers.json")' in source
    assert "@preview" not in source  # no packages that need the internet
    numbers = json.loads((PAPER / "tables" / "numbers.json").read_text())
    assert numbers["quick"] is False
    assert (PAPER / "paper.pdf").read_bytes().startswith(b"%PDF")
    # One build: every figure's runs come from one model code and one commit.
    assert len(numbers["provenance"]["model_fingerprints"]) == 1
    assert len(numbers["provenance"]["commits"]) == 1


def _sidecar(folder: Path, name: str, fingerprint: str | None, commit: str | None) -> None:
    git = {"commit": commit, "dirty": False} if commit else None
    sidecar = {"figure": name, "model_fingerprint": fingerprint, "git": git}
    (folder / f"{name}.json").write_text(json.dumps(sidecar))


def test_provenance_names_every_model_version_behind_the_figures(tmp_path):
    _sidecar(tmp_path, "a", "f" * 16, "1" * 40)
    _sidecar(tmp_path, "b", "f" * 16, "1" * 40)
    _sidecar(tmp_path, "estimation_posterior", None, None)  # names no runs
    assert provenance(tmp_path) == {
        "model_fingerprints": ["f" * 16],
        "commits": ["1" * 12],
        "dirty": False,
        "figures": 2,
    }
    # A figure left from an older build shows up as a second version.
    _sidecar(tmp_path, "c", "e" * 16, "2" * 40)
    found = provenance(tmp_path)
    assert found["model_fingerprints"] == ["e" * 16, "f" * 16]
    assert found["commits"] == ["1" * 12, "2" * 12] and found["figures"] == 3


def test_replications_for_one_percent_invert_the_mde():
    """A comparison whose paired differences have sd 10 around a baseline of 1,000 needs the
    replications that detect 10 at sd 10 (power analysis), whatever n it was run with."""
    import pandas as pd

    from econ.statistics import minimal_detectable_effect, replications_needed
    from econ.study.paper import _replications_for_one_percent

    rows = [
        {"mde": minimal_detectable_effect(10.0, n), "n": n, "baseline_mean": -1000.0}
        for n in (4, 8, 30)
    ]
    rows.append({"mde": float("inf"), "n": 8, "baseline_mean": 1000.0})
    needed = _replications_for_one_percent(pd.DataFrame(rows))
    assert needed.iloc[:3].tolist() == [replications_needed(10.0, 10.0)] * 3
    assert needed.iloc[3] != needed.iloc[3]  # NaN: no MDE, no answer
    # Twice the spread, about four times the replications (fewer at small n: t quantiles).
    twice = _replications_for_one_percent(
        pd.DataFrame([{"mde": minimal_detectable_effect(20.0, 8), "n": 8, "baseline_mean": 1e3}])
    )
    assert 3 < twice.iloc[0] / needed.iloc[0] < 4.5


def test_paper_compiles_when_the_sobol_noise_share_is_not_measured(tmp_path):
    # One replication a point leaves the noise share NaN, written as null: the Sobol
    # paragraph must say so, not fail on arithmetic with none.
    numbers = _committed_paper_in(tmp_path)
    for outcome in numbers["sobol"].values():
        outcome["noise_share"] = None
    numbers["sobol"]["market_size_cagr"]["unreliable"] = numbers["sobol"]["market_size_cagr"][
        "factors"
    ]  # the flagged branch, which names the noise share too
    _write_numbers(tmp_path, numbers)
    typst.compile(str(tmp_path / "paper.typ"), output=str(tmp_path / "paper.pdf"))
    text = typst.query(str(tmp_path / "paper.typ"), "par", field="body")
    assert "cannot be told from sensitivity" in text
    assert "the noise in the outcomes is not measured" in text


def test_breakeven_counts_cells_by_their_own_intervals_and_after_holm():
    from types import SimpleNamespace

    import pandas as pd

    from econ.study.paper import _breakeven

    # 16 cells, 5 seeds each. Four gains are overwhelming; twelve have p = 0.01 by their own
    # paired t test, which Holm over sixteen cells does not keep (12 x 0.01 > 0.05).
    z = [-1.5, -0.5, 0.0, 0.5, 1.5]  # sd 1.118: a mean gain of 2.302 gives t = 4.604, p 0.01
    rows = []
    for cell in range(16):
        loss, threshold = 1e7 * (1 + cell // 4), 0.1 * (1 + cell % 4)
        gain = 20.0 if cell < 4 else 2.302
        for r, zr in enumerate(z):
            for review, y in ((0.0, 100.0 + r), (0.5, 100.0 + r + gain + zr)):
                rows.append({"review_strictness": review, "incident_loss_rmb": loss,
                             "trust_collapse_threshold": threshold, "replication": r,
                             "status": "ok", "welfare_mean": y})  # fmt: skip
    results = SimpleNamespace(
        ok=pd.DataFrame(rows),
        factors=["review_strictness", "incident_loss_rmb", "trust_collapse_threshold"],
    )
    counts = _breakeven(results)
    assert (counts["cells"], counts["pays"], counts["loses"]) == (16, 16, 0)
    assert (counts["pays_holm"], counts["loses_holm"]) == (4, 0)
    assert counts["replications"] == 5


def test_text_reads_the_tables_corrected_verdict_not_the_raw_interval(tmp_path):
    # An effect whose own 95% interval excludes zero but that Holm's correction over its
    # table does not keep: the text must not call it a gain while its table marks it †.
    numbers = _committed_paper_in(tmp_path)
    free = numbers["exchanges"]["0"]["welfare"]
    free.update(value=5e9, low=1e9, high=9e9)  # its own interval: a gain

    def sentence(verdict: str | None) -> str:
        if verdict is None:
            free.pop("verdict", None)
        else:
            free["verdict"] = verdict
        return _paragraphs(tmp_path, numbers)

    assert "no significant change net of the subsidy" in sentence("not resolved")
    assert "no significant change net of the subsidy" in sentence("equivalent")
    assert "a gain net of the subsidy" in sentence("higher")
    assert "a loss net of the subsidy" in sentence("lower")
    assert "a gain net of the subsidy" in sentence(None)  # no table: its own interval


def test_table_effects_carry_their_verdict_into_the_papers_numbers():
    import pandas as pd

    from econ.study.paper import _cold_chain, _interval

    row = pd.Series({"effect": 2.0, "ci_low": 0.5, "ci_high": 3.5, "verdict": "not resolved"})
    # Its own interval is a gain; its table's correction does not keep it.
    assert _interval(row) == {
        "value": 2.0, "low": 0.5, "high": 3.5, "holds": False, "verdict": "not resolved"
    }  # fmt: skip
    assert _interval(row.drop("verdict"))["holds"] is True  # a cell's own interval
    assert "verdict" not in _interval(row.drop("verdict"))
    summary = pd.DataFrame(
        {
            "infrastructure": [0.6, 0.6], "privacy_computing": [0.0, 0.0],
            "traceability": [0.0, 0.0], "outcome": ["welfare_mean", "incident_loss_mean"],
            "effect": [2.0, -1.0], "ci_low": [0.5, -2.0], "ci_high": [3.5, -0.1],
            "significant": [True, True], "verdict": ["not resolved", "lower"],
            "relative": [0.01, -0.1],
        }
    )  # fmt: skip
    welfare = _cold_chain(summary)["infrastructure"]["0.6"]["welfare"]
    assert (welfare["holds"], welfare["verdict"]) == (False, "not resolved")
    incidents = _cold_chain(summary)["infrastructure"]["0.6"]["incident_loss"]
    assert (incidents["holds"], incidents["verdict"]) == (True, "lower")


def _plain(content) -> str:
    """The text of queried Typst content, its pieces joined and spacing made single."""
    if isinstance(content, list):
        return " ".join(_plain(c) for c in content)
    if not isinstance(content, dict):
        return ""
    if content.get("func") == "space":
        return " "
    parts = [content.get("text", "")] if isinstance(content.get("text"), str) else []
    parts += [_plain(content[k]) for k in ("children", "body", "child") if k in content]
    return " ".join(" ".join(parts).split())


def test_leave_out_measures_shifts_in_prior_ranges_and_pairs_the_effects(tmp_path):
    import pandas as pd

    from econ.study.estimation import Estimate
    from econ.study.posterior_report import leave_out

    def estimate(a: list[float], moments: list[str], epsilon: float) -> Estimate:
        posterior = pd.DataFrame({"a": a, "b": [0.1, 0.2, 0.3], "weight": [1 / 3] * 3})
        spec = {
            "name": "cal" if len(moments) == 2 else "cal_without_m2",
            "priors": {"a": [0.0, 10.0], "b": [0.0, 1.0]},
            "moments": [{"name": m} for m in moments],
        }
        diagnostics = {
            "generations": [{"epsilon": 9.0}, {"epsilon": epsilon}],
            "evaluations": 7,
            "predictive": [{"moment": m, "z": epsilon - 2.0} for m in moments],
        }
        return Estimate(tmp_path, spec, posterior, posterior, diagnostics, posterior, {})

    def effects(shift: float) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "comparison": ["x", "x"], "outcome": ["welfare_mean", "market_size_mean"],
                "effect": [1.0 + shift, 2.0], "ci_low": [0.5, 1.0], "ci_high": [1.5, 3.0],
            }
        )  # fmt: skip

    full, left = estimate([1, 2, 3], ["m1", "m2"], 2.0), estimate([4, 5, 6], ["m1"], 1.5)
    out = leave_out(full, left, effects(0.0), effects(0.25), tmp_path)
    assert out["moments"] == ["m2"] and out["name"] == "cal_without_m2"
    assert (out["generations"], out["evaluations"], out["epsilon_last"]) == (2, 7, 1.5)
    assert out["parameters"]["a"]["shift_of_prior"] == 0.3  # (5 - 2) / 10
    assert out["parameters"]["b"]["shift_of_prior"] == 0.0
    assert (out["parameters"]["a"]["inside"], out["parameters"]["b"]["inside"]) == (False, True)
    # Against the full posterior's sd: a's is sqrt(2/3) over equal weights on 1, 2, 3.
    assert out["parameters"]["a"]["shift_of_sd"] == pytest.approx(3 / (2 / 3) ** 0.5)
    assert out["inside"] == 1 and out["largest_shift"]["parameter"] == "a"
    assert out["largest_shift_of_prior"] == 0.3
    assert out["predictive"] == {"m1": {"z": -0.5, "z_full": 0.0}}  # the kept moment only
    welfare = out["effects"]["x"]["welfare_mean"]
    assert (welfare["value"], welfare["low"], welfare["full"]["value"]) == (1.25, 0.5, 1.0)
    table = pd.read_csv(tmp_path / "estimation_without.csv")
    assert list(table["parameter"]) == ["a", "b"] and table["mean_without"].tolist() == [5, 0.2]


def test_committed_leave_out_numbers_match_their_table():
    import pandas as pd

    numbers = json.loads((PAPER / "tables" / "numbers.json").read_text())
    without = numbers["estimation"]["without"]
    table = pd.read_csv(PAPER / "tables" / "estimation_without.csv").set_index("parameter")
    estimated = set(numbers["estimation"]["parameters"])
    assert set(without["parameters"]) == set(table.index) == estimated
    for name, row in without["parameters"].items():
        assert row["mean_without"] == pytest.approx(table.at[name, "mean_without"], rel=1e-12)
        assert row["shift_of_sd"] == pytest.approx(table.at[name, "shift_of_sd"], rel=1e-12)
    assert without["inside"] == int(table["inside"].sum())
    assert abs(without["largest_shift"]["shift_of_sd"]) == pytest.approx(
        table["shift_of_sd"].abs().max()
    )


def test_leave_out_paragraph_follows_its_numbers(tmp_path):
    # Fewer means inside, and a shift past half a posterior sd: the text must not claim
    # that the moment pulls the estimate little.
    numbers = _committed_paper_in(tmp_path)
    without = numbers["estimation"]["without"]

    def text() -> str:
        return _paragraphs(tmp_path, numbers)

    n = len(numbers["estimation"]["parameters"])
    without.update(inside=n)
    without["largest_shift"]["shift_of_sd"] = 0.3
    said = text()
    assert f"all {n} means lie inside" in said and "pulls the estimate little" in said
    without.update(inside=n - 1)
    without["largest_shift"]["shift_of_sd"] = -0.7
    said = text()
    assert f"{n - 1} of the {n} means lie inside" in said
    assert "pulls the estimate little" not in said and "by 0.7 sd" in said


def _committed_paper_in(tmp_path: Path) -> dict:
    """Copy the committed paper (source, figures, tables) into ``tmp_path``; return its
    numbers, for a test to change, write back (:func:`_write_numbers`) and compile."""
    for name in ("paper.typ", "refs.bib"):
        shutil.copy(PAPER / name, tmp_path / name)
    shutil.copytree(PAPER / "figures", tmp_path / "figures")
    shutil.copytree(PAPER / "tables", tmp_path / "tables")
    return json.loads((tmp_path / "tables" / "numbers.json").read_text())


def _write_numbers(tmp_path: Path, numbers: dict) -> None:
    (tmp_path / "tables" / "numbers.json").write_text(json.dumps(numbers))


def _paragraphs(tmp_path: Path, numbers: dict) -> str:
    """Write ``numbers`` into the copy in ``tmp_path`` and return its paragraphs' text."""
    _write_numbers(tmp_path, numbers)
    return _plain(json.loads(typst.query(str(tmp_path / "paper.typ"), "par", field="body")))
