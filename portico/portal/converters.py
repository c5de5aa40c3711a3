"""How a document number sits in a portal address.

A number series' prefix may hold slashes (``INV/2026/`` gives ``INV/2026/00042``), so a number may span several
path segments. A number never has an empty segment and never ends with a slash, so ``…/<number>/accept/`` is
told from ``…/<number>/`` as long as the longer address is listed first (``portico.portal.urls`` does).
A number longer than any stored one, or with a control character (a NUL byte cannot even be sent to
PostgreSQL), matches nothing: the page answers 404.
"""

from __future__ import annotations

from portico.organizations.models import DOCUMENT_NUMBER_MAX_LENGTH


def could_be_document_number(value: str) -> bool:
    """Whether a value from an address could be a document's number: not longer than any, no control character."""
    return 0 < len(value) <= DOCUMENT_NUMBER_MAX_LENGTH and not any(
        ord(char) < 32 or ord(char) == 127 for char in value
    )


class DocumentNumberConverter:
    regex = r"[^/]+(?:/[^/]+)*"

    def to_python(self, value: str) -> str:
        if not could_be_document_number(value):
            raise ValueError("not a document number")  # Django then tries the next address, and ends in 404
        return value

    def to_url(self, value: str) -> str:
        return str(value)
