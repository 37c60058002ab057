"""The Python examples in README.md run as written."""

import re
from pathlib import Path

README = Path(__file__).parents[1] / "README.md"


def test_readme_python_blocks_run():
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), re.S)
    assert len(blocks) >= 4
    namespace: dict = {}
    for block in blocks:
        exec(compile(block, str(README), "exec"), namespace)
    model = namespace["MyEconomy"](scenario="small", seed=2)
    model.run(2)
    assert model.holder_state.effort.min() >= 0.6
