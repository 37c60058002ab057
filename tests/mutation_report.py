"""Kill score per module after ``mutmut run`` (``make mutation``, issue #17).

mutmut 3 prints one total for all modules; this reads its results (``mutants/<path>.meta``)
and prints a score for each module. mutmut 3 also mutates only code inside functions, so a
module-level table of :class:`~econ.parameters.Parameter` (``econ.policy.LEVERS``) gets
*table mutants* here: one entry's default, unit, bound or choices changed at a time (a bound
widened by 1, a default moved to another allowed value), and the tests mutmut is configured
to run are run against it in a forked child.

Survivors listed in the table of ``tests/MUTATION.md`` (mutant name in backticks, first
column) count as equivalent; the exit status is 1 if any other mutant survives.

    python tests/mutation_report.py [MODULE.py ...]   # default: [tool.mutmut] only_mutate
    python tests/mutation_report.py --list-modules
"""

from __future__ import annotations

import dataclasses
import fnmatch
import glob
import importlib
import json
import os
import re
import signal
import sys
import tomllib
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTES = ROOT / "tests" / "MUTATION.md"
TABLE_TIMEOUT_S = 120
KILLED = ("killed", "timeout", "caught by type check")  # mutmut's statuses that count as killed


def mutmut_config() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mutmut"]


def configured_modules() -> list[str]:
    found: list[str] = []
    for pattern in mutmut_config()["only_mutate"]:
        found += sorted(glob.glob(pattern, root_dir=ROOT) if "*" in pattern else [pattern])
    return found


def equivalents() -> set[str]:
    """Mutant names in the first column of MUTATION.md's table of equivalent mutants."""
    text = NOTES.read_text() if NOTES.exists() else ""
    return set(re.findall(r"^\| `([^`\s]+)` \|", text, flags=re.MULTILINE))


def function_mutants(path: str) -> dict[str, str]:
    """Status of each of mutmut's mutants of ``path``, by mutant name."""
    from mutmut.stats import status_by_exit_code

    meta = ROOT / "mutants" / f"{path}.meta"
    if not meta.exists():
        sys.exit(f"{meta.relative_to(ROOT)} not found: run `mutmut run` first")
    codes = json.loads(meta.read_text())["exit_code_by_key"]
    return {name: status_by_exit_code[code] for name, code in codes.items()}


def table_entries(path: str):
    """(mutant name, table, key, field, value) for each table mutant of module ``path``."""
    from econ.parameters import Parameter

    dotted = path.removesuffix(".py").replace("/", ".")
    module = importlib.import_module(dotted)
    for table_name, table in vars(module).items():
        if not (isinstance(table, dict) and table):
            continue
        if not all(isinstance(p, Parameter) for p in table.values()):
            continue
        for key, p in table.items():
            changes = {"default": moved_default(p), "unit": f"XX{p.unit}XX"}
            if p.low is not None:
                changes["low"] = p.low - 1
            if p.high is not None:
                changes["high"] = p.high + 1
            if p.choices is not None:  # the last choice other than the default dropped
                dropped = [c for c in p.choices if c != p.default][-1]
                changes["choices"] = tuple(c for c in p.choices if c != dropped)
            for field, value in changes.items():
                yield f"{dotted}.{table_name}[{key}].{field}", table, key, field, value


def moved_default(p):
    """Another allowed value for ``p``'s default."""
    if p.choices is not None:
        return p.choices[(p.choices.index(p.default) + 1) % len(p.choices)]
    if p.kind is bool:
        return not p.default
    for value in (p.default + 1, (p.default + p.low) / 2, (p.default + p.high) / 2):
        value = p.kind(value)
        if value != p.default and p.low <= value <= p.high:
            return value
    raise ValueError(f"no other allowed default for {p.name}")


def run_tests(change=None) -> int:
    """pytest's exit code for mutmut's test selection, in a forked child with ``change``."""
    import pytest

    selection = mutmut_config().get("pytest_add_cli_args_test_selection", [])
    # The only other threads are native pools (OpenBLAS, Arrow's jemalloc), which are
    # fork-aware; mutmut forks its workers from the same kind of process.
    warnings.filterwarnings("ignore", r"This process .* is multi-threaded", DeprecationWarning)
    pid = os.fork()
    if pid == 0:  # child
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        signal.alarm(TABLE_TIMEOUT_S)
        if change is not None:
            table, key, field, value = change
            table[key] = dataclasses.replace(table[key], **{field: value})
        os.chdir(ROOT)
        os._exit(int(pytest.main([*selection, "-x", "-q", "-p", "no:cacheprovider"])))
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


def table_mutants(path: str) -> dict[str, str]:
    entries = list(table_entries(path))
    if not entries:
        return {}
    clean = run_tests()
    if clean != 0:
        sys.exit(f"the configured tests fail without any mutant (pytest exit code {clean})")
    status = {}
    for name, table, key, field, value in entries:
        code = run_tests((table, key, field, value))
        status[name] = "survived" if code == 0 else "no tests" if code == 5 else "killed"
    return status


def main(argv: list[str]) -> int:
    if argv == ["--list-modules"]:
        print(" ".join(configured_modules()))
        return 0
    modules = argv or configured_modules()
    patterns = mutmut_config()["only_mutate"]
    for path in modules:
        if not any(fnmatch.fnmatch(path, p) for p in patterns):
            sys.exit(f"{path} is not mutated by mutmut: add it to [tool.mutmut] only_mutate")
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    known = equivalents()
    unexplained = []
    rows = []
    for path in modules:
        status = {**function_mutants(path), **table_mutants(path)}
        checked = {k: v for k, v in status.items() if v not in ("not checked", "skipped")}
        killed = [k for k, v in checked.items() if v in KILLED]
        alive = sorted(set(checked) - set(killed))
        score = len(killed) / len(checked) if checked else float("nan")
        tables = sum(1 for k in checked if "[" in k)
        rows.append((path, len(checked), tables, len(killed), alive, score))
        unexplained += [k for k in alive if k not in known]
        for k in alive:
            note = "equivalent (tests/MUTATION.md)" if k in known else "NOT EXPLAINED"
            print(f"  {checked[k]:<9} {k}  {note}")
    print()
    line = "{:<24}{:>8}{:>8}{:>8}{:>7}{:>7}  {}"
    print(line.format("module", "mutants", "(table)", "killed", "alive", "equiv.", "score"))
    for path, total, tables, killed, alive, score in rows:
        equiv = sum(1 for k in alive if k in known)
        print(line.format(path, total, tables, killed, len(alive), equiv, f"{score:6.1%}"))
    if unexplained:
        print(f"\n{len(unexplained)} surviving mutant(s) neither killed nor listed in {NOTES.name}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
