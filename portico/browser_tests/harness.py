"""The browser test harness: a real Portico server on loopback, a real SMTP server, Debian's Chromium, and checks.

Every portal page is tested with it (fixtures in ``conftest.py``):

- ``PorticoServer`` runs ``manage.py runserver`` in its own process against the test database that pytest-django
  created, sending email to the ``Mailbox`` (an aiosmtpd server on 127.0.0.1 started by the test);
- ``BrowserProblems`` fails the test on any console error, uncaught exception, Content-Security-Policy violation
  or failed asset;
- ``assert_accessible`` runs axe-core on the page; ``screenshot`` keeps a full-page picture under
  ``var/screenshots/<viewport>/``.
"""

from __future__ import annotations

import datetime
import email
import email.policy
import logging
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

from aiosmtpd.controller import Controller
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import ConsoleMessage, Error, Page, Request, Response, expect

from portico.testing import TEST_PASSWORD, today

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_MISSING = "Chromium is not installed: run scripts/ensure-chromium"
#: Headless Debian Chromium that talks to nothing but the server under test.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-gpu",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
MANAGE_PY = Path(settings.BASE_DIR) / "manage.py"
SCREENSHOTS_DIR = Path(settings.VAR_DIR) / "screenshots"

# aiosmtpd tells of every connection at INFO; a failing test's output is easier to read without it.
logging.getLogger("mail.log").setLevel(logging.WARNING)


@dataclass(frozen=True)
class Viewport:
    name: str
    width: int
    height: int
    mobile: bool = False

    def context_args(self) -> dict[str, Any]:
        """What ``browser.new_context()`` needs to look like this device."""
        return {
            "viewport": {"width": self.width, "height": self.height},
            "is_mobile": self.mobile,  # honours <meta name="viewport"> as a phone does
            "has_touch": self.mobile,
        }


DESKTOP = Viewport("desktop", 1280, 800)
PHONE = Viewport("phone", 390, 844, mobile=True)
VIEWPORTS = (DESKTOP, PHONE)


