"""Walking every address of the back office or the portal with odd input, looking for server errors.

The odd values are what people and scripts send by mistake or on purpose: a NUL byte (which PostgreSQL refuses in
any text), digits that are not ASCII (``²`` passes ``str.isdigit`` but not ``int``), a slash, a very long string
and amounts beyond any column. A walk

1. enumerates the addresses of a URL namespace with Django's resolver and fills each path parameter with real
   records of a test organization (``Walk.visit``), then, once per address, with each odd value;
2. asks every page it could open again with each odd value in every query parameter it knows of (those the page
   links to or its GET forms send, and those the views read);
3. posts every form found on those pages once as the page filled it, then once per odd value with every field
   set to that value.

Every request runs in a savepoint that is rolled back, with the client's cookies restored afterwards, so a form
that was accepted (or a logout) changes nothing for the requests after it. Any answer of 500 or more, any
exception a view raised, and a form posted with odd values that answers 200 without showing an error is a
failure (a redirect is fine: the odd value was refused with a message, or was fine text where any text goes);
the walk collects them all and reports them at once.
"""

from __future__ import annotations

import copy
import datetime
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

from django.db import transaction
from django.test import Client
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve

#: The odd values: NUL, a non-ASCII digit, a slash, a long string, amounts beyond the maximum.
ODD_VALUES = ("\x00", "²", "/", "x" * 400, "1e30", "99999999999999999999")

#: Query parameters the views read whether or not a page links to them: searching and sorting a list, and the
#: rest (a list takes any other parameter for a filter).
QUERY_KEYS = {
    "office": (
        ("q", "o", "p", "_changelist_filters"),
        ("return", "next", "invoice", "retainer", "customer", "e"),
    ),
    "portal": (("sort", "page"), ("status", "next", "invoice", "retainer", "v")),
}

_PARAM = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>|\(\?P<(?P<group>\w+)>[^)]*\)")


@dataclass(frozen=True)
class Route:
    """One address of a namespace, as the resolver knows it: ``office/sales/invoice/<path:object_id>/change/``."""

    namespace: str
    name: str | None
    route: str
    params: tuple[str, ...]

    def url(self, values: dict[str, str]) -> str:
        """The address with its parameters filled in (each quoted, so a slash or a NUL byte goes as is)."""

        def fill(match: re.Match) -> str:
            name = match.group("name") or match.group("group")
            return quote(str(values[name]), safe="")

        return "/" + _PARAM.sub(fill, self.route)


def _route_text(pattern) -> str:
    text = str(pattern.pattern)
    if text.startswith("^"):
        text = text[1:]
    for end in ("\\Z", "$"):
        if text.endswith(end):
            text = text[: -len(end)]
    return text


def routes(namespace: str) -> list[Route]:
    """Every address of a namespace (``office``, ``portal``), in the resolver's order."""
    found: list[Route] = []

    def walk(patterns, prefix: str, current: str | None) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + _route_text(pattern), pattern.namespace or current)
            elif isinstance(pattern, URLPattern) and current == namespace:
                route = prefix + _route_text(pattern)
                params = tuple(m.group("name") or m.group("group") for m in _PARAM.finditer(route))
                found.append(Route(namespace, pattern.name, route, params))

    walk(get_resolver().url_patterns, "", None)
    return found


# Reading pages: the forms and the query parameters they offer --------------------------------------------------


@dataclass
class Form:
    action: str
    method: str
    fields: list[tuple[str, str]] = field(default_factory=list)

    @property
    def key(self) -> tuple:
        return (self.action, self.method, tuple(sorted({name for name, _value in self.fields})))


