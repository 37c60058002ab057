"""The site's own Sphinx extension: generated pages, executed notebooks, and checks.

- Generated tables. The policy levers, scenario parameters, scenarios, spec keys, shipped
  specs, reported columns and command line help are written from the code
  (``econ.LEVERS``, ``econ.Scenario``, ``econ.SCENARIOS``,
  ``econ.experiment.spec.SPEC_KEYS``, the spec files, ``econ.metrics.Quarter``'s
  docstring, ``econ.cli.build_parser``) into ``docs/_generated/`` when the build starts,
  and the pages include them: nothing in them is restated by hand.
- Tutorials. Each notebook in ``notebooks/`` is executed with papermill with its quick
  parameters (``quick=True``, results in a temporary folder), as ``tests/test_notebooks.py``
  runs them, into ``docs/tutorials/``, which MyST-NB renders. A notebook that raises is a
  warning, so the ``-W`` build fails. An executed copy is reused while neither the notebook
  nor econ's source changed.
- State tables. A :class:`econ.agents.Table` subclass's Parameters are its columns, from
  the ``column()`` declarations; agent classes list the column attributes they view.
- Checks. Every module of econ is in the API reference and every name in a module's
  ``__all__`` has an entry where it is defined; the HTML loads nothing from the network.
"""

from __future__ import annotations

import ast
import hashlib
import importlib
import inspect
import os
import pkgutil
import re
import shutil
import tempfile
import tomllib
from dataclasses import fields
from pathlib import Path

import nbformat
import papermill
from numpydoc.docscrape import NumpyDocString
from sphinx.application import Sphinx
from sphinx.util import logging

import econ
from econ import LEVERS, SCENARIOS, Policy, Scenario, get_scenario
from econ.agents import Table, TableAgent
from econ.cli import build_parser
from econ.experiment import ExperimentSpec, parse_spec, plan_runs
from econ.experiment.spec import REQUIRED, SPEC_KEYS, SPEC_TABLES
from econ.metrics import ALL_COLUMNS, MODEL_COLUMNS, Quarter
from econ.study import spec_names, spec_path

logger = logging.getLogger(__name__)

DOCS = Path(__file__).resolve().parents[1]
ROOT = DOCS.parent
GENERATED = DOCS / "_generated"
TUTORIALS = DOCS / "tutorials"
NOTEBOOKS = ROOT / "notebooks"
#: The output type of an ipywidget (a progress bar, in these notebooks).
WIDGET = "application/vnd.jupyter.widget-view+json"
#: Modules that are entry points, not API: importing them runs the command.
NOT_API = {"econ.__main__", "econ.viz.__main__", "econ._version"}


# --- generated tables ---------------------------------------------------------------------


def _cell(value: object) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def scenarios_table() -> str:
    """Each scenario and the parameters it sets differently from the defaults."""
    rows = ["| scenario | differs from the defaults in |", "|---|---|"]
    default_name = inspect.signature(get_scenario).parameters["name"].default
    for name, changes in SCENARIOS.items():
        changed = ", ".join(f"`{k}` = {v!r}" for k, v in changes.items()) or "nothing"
        default = " (the default)" if name == default_name else ""
        rows.append(f"| `{name}`{default} | {_cell(changed)} |")
    return "\n".join(rows)


def _default(value: object) -> str:
    if value == REQUIRED:
        return "required"
    if isinstance(value, str) and not value:
        return '`""`'
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, list):  # the default outputs: the main reported columns
        return f"the {len(value)} main columns ({{ref}}`reported-columns`)"
    if isinstance(value, int | float) or (isinstance(value, str) and value.isidentifier()):
        return f"`{value}`"
    return str(value)


def spec_keys_table() -> str:
    """Every table and fixed key of a spec file, from ``SPEC_TABLES`` and ``SPEC_KEYS``."""
    out = []
    for table, meaning in SPEC_TABLES.items():
        out += [f"### `[{table}]`", "", meaning[0].upper() + meaning[1:] + ".", ""]
        keys = [k for k in SPEC_KEYS if k.table == table]
        if table == "policy":
            out += [f"Keys: any of the {len(LEVERS)} policy levers in {{ref}}`levers`.", ""]
        elif table == "params":
            out += ["Keys: any scenario parameter in {ref}`scenario-parameters`.", ""]
        if keys:
            out += ["| key | type | default | meaning |", "|---|---|---|---|"]
            for k in keys:
                low = f" >= {k.minimum}" if k.minimum is not None else ""
                out.append(
                    f"| `{k.name}` | {k.type}{low} | {_cell(_default(k.default))} "
                    f"| {_cell(k.meaning)} |"
                )
            out.append("")
    return "\n".join(out)