def viewport_name(page: Page) -> str:
    size = page.viewport_size or {"width": 0, "height": 0}
    for viewport in VIEWPORTS:
        if (viewport.width, viewport.height) == (size["width"], size["height"]):
            return viewport.name
    return f"{size['width']}x{size['height']}"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _answers(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
    except OSError:
        return False
    return True


# Email: a real SMTP server on loopback that keeps what it receives.


class Mailbox:
    """An aiosmtpd handler that keeps every message it receives; ``start()`` serves it on 127.0.0.1."""

    def __init__(self) -> None:
        self._messages: list[EmailMessage] = []
        self._taken: set[int] = set()
        self._lock = threading.Lock()
        self._controller: Controller | None = None

    async def handle_DATA(self, server, session, envelope) -> str:
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        with self._lock:
            self._messages.append(message)
        return "250 Message accepted for delivery"

    def start(self) -> None:
        self._controller = Controller(self, hostname="127.0.0.1", port=free_port())
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()

    @property
    def port(self) -> int:
        assert self._controller is not None, "the mailbox is not started"
        return self._controller.port

    @property
    def messages(self) -> list[EmailMessage]:
        with self._lock:
            return list(self._messages)

    def next_message(self, *, to: str, timeout: float = 10) -> EmailMessage:
        """The oldest message to ``to`` not returned before, waiting for it to arrive; others stay in the box."""
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                for index, message in enumerate(self._messages):
                    recipients = " ".join(message.get_all("To", [])).lower()
                    if index not in self._taken and to.lower() in recipients:
                        self._taken.add(index)
                        return message
            if time.monotonic() > deadline:
                subjects = [f"{m['To']}: {m['Subject']}" for m in self.messages]
                raise AssertionError(
                    f"no new email for {to} arrived within {timeout} s; the box holds {subjects}"
                )
            time.sleep(0.05)


def email_html(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("html",))
    assert part is not None, f"no HTML part in {message['Subject']!r}"
    return part.get_content()


def email_text(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None, f"no text part in {message['Subject']!r}"
    return part.get_content()


def email_link(page: Page, message: EmailMessage, label: str) -> str:
    """Show the email's HTML in ``page`` (as a mail client would) and return the address of its ``label`` button."""
    # Not inside a portal page, whose Content-Security-Policy would refuse the email's inline style.
    page.goto("about:blank")
    page.set_content(email_html(message))
    href = page.get_by_role("link", name=label).get_attribute("href")
    assert href, f"the {label!r} link of {message['Subject']!r} has no address"
    return href


# The server: `manage.py runserver` in its own process, on the test database.


def server_database_url(settings_dict: dict[str, Any], environ: dict[str, str] | None = None) -> str:
    """The DATABASE_URL of the test database pytest-django created (read ``connection.settings_dict`` in a test)."""
    environ = os.environ if environ is None else environ
    name = str(settings_dict["NAME"])
    if settings_dict["ENGINE"] == "django.db.backends.sqlite3":
        if name == ":memory:" or name.startswith("file:"):
            raise RuntimeError(
                "The browser tests need the SQLite test database in a file that a server can open."
            )
        return "sqlite:///" + str(Path(name).resolve())  # an absolute path: sqlite:////…
    current = environ.get("DATABASE_URL", "")
    if not current:
        raise RuntimeError(f"DATABASE_URL is not set, so the browser tests cannot reach the {name} database.")
    return urlunsplit(urlsplit(current)._replace(path="/" + quote(name)))


class PorticoServer:
    """Portico's development server in a process of its own, on a free loopback port."""

    def __init__(
        self, *, database_url: str, smtp_port: int, environment: dict[str, str] | None = None
    ) -> None:
        self.database_url = database_url
        self.smtp_port = smtp_port
        self.environment = environment or {}
        self.port = 0
        self._process: subprocess.Popen | None = None
        self._log = tempfile.NamedTemporaryFile(prefix="portico-server-", suffix=".log", delete=False)  # noqa: SIM115

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def _environ(self) -> dict[str, str]:
        environ = {
            name: value
            for name, value in os.environ.items()
            # Only for the test process, where Playwright's event loop runs; and email goes to the Mailbox alone.
            if name != "DJANGO_ALLOW_ASYNC_UNSAFE" and not name.startswith("EMAIL_")
        }
        environ.update(
            DATABASE_URL=self.database_url,
            DB_CONN_MAX_AGE="0",  # no connection outlives its request, so the test can flush the database after
            PORTICO_BASE_URL=self.base_url,
            DEBUG="1",
            EMAIL_URL=f"smtp://127.0.0.1:{self.smtp_port}",
            EMAIL_TIMEOUT="10",
            PYTHONUNBUFFERED="1",
            **self.environment,
        )
        return environ

    def start(self, timeout: float = 30) -> None:
        for _attempt in range(3):  # another process may take the free port between the probe and the bind
            self.port = free_port()
            logged_before = Path(self._log.name).stat().st_size
            self._process = subprocess.Popen(  # noqa: S603
                [
                    sys.executable,
                    str(MANAGE_PY),
                    "runserver",
                    f"127.0.0.1:{self.port}",
                    "--noreload",
                    "--skip-checks",
                ],
                cwd=MANAGE_PY.parent,
                env=self._environ(),
                stdin=subprocess.DEVNULL,
                stdout=self._log,
                stderr=subprocess.STDOUT,
            )
            deadline = time.monotonic() + timeout
            while self._process.poll() is None and time.monotonic() < deadline:
                if _answers(self.port):
                    return
                time.sleep(0.05)
            if self._process.poll() is None:
                self.stop()
                raise RuntimeError(f"Portico's server did not answer within {timeout} s:\n{self.log()}")
            since_start = Path(self._log.name).read_bytes()[logged_before:].decode(errors="replace")
            if "port is already in use" not in since_start:
                break
        raise RuntimeError(
            f"Portico's server stopped as it started (exit {self._process.returncode}):\n{self.log()}"
        )

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()

    def close(self) -> None:
        self.stop()
        self._log.close()
        Path(self._log.name).unlink(missing_ok=True)

    def log(self, last: int = 200) -> str:
        """The last lines the server wrote (requests, tracebacks)."""
        self._log.flush()
        lines = Path(self._log.name).read_text(errors="replace").splitlines()
        return "\n".join(lines[-last:])


# What the browser reports.


class BrowserProblems:
    """Collects console errors, uncaught exceptions, CSP violations and failed assets of every watched page.

    Chromium reports a Content-Security-Policy violation ("Refused to apply inline style…") as a console error,
    so a page that needs inline script or style fails here. A document answering with an error status the test
    expects (404, 410) is not a problem; a failed stylesheet, script or image is, and so is any 5xx.
    """

    def __init__(self) -> None:
        self.problems: list[str] = []

    def watch(self, page: Page) -> None:
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"uncaught exception on {page.url}: {error}"))
        page.on("response", self._response)
        page.on("requestfailed", self._request_failed)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type not in ("error", "assert"):
            return
        # HTTP error statuses are judged from the responses themselves, where the kind of request is known.
        if message.text.startswith("Failed to load resource: the server responded with a status of"):
            return
        where = message.location.get("url") or (message.page.url if message.page else "")
        self.problems.append(f"console {message.type} on {where}: {message.text}")

    def _response(self, response: Response) -> None:
        status, request = response.status, response.request
        if urlsplit(response.url).path == "/favicon.ico":  # asked for by the browser itself, not by the page
            return
        if status >= 500 or (status >= 400 and request.resource_type != "document"):
            self.problems.append(f"{status} for {request.resource_type} {request.method} {response.url}")

    def _request_failed(self, request: Request) -> None:
        failure = request.failure or ""
        if "ERR_ABORTED" in failure:  # left behind by a navigation, not refused
            return
        self.problems.append(f"{request.resource_type} {request.url} failed: {failure}")

    def assert_none(self) -> None:
        if self.problems:
            found, self.problems = Counter(self.problems), []
            lines = [
                f"- {problem}" + (f" ({count} times)" if count > 1 else "")
                for problem, count in found.items()
            ]
            raise AssertionError("The browser reported problems:\n" + "\n".join(lines))


