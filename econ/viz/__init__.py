"""Interactive dashboard of the data economy (Mesa SolaraViz in the browser).

``econ dashboard`` (or ``python -m econ.viz``) serves it; so does
``solara run econ/viz/app.py``. Importing this package does not import Solara.
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import subprocess
import sys
from pathlib import Path

__all__ = ["APP", "dashboard", "exposure_warning", "is_loopback", "main", "solara_command"]

#: The Solara app file: the page, its charts and sidebar controls.
APP = Path(__file__).with_name("app.py")
#: Where the dashboard binds unless told otherwise: loopback only.
DEFAULT_HOST, DEFAULT_PORT = "127.0.0.1", 8765


def is_loopback(host: str) -> bool:
    """True for an address only this machine can reach: ``localhost``, 127.x.x.x or ``::1``.

    Parameters
    ----------
    host : str
        A host name or IP address (IPv6 in brackets or not).

    Returns
    -------
    bool
        Whether ``host`` is a loopback address; False for any other host name.
    """
    name = host.strip().strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:  # a host name: it may resolve to any address
        return False


def exposure_warning(host: str, port: int = DEFAULT_PORT) -> str | None:
    """The one-line warning for binding to ``host``, or None for a loopback address.

    Parameters
    ----------
    host : str
        The address the dashboard binds to.
    port : int, default 8765
        Its port.

    Returns
    -------
    str or None
        The warning, or None.
    """
    if is_loopback(host):
        return None
    return (
        f"econ dashboard: warning: --host {host} makes the dashboard reachable from the "
        f"network on port {port}, and it has no authentication: anyone who can reach it can use it."
    )


def solara_command(host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> list[str]:
    """The ``solara run`` command line that serves the dashboard.

    Production mode: no development extras, and no file watcher even if one is installed.

    Parameters
    ----------
    host : str, default "127.0.0.1"
        The address to bind.
    port : int, default 8765
        The port.

    Returns
    -------
    list of str
        The command, starting with this Python interpreter.
    """
    return [
        sys.executable, "-m", "solara", "run", str(APP),
        "--host", host, "--port", str(port), "--production", "--no-open",
    ]  # fmt: skip


def dashboard(host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> int:
    """Serve the dashboard at http://host:port/ until interrupted; return the exit code.

    Binds to the loopback address unless ``host`` says otherwise, and warns on stderr when
    ``host`` is not a loopback address: the dashboard has no authentication.

    Parameters
    ----------
    host : str, default "127.0.0.1"
        The address to bind.
    port : int, default 8765
        The port.

    Returns
    -------
    int
        The Solara server's exit code (0 after Ctrl-C).
    """
    env = dict(os.environ)
    # Solara reports usage to a third-party analytics service by default; a research tool
    # run on private machines should not, unless the user sets the variable.
    env.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "False")
    warning = exposure_warning(host, port)
    if warning:
        print(warning, file=sys.stderr, flush=True)
    print(f"econ dashboard: http://{host}:{port}/ (Ctrl-C stops it)", flush=True)
    try:
        return subprocess.call(solara_command(host, port), env=env)
    except KeyboardInterrupt:
        return 0


def main(argv: list[str] | None = None) -> int:
    """``python -m econ.viz [--host H] [--port P]``.

    Parameters
    ----------
    argv : list of str or None, default None
        The arguments; None reads ``sys.argv``.

    Returns
    -------
    int
        The exit code of :func:`dashboard`.
    """
    # The help shows the docstring's prose, not its numpydoc sections.
    about = dashboard.__doc__.split("Parameters\n")[0]
    parser = argparse.ArgumentParser(prog="python -m econ.viz", description=about)
    parser.add_argument(
        "--host", default=DEFAULT_HOST, help="address to bind (default: %(default)s)"
    )
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help="port (default: %(default)s)"
    )
    args = parser.parse_args(argv)
    return dashboard(args.host, args.port)
