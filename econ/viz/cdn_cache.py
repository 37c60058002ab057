"""Fill Solara's local CDN cache from the npm registry, for machines without CDN access.

Solara's page loads its front end (the Vuetify app, RequireJS, Font Awesome) from
``/_solara/cdn/<package>@<version>/<file>``; the server fetches each file from a public CDN
on first request and keeps it in ``solara.server.settings.assets.proxy_cache_dir``. Without
that CDN the page stays blank. The CDN mirrors npm packages, so unpacking the same packages
from the npm registry into the cache gives the server every file it would have fetched.

Run ``python -m econ.viz.cdn_cache``; a second run only checks (each package is marked
when complete).
"""

from __future__ import annotations

import argparse
import functools
import json
import re
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

__all__ = [
    "cache_dir",
    "cdn_files",
    "fill_cache",
    "is_filled",
    "required_packages",
    "warn_if_unfilled",
]

#: Written into a package's cache folder once it is completely unpacked.
MARKER = ".econ-from-npm"
#: A CDN file reference in Solara's page template and widget sources: ``{{cdn}}/`` or
#: ``${this.getCdn()}/`` then ``<package>@<version>/<file>``. References whose version is
#: a run-time variable (``${version}``) belong to widgets this project does not use.
_CDN_REFERENCE = re.compile(
    r"(?:\{\{\s*cdn\s*\}\}|getCdn\(\)\})/((?:@[\w.-]+/)?[\w.-]+@[\w.-]+)/([^`\"'\s$]+)"
)


def cache_dir() -> Path:
    """The folder Solara's CDN proxy serves from (it follows ``SOLARA_ASSETS_PROXY_CACHE_DIR``)."""
    from solara.server.settings import assets

    return Path(assets.proxy_cache_dir)


def cdn_files() -> dict[str, set[str]]:
    """Files Solara may ask its CDN proxy for, by npm package (``name@version``).

    Read from the installed Solara (page template, widget sources and the Font Awesome
    setting) rather than listed here, so a Solara upgrade is followed without edits.
    """
    import ipywidgets
    import solara
    from solara.server.settings import assets

    root = Path(solara.__file__).parent
    major = ipywidgets.__version__.split(".")[0]
    files: dict[str, set[str]] = {}
    for path in root.rglob("*"):
        # solara.website is Solara's own documentation site, not part of any app page.
        if (
            path.suffix not in {".vue", ".py", ".js", ".j2"}
            or "website" in path.relative_to(root).parts
        ):
            continue
        for package, file in _CDN_REFERENCE.findall(path.read_text(errors="ignore")):
            file = file.replace("{{ipywidget_major_version}}", major)
            files.setdefault(package, set()).add(file)
    if assets.fontawesome_enabled:
        package, _, file = assets.fontawesome_path.lstrip("/").partition("/")
        files.setdefault(package, set()).add(file)
    if not files:
        raise RuntimeError(f"no CDN references found under {root}; has Solara's layout changed?")
    return files


def required_packages() -> list[str]:
    """The npm packages (``name@version``) that Solara's front end loads from its CDN."""
    return sorted(cdn_files())


def is_filled(cache: Path | None = None) -> bool:
    """True when every package Solara loads from its CDN is in the cache (from npm)."""
    cache = cache_dir() if cache is None else Path(cache)
    return all((cache / spec / MARKER).exists() for spec in required_packages())


@functools.cache
def warn_if_unfilled() -> None:
    """Say once per process how to fix a blank page, if the cache lacks npm's files."""
    if not is_filled():
        print(
            "econ dashboard: Solara's CDN cache has not been filled from npm; without access "
            "to its CDN the page stays blank. Fill it once with `python -m econ.viz.cdn_cache`.",
            flush=True,
        )


def _unpack(tarball: Path, target: Path) -> None:
    """Unpack an npm tarball into ``target``, dropping its top folder (``package/``)."""
    with tarfile.open(tarball) as tar:
        members = []
        for member in tar.getmembers():
            _, _, rest = member.name.partition("/")
            if rest:
                member.name = rest
                members.append(member)
        tar.extractall(target, members=members, filter="data")


def _complete(target: Path, files: set[str]) -> list[str]:
    """Make minified names the CDN would have generated; return the files still missing.

    The CDN serves ``x.min.js`` for any ``x.js`` by minifying on the fly, and Solara asks
    for some (``require.min.js``) that the npm package does not ship; the unminified file
    does the same job.
    """
    missing = []
    for file in sorted(files):
        wanted = target / file
        plain = wanted.with_name(wanted.name.replace(".min.", "."))
        if not wanted.exists() and plain != wanted and plain.exists():
            shutil.copyfile(plain, wanted)
        if not wanted.exists():
            missing.append(file)
    return missing


def fill_cache(cache: Path | None = None, npm: str = "npm") -> tuple[list[str], list[str]]:
    """Unpack each CDN package from npm into the cache unless already there.

    Returns the packages fetched now and any referenced files that no package provides.
    Raises ``RuntimeError`` naming the package when npm cannot fetch it.
    """
    cache = cache_dir() if cache is None else Path(cache)
    fetched, missing = [], []
    for spec, files in sorted(cdn_files().items()):
        target = cache / spec
        if not (target / MARKER).exists():
            _fetch(spec, target, npm)
            fetched.append(spec)
        missing += [f"{spec}/{file}" for file in _complete(target, files)]
    return fetched, missing


def _fetch(spec: str, target: Path, npm: str) -> None:
    """Unpack one npm package into ``target`` and mark it complete."""
    if shutil.which(npm) is None:
        raise RuntimeError(f"{npm!r} not found; it is needed to fetch {spec} from npm")
    with tempfile.TemporaryDirectory() as tmp:
        done = subprocess.run(
            [npm, "pack", spec, "--json", "--pack-destination", tmp],
            capture_output=True,
            text=True,
            check=False,
            cwd=tmp,
        )
        if done.returncode != 0:
            raise RuntimeError(f"npm pack {spec} failed:\n{done.stderr.strip()}")
        filename = json.loads(done.stdout)[0]["filename"]
        # A file the proxy cached earlier is the same file; unpacking over it is harmless.
        target.mkdir(parents=True, exist_ok=True)
        _unpack(Path(tmp) / filename, target)
    # The marker goes last, so an interrupted unpack is redone next time.
    (target / MARKER).write_text(f"{spec} from the npm registry\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Command line: fill the cache and say what was fetched; exit 1 if files are missing."""
    parser = argparse.ArgumentParser(prog="python -m econ.viz.cdn_cache", description=__doc__)
    parser.add_argument("--cache", type=Path, help="cache folder (default: Solara's own)")
    args = parser.parse_args(argv)
    cache = args.cache or cache_dir()
    fetched, missing = fill_cache(cache)
    print(
        f"Solara CDN cache {cache}: {len(fetched)} package(s) fetched from npm, "
        f"{len(required_packages()) - len(fetched)} already there."
    )
    for file in missing:
        print(f"missing (no npm package provides it): {file}")
    return 1 if missing else 0


if __name__ == "__main__":
    raise SystemExit(main())
