"""Array-backed Mesa agents: each agent is a live view onto one row of a state table.

State lives in numpy arrays on the model so that markets clear with vectorised operations;
agents are how users see and query it (``model.agents_by_type[Firm].select(...)``).
Reading ``firm.data_stock`` reads the array; assigning to it writes the array.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import mesa
import numpy as np

__all__ = ["ArrayAgent", "StateTable", "state"]


@dataclass
class StateTable:
    """A table of equally long numpy arrays, one per state variable (a row per agent)."""

    def __len__(self) -> int:
        return len(getattr(self, fields(self)[0].name))

    def check_finite(self) -> None:
        """Raise if any float column holds NaN or infinity (an accounting bug)."""
        for f in fields(self):
            column = getattr(self, f.name)
            if column.dtype.kind == "f" and not np.all(np.isfinite(column)):
                raise FloatingPointError(f"{type(self).__name__}.{f.name} is not finite")


class state:  # noqa: N801 - used like a field declaration
    """Descriptor exposing ``table.<name>[agent.index]`` as an agent attribute.

    ``labels`` turns integer codes into names (sector and region codes, for example).
    """

    def __init__(self, doc: str, labels: tuple[str, ...] | None = None) -> None:
        self.__doc__ = doc
        self.labels = labels

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, agent, owner=None):
        if agent is None:
            return self
        value = getattr(agent.table, self.name)[agent.index].item()
        return self.labels[value] if self.labels is not None else value

    def __set__(self, agent, value) -> None:
        if self.labels is not None and isinstance(value, str):
            value = self.labels.index(value)
        getattr(agent.table, self.name)[agent.index] = value


class ArrayAgent(mesa.Agent):
    """A Mesa agent whose state is row ``index`` of ``model.<table_name>``."""

    table_name: str = ""

    def __init__(self, model: mesa.Model, index: int) -> None:
        super().__init__(model)
        self.index = int(index)

    @property
    def table(self) -> StateTable:
        """The state table this agent is a row of."""
        return getattr(self.model, self.table_name)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(unique_id={self.unique_id}, index={self.index})"
