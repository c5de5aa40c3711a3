"""Work billed on an invoice's lines and kept by a layer above sales: a project's time entries.

Sales does not know what was billed on a line. A layer above registers a function here (in its app's
``ready()``); whenever an invoice's lines are replaced, or the invoice is voided or deleted, the function is
told, inside the same transaction, which lines were kept: the id each kept line had, and the id it has now.
Work on a line not kept is no longer billed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from ..models import Invoice

LinesKept = Callable[[Invoice, Mapping[int, int]], None]

_followers: list[LinesKept] = []


def billed_work_register(follower: LinesKept) -> None:
    """Be told which lines of an invoice were kept each time its lines change (registered once per process)."""
    if follower not in _followers:
        _followers.append(follower)


def billed_work_follow(invoice: Invoice, kept: Mapping[int, int]) -> None:
    """Tell every registered layer which of the invoice's lines were kept (old id → new id); none when voided."""
    for follower in _followers:
        follower(invoice, kept)
