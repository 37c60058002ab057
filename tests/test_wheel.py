"""econ as a user gets it: a wheel installed into a fresh virtualenv, run in an empty folder.

The wheel is built from a copy of the sources without build isolation (setuptools comes with
the [test] extra) and installed with ``--no-deps --no-index``: nothing is downloaded, so
this runs offline and in CI. Its dependencies come from the running interpreter's
site-packages, added to the new venv's path by a ``.pth`` line (a path, so the editable
install of econ there is not activated: the econ imported is the wheel's, as checked).
The folder the commands run in sits in an unrelated git repository, whose commit must not be
recorded as econ's. Select with ``pytest -m wheel``.
"""

import json
import os
import shutil
import site
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from econ import __version__

ROOT = Path(__file__).parents[1]
pytestmark = [pytest.mark.wheel, pytest.mark.slow]
#: What a wheel is built from (the rest of the repository is not packaged).
SOURCES = ["pyproject.toml", "README.md", "LICENSE", "econ", "paper", "notebooks"]
SKIP = shutil.ignore_patterns("__pycache__", "figures*", "tables*", "*.pdf", ".ipynb_checkpoints")


def _run(args: list, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=1800
    )
    assert done.returncode == 0, f"{args}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    src = tmp_path_factory.mktemp("src")
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, src / name, symlinks=True, ignore=SKIP)
        else:
            shutil.copy2(ROOT / name, src / name)
    dist = tmp_path_factory.mktemp("dist")
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check"]
    _run([*pip, "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", dist, src], src)
    (found,) = dist.glob("econ_datamarket-*.whl")
    return found


def test_the_wheel_carries_specs_paper_template_and_notebooks(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "econ/study/specs/baseline.toml" in names
    assert "econ/scaffold/paper/paper.typ" in names
    assert "econ/scaffold/notebooks/06_build_your_own_policy.ipynb" in names
    typ = zipfile.ZipFile(wheel).read("econ/scaffold/paper/paper.typ")
    assert typ == (ROOT / "paper" / "paper.typ").read_bytes()  # the file, not a link


def test_study_and_paper_from_a_wheel_in_an_empty_folder(wheel, tmp_path):
    # An unrelated git repository around the venv and the research folder.
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@t",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@t",
    }
    env.pop("PYTHONPATH", None)
    _run(["git", "init", "-q"], tmp_path, env)
    (tmp_path / "README").write_text("another project\n")
    _run(["git", "add", "README"], tmp_path, env)
    _run(["git", "commit", "-q", "-m", "x"], tmp_path, env)
    venv = tmp_path / ".venv"
    _run([sys.executable, "-m", "venv", "--without-pip", venv], tmp_path, env)
    purelib = Path(
        _run(
            [
                venv / "bin" / "python",
                "-c",
                "import sysconfig; print(sysconfig.get_path('purelib'))",
            ],
            tmp_path,
            env,
        ).stdout.strip()
    )
    (purelib / "_econ_test_deps.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    _run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            venv / "bin" / "python",
            "install",
            "-q",
            "--no-deps",
            "--no-index",
            wheel,
        ],
        tmp_path,
        env,
    )
    econ = venv / "bin" / "econ"
    work = tmp_path / "work"
    work.mkdir()
    located = _run([venv / "bin" / "python", "-c", "import econ; print(econ.__file__)"], work, env)
    assert Path(located.stdout.strip()).is_relative_to(purelib)  # the wheel's econ
    _run([econ, "init", "."], work, env)
    _run([econ, "study", "--quick"], work, env)
    _run([econ, "paper", "--quick"], work, env)
    assert (work / "paper" / "paper_quick.pdf").read_bytes()[:5] == b"%PDF-"
    manifest = json.loads((work / "results" / "baseline_quick" / "manifest.json").read_text())
    assert manifest["econ_version"] == __version__
    assert manifest["git"]["commit"] is None
