"""Fixtures of the browser tests: Debian's Chromium on two viewports, a Portico server, an SMTP server.

A test asks for ``page`` (a desktop and a phone run of it: ``viewport``), ``portico_server`` and ``mailbox``,
creates its data with the factories and services (it is committed: the server is another process), and drives
the pages. Console errors, CSP violations and failed assets fail it (``browser_problems``).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, Playwright

from .harness import (
    CHROMIUM,
    CHROMIUM_ARGS,
    CHROMIUM_MISSING,
    VIEWPORTS,
    BrowserProblems,
    Mailbox,
    PorticoServer,
    Viewport,
    server_database_url,
)

#: How long a click or an expectation waits before failing; pages of a local server answer in milliseconds.
TIMEOUT_MS = 10_000
HERE = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test in this folder is a browser test: ``-m browser`` runs them alone, ``-m "not browser"`` skips them."""
    for item in items:
        if item.path.is_relative_to(HERE):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(autouse=True)
def fast_password_hashing():
    """Instead of the root conftest's MD5: the server checks passwords with Portico's own hashers."""


@pytest.fixture(scope="session")
def playwright(playwright: Playwright) -> Playwright:
    """pytest-playwright's, with Django's ORM allowed beside Playwright's event loop.

    The sync API keeps its event loop marked as running in this thread from now until the session ends, so
    Django's async-unsafe check would refuse every query of this process (of this xdist worker), in the browser
    tests and in any test after them. The queries still run one at a time in this thread, which is what the
    check protects.
    """
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    return playwright


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    if not CHROMIUM.exists():
        pytest.skip(CHROMIUM_MISSING)
    # Playwright's own browser download does not work on these machines: launch Debian's Chromium.
    return {
        "headless": True,
        **browser_type_launch_args,  # --headed and --slowmo still work for debugging
        "executable_path": str(CHROMIUM),
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(params=VIEWPORTS, ids=lambda viewport: viewport.name)
def viewport(request) -> Viewport:
    """Each browser test runs once on a desktop (1280×800) and once on a phone (390×844)."""
    return request.param


@pytest.fixture
def browser_problems() -> Iterator[BrowserProblems]:
    problems = BrowserProblems()
    yield problems
    problems.assert_none()


@pytest.fixture
def new_browser_page(
    new_context: Callable[..., BrowserContext], viewport: Viewport, browser_problems: BrowserProblems
) -> Callable[[], Page]:
    """Opens a page in a fresh context (its own cookies: another person) on the test's viewport."""

    return lambda: _open_context(new_context, viewport, browser_problems).new_page()


@pytest.fixture
def context(
    new_context: Callable[..., BrowserContext], viewport: Viewport, browser_problems: BrowserProblems
) -> BrowserContext:
    """pytest-playwright's ``page`` opens in this context: the test's viewport, watched for problems."""
    return _open_context(new_context, viewport, browser_problems)


def _open_context(
    new_context: Callable[..., BrowserContext], viewport: Viewport, problems: BrowserProblems
) -> BrowserContext:
    context = new_context(**viewport.context_args())
    context.set_default_timeout(TIMEOUT_MS)
    context.on("page", problems.watch)
    return context


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    """A real SMTP server on 127.0.0.1 that the Portico server sends its email to."""
    box = Mailbox()
    box.start()
    yield box
    box.stop()


@pytest.fixture
def portico_server_environment() -> dict[str, str]:
    """Extra environment variables for the server (override in a test module to change a setting)."""
    return {}


@pytest.fixture
def portico_server(
    request, transactional_db, mailbox: Mailbox, portico_server_environment: dict[str, str]
) -> Iterator[PorticoServer]:
    """Portico's server on a free loopback port, on this test's database, started fresh for each test.

    Fresh, because a transactional test empties the database after it, and what a long-lived server caches
    (content type ids, for one) would then point at rows that no longer exist.
    """
    from django.db import connection

    server = PorticoServer(
        database_url=server_database_url(connection.settings_dict),
        smtp_port=mailbox.port,
        environment=portico_server_environment,
    )
    try:
        server.start()
    except BaseException:
        server.close()
        raise
    yield server
    server.stop()
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        print(f"Portico's server log ({server.base_url}):\n{server.log()}")
    server.close()