class _PageParser(HTMLParser):
    def __init__(self, page_url: str):
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms: list[Form] = []
        self.links: list[str] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._select_value: str | None = None
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag == "form":
            action = attrs.get("action") or self.page_url
            if action.startswith("?"):
                action = urlsplit(self.page_url).path + action
            self._form = Form(action=action, method=(attrs.get("method") or "get").lower())
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag in ("input", "button") and attrs.get("name"):
            kind = attrs.get("type", "text" if tag == "input" else "submit").lower()
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            if kind == "file":
                return
            self._form.fields.append((attrs["name"], attrs.get("value", "")))
        elif tag == "select" and attrs.get("name"):
            self._select, self._select_value = attrs["name"], None
        elif tag == "option" and self._select is not None:
            if self._select_value is None or "selected" in attrs:
                self._select_value = attrs.get("value", "")
        elif tag == "textarea" and attrs.get("name"):
            self._textarea, self._text = attrs["name"], ""

    def handle_data(self, data):
        if self._textarea is not None:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None and self._form is not None:
            self._form.fields.append((self._select, self._select_value or ""))
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            self._form.fields.append((self._textarea, self._text))
            self._textarea = None


def read_page(html: str, page_url: str) -> tuple[list[Form], set[str]]:
    """The forms of a page, and the query parameters its links (to itself) and GET forms send."""
    parser = _PageParser(page_url)
    parser.feed(html)
    path = urlsplit(page_url).path
    keys: set[str] = set()
    for href in parser.links:
        parts = urlsplit(href)
        if parts.query and parts.path in ("", path):
            keys.update(name for name, _value in parse_qsl(parts.query, keep_blank_values=True))
    for form in parser.forms:
        if form.method == "get" and urlsplit(form.action).path == path:
            keys.update(name for name, _value in form.fields)
    return [form for form in parser.forms if form.method == "post"], keys


# Walking ---------------------------------------------------------------------------------------------------------


class _Rollback(Exception):
    pass


@dataclass
class Walk:
    """Requests through one logged-in client, each undone afterwards; ``failures`` lists every server error."""

    client: Client
    namespace: str
    failures: list[str] = field(default_factory=list)
    requests: int = 0
    forms: dict[tuple, Form] = field(default_factory=dict)
    pages: dict[Route, tuple[str, set[str]]] = field(default_factory=dict)

    def request(self, method: str, url: str, data: dict | list | None = None):
        """One request, undone: the database is rolled back and the client's cookies put back as they were."""
        cookies = copy.deepcopy(self.client.cookies)
        self.requests += 1
        response = None
        try:
            with transaction.atomic():
                try:
                    if method == "get":
                        response = self.client.get(url, data)
                    else:
                        response = self.client.post(url, data or {})
                except Exception as exc:  # a view's exception: Django would answer 500
                    self.failures.append(
                        f"{method.upper()} {url!r} {_shown(data)}: {type(exc).__name__}: {exc}"
                    )
                    response = None
                raise _Rollback
        except _Rollback:
            pass
        finally:
            self.client.cookies = cookies
        if response is not None and response.status_code >= 500:
            self.failures.append(f"{method.upper()} {url!r} {_shown(data)}: {response.status_code}")
        return response

    def visit(self, route: Route, values: dict[str, str]) -> None:
        """Open the address with real values, keeping its forms and query parameters (once per route)."""
        url = route.url(values)
        response = self.request("get", url)
        if response is None or response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            return
        forms, keys = read_page(response.content.decode(), url)
        self.pages.setdefault(route, (url, keys))
        for form in forms:
            self.forms.setdefault(_form_key(form), form)

    def odd_paths(self, route: Route, values: dict[str, str]) -> None:
        """The address with each of its parameters set to each odd value in turn."""
        for param in route.params:
            for odd in ODD_VALUES:
                self.request("get", route.url({**values, param: odd}))

    def query(self) -> None:
        """One page of each route again with each odd value in its query parameters: those the page itself uses
        (its links, its GET forms) and those the views read (``QUERY_KEYS``).

        On a list (a page that links to itself with parameters), the search and sort parameters go in a request
        of their own: a filter the list refuses would otherwise keep them from being tried.
        """
        searching, others = QUERY_KEYS[self.namespace]
        for url, keys in self.pages.values():
            for odd in ODD_VALUES:
                if keys:
                    self.request("get", url, dict.fromkeys(sorted(keys | set(others)), odd))
                    self.request("get", url, dict.fromkeys(searching, odd))
                else:
                    self.request("get", url, dict.fromkeys((*searching, *others), odd))

    def post(self) -> None:
        """Every kind of form found, as the page filled it and with all its fields set to each odd value in turn.

        A formset's count fields (``lines-TOTAL_FORMS``) set to a huge number make Django build its maximum of
        2,000 forms, by design: that takes seconds, so it is tried on the first form with a formset only, and
        the others keep their counts for that value.
        """
        huge_count_tried = False
        for form in self.forms.values():
            self.request("post", form.action, _as_data(form.fields))
            if not _as_data(form.fields):
                continue  # nothing to fill in but the CSRF token (Log out): posted as it is
            for odd in ODD_VALUES:
                keep_counts = _is_huge_count(odd) and huge_count_tried
                fields = [
                    (name, value if keep_counts and _is_count(name) else odd) for name, value in form.fields
                ]
                huge_count_tried |= _is_huge_count(odd) and any(_is_count(name) for name, _value in fields)
                data = _as_data(fields)
                response = self.request("post", form.action, data)
                if response is not None and response.status_code == 200 and not shows_error(response):
                    self.failures.append(f"POST {form.action!r} {_shown(data)}: 200 without an error shown")

    def run(self, visits: Iterable[tuple[Route, dict[str, str]]]) -> None:
        """Visit each address (odd path values once per route), then ask again with odd query values, then post
        every form found."""
        tried_paths: set[Route] = set()
        for route, values in visits:
            self.visit(route, values)
            if route not in tried_paths:
                tried_paths.add(route)
                self.odd_paths(route, values)
        self.query()
        self.post()

    def report(self) -> str:
        return f"{len(self.failures)} server errors in {self.requests} requests:\n" + "\n".join(self.failures)


