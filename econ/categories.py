"""Categories the model codes as small integers: sectors, regions and kinds of data product.

State tables store these as ``int8`` codes; the enums name them, so code reads
``region >= Region.HONG_KONG`` rather than ``region >= 2``.
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np

__all__ = ["REGIONS", "SECTORS", "ProductKind", "Region", "Sector", "is_abroad"]


class Sector(IntEnum):
    """Sectors of data-using firms; the first two carry most data demand (CDTM 2023).

    Parameters
    ----------
    *values : int or str
        A code, as the state tables store it (``Sector(0)`` is ``Sector.FINANCE``).
    """

    FINANCE = 0
    INTERNET = 1
    MANUFACTURING = 2
    HEALTH = 3
    LOGISTICS = 4
    PUBLIC_SERVICES = 5


class Region(IntEnum):
    """Where a firm is: mainland east and west, Hong Kong, or the rest of the world.

    Parameters
    ----------
    *values : int or str
        A code, as the state tables store it (``Region(0)`` is ``Region.EAST``).
    """

    EAST = 0
    WEST = 1
    HONG_KONG = 2
    FOREIGN = 3


class ProductKind(IntEnum):
    """The four blocks of the product catalogue (ODD 2.5).

    Parameters
    ----------
    *values : int or str
        A code, as the state tables store it (``ProductKind(0)`` is ``ProductKind.PUBLIC``).
    """

    PUBLIC = 0  # a public holder's open-data product
    OPERATOR = 1  # an authorised operator's product of processed sensitive public data
    PRIVATE = 2  # a private supplier's product
    FOREIGN = 3  # a product supplied from abroad or Hong Kong


#: Lower-case names in code order, as shown in tables and Mesa agent attributes.
SECTORS = tuple(s.name.lower() for s in Sector)
#: Lower-case region names in code order.
REGIONS = tuple(r.name.lower() for r in Region)


def is_abroad(region: np.ndarray) -> np.ndarray:
    """True for Hong Kong and foreign firms: their purchases of domestic data cross the border.

    Parameters
    ----------
    region : numpy.ndarray
        Region codes (:class:`Region`).

    Returns
    -------
    numpy.ndarray
        Booleans, one per code.
    """
    return region >= Region.HONG_KONG
