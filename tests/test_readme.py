"""The examples in README.md run as written (Python and DuckDB SQL)."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
README = ROOT / "README.md"
NEEDS_A_CLUSTER = "dask_jobqueue"


def test_readme_examples_run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    text = README.read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    assert len(blocks) >= 6
    namespace: dict = {}
    for block in blocks:
        if NEEDS_A_CLUSTER in block:  # needs a SLURM or PBS cluster
            continue
        exec(compile(block, str(README), "exec"), namespace)
    model = namespace["MyEconomy"](scenario="small", seed=2)
    model.run(2)
    assert model.holders.table.effort.min() >= 0.6
    assert len(namespace["experiments"]) == len(namespace["results"].ok)

    duckdb = pytest.importorskip("duckdb")
    sql = re.findall(r"```sql\n(.*?)```", text, re.S)
    assert sql
    for statement in "\n".join(sql).split(";"):
        statement = "\n".join(
            line for line in statement.splitlines() if not line.startswith("--")
        ).strip()
        if statement:
            assert duckdb.sql(statement).fetchall()
