"""Agent state as tables, and Mesa agents that are views onto one row.

A :class:`Table` is a dataclass of equally long numpy arrays, one row per agent; each column
is declared once, with :func:`column` (its meaning, dtype and, for coded categories, labels).
Assigning to a column writes into the existing array, so another view of the same memory
(the catalogue's prices, for example) stays in step.

A :class:`TableAgent` subclass names its table (``class Firm(TableAgent, table=FirmTable)``)
and gets one attribute per column, generated from the table's fields: ``firm.data_stock``
reads the array, and assigning to it writes the array.
"""

from __future__ import annotations

import functools
from dataclasses import Field, dataclass, field, fields
from typing import Any, ClassVar

import mesa
import numpy as np

__all__ = ["Population", "Table", "TableAgent", "column"]


def column(doc: str, dtype: Any = float, labels: tuple[str, ...] | None = None) -> Any:
    """Declare a table column: its meaning (with unit), numpy dtype and category labels.

    Parameters
    ----------
    doc : str
        What the column holds, with its unit.
    dtype : type, default float
        Its numpy dtype.
    labels : tuple of str or None, default None
        For a coded category, the label of each code.

    Returns
    -------
    dataclasses.Field
        The field, for a :class:`Table` subclass's class body.
    """
    return field(metadata={"doc": doc, "dtype": dtype, "labels": labels})


@dataclass(eq=False)
class Table:
    """A table of equally long numpy arrays, one per state variable (a row per agent)."""

    def __setattr__(self, name: str, value: Any) -> None:
        current = self.__dict__.get(name)
        if isinstance(current, np.ndarray):
            current[...] = value  # in place: views of this column see the change
        else:
            object.__setattr__(self, name, value)

    @classmethod
    def zeros(cls, n: int, **given: np.ndarray):
        """A table of ``n`` rows: the given columns, zeros of the declared dtype elsewhere.

        Parameters
        ----------
        n : int
            Rows.
        **given : numpy.ndarray
            Columns to take as given, by name.

        Returns
        -------
        Table
            A table of the class it is called on.
        """
        values = {
            f.name: given[f.name] if f.name in given else np.zeros(n, dtype=f.metadata["dtype"])
            for f in fields(cls)
        }
        return cls(**values)

    def copy(self):
        """An independent copy of the table.

        Returns
        -------
        Table
            The same class, with copied arrays.
        """
        return type(self)(**{f.name: getattr(self, f.name).copy() for f in fields(self)})

    def link(self, **columns: np.ndarray) -> None:
        """Make columns views of arrays held elsewhere, so a value has one home.

        Both names then see every change (the catalogue's prices of this block, for example).

        Parameters
        ----------
        **columns : numpy.ndarray
            Arrays by column name, each of the column's shape.

        Raises
        ------
        ValueError
            If an array's shape differs from its column's.
        """
        for name, array in columns.items():
            if array.shape != getattr(self, name).shape:
                raise ValueError(f"{type(self).__name__}.{name}: shape {array.shape} differs")
            object.__setattr__(self, name, array)

    @classmethod
    def columns(cls) -> tuple[Field, ...]:
        """The declared columns, in order."""
        return _columns(cls)

    def __len__(self) -> int:
        return len(getattr(self, _columns(type(self))[0].name))

    def check_finite(self) -> None:
        """Raise if any float column holds NaN or infinity (an accounting bug)."""
        for f in fields(self):
            values = getattr(self, f.name)
            if values.dtype.kind == "f" and not np.all(np.isfinite(values)):
                raise FloatingPointError(f"{type(self).__name__}.{f.name} is not finite")


@functools.cache
def _columns(table: type[Table]) -> tuple[Field, ...]:
    """The fields of a table class, found once per class (``len(table)`` is asked for a few
    times a quarter, and ``dataclasses.fields`` rebuilds the tuple on every call)."""
    return fields(table)


class _ColumnAttribute:
    """``agent.<name>``: the agent's row of one column (labels for coded categories)."""

    def __init__(self, spec: Field) -> None:
        self.name = spec.name
        self.labels = spec.metadata["labels"]
        self.__doc__ = spec.metadata["doc"]

    def __get__(self, agent: TableAgent | None, owner: type | None = None) -> Any:
        if agent is None:
            return self
        value = getattr(agent.table, self.name)[agent.index].item()
        return self.labels[value] if self.labels is not None else value

    def __set__(self, agent: TableAgent, value: Any) -> None:
        if self.labels is not None and isinstance(value, str):
            value = self.labels.index(value)
        getattr(agent.table, self.name)[agent.index] = value


class TableAgent(mesa.Agent):
    """A Mesa agent whose state is row ``index`` of its population's table.

    Populations move all their agents at once with vectorised code, so a per-agent ``step``
    would never be called: defining one raises, pointing to the population to extend instead.

    Parameters
    ----------
    model : mesa.Model
        The model the agent belongs to.
    population : Population
        The population whose table holds the agent's state.
    index : int
        The agent's row in that table.
    """

    table_class: ClassVar[type[Table]]

    def __init_subclass__(cls, table: type[Table] | None = None, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "step" in cls.__dict__:
            raise TypeError(
                f"{cls.__name__}.step() would never be called: econ moves each population "
                "at once. Extend behaviour by subclassing the population (e.g. econ.agents."
                "Firms.produce) and setting it on your model class (firms_class = ...)."
            )
        if table is not None:
            cls.table_class = table
            for spec in fields(table):
                if spec.name not in cls.__dict__:
                    setattr(cls, spec.name, _ColumnAttribute(spec))

    def __init__(self, model: mesa.Model, population: Population, index: int) -> None:
        super().__init__(model)
        self.population = population
        self.index = int(index)

    @property
    def table(self) -> Table:
        """The state table this agent is a row of."""
        return self.population.table

    def __repr__(self) -> str:
        return f"{type(self).__name__}(unique_id={self.unique_id}, index={self.index})"


class Population:
    """All agents of one kind: a state table and the vectorised behaviour that moves it.

    Subclasses define the table and their behaviour as methods that take what they read
    (policy, scenario, calibration, prices) as arguments and update the table in place.

    Parameters
    ----------
    table : Table
        The population's state, one row per agent.
    """

    agent_class: ClassVar[type[TableAgent]]

    def __init__(self, table: Table) -> None:
        self.table = table

    def __len__(self) -> int:
        return len(self.table)

    def agent_class_of(self, row: int) -> type[TableAgent]:
        """The Mesa agent class that views ``row``.

        Parameters
        ----------
        row : int
            A row of the table.

        Returns
        -------
        type
            A :class:`TableAgent` subclass.
        """
        return self.agent_class

    def create_agents(self, model: mesa.Model) -> None:
        """Register one Mesa agent per row with ``model`` (the way users see the model).

        Parameters
        ----------
        model : mesa.Model
            The model.
        """
        for row in range(len(self)):
            self.agent_class_of(row)(model, self, row)
