"""What econ ships as package data, listed without importing the model or pandas.

The command line lists the shipped specs in its help, which must not import the engine; the
study and the estimation list them to resolve a name. All read the same folders here.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

__all__ = ["CALIBRATE_SPECS", "EXPERIMENT_SPECS", "spec_names", "spec_path"]

#: Package-data folder of the shipped experiment specs, relative to the ``econ`` package.
EXPERIMENT_SPECS = "study/specs"
#: Package-data folder of the shipped calibrate specs, relative to the ``econ`` package.
CALIBRATE_SPECS = "study/specs/calibrate"


def spec_names(folder: str = EXPERIMENT_SPECS) -> list[str]:
    """Names of the TOML specs shipped in a package-data folder.

    Parameters
    ----------
    folder : str, default "study/specs"
        The folder inside the ``econ`` package (:data:`EXPERIMENT_SPECS` or
        :data:`CALIBRATE_SPECS`).

    Returns
    -------
    list of str
        Sorted names, without ``.toml``.
    """
    path = resources.files("econ").joinpath(*folder.split("/"))
    return sorted(f.name.removesuffix(".toml") for f in path.iterdir() if f.name.endswith(".toml"))


def spec_path(name: str, folder: str = EXPERIMENT_SPECS, kind: str = "experiment") -> Path:
    """The file of the spec ``name`` shipped in a package-data folder.

    Parameters
    ----------
    name : str
        A shipped spec's name (:func:`spec_names`).
    folder : str, default "study/specs"
        The folder inside the ``econ`` package.
    kind : str, default "experiment"
        What the folder's specs are, for the error message ("experiment", "calibrate").

    Returns
    -------
    pathlib.Path
        The spec file inside the installed package.

    Raises
    ------
    FileNotFoundError
        If no spec of that name is shipped there.
    """
    names = spec_names(folder)
    if name not in names:
        raise FileNotFoundError(f"no shipped {kind} spec {name!r}; shipped: {', '.join(names)}")
    return Path(str(resources.files("econ").joinpath(*folder.split("/"), f"{name}.toml")))
