"""`econ paper --quick` builds a PDF with the expected sections and figures."""

import json
import shutil
from pathlib import Path

import typst

from econ.study.paper import REQUIRED_SECTIONS, build_paper, sections

PAPER = Path(__file__).parents[1] / "paper"


def test_quick_paper_has_sections_figures_and_generated_numbers(quick_root, tmp_path):
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


def test_committed_paper_numbers_come_from_the_generated_files():
    source = (PAPER / "paper.typ").read_text()
    assert 'json(tables + "/numbers.json")' in source
    assert "@preview" not in source  # no packages that need the internet
    numbers = json.loads((PAPER / "tables" / "numbers.json").read_text())
    assert numbers["quick"] is False
    assert (PAPER / "paper.pdf").read_bytes().startswith(b"%PDF")
