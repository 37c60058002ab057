"""How much a moment no particle reaches shapes the estimate (docs/findings.md, "What does not
hold").

Run: ``python docs/checks/unreachable_moment.py`` after ``econ calibrate china_2024`` (or
``make paper``), from the repository root; seconds. It reads the stored calibration
(``results/calibrations/china_2024``, pyabc's database copied first, so nothing stored is
touched) and, for the last generation, prints each moment's miss in sd (its range over the
particles), the weighted share of the squared distance each moment takes, and the weighted
correlations above 0.2 between the parameters and the growth of open datasets' miss: a
moment that every particle misses, by an amount that moves with the parameters, pulls the
posterior toward the parameters that shrink its miss.
"""

import json
import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from pyabc import History

FOLDER = Path("results/calibrations/china_2024")
MOMENT = "datasets_growth"


def main() -> None:
    if not (FOLDER / "abc.db").is_file():
        sys.exit(f"{FOLDER}/abc.db: no stored calibration; run `econ calibrate china_2024`")
    spec = json.loads((FOLDER / "manifest.json").read_text())["spec"]
    targets = {m["name"]: (m["value"], m["sd"]) for m in spec["moments"]}
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "abc.db"
        shutil.copy(FOLDER / "abc.db", db)
        population = History(f"sqlite:///{db}").get_population()
    particles = population.particles
    weight = np.array([p.weight for p in particles], dtype=float)
    weight /= weight.sum()
    z = pd.DataFrame(
        {m: [(float(p.sum_stat[m]) - v) / sd for p in particles] for m, (v, sd) in targets.items()}
    )
    distance_sq = (z**2).sum(axis=1)
    print(f"last generation: {len(particles)} particles, largest distance "
          f"{np.sqrt(distance_sq.max()):.2f} sd")  # fmt: skip
    for m in targets:
        share = float(np.sum(weight * z[m] ** 2 / distance_sq))
        print(f"  {m:20s} miss {z[m].min():+.2f} to {z[m].max():+.2f} sd, "
              f"{share:.0%} of the squared distance")  # fmt: skip
    for name in spec["priors"]:
        x = np.array([float(p.parameter[name]) for p in particles])
        c = np.cov(x, z[MOMENT], aweights=weight)
        r = c[0, 1] / np.sqrt(c[0, 0] * c[1, 1])
        if abs(r) > 0.2:
            print(f"  weighted correlation of {MOMENT}'s miss with {name}: {r:+.2f}")


if __name__ == "__main__":
    main()
