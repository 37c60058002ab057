"""The examples in README.md and in the documentation pages run as written.

Each page's ```python blocks run in order, in one namespace, in a fresh working directory;
its ```sql blocks then run in DuckDB against what the Python wrote. A block that opens with
a comment saying it needs a cluster ("# Needs a SLURM ...") is shown, not run. Some pages
get a check of what their examples built, beyond "it did not raise".
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
DOCS = ROOT / "docs"
GUIDE = sorted(p for p in DOCS.rglob("*.md") if not {"_build", "_generated"} & set(p.parts))
PAGES = [ROOT / "README.md", *GUIDE]
FENCE = re.compile(r"^```(python|sql)\n(.*?)^```", re.S | re.M)


def blocks(page: Path, language: str) -> list[str]:
    return [code for lang, code in FENCE.findall(page.read_text()) if lang == language]


def runnable(code: str) -> bool:
    return not code.lstrip().lower().startswith("# needs a")


WITH_CODE = [p for p in PAGES if blocks(p, "python")]


def test_the_guide_has_examples():
    """The pages that teach by example keep their examples (a page cannot lose them quietly)."""
    names = {p.relative_to(ROOT).as_posix() for p in WITH_CODE}
    assert {
        "README.md",
        "docs/getting-started.md",
        "docs/guide/policies.md",
        "docs/guide/experiments.md",
        "docs/guide/executors.md",
        "docs/guide/results.md",
        "docs/guide/analysis.md",
        "docs/guide/calibration.md",
        "docs/guide/extending.md",
    } <= names


def _check_readme(ns: dict) -> None:
    df = ns["df"]
    assert len(df) == 12 and {"market_size", "output", "incidents"} <= set(df.columns)
    assert ns["model"].steps == 12 and ns["free"].policy.pricing == "free"
    assert len(ns["experiments"]) == 4 * 2  # the EMA example: scenarios x policies
    assert {"TIME", "welfare_mean"} <= set(ns["outcomes"])
    assert str(ns["experiments"]["pricing"].dtype) == "category"


def _check_results(ns: dict) -> None:
    assert len(ns["experiments"]) == len(ns["results"].ok) > 0
    assert set(ns["outcomes"]) == {*ns["results"].manifest["spec"]["outputs"], "TIME"}
    assert len(ns["ema_experiments"]) == 4 * 2  # scenarios x policies
    assert {"TIME", "welfare_mean", "market_size"} <= set(ns["ema_outcomes"])


def _check_extending(ns: dict) -> None:
    model = ns["MyEconomy"](scenario="small", seed=5)
    model.run(2)
    assert model.holders.table.effort.min() >= 0.6
    brokered = ns["BrokeredEconomy"](scenario="small", seed=4)
    brokered.run(2)
    table = brokered.brokers.table
    assert len(brokered.agents_by_type[ns["Broker"]]) == 3
    assert table.brokered.sum() == pytest.approx(brokered.quarter.data_uses)


def _check_calibration(ns: dict) -> None:
    runs = ns["results"].runs
    assert len(runs) == 2 * 3 * 2 and sorted(runs["draw"].unique()) == [0, 1, 2]
    row = ns["table"].set_index("pricing").loc["cost_recovery"]
    assert row["n_draws"] == 3 and row["n"] == 6 and row["ci_low"] <= row["ci_high"]


CHECKS = {
    "README.md": _check_readme,
    "docs/guide/calibration.md": _check_calibration,
    "docs/guide/results.md": _check_results,
    "docs/guide/extending.md": _check_extending,
}


@pytest.mark.parametrize("page", WITH_CODE, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_page_examples_run(page, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    namespace: dict = {"__name__": "__doc_example__"}
    for code in filter(runnable, blocks(page, "python")):
        exec(compile(code, str(page), "exec"), namespace)
    check = CHECKS.get(page.relative_to(ROOT).as_posix())
    if check:
        check(namespace)
    sql = blocks(page, "sql")
    if sql:
        duckdb = pytest.importorskip("duckdb")
        for statement in "\n".join(sql).split(";"):
            lines = [line for line in statement.splitlines() if not line.startswith("--")]
            if "\n".join(lines).strip():
                assert duckdb.sql("\n".join(lines)).fetchall()
