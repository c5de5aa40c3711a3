"""``UNSET``: the default of an update service's keyword arguments, telling "leave as it is" from ``None``."""

from __future__ import annotations

from enum import Enum
from typing import Final, Literal


class _Unset(Enum):
    UNSET = "unset"

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Final = _Unset.UNSET
Unset = Literal[_Unset.UNSET]


def given(**arguments) -> dict:
    """The arguments a caller gave, by name: those not left at ``UNSET``."""
    return {name: value for name, value in arguments.items() if value is not UNSET}
