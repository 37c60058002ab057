"""Whether the estimate has settled when the ABC-SMC stops with epsilon still falling
(docs/findings.md, the estimation).

Run: ``python docs/checks/longer_abc.py [GENERATIONS]`` after ``econ calibrate china_2024``
(or ``make paper``), from the repository root; about 15 minutes on 2 cores for 16
generations. The shipped spec stops after 12 generations while epsilon is still falling. This
runs the same spec and seed for more generations (16 by default) in its own folder,
``results/calibrations/china_2024_longer``, which it makes by copying the stored runs of
``results/calibrations/china_2024``: the first 12 generations replay from those runs (a
generation's particles are a function of the seed, whatever the cap on generations), so only
the extra ones cost runs. It prints epsilon at 12 and at the end, and each parameter's
posterior mean at both, with the shift in percent of its prior's range and in sds of the
12-generation posterior (``Estimate.compare``). Nothing stored for the paper is touched.
"""

import shutil
import sys
from dataclasses import replace
from pathlib import Path

from econ.study.estimation import estimate, load_estimate, read_calibrate_spec

SOURCE = Path("results/calibrations/china_2024")
FOLDER = Path("results/calibrations/china_2024_longer")


def main() -> None:
    generations = int(sys.argv[1]) if len(sys.argv) > 1 else 16
    if not (SOURCE / "estimate.json").is_file():
        sys.exit(f"{SOURCE}: no stored calibration; run `econ calibrate china_2024`")
    if not FOLDER.exists():
        # The manifest too: the folder then holds this calibration, so the engine reuses it.
        shutil.copytree(SOURCE, FOLDER, ignore=shutil.ignore_patterns("abc.db"))
    shipped = load_estimate(SOURCE)
    spec = replace(read_calibrate_spec("china_2024"), generations=generations)
    longer = estimate(spec, out=FOLDER, executor="processes", progress=print)
    first, last = shipped.diagnostics["generations"], longer.diagnostics["generations"]
    stopped = longer.diagnostics["stopped"]
    print(f"epsilon: {first[-1]['epsilon']:.3f} after {len(first)} generations, "
          f"{last[-1]['epsilon']:.3f} after {len(last)} ({stopped})")  # fmt: skip
    table = shipped.compare(longer, suffix="_longer").set_index("parameter")
    for name, row in table.iterrows():
        note = "" if row["inside"] else "  (outside the 90% interval)"
        print(f"  {name:24s} {row['mean']:10.4g} -> {row['mean_longer']:10.4g}  "
              f"{row['shift_of_prior']:+.1%} of the prior's range, "
              f"{row['shift_of_sd']:+.2f} posterior sd{note}")  # fmt: skip


if __name__ == "__main__":
    main()
