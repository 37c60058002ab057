"""``econ init DIR``: a research folder with the specs, the paper template and the notebooks.

The files come from the installed package (so this works from a wheel): ``specs/*.toml``
(the shipped experiments, to copy and edit; ``econ run specs/NAME.toml``), ``paper/``
(``paper.typ``, ``refs.bib``; ``econ paper`` run from DIR builds it) and ``notebooks/``.
``DIR/.econ-init.json`` records what was written and its SHA-256, so a second ``econ init``
adds files missing from DIR, updates files it wrote that nobody has changed since, and
refuses (before writing anything) when DIR holds a different file it did not create.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from econ._version import __version__
from econ.experiment.store import write_atomic

__all__ = ["RECORD", "main", "scaffold", "template_files"]

#: The file in DIR recording what ``econ init`` wrote (path -> SHA-256).
RECORD = ".econ-init.json"


def template_files() -> dict[str, Traversable]:
    """The files ``econ init`` writes, by their path inside the research folder.

    Returns
    -------
    dict of str to importlib.resources.abc.Traversable
        ``"specs/baseline.toml"``, ``"paper/paper.typ"``, ``"notebooks/..."`` and so on,
        each with the package file it is copied from.
    """
    root = resources.files("econ")
    folders = {
        "specs": root / "study" / "specs",
        "paper": root / "scaffold" / "paper",
        "notebooks": root / "scaffold" / "notebooks",
    }
    return {
        f"{name}/{f.name}": f
        for name, folder in folders.items()
        for f in sorted(folder.iterdir(), key=lambda f: f.name)
        if f.is_file() and not f.name.startswith((".", "__"))
    }


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _read_record(folder: Path) -> dict[str, str]:
    path = folder / RECORD
    if not path.is_file():
        return {}
    try:
        record = json.loads(path.read_text())
        return dict(record["files"])
    except (ValueError, KeyError, TypeError) as err:
        raise ValueError(f"{path}: not a record econ init wrote ({err}); move it away") from err


def scaffold(folder: str | Path) -> list[Path]:
    """Create or fill the research folder ``folder``; return the files written.

    Parameters
    ----------
    folder : str or pathlib.Path
        The folder; created if missing (with its parents).

    Returns
    -------
    list of pathlib.Path
        The files written now (none when the folder is already up to date).

    Raises
    ------
    FileExistsError
        If ``folder`` is a file, or holds a file econ init would write that differs from
        the template and that econ init did not write (or that was changed since).
    """
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise FileExistsError(f"{folder} is a file, not a folder; choose a folder")
    record = _read_record(folder)
    todo: dict[str, bytes] = {}
    foreign = []
    for name, source in template_files().items():
        data = source.read_bytes()
        target = folder / name
        if target.is_dir() or target.is_symlink():
            foreign.append(name)
        elif not target.exists():
            todo[name] = data
        else:
            current = _sha256(target.read_bytes())
            if current == _sha256(data):
                continue
            if record.get(name) == current:  # ours, unchanged since: update it
                todo[name] = data
            else:
                foreign.append(name)
    if foreign:
        shown = ", ".join(foreign[:3]) + (
            f" and {len(foreign) - 3} more" if len(foreign) > 3 else ""
        )
        raise FileExistsError(
            f"{folder}: would overwrite {shown}, which econ init did not write (or which "
            "changed since); econ never overwrites them: move them away or choose another "
            "folder"
        )
    written = []
    for name, data in todo.items():
        target = folder / name
        record[name] = write_atomic(target, lambda tmp, data=data: tmp.write_bytes(data), True)
        written.append(target)
    if written or not (folder / RECORD).exists():
        folder.mkdir(parents=True, exist_ok=True)
        text = json.dumps({"econ": __version__, "files": dict(sorted(record.items()))}, indent=2)
        write_atomic(folder / RECORD, lambda tmp: tmp.write_text(text + "\n"))
    return written


def main(args: argparse.Namespace) -> int:
    """Scaffold ``args.folder`` and say what was written and what to run next.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed ``econ init`` arguments.

    Returns
    -------
    int
        The exit status.
    """
    written = scaffold(args.folder)
    for path in written:
        print(path)
    print(
        f"\n{args.folder}: {len(written)} file(s) written. From there: `econ run "
        "specs/baseline.toml`, `econ study --quick`, `econ paper --quick`, `jupyter lab "
        "notebooks`."
    )
    return 0