def _spec_without_calibration(path: Path) -> tuple[ExperimentSpec, int]:
    """A shipped spec, and its posterior draws: a spec over posterior draws needs a stored
    calibration to load, which a docs build does not have, so it is read at its base
    scenario (the run count is the same, times the draws)."""
    data = tomllib.loads(path.read_text())
    experiment = data.get("experiment", {})
    draws = 0
    if "@" in str(experiment.get("scenario", "")):
        draws = int(experiment.pop("posterior_draws", 0))
        data.get("quick", {}).pop("posterior_draws", None)
        experiment["scenario"] = experiment["scenario"].partition("@")[0]
    return parse_spec(data, source=str(path)), draws


def shipped_specs_table() -> str:
    """The experiment specs that ship with econ: what each varies and how many runs."""
    rows = [
        "| spec | what it runs | design | factors | size | runs |",
        "|---|---|---|---|---|---|",
    ]
    for name in spec_names():
        spec, draws = _spec_without_calibration(spec_path(name))
        runs = len(plan_runs(spec)) * max(draws, 1)
        size = f"{spec.n_firms or get_scenario(spec.scenario).n_firms:,} firms, {spec.steps} q"
        if draws:
            size += f", {draws} posterior draws"
        factors = ", ".join(f"`{f}`" for f in spec.factors)
        rows.append(
            f"| `{name}` | {_cell(spec.description)} | {spec.design} | {factors} "
            f"| {size} | {runs:,} |"
        )
    return "\n".join(rows)


def columns_table() -> str:
    """Every column the model reports, from the Parameters of :class:`econ.metrics.Quarter`."""
    rows = ["| column | meaning (unit) | kept by default |", "|---|---|---|"]
    documented = {p.name: " ".join(p.desc) for p in NumpyDocString(Quarter.__doc__)["Parameters"]}
    for name in ALL_COLUMNS:
        kept = "yes" if name in MODEL_COLUMNS else ""
        rows.append(f"| `{name}` | {_cell(documented[name])} | {kept} |")
    return "\n".join(rows)


def cli_reference() -> str:
    """``econ --help`` and each subcommand's ``--help``, as the parser prints them."""
    os.environ["COLUMNS"] = "96"  # argparse wraps to the terminal; fix it for the page
    parser = build_parser()
    out = ["## `econ`", "", "```text", parser.format_help().rstrip(), "```", ""]
    commands = next(a for a in parser._actions if a.dest == "command")
    for name, sub in commands.choices.items():
        out += [f"## `econ {name}`", "", "```text", sub.format_help().rstrip(), "```", ""]
    return "\n".join(out)


def generated() -> dict[str, str]:
    """The generated include files, by name."""
    return {
        "levers.md": Policy.describe(),
        "scenario_parameters.md": Scenario.describe(),
        "scenarios.md": scenarios_table(),
        "spec_keys.md": spec_keys_table(),
        "shipped_specs.md": shipped_specs_table(),
        "columns.md": columns_table(),
        "cli.md": cli_reference(),
    }


def clean_api_stubs(app: Sphinx) -> None:
    """Remove last build's API stubs, so a module that is gone leaves no page behind."""
    shutil.rmtree(DOCS / "api" / "generated", ignore_errors=True)


def write_generated(app: Sphinx) -> None:
    """Write the generated include files (only those whose text changed)."""
    GENERATED.mkdir(exist_ok=True)
    for name, text in generated().items():
        path = GENERATED / name
        if not path.is_file() or path.read_text() != text + "\n":
            path.write_text(text + "\n")


# --- tutorials ----------------------------------------------------------------------------


