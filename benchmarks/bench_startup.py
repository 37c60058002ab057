"""Start-up of the ``econ`` command: ``econ --help`` against a bare interpreter.

Run: ``python benchmarks/bench_startup.py [--repeats 7]``.

Each figure is the median over ``repeats`` fresh interpreters of the child's CPU time (user
plus system, from ``resource.getrusage(RUSAGE_CHILDREN)``; the machine is shared, so wall
time is printed beside it but not relied on):

- ``python -c pass``: the interpreter alone;
- ``econ --help``: the command line's start-up (target, issue #13: under 0.5 s);
- ``import econ.model``: what every command paid before the subcommands were deferred.

Never asserted in tests; tests/test_startup.py checks the modules help imports instead.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).parents[1]
CASES = {
    "python -c pass": ["-c", "pass"],
    "econ --help": [
        "-c",
        "import sys; from econ.cli import main; sys.argv[1:] = ['--help']; main()",
    ],
    "import econ.model": ["-c", "import econ.model"],
}


def _once(args: list[str]) -> tuple[float, float]:
    """CPU seconds and wall seconds of one fresh interpreter running ``args``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, *args], cwd=ROOT, check=True, capture_output=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, wall


def main() -> None:
    """Print the median CPU and wall time of each case, and help's ratio to the bare one."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    medians = {}
    for name, argv in CASES.items():
        _once(argv)  # warm the file cache and bytecode
        runs = [_once(argv) for _ in range(args.repeats)]
        cpu = statistics.median(r[0] for r in runs)
        wall = statistics.median(r[1] for r in runs)
        medians[name] = cpu
        print(f"{name:<20} CPU {cpu:6.3f} s   wall {wall:6.3f} s   (median of {args.repeats})")
    ratio = medians["econ --help"] / medians["python -c pass"]
    print(f"econ --help costs {ratio:.1f}x a bare interpreter's CPU time")


if __name__ == "__main__":
    main()