#: How a page says that what was sent was refused: a form's errors, the admin's error note, an error message.
ERROR_MARKERS = ("errorlist", "errornote", 'class="error"', "message-error", "form-errors")


def shows_error(response) -> bool:
    """Whether a page shown again after a POST says what was wrong."""
    html = response.content.decode(errors="replace")
    return any(marker in html for marker in ERROR_MARKERS)


def _is_count(name: str) -> bool:
    return name.endswith(("-TOTAL_FORMS", "-INITIAL_FORMS", "-MIN_NUM_FORMS", "-MAX_NUM_FORMS"))


def _is_huge_count(value: str) -> bool:
    return value.isascii() and value.isdigit() and int(value) > 2000


def _form_key(form: Form) -> tuple:
    """Forms of one kind: posted to the same view (by its address's name) with the same fields."""
    try:
        name = resolve(urlsplit(form.action).path).view_name
    except Resolver404:
        name = form.action
    return (name, tuple(sorted({field_name for field_name, _value in form.fields})))


def _as_data(fields: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    data: dict[str, list[str]] = {}
    for name, value in fields:
        if name == "csrfmiddlewaretoken":
            continue
        data.setdefault(name, []).append(value)
    return data


def _shown(data) -> str:
    if not data:
        return ""
    text = urlencode(data, doseq=True)
    return text if len(text) < 200 else text[:200] + "…"


def visits_for(
    namespace: str, fill: Callable[[Route], list[dict[str, str]]]
) -> list[tuple[Route, dict[str, str]]]:
    """Each address of the namespace with each set of real values ``fill`` gives for it."""
    return [(route, values) for route in routes(namespace) for values in fill(route)]


# The test organization: one record of every kind, made through the services ---------------------------------------


@dataclass
class World:
    """An organization whose office and portal have something on every page, and who works in each."""

    organization: object
    staff: object
    customer: object
    contact: object
    portal_user: object
    invitation_token: str
    records: dict = field(default_factory=dict)  # model → the record whose pages are walked


def build_world(*, organization, staff, customer, other_customer, contact, tax) -> World:
    """Every kind of record in ``organization`` for ``customer``, whose ``contact`` can use the portal (and work for
    ``other_customer`` too, so the portal offers to switch)."""
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from portico.activity.models import Review, ViewEvent
    from portico.activity.notifications import notification_create
    from portico.activity.services import comment_add
    from portico.actors import Actor
    from portico.customers.models import ContactPerson, PortalAccess
    from portico.customers.portal_access import portal_access_invite
    from portico.organizations.models import Membership, NumberSeries
    from portico.payments.credits import credit_apply
    from portico.payments.services import payment_record, refund_create
    from portico.projects.services import (
        project_create,
        task_create,
        time_entry_log,
        timesheet_approval_create,
        timesheet_approval_send,
    )
    from portico.sales.services.quotes import quote_convert_to_sales_order
    from portico.sales.services.salesorders import sales_order_confirm
    from portico.testing import (
        SETUP,
        ContactPersonFactory,
        ItemFactory,
        make_credit_note,
        make_invoice,
        make_portal_access,
        make_quote,
        make_retainer,
        today,
    )

    organization.portal_show_sales_orders = organization.portal_show_projects = True
    organization.save()
    access = make_portal_access(contact)[0]
    twin = ContactPersonFactory(customer=other_customer, email=contact.email)
    make_portal_access(twin, user=access.user)
    pending = ContactPersonFactory(customer=customer, email="pending@customer-a.test")
    invitation_token = portal_access_invite(actor=SETUP, contact=pending)[1]

    item = ItemFactory(organization=organization, name="Widget", tax=tax)
    invoice = make_invoice(customer, "300.00", tax=tax, due_date=today() + datetime.timedelta(days=30))
    draft = make_invoice(customer, "80.00", send=False)
    quote = make_quote(customer, "120.00", expiry_date=today() + datetime.timedelta(days=30))
    order = quote_convert_to_sales_order(actor=SETUP, quote=make_quote(customer, "90.00"))
    if order.status == order.Status.DRAFT:
        order = sales_order_confirm(actor=SETUP, order=order)
    credit_note = make_credit_note(customer, "30.00")
    credit_apply(actor=SETUP, source=credit_note, invoice=invoice, amount="10.00")
    retainer = make_retainer(customer, "50.00")
    payment = payment_record(
        actor=SETUP,
        customer=customer,
        amount="200.00",
        date=today(),
        allocations=[(invoice, "100.00"), (retainer, "50.00")],
    )
    credit_apply(actor=SETUP, source=retainer, invoice=invoice, amount="20.00")
    refund = refund_create(actor=SETUP, source=credit_note, amount="5.00", date=today())
    project = project_create(actor=SETUP, customer=customer, name="Relaunch", rate="80")
    task = task_create(actor=SETUP, project=project, name="Design", rate="80")
    entry = time_entry_log(actor=SETUP, task=task, date=today(), hours="2.5", user=staff, notes="Sketches")
    approval = timesheet_approval_send(
        actor=SETUP,
        approval=timesheet_approval_create(
            actor=SETUP, project=project, period_start=today(), period_end=today()
        ),
    )
    comment = comment_add(actor=Actor.staff(staff), target=invoice, body="Thanks", display_in_portal=True)
    notification = notification_create(
        organization=organization, kind="payment_made", message="Paid", target=invoice
    )
    review = Review.objects.create(
        organization=organization, customer=customer, contact=contact, rating=5, message="Great"
    )
    marker = ViewEvent.objects.create(
        organization=organization,
        customer=customer,
        content_type=ContentType.objects.get_for_model(invoice),
        object_id=invoice.pk,
        first_contact=contact,
        first_viewed_at=timezone.now(),
        last_contact=contact,
        last_viewed_at=timezone.now(),
    )
    from portico.activity.models import AuditEvent

    records = {
        type(obj): obj
        for obj in (
            organization,
            tax,
            item,
            customer,
            invoice,
            quote,
            order,
            credit_note,
            retainer,
            payment,
            refund,
            project,
            task,
            entry,
            approval,
            comment,
            notification,
            review,
            marker,
        )
    }
    records["draft invoice"] = draft
    records[Membership] = Membership.objects.get(organization=organization, user=staff)
    records[NumberSeries] = NumberSeries.objects.filter(organization=organization, kind="invoice").get()
    records[AuditEvent] = AuditEvent.objects.filter(organization=organization).order_by("pk").last()
    records[ContactPerson] = contact
    records[PortalAccess] = access
    return World(
        organization=organization,
        staff=staff,
        customer=customer,
        contact=contact,
        portal_user=access.user,
        invitation_token=invitation_token,
        records=records,
    )
