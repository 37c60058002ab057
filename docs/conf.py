"""Sphinx configuration of econ's documentation site (``make docs``).

Sphinx, because numpydoc, autosummary and nitpicky cross-references come with it: every
public name gets a page from its numpydoc docstring, numpydoc validates those docstrings,
and a broken reference anywhere is a warning, which ``-W`` turns into a failed build.
MyST-NB reads the Markdown pages and the executed notebooks. The build needs no network:
no intersphinx inventories and no CDN (``econ_docs`` checks the output for remote assets).
"""

from __future__ import annotations

import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
# The econ of this checkout, whatever is installed, and the site's own extension.
sys.path[:0] = [str(ROOT), str(DOCS / "_ext")]

import econ_docs  # noqa: E402

import econ  # noqa: E402

project = "econ"
author = "The econ project"
copyright = "the econ project, MIT licence"
release = econ.__version__
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.viewcode",
    "numpydoc",
    "myst_nb",
    "econ_docs",
]

# _generated/ holds tables the pages include; they are not pages of their own.
exclude_patterns = ["_build", "_templates", "_generated", "**.ipynb_checkpoints"]
templates_path = ["_templates"]
root_doc = "index"

# --- warnings: the build fails on any (sphinx-build -W) -----------------------------------
nitpicky = True
# Without network there are no intersphinx inventories, so names from other packages are
# shown as code without a link; every econ name must resolve.
_EXTERNAL = (
    r"(numpy|np|pandas|pd|scipy|mesa|matplotlib|plt|seaborn|dask|distributed|concurrent"
    r"|pathlib|typing|collections|dataclasses|enum|argparse|datetime|subprocess|tqdm"
    r"|pyarrow|solara|SALib|ema_workbench|types)\b.*"
)
_BUILTINS = (
    r"(int|float|bool|str|bytes|dict|list|tuple|set|frozenset|object|type|callable|None|True|False"
    r"|Any|Path|Callable|Iterable|Iterator|Mapping|Sequence|ClassVar|Field|Generator"
    r"|ndarray|DataFrame|Series|Axes|Figure|Generator|SeedSequence|Executor|Future"
    r"|AgentSet|Model|Agent|DataCollector|Enum|IntEnum|StrEnum|ValueError|TypeError"
    r"|KeyError|Exception|array-like|optional|default|array|of|or|shape|sequence"
    r"|mapping|iterable|int8|int32|int64|float32|float64|bool_)"
)
nitpick_ignore_regex = [
    (r"py:.*", _EXTERNAL),
    (r"py:.*", _BUILTINS),
    (r"py:.*", r"python:.*"),  # numpydoc's links to the Python docs (builtins)
]

# --- API reference --------------------------------------------------------------------------
autosummary_generate = True
autosummary_ignore_module_all = False  # a module's public names are its __all__
autosummary_imported_members = False
# A re-exported name is documented where it is defined; the module template asks this.
autosummary_context = {  # plain data, so Sphinx can cache the configuration
    "own": {m: econ_docs.own(m, econ_docs.public(m)) for m in econ_docs.api_modules()},
    "components": {m: econ_docs.components(m) for m in econ_docs.api_modules()},
    "reexported": {m: econ_docs.reexported(m) for m in econ_docs.api_modules()},
}
autodoc_default_options = {"member-order": "bysource"}
autodoc_typehints = "none"  # types are in the numpydoc sections, with units
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = True
numpydoc_xref_ignore = {"optional", "default", "of", "or", "shape", "the", "to"}
# numpydoc links builtins into the Python and numpy docs, which are not here offline: plain
# names instead (shown as code, not links).
numpydoc_xref_aliases = {
    **{name: name for name in "bool int float str dict list tuple set None True False".split()},
    **{name: name for name in ("object", "type")},
    "sequence": "sequence",
    "array-like": "array-like",
    "array_like": "array-like",
    "callable": "callable",
    "DataFrame": "pandas.DataFrame",
    "Series": "pandas.Series",
    "ndarray": "numpy.ndarray",
    "Generator": "numpy.random.Generator",
    "Path": "pathlib.Path",
}
# Docstrings are checked as they are rendered: no docstring, an undocumented or unknown
# parameter, a missing Returns section or a misordered section fails the build.
numpydoc_validation_checks = {"GL08", "PR01", "PR02", "PR03", "PR07", "RT01", "GL06", "GL07"}

# --- pages and notebooks --------------------------------------------------------------------
myst_enable_extensions = ["colon_fence", "deflist", "substitution"]
myst_substitutions = {"version": release}
myst_heading_anchors = 3
# Notebooks are executed by econ_docs (papermill, quick parameters) before the build reads
# them; MyST-NB renders those outputs and never executes anything itself.
nb_execution_mode = "off"
nb_execution_raise_on_error = True
nb_merge_streams = True
# Progress bars are ipywidgets in a kernel; a static page shows their text form, and loads
# no widget JavaScript (it would come from a CDN).
nb_ipywidgets_js = {}
nb_mime_priority_overrides = [("html", "application/vnd.jupyter.widget-view+json", None)]

# --- HTML -----------------------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"econ {release}"
html_static_path = ["_static"]
html_css_files = ["econ.css"]
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
    # The pages of wide generated tables use the whole width; the others show their contents.
    "secondary_sidebar_items": {"**": ["page-toc"], "guide/policies": [], "guide/cli": []},
}
html_sidebars = {"index": [], "getting-started": []}
html_show_sourcelink = False
