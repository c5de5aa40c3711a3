"""What every portal list shares: a filter chosen from a fixed set, a sort chosen from a fixed set, and pages.

Unknown values fall back to the default instead of failing, so an edited or stale address still shows a list.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

#: Rows per page of a portal list.
PAGE_SIZE = 25


@dataclass(frozen=True)
class Choice:
    """One option of a filter or a sort: its value in the address, its label, and what it means to the query."""

    value: str
    label: str
    meaning: object = None


@dataclass(frozen=True)
class Listing:
    """A list's page and the choices it was made with, for the template."""

    page: Page
    filter_value: str
    sort_value: str
    filters: tuple[Choice, ...]
    sorts: tuple[Choice, ...]

    @property
    def previous_query(self) -> str:
        return self.query(page=self.page.previous_page_number()) if self.page.has_previous() else ""

    @property
    def next_query(self) -> str:
        return self.query(page=self.page.next_page_number()) if self.page.has_next() else ""

    def query(self, **changes) -> str:
        """The query string for this list with some choices changed (page 1 unless a page is given)."""
        values = {"status": self.filter_value, "sort": self.sort_value, "page": 1, **changes}
        return "?" + urlencode(values)


def choose(request: HttpRequest, name: str, choices: tuple[Choice, ...]) -> Choice:
    """The choice the request names in ``name``, or the first one."""
    wanted = request.GET.get(name, "")
    return next((choice for choice in choices if choice.value == wanted), choices[0])


def listing(
    request: HttpRequest,
    queryset: QuerySet,
    *,
    filters: tuple[Choice, ...],
    sorts: tuple[Choice, ...],
    page_size: int = PAGE_SIZE,
) -> Listing:
    """Filter, sort and page ``queryset``. A filter's meaning is a ``Q`` (or None for all); a sort's, a tuple
    of ``order_by`` fields (end it with a unique field, so pages never overlap)."""
    chosen_filter = choose(request, "status", filters)
    chosen_sort = choose(request, "sort", sorts)
    if chosen_filter.meaning is not None:
        queryset = queryset.filter(chosen_filter.meaning)
    queryset = queryset.order_by(*chosen_sort.meaning)
    page = Paginator(queryset, page_size).get_page(request.GET.get("page"))
    return Listing(
        page=page,
        filter_value=chosen_filter.value,
        sort_value=chosen_sort.value,
        filters=filters,
        sorts=sorts,
    )
