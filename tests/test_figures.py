"""Every figure and table is written from --quick results; headline signs are right."""

import json

import pytest

from econ import plots
from econ.experiment.spec import load_spec
from econ.study import report
from econ.study.estimation import read_calibrate_spec
from econ.study.pipeline import spec_path
from econ.study.validation import BEHAVIOURS

NAMES = ["free_vs_priced", "authorised_operation", "cross_border", "sensitivity", "screening"]


@pytest.mark.parametrize("name", NAMES)
def test_every_figure_writes_pdf_png_and_sidecar(quick, tmp_path, name):
    results = quick[name]
    with pytest.warns(Warning) if name == "sensitivity" else _no_warning():
        written = report.write_figures(results, tmp_path)
    pdfs = [p for p in written if p.suffix == ".pdf"]
    assert pdfs, "every experiment has at least one figure"
    for pdf in pdfs:
        png = pdf.with_suffix(".png")
        assert pdf.stat().st_size > 5_000 and png.stat().st_size > 20_000
        assert pdf.read_bytes().startswith(b"%PDF")
        sidecar = json.loads(pdf.with_suffix(".json").read_text())
        assert sidecar["results"] == str(results.path)
        assert sidecar["experiment"] == results.manifest["experiment"]
        assert "commit" in sidecar["git"]


class _no_warning:  # noqa: N801 - used like pytest.warns
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_pngs_are_300_dpi_and_one_column_wide(quick, tmp_path):
    from PIL import Image

    written = report.write_figures(quick["cross_border"], tmp_path)
    png = next(p for p in written if p.suffix == ".png")
    with Image.open(png) as image:
        dpi = image.info["dpi"][0]
        assert round(dpi) == 300
        assert image.width / dpi < plots.COLUMN_WIDTH_IN + 0.3


@pytest.mark.parametrize("name", ["free_vs_priced", "authorised_operation", "cross_border"])
def test_tables_are_written_as_csv_and_typst(quick, tmp_path, name):
    csv, typ = report.write_tables(quick[name], tmp_path)
    assert csv.read_text().count("\n") > 2
    source = typ.read_text()
    assert source.startswith("#figure(") and "table(" in source and "caption:" in source


def test_free_public_data_beats_cost_recovery_on_welfare_and_use(quick):
    table = report.headline_effects(quick["free_vs_priced"])
    free = table[(table["pricing"] == "free") & ~table["supply_responds"]].set_index("outcome")
    assert free.loc["welfare_mean", "effect"] > 0
    assert free.loc["data_uses_mean", "effect"] > 0


def test_openness_raises_the_data_market(quick):
    table = report.headline_effects(quick["cross_border"])
    assert (table[table["outcome"] == "market_size_mean"]["effect"] > 0).all()


def test_study_writes_figures_tables_and_validation(quick_root, tmp_path, capsys):
    from econ.cli import main

    assert main(["study", "--quick", "--results", str(quick_root), "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "Does the model behave" in out and "Where everything went" in out
    figures = sorted((tmp_path / "figures_quick").glob("*.pdf"))
    assert len(figures) >= 6
    tables = tmp_path / "tables_quick"
    assert (tables / "validation.csv").exists() and (tables / "summary.csv").exists()
    import pandas as pd

    validation = pd.read_csv(tables / "validation.csv")
    assert set(validation["behaviour"]) == set(BEHAVIOURS)


def test_a_users_own_experiment_is_faceted_by_every_factor(quick_root, tmp_path):
    from econ.experiment import parse_spec, run
    from econ.study import write_figures

    spec = parse_spec(
        {
            "experiment": {
                "name": "mine",
                "scenario": "small",
                "n_firms": 100,
                "steps": 3,
                "replications": 2,
            },
            "design": {
                "type": "factorial",
                "factors": {"pricing": ["free", "market"], "openness": [0.0, 0.5, 1.0]},
            },
        }
    )
    results = run(spec, executor="serial", out=tmp_path / "mine", progress=False)
    fig = plots.market_paths(results, by="pricing", facets=["openness"])
    titled = [ax.get_title() for ax in fig.axes if ax.get_visible()]
    assert titled == ["openness = 0.0", "openness = 0.5", "openness = 1.0"]
    written = write_figures(results, tmp_path / "figures")
    assert any(p.name == "mine_market_paths.png" for p in written)


def test_every_estimated_and_sobol_factor_has_an_axis_label():
    estimated = set(read_calibrate_spec("china_2024").priors)
    sobol = set(load_spec(spec_path("sensitivity")).factors)
    missing = (estimated | sobol) - set(plots.FACTOR_LABELS)
    assert not missing
