"""Validated parameter sets: the shared machinery behind :class:`~econ.Policy` and
:class:`~econ.Scenario`.

A :class:`Parameter` describes one named value once (unit, default, bound, source). A
:class:`ParameterSet` subclass lists its parameters in ``PARAMETERS`` and gets an immutable,
validated object that converts to and from plain dicts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

__all__ = ["Parameter", "ParameterError", "ParameterSet", "shown"]


class ParameterError(ValueError):
    """A parameter is unknown, of the wrong type or out of its allowed range."""


@dataclass(frozen=True)
class Parameter:
    """One named value: its meaning, unit, default, allowed range and source.

    Parameters
    ----------
    name : str
        The parameter's name (a keyword of :class:`~econ.Policy` or :class:`~econ.Scenario`).
    default : object
        Its default value, in ``unit``.
    unit : str
        Its unit, in words (``"RMB per licence-quarter"``, ``"share of firms"``, ...).
    description : str
        What it means.
    low, high : float or None, optional
        Bounds of a number, inclusive.
    choices : tuple of str or None, optional
        The allowed values of a categorical parameter.
    kind : type, optional
        ``float`` (default), ``int`` or ``bool``.
    source : str, optional
        Where its value comes from (a publication, or an assumption).
    note : str, optional
        Why the bounds are what they are; added to the message of an out-of-range value.
    plausible : tuple of float or None, optional
        The range of values the evidence or the assumption supports, inside the bounds: the
        range a sensitivity analysis should vary it over. None: not yet stated.
    """

    name: str
    default: Any
    unit: str
    description: str
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] | None = None
    kind: type = float
    source: str = ""
    note: str = ""  # why the bound is what it is, added to out-of-range errors
    plausible: tuple[float, float] | None = None

    @property
    def allowed(self) -> str:
        """Human-readable statement of the allowed values."""
        if self.choices is not None:
            return "one of " + ", ".join(repr(c) for c in self.choices)
        if self.kind is bool:
            return "True or False"
        kind = "an integer" if self.kind is int else "a number"
        return f"{kind} in [{self.low}, {self.high}]"

    def validate(self, value: Any, owner: str) -> Any:
        """Return ``value`` coerced to the parameter's type, or raise :class:`ParameterError`.

        Parameters
        ----------
        value : object
            A candidate value; numpy scalars are accepted.
        owner : str
            The owner's name for the message (``"Policy"``, ``"Scenario"``).

        Returns
        -------
        object
            ``value`` as the parameter's kind (a float, int, bool or one of the choices).

        Raises
        ------
        ParameterError
            If ``value`` has the wrong type or is out of range; the message names
            ``owner.name`` and what is allowed.
        """
        where = f"{owner}.{self.name}"
        if self.choices is not None:
            if not isinstance(value, str) or value not in self.choices:
                raise ParameterError(
                    f"{where}={shown(value)} is not allowed; expected {self.allowed}"
                )
            return value
        if isinstance(value, np.bool_ | np.integer | np.floating):
            value = value.item()
        if self.kind is bool:
            if not isinstance(value, bool):
                raise ParameterError(
                    f"{where}={shown(value)} is not allowed; expected {self.allowed}"
                )
            return value
        # bool is an int subclass; True where a number is wanted is almost always a slip.
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ParameterError(
                f"{where}={shown(value)} has type {type(value).__name__}; expected {self.allowed}"
            )
        out_of_range = ParameterError(
            f"{where}={shown(value)} is out of range; expected {self.allowed}"
            + (f" ({self.note})" if self.note else "")
        )
        if isinstance(value, float) and not math.isfinite(value):  # inf, -inf, nan
            raise out_of_range
        if self.kind is int:
            if isinstance(value, float) and not value.is_integer():
                raise ParameterError(
                    f"{where}={shown(value)} is not a whole number; expected {self.allowed}"
                )
            value = int(value)
        elif isinstance(value, int):
            if abs(value) > MAX_FLOAT_INT:  # float() would overflow
                raise out_of_range
            value = float(value)
        if not (self.low <= value <= self.high):
            raise out_of_range
        return value


#: Integers beyond this are beyond any float (``float(10**400)`` overflows).
MAX_FLOAT_INT = int(np.finfo(float).max)


def shown(value: Any, limit: int = 80) -> str:
    """A short repr of a user's value for an error message (a huge int or list is cut).

    Parameters
    ----------
    value : object
        Any value, as the user gave it.
    limit : int, default 80
        The longest text to return (characters).

    Returns
    -------
    str
        ``repr(value)``, cut to ``limit`` characters with ``...``; an integer of more than
        64 bits as its approximate number of digits; a value whose repr fails as its type.
    """
    if isinstance(value, int) and value.bit_length() > 64:
        digits = int(value.bit_length() * math.log10(2)) + 1
        sign = "a negative" if value < 0 else "an"
        return f"<{sign} integer of about {digits} digits>"
    try:
        text = repr(value)
    except Exception:  # a value whose repr fails is still named by its type
        text = f"<{type(value).__name__}>"
    return text if len(text) <= limit else text[: limit - 3] + "..."


class ParameterSet:
    """Immutable, validated set of named parameters; subclasses define ``PARAMETERS``.

    Parameters
    ----------
    **values : object
        A value for any parameter in ``PARAMETERS``; the others keep their defaults.

    Raises
    ------
    ParameterError
        For an unknown name or a value that is not allowed, naming it and what is allowed.
    """

    PARAMETERS: ClassVar[dict[str, Parameter]] = {}

    def __init__(self, **values: Any) -> None:
        owner = type(self).__name__
        unknown = sorted(set(values) - set(self.PARAMETERS))
        if unknown:
            raise ParameterError(
                f"{owner}: unknown parameter(s) {', '.join(map(repr, unknown))}; "
                f"allowed: {', '.join(self.PARAMETERS)}"
            )
        checked = {
            name: param.validate(values.get(name, param.default), owner)
            for name, param in self.PARAMETERS.items()
        }
        object.__setattr__(self, "_values", checked)
        # Each value is also an instance attribute, so reading one is a plain attribute
        # lookup: a model reads about 150 parameters a quarter.
        self.__dict__.update(checked)

    def __getattr__(self, name: str) -> Any:
        # Only reached for a name that is not a parameter (parameters are found directly).
        raise AttributeError(
            f"{type(self).__name__} has no parameter {name!r}; "
            f"allowed: {', '.join(self.PARAMETERS)}"
        )

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable; use .replace({name}=...)")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other._values == self._values

    def __hash__(self) -> int:
        return hash((type(self).__name__, tuple(self._values.items())))

    def __reduce__(self):
        return (_rebuild, (type(self), self.to_dict()))

    @classmethod
    def from_dict(cls, values: dict[str, Any]):
        """Build from a plain mapping of parameter names to values.

        Parameters
        ----------
        values : dict
            Parameter names to values, as :meth:`to_dict` gives them.

        Returns
        -------
        ParameterSet
            An instance of the class it is called on, validated.
        """
        if not isinstance(values, dict):
            raise ParameterError(
                f"{cls.__name__} must be built from a mapping, not {type(values).__name__}"
            )
        return cls(**values)

    def to_dict(self) -> dict[str, Any]:
        """The values as a plain dict of Python scalars (TOML and JSON friendly).

        Returns
        -------
        dict
            Every parameter's value, by name.
        """
        return dict(self._values)

    def replace(self, **changes: Any):
        """A copy with some values changed, validated like the constructor.

        Parameters
        ----------
        **changes : object
            New values by parameter name.

        Returns
        -------
        ParameterSet
            A new instance of the same class.
        """
        return type(self)(**{**self._values, **changes})

    @classmethod
    def records(cls) -> list[dict[str, Any]]:
        """Every parameter as a plain dict (name, unit, default, bounds or choices, type,
        meaning, source, plausible range): what ``econ levers --json`` prints."""
        return [
            {
                "name": p.name,
                "unit": p.unit,
                "default": p.default,
                "low": p.low,
                "high": p.high,
                "choices": list(p.choices) if p.choices is not None else None,
                "type": p.kind.__name__,
                "allowed": p.allowed,
                "description": p.description,
                "source": p.source,
                "plausible": list(p.plausible) if p.plausible is not None else None,
            }
            for p in cls.PARAMETERS.values()
        ]

    @classmethod
    def describe(cls) -> str:
        """A Markdown table of every parameter: unit, default, allowed values, meaning.

        Returns
        -------
        str
            The table, one row per parameter (with its source where the class records one).
        """
        with_source = any(p.source for p in cls.PARAMETERS.values())
        head = "| name | unit | default | allowed | meaning |" + (
            " source |" if with_source else ""
        )
        rows = [head, "|---" * (6 if with_source else 5) + "|"]
        for p in cls.PARAMETERS.values():
            allowed = p.allowed
            if p.plausible is not None:
                allowed += f"; plausible [{p.plausible[0]:g}, {p.plausible[1]:g}]"
            row = f"| `{p.name}` | {p.unit} | `{p.default!r}` | {allowed} | {p.description} |"
            rows.append(row + (f" {p.source} |" if with_source else ""))
        return "\n".join(rows)

    def __repr__(self) -> str:
        changed = {k: v for k, v in self._values.items() if v != self.PARAMETERS[k].default}
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in changed.items())})"


def _rebuild(cls: type[ParameterSet], values: dict[str, Any]) -> ParameterSet:
    return cls(**values)
