"""What econ ships as package data, listed without importing the model or pandas.

The command line lists the shipped specs in its help, which must not import the engine; the
study and the estimation list them to resolve a name. All read the same folders here.
"""

from __future__ import annotations

from importlib import resources

__all__ = ["CALIBRATE_SPECS", "EXPERIMENT_SPECS", "spec_names"]

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
