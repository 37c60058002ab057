"""Kill score per module after ``mutmut run`` (``make mutation``, issue #17).

mutmut 3 prints one total for all modules; this reads its results (``mutants/<path>.meta``)
and prints a score for each module. mutmut 3 also mutates only code inside functions, so a
module-level table of :class:`~econ.parameters.Parameter` (``econ.policy.LEVERS``) gets
*table mutants* here: one entry's default, unit, bound or choices changed at a time (a bound
widened by 1, a default moved to another allowed value), and the tests mutmut is configured
to run are run against it in a forked child.

Survivors listed in the table of ``tests/MUTATION.md`` (mutant name in backticks, first
column) count as equivalent; the exit status is 1 if any other mutant survives.

To fit 15 minutes on 2 cores, ``make mutation`` may test a sample of each module's mutants:
``--sample`` prints what to pass to ``mutmut run``: for a module in ``SAMPLE_SIZE``, that
many of its mutants' names, the first of the sorted list of its mutant names shuffled with
``random.Random(SAMPLE_SEED)`` (so the same source gives the same sample, and a smaller
sample is part of a larger one); for any other module, a
pattern matching all its mutants; nothing if no module is sampled (mutmut then tests every
mutant). ``MUTATION_SAMPLE=all`` in the environment tests every mutant. The report says which
modules were sampled.

    python tests/mutation_report.py [MODULE.py ...]   # default: [tool.mutmut] only_mutate
    python tests/mutation_report.py --list-modules
    python tests/mutation_report.py --sample [MODULE.py ...]
"""

from __future__ import annotations

import dataclasses
import fnmatch
import glob
import importlib
import json
import os
import random
import re
import signal
import sys
import tomllib
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTES = ROOT / "tests" / "MUTATION.md"
TABLE_TIMEOUT_S = 120
TABLE_WORKERS = 2  # table mutants tested at once (make mutation has 2 cores)
KILLED = ("killed", "timeout", "caught by type check")  # mutmut's statuses that count as killed
#: Seed of the sample of mutants ``make mutation`` tests (fixed: the same source, the same
#: sample).
SAMPLE_SEED = 17
#: At most this many mutants of a module are tested (a module not listed: every mutant).
#: The merged core has about 4,930 function mutants, too many for 15 minutes on 2 cores
#: (tests/MUTATION.md): every module but the smallest is sampled. A sample of 80 puts a
#: score near 95% within about 2.5 points (one standard error).
SAMPLE_SIZE: dict[str, int] = {
    path: 80
    for path in (
        "econ/equations.py",
        "econ/parameters.py",
        "econ/market.py",
        "econ/model.py",
        "econ/agents/compute.py",
        "econ/agents/firms.py",
        "econ/agents/holders.py",
        "econ/agents/operators.py",
        "econ/agents/regulator.py",
        "econ/agents/table.py",
        "econ/calibration.py",
        "econ/metrics.py",
        "econ/experiment/store.py",
    )
}
#: Tests run against each table mutant: those of the levers and parameter sets. The
#: model-level tests of the selection would only add minutes (the table's values reach the
#: model through these same objects).
TABLE_MUTANT_TESTS = [
    "tests/test_policy_pinned.py",
    "tests/test_policy.py",
    "tests/test_parameters_pinned.py",
    "tests/test_scenarios.py",
    "tests/test_bad_input.py",
]


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


def all_mutant_names(path: str) -> list[str]:
    """Names of every mutant mutmut makes of ``path``, sorted (read from the source)."""
    from mutmut.__main__ import mutate_file_contents
    from mutmut.utils.format_utils import get_mutant_name

    mutated = mutate_file_contents(path, (ROOT / path).read_text(), None, None)
    return sorted(get_mutant_name(Path(path), name) for name in mutated.mutant_names)


def sampled(path: str) -> tuple[list[str], int]:
    """The mutants of ``path`` that ``make mutation`` tests, and how many there are in all."""
    names = all_mutant_names(path)
    size = SAMPLE_SIZE.get(path)
    if os.environ.get("MUTATION_SAMPLE") == "all" or size is None or size >= len(names):
        return names, len(names)
    # A fixed shuffle, cut at ``size``: a smaller sample is part of a larger one, so a score
    # at a smaller size can be read off a run at a larger one.
    shuffled = random.Random(SAMPLE_SEED).sample(names, len(names))
    return sorted(shuffled[:size]), len(names)


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


def start_tests(change=None) -> int:
    """Fork a child that runs the table mutants' tests with ``change``; returns its pid."""
    import pytest

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
        os._exit(int(pytest.main([*TABLE_MUTANT_TESTS, "-x", "-q", "-p", "no:cacheprovider"])))
    return pid


def run_tests(changes: list, workers: int = TABLE_WORKERS) -> list[int]:
    """pytest's exit code for each change, ``workers`` forked children at a time."""
    codes: list[int] = [0] * len(changes)
    running: dict[int, int] = {}
    pending = list(enumerate(changes))
    while pending or running:
        while pending and len(running) < workers:
            i, change = pending.pop(0)
            running[start_tests(change)] = i
        pid, status = os.wait()
        codes[running.pop(pid)] = os.waitstatus_to_exitcode(status)
    return codes


def table_mutants(path: str) -> dict[str, str]:
    entries = list(table_entries(path))
    if not entries:
        return {}
    # The children inherit what is imported here: the conftest's imports (pandas, the
    # experiment engine) would otherwise cost each child seconds. Not the test modules: a
    # table mutant must reach what they compute at import.
    importlib.import_module("tests.conftest")
    (clean,) = run_tests([None])
    if clean != 0:
        sys.exit(f"the configured tests fail without any mutant (pytest exit code {clean})")
    codes = run_tests([(table, key, field, value) for _, table, key, field, value in entries])
    return {
        entry[0]: "survived" if code == 0 else "no tests" if code == 5 else "killed"
        for entry, code in zip(entries, codes, strict=True)
    }


def main(argv: list[str]) -> int:
    if argv == ["--list-modules"]:
        print(" ".join(configured_modules()))
        return 0
    if argv[:1] == ["--sample"]:
        os.chdir(ROOT)
        modules = argv[1:] or configured_modules()
        chosen = {path: sampled(path) for path in modules}
        if all(len(names) == total for names, total in chosen.values()):
            return 0  # nothing sampled: mutmut tests every mutant
        for path, (names, total) in chosen.items():
            dotted = path.removesuffix(".py").replace("/", ".")
            print("\n".join(names) if len(names) < total else f"{dotted}.*")
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
    notes = []
    for path in modules:
        tested, total = sampled(path)
        if len(tested) < total:
            notes.append(
                f"{path}: a sample of {len(tested)} of its {total} mutants (seed {SAMPLE_SEED})"
            )
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
    for note in notes:
        print(f"sampled: {note}; MUTATION_SAMPLE=all tests every mutant")
    if unexplained:
        print(f"\n{len(unexplained)} surviving mutant(s) neither killed nor listed in {NOTES.name}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
