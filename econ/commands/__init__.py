"""The work of each ``econ`` subcommand, one module per subcommand.

:mod:`econ.cli` parses the arguments and imports the subcommand's module only when it runs,
so each module imports what its subcommand needs at its top: ``econ run`` needs the core
install, ``econ study`` the ``[paper]`` extra, ``econ dashboard`` the ``[viz]`` extra. Each
module has ``main(args) -> int`` taking the parsed :class:`argparse.Namespace`.
"""

from __future__ import annotations

from importlib import util

__all__ = ["require"]


def require(*modules: str) -> None:
    """Fail as a missing import would if one of ``modules`` is not installed.

    For subcommands that run a tool in a subprocess (the dashboard's Solara server): the
    command line then names the extra to install, as it does for a failed import.

    Parameters
    ----------
    *modules : str
        Top-level module names.

    Raises
    ------
    ModuleNotFoundError
        For the first module that cannot be found, with its ``name``.
    """
    for module in modules:
        if util.find_spec(module) is None:
            raise ModuleNotFoundError(f"No module named {module!r}", name=module)
