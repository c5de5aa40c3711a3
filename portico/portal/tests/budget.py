"""How many queries a portal page may run, whatever the customer's volume of documents, and how it is measured."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

#: The most queries any portal page runs: the session, the person with their accesses, and what the page shows.
QUERY_BUDGET = 10


def queries_of(client, url: str, params: dict | None = None, *, post: dict | None = None) -> list[str]:
    """The SQL of one request for ``url``: a GET answered 200, or a form ``post`` answered with a redirect."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {}) if post is None else client.post(url, post)
    assert response.status_code == (200 if post is None else 302), response
    return [query["sql"] for query in queries.captured_queries]