def _source_hash(notebook: Path) -> str:
    digest = hashlib.sha256(notebook.read_bytes())
    for path in sorted((ROOT / "econ").rglob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def execute_notebooks(app: Sphinx) -> None:
    """Execute every notebook with its quick parameters into docs/tutorials/."""
    TUTORIALS.mkdir(exist_ok=True)
    # The kernels import the econ of this checkout, as the pages do, whatever is installed.
    path = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = os.pathsep.join([str(ROOT), *([path] if path else [])])
    for notebook in sorted(NOTEBOOKS.glob("*.ipynb")):
        target = TUTORIALS / notebook.name
        stamp = _source_hash(notebook)
        if target.is_file():
            done = nbformat.read(target, as_version=4).metadata.get("econ_docs", {})
            if done.get("source_hash") == stamp and not done.get("error"):
                continue
        logger.info(f"executing {notebook.name} (quick parameters)")
        error = None
        with tempfile.TemporaryDirectory() as results:
            try:
                papermill.execute_notebook(
                    str(notebook),
                    str(target),
                    parameters={"quick": True, "results_dir": results},
                    cwd=str(NOTEBOOKS),
                    kernel_name="python3",
                    progress_bar=False,
                    execution_timeout=600,
                )
            except papermill.PapermillExecutionError as err:
                error = f"{err.ename}: {err.evalue}"
        executed = nbformat.read(target, as_version=4)
        # Progress bars are widgets: a static page can only show their first frame.
        executed.metadata.pop("widgets", None)
        for cell in executed.cells:
            if cell.cell_type == "code":
                cell.outputs = [o for o in cell.outputs if WIDGET not in o.get("data", {})]
        executed.metadata["econ_docs"] = {"source_hash": stamp, "error": error}
        nbformat.write(executed, target)
        if error:
            logger.warning(f"notebooks/{notebook.name} raised {error}", location=str(target))


# --- state tables in the API reference ----------------------------------------------------


def _dtype(spec) -> str:
    dtype = spec.metadata["dtype"]
    return getattr(dtype, "__name__", str(dtype))


def document_columns(app, what, name, obj, options, lines) -> None:
    """Generate the numpydoc sections of state tables and their agents from ``column()``.

    A :class:`~econ.agents.Table` subclass's constructor takes one array per column, so its
    Parameters section lists the columns (meaning, unit, dtype, labels). A
    :class:`~econ.agents.TableAgent` subclass gets :class:`~econ.agents.TableAgent`'s
    Parameters and a list of the column attributes it reads and writes. Runs before numpydoc,
    which then renders and validates the sections.
    """
    if what != "class" or not inspect.isclass(obj) or "Parameters" in lines:
        return
    if issubclass(obj, Table) and obj is not Table:
        lines += ["", "Parameters", "----------"]
        for spec in fields(obj):
            meaning = spec.metadata["doc"]
            if spec.metadata["labels"]:
                meaning += " Codes of: " + ", ".join(f"``{v}``" for v in spec.metadata["labels"])
            lines += [f"{spec.name} : numpy.ndarray of {_dtype(spec)}", f"    {meaning}"]
    elif issubclass(obj, TableAgent) and obj is not TableAgent:
        table = f"{obj.table_class.__module__}.{obj.table_class.__name__}"
        lines += [
            "",
            f"Each column of :class:`~{table}` is an attribute of the agent: reading it reads"
            " row ``index`` of the table, assigning to it writes there.",
            "",
            "Parameters",
            "----------",
            "model : mesa.Model",
            "    The model the agent belongs to.",
            "population : econ.agents.table.Population",
            "    The population whose table holds the agent's state.",
            "index : int",
            "    The agent's row in that table.",
        ]


def public(module_name: str) -> list[str]:
    """A module's public names: its ``__all__``."""
    return list(getattr(importlib.import_module(module_name), "__all__", []))


def own(module_name: str, names: list[str]) -> list[str]:
    """The names of ``names`` that ``module_name`` defines rather than re-exports."""
    module = importlib.import_module(module_name)
    return [n for n in names if getattr(getattr(module, n), "__module__", None) == module_name]


def reexported(module_name: str) -> list[tuple[str, str]]:
    """The names in a module's ``__all__`` that it imports, with where they are documented."""
    module = importlib.import_module(module_name)
    out = []
    for name in getattr(module, "__all__", []):
        if name.startswith("__"):
            continue
        home = home_of(module_name, name)
        if home != module_name:
            value = getattr(module, name)
            out.append((name, f"{home}.{getattr(value, '__qualname__', name)}"))
    return out


def _component(value: object) -> bool:
    """Whether ``value`` is a Solara component (a function wrapped by ``solara.component``)."""
    return callable(value) and inspect.isfunction(getattr(value, "f", None))


def components(module_name: str) -> list[str]:
    """The Solara components a module defines and exports."""
    module = importlib.import_module(module_name)
    names = getattr(module, "__all__", [])
    return [n for n in names if _component(getattr(module, n)) and n in own(module_name, [n])]


# --- checks -------------------------------------------------------------------------------


def api_modules() -> list[str]:
    """Every module of econ that belongs in the API reference."""
    names = ["econ"] + [m.name for m in pkgutil.walk_packages(econ.__path__, "econ.")]
    return sorted(n for n in names if n not in NOT_API)


def _assigned(module_name: str) -> set[str]:
    """The names a module assigns at top level (where its constants are defined)."""
    tree = ast.parse(inspect.getsource(importlib.import_module(module_name)))
    names = set()
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
        for target in targets:
            for leaf in ast.walk(target) if target is not None else ():
                if isinstance(leaf, ast.Name):
                    names.add(leaf.id)
    return names


def home_of(module_name: str, name: str) -> str:
    """The module that defines ``name``, which ``module_name`` exports."""
    value = getattr(importlib.import_module(module_name), name)
    if inspect.isclass(value) or inspect.isfunction(value) or _component(value):
        return value.__module__
    if name in _assigned(module_name):
        return module_name
    return next((m for m in api_modules() if name in _assigned(m)), module_name)


def check_api_complete(app: Sphinx, env) -> None:
    """Warn for a module missing from the API reference, or a public name without an entry."""
    objects = env.domains["py"].objects
    for module_name in api_modules():
        if module_name not in objects:
            logger.warning(f"module {module_name} is not in the API reference (docs/api/)")
            continue
        module = importlib.import_module(module_name)
        for name in getattr(module, "__all__", []):
            if name.startswith("__"):  # __version__: the package docstring names it
                continue
            home = home_of(module_name, name)
            # An alias (PolicyError is ParameterError) is documented under its own name.
            name = getattr(getattr(module, name), "__qualname__", name)
            if home.startswith("econ") and f"{home}.{name}" not in objects:
                logger.warning(f"{home}.{name} (in {module_name}.__all__) has no API entry")


def canonical(target: str, module_name: str | None) -> str | None:
    """The documented name of what ``target`` means, seen from ``module_name``.

    ``econ.results.load`` is :func:`econ.experiment.store.load`; inside
    ``econ.agents.compute``, ``Scenario`` is the class that module imports. None when
    ``target`` is not an econ object.
    """
    candidates = [target] + ([f"{module_name}.{target}"] if module_name else [])
    for dotted in candidates:
        parts = dotted.split(".")
        for cut in range(len(parts) - 1, 0, -1):
            try:
                value = importlib.import_module(".".join(parts[:cut]))
            except ImportError:
                continue
            try:
                for attr in parts[cut:]:
                    value = getattr(value, attr)
            except AttributeError:
                break
            if inspect.isclass(value) or inspect.isfunction(value) or _component(value):
                home = getattr(value, "__module__", "")
                return f"{home}.{value.__qualname__}" if home.startswith("econ") else None
            if inspect.ismodule(value) or cut != len(parts) - 1:
                break
            home = home_of(".".join(parts[:cut]), parts[-1])
            return f"{home}.{parts[-1]}" if home.startswith("econ") else None
    return None


def resolve_reexport(app: Sphinx, env, node, contnode):
    """Resolve a reference to a re-exported or imported econ name to where it is documented."""
    if node.get("refdomain") != "py":
        return None
    target = canonical(node["reftarget"], node.get("py:module"))
    if target is None or target == node["reftarget"]:
        return None
    domain = env.domains["py"]
    return domain.resolve_xref(
        env, node["refdoc"], app.builder, node["reftype"], target, node, contnode
    ) or domain.resolve_xref(env, node["refdoc"], app.builder, "obj", target, node, contnode)


REMOTE = re.compile(r"""<(?:script|link|img)\b[^>]*\b(?:src|href)=["'](?:https?:)?//""", re.I)


def check_offline(app: Sphinx, exception: Exception | None) -> None:
    """Warn for any page that loads a script, style or image from the network."""
    if exception is not None or app.builder.format != "html":
        return
    for page in Path(app.outdir).rglob("*.html"):
        match = REMOTE.search(page.read_text(encoding="utf-8"))
        if match:
            logger.warning(f"{page.relative_to(app.outdir)} loads {match.group(0)}... remotely")


def setup(app: Sphinx) -> dict:
    """Register the extension's handlers with Sphinx."""
    app.connect("builder-inited", clean_api_stubs, priority=100)  # before autosummary's
    app.connect("builder-inited", write_generated)
    app.connect("builder-inited", execute_notebooks)
    app.connect("autodoc-process-docstring", document_columns, priority=400)
    app.connect("env-check-consistency", check_api_complete)
    app.connect("missing-reference", resolve_reexport)
    app.connect("build-finished", check_offline)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
