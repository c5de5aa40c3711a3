"""Helpers for the back office's tests: admin URLs and form data for documents with lines."""

from __future__ import annotations

import pytest
from django.urls import reverse


def admin_url(obj_or_model, view: str = "change", *args) -> str:
    """``admin_url(invoice)`` → its change page; ``admin_url(Invoice, "add")`` → the add page."""
    opts = obj_or_model._meta
    name = f"office:{opts.app_label}_{opts.model_name}_{view}"
    if view in ("change", "delete", "history") and not isinstance(obj_or_model, type):
        return reverse(name, args=[obj_or_model.pk, *args])
    return reverse(name, args=args)


def action_url(obj, action: str) -> str:
    opts = obj._meta
    return reverse(f"office:{opts.app_label}_{opts.model_name}_action", args=[obj.pk, action])


def formset_data(prefix: str, rows: list[dict], *, initial: int = 0) -> dict:
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"{prefix}-{index}-{key}"] = "" if value is None else str(value)
    return data


def line(description="Consulting", quantity="1", rate="100.00", discount="0", tax=None, **extra) -> dict:
    return {
        "description": description,
        "quantity": quantity,
        "rate": rate,
        "discount_percent": discount,
        "tax": tax.pk if tax is not None else "",
        "item": "",
        **extra,
    }


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


@pytest.fixture
def other_client(client, other_staff):
    """A logged-in client of the other organization's staff (a fresh client object)."""
    from django.test import Client

    other = Client()
    other.force_login(other_staff)
    return other


def error_messages(response) -> list[str]:
    """The error messages shown on the page the response (followed) landed on."""
    from django.contrib.messages import constants

    if not response.context:
        return []
    return [str(m) for m in response.context["messages"] if m.level == constants.ERROR]


def assert_refused(response, fragment: str) -> None:
    """The page says, as an error, why the action was refused."""
    errors = error_messages(response)
    assert any(fragment in message for message in errors), errors
