"""docs/ODD.md documents every equation, lever and parameter, and its tables match the code."""

import importlib.util
import re
from pathlib import Path

from econ import LEVERS, Scenario
from econ import equations as eq

DOCS = Path(__file__).parents[1] / "docs"


def load_updater():
    spec = importlib.util.spec_from_file_location("update_tables", DOCS / "update_tables.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_odd_tables_are_generated_from_the_code():
    text = (DOCS / "ODD.md").read_text()
    assert load_updater().render(text) == text, "run: python docs/update_tables.py"
    for name in [*LEVERS, *Scenario.PARAMETERS]:
        assert f"`{name}`" in text, name


def test_every_equation_is_numbered_in_code_and_odd():
    text = (DOCS / "ODD.md").read_text()
    numbers = set()
    for name in eq.__all__:
        doc = getattr(eq, name).__doc__
        match = re.match(r"(E\d+b?) \(ODD (7\.\d)\)", doc)
        assert match, f"{name} has no equation number"
        numbers.add(match.group(1))
        assert f"**{match.group(1)}**" in text, f"{match.group(1)} ({name}) missing from ODD.md"
    assert len(numbers) == len(eq.__all__)