# Accessibility and screenshots.

#: axe-core impact levels that fail a test; "moderate" and "minor" ones are printed.
BLOCKING_IMPACTS = ("serious", "critical")
_axe = Axe()


def _describe(violation: dict[str, Any]) -> str:
    nodes = "".join(
        f"\n      at {', '.join(map(str, node['target']))}: {node.get('failureSummary', '').replace(chr(10), ' ')}"
        for node in violation["nodes"]
    )
    return f"  {violation['id']} ({violation['impact']}): {violation['help']} <{violation['helpUrl']}>{nodes}"


def assert_accessible(page: Page) -> list[dict[str, Any]]:
    """Run axe-core on the page as it is; fail on any serious or critical violation. Returns all violations."""
    page.wait_for_load_state("load")
    try:
        violations = _axe.run(page).response["violations"]
    except Error as error:
        raise AssertionError(f"axe-core could not run on {page.url}: {error}") from error
    blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
    others = [v for v in violations if v["impact"] not in BLOCKING_IMPACTS]
    if others:
        print(f"axe-core on {page.url} ({viewport_name(page)}), not blocking:")
        print("\n".join(_describe(v) for v in others))
    if blocking:
        raise AssertionError(
            f"axe-core found {len(blocking)} serious or critical violations on {page.url} "
            f"({viewport_name(page)}):\n" + "\n".join(_describe(v) for v in blocking)
        )
    return violations


_OVERFLOW_SCRIPT = """() => {
    const width = document.documentElement.clientWidth;
    const describe = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
        + [...el.classList].map((name) => "." + name).join("");
    const wide = [];
    if (document.documentElement.scrollWidth > width) {
        for (const el of document.body.querySelectorAll("*")) {
            const box = el.getBoundingClientRect();
            if (box.width > 0 && box.right > width + 1) {
                wide.push(`${describe(el)} reaches ${Math.round(box.right)} px`);
            }
        }
    }
    return {width, scrollWidth: document.documentElement.scrollWidth, wide: wide.slice(0, 12)};
}"""


def assert_fits_viewport(page: Page) -> None:
    """Fail if the page scrolls sideways (WCAG 1.4.10, Reflow), naming the elements that stick out."""
    page.wait_for_load_state("load")
    found = page.evaluate(_OVERFLOW_SCRIPT)
    if found["scrollWidth"] > found["width"]:
        raise AssertionError(
            f"{page.url} is {found['scrollWidth']} px wide in a {found['width']} px viewport "
            f"({viewport_name(page)}):\n" + "\n".join(f"  {line}" for line in found["wide"])
        )


def screenshot(page: Page, name: str) -> Path:
    """A full-page PNG of the page as it is now, at ``var/screenshots/<viewport>/<name>.png``."""
    path = SCREENSHOTS_DIR / viewport_name(page) / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.wait_for_load_state(
        "load"
    )  # an expectation can pass while the rest of the document is still parsing
    page.screenshot(path=path, full_page=True, animations="disabled", caret="hide")
    return path


# Steps that many tests take.


def label(text: str) -> re.Pattern[str]:
    """A form field's label, with or without the colon Django adds: ``get_by_label(label("Password"))``.

    Exact, so that "Password" does not also find "Confirm password".
    """
    return re.compile(rf"^{re.escape(text)}:?$")


def office_log_in(page: Page, server: PorticoServer, user, password: str = TEST_PASSWORD) -> None:
    """Log in to the back office as ``user`` (a staff member)."""
    page.goto(server.url(reverse("office:login")))
    page.get_by_label(re.compile(r"^Email( address)?:?$", re.IGNORECASE)).fill(user.email)
    page.get_by_label(label("Password")).fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page).not_to_have_url(re.compile(r"/login/"))


def portal_log_in(page: Page, server: PorticoServer, organization, email_address: str, password: str) -> None:
    """Log in to the organization's portal from its login page; the test checks where it lands."""
    page.goto(server.url(reverse("portal:login", kwargs={"slug": organization.portal_slug})))
    page.get_by_label(label("Email address")).fill(email_address)
    page.get_by_label(label("Password")).fill(password)
    page.get_by_role("button", name="Log in").click()


def days(offset: int) -> datetime.date:
    """The day ``offset`` days from today."""
    return today() + datetime.timedelta(days=offset)


def portal_url(name: str, organization, **kwargs) -> str:
    """The path of a page of the organization's portal."""
    return reverse(f"portal:{name}", kwargs={"slug": organization.portal_slug, **kwargs})


def expect_rows(page: Page, numbers: list[str]) -> None:
    """Wait for the list to show exactly these documents, top to bottom (the rows' headers)."""
    expect(page.get_by_role("table").locator("tbody").get_by_role("rowheader")).to_have_text(numbers)


def check_page(page: Page, name: str) -> None:
    """Accessible, no sideways scrolling (what matters on the phone), and a screenshot to look at."""
    assert_accessible(page)
    assert_fits_viewport(page)
    screenshot(page, name)
