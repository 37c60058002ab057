"""Regenerate the lever and parameter tables in docs/ODD.md from the code.

Run ``python docs/update_tables.py`` after changing a lever or scenario parameter; the test
suite fails while ODD.md and the code disagree.
"""

from __future__ import annotations

import re
from pathlib import Path

from econ import Policy, Scenario

ODD = Path(__file__).with_name("ODD.md")


def blocks() -> dict[str, str]:
    """The generated tables, by marker name."""
    return {"levers": Policy.describe(), "parameters": Scenario.describe()}


def render(text: str) -> str:
    """``text`` with every marked block replaced by its generated table."""
    for name, table in blocks().items():
        pattern = re.compile(rf"(<!-- {name}:begin -->\n)(?:.*?\n)?(<!-- {name}:end -->)", re.S)
        text = pattern.sub(lambda m, t=table: m.group(1) + t + "\n" + m.group(2), text)
    return text


if __name__ == "__main__":
    ODD.write_text(render(ODD.read_text()))
    print(f"updated {ODD}")
