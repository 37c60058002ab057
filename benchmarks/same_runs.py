"""Whether econ checkouts give the same runs, bit for bit: hashes of a fixed set of runs.

Run: ``python benchmarks/same_runs.py [TREE ...] [--quick]`` (default: this checkout). Each
tree runs in its own process with the tree first on ``sys.path``: 36 runs (nine policies,
``china_2024`` and ``small``, seeds 1 and 2; 600 firms, 16 quarters after the spin-up), or 4
with ``--quick``. For each run it prints three hashes: every reported column, seven firm
columns, and the other populations' state with the model's scalars. With two or more trees
it says which runs differ from the first tree's. A change to the model's speed that should
not change its numbers (a kernel for numpy code, a stream drawn from its state words) passes
when every run matches; run ids still change, since they hash the model's code.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
from pathlib import Path

import numpy as np

#: The policies hashed: today's, every mechanism at once, and one lever at a time.
POLICIES = {
    "default": {},
    "busy": dict(
        pricing="market", operators=3, operator_cap="revenue", openness=0.8, hk_bridge=True,
        adaptive_regulator=True, audit_rate=1.0, penalty=0.2, review_strictness=0.3,
    ),
    "free": dict(pricing="free"),
    "closed": dict(openness=0.0),
    "bench": dict(pricing="conditional_free", operators=2, openness=0.5, hk_bridge=True),
    "hoard": dict(private_data="hoard", registration=False),
    "ban": dict(private_data="ban", operators=0),
    "privacy": dict(
        privacy_computing=1.0, traceability=1.0, infrastructure=1.0, operators=4,
        operator_cap="price",
    ),
    "exchanges": dict(exchange_fee=0.5),
}  # fmt: skip


def _digest(*arrays: np.ndarray) -> str:
    """12 hex digits of the SHA-256 of the arrays' bytes, in order."""
    h = hashlib.sha256()
    for a in arrays:
        h.update(np.ascontiguousarray(a).tobytes())
    return h.hexdigest()[:12]


def hash_runs(tree: Path, quick: bool) -> dict[str, list[str]]:
    """Run the fixed set with the econ of ``tree`` (first on ``sys.path``) and hash each run."""
    sys.path.insert(0, str(tree))
    # econ is imported here, once the tree to test is first on the path.
    import econ
    from econ import DataEconomy, Policy

    if not econ.__file__.startswith(str(tree)):
        sys.exit(f"econ imported from {econ.__file__}, not from {tree}")
    cases = [(s, p, seed) for s in ("china_2024", "small") for p in POLICIES for seed in (1, 2)]
    if quick:
        cases = [c for c in cases if c[1] in ("busy", "bench") and c[2] == 1]
    out = {}
    for scenario, name, seed in cases:
        m = DataEconomy(policy=Policy(**POLICIES[name]), scenario=scenario, n_firms=600, seed=seed)
        frame = m.run(16)
        t = m.firms.table
        firm_columns = ("active", "cash", "data_stock", "surplus", "output", "capability", "sector")
        scalars = np.array([m.trust, m.incident_pressure, m.partner_openness, m.bridge_coverage])
        state = (
            m.holders.table.effort, m.operators.table.licensed, m.operators.table.security,
            m.compute.table.data_load_racks, m.market.catalogue.price, scalars,
        )  # fmt: skip
        out[f"{scenario} {name} {seed}"] = [
            _digest(*(np.asarray(frame[c], dtype=float) for c in frame.columns)),
            _digest(*(getattr(t, f) for f in firm_columns)),
            _digest(*state),
        ]
    return out


def hashes(tree: Path, quick: bool) -> dict[str, list[str]]:
    """The run hashes of one checkout, computed by this script in a fresh interpreter."""
    command = [sys.executable, __file__, str(tree), "--one"] + (["--quick"] if quick else [])
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def main() -> None:
    """Hash the runs of each tree and report the runs that differ from the first tree's."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("trees", nargs="*", type=Path, help="econ checkouts (default: this one)")
    parser.add_argument("--quick", action="store_true", help="4 runs instead of 36")
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)  # the child
    args = parser.parse_args()
    trees = [t.resolve() for t in args.trees] or [Path(__file__).resolve().parents[1]]
    if args.one:
        print(json.dumps(hash_runs(trees[0], args.quick)))
        return
    results = [hashes(tree, args.quick) for tree in trees]
    for tree, result in zip(trees, results, strict=True):
        print(f"# {tree}")
        for run, (frame, firms, state) in result.items():
            print(f"{run:28s} {frame} {firms} {state}")
    for tree, result in zip(trees[1:], results[1:], strict=True):
        differ = [run for run in results[0] if result.get(run) != results[0][run]]
        verdict = "every run the same" if not differ else f"{len(differ)} runs differ"
        print(f"{tree} against {trees[0]}: {verdict} ({len(results[0])} runs)")
        for run in differ:
            print(f"  {run}")


if __name__ == "__main__":
    main()
