"""Portal access in a real browser, on a desktop and on a phone: staff invite, the contact signs up from the email,
logs out and in, changes and resets the password; a reinvite voids the old link; disabling ends the session.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from portico.customers.models import PortalAccess
from portico.testing import TEST_PASSWORD, make_portal_access

from .harness import (
    Mailbox,
    PorticoServer,
    assert_accessible,
    assert_fits_viewport,
    email_link,
    label,
    office_log_in,
    portal_log_in,
    screenshot,
)

pytestmark = pytest.mark.django_db(transaction=True)

WEAK_PASSWORD = "12345678"
FIRST_PASSWORD = "amber kettle horizon 58"
CHANGED_PASSWORD = "quiet lantern meadow 42"
RESET_PASSWORD = "copper willow sunrise 17"


def portal_url(name: str, organization) -> str:
    return reverse(f"portal:{name}", kwargs={"slug": organization.portal_slug})


def open_portal_configuration(page: Page, server: PorticoServer, customer) -> None:
    """From the customer's page in the back office, the "Configure Customer Portal" action."""
    page.goto(server.url(reverse("office:customers_customer_change", args=[customer.pk])))
    page.get_by_role("list", name="Actions").get_by_role("link", name="Configure Customer Portal").click()
    expect(
        page.get_by_role("heading", name=f"Configure Customer Portal: {customer.display_name}")
    ).to_be_visible()


def invite_from_the_office(page: Page, server: PorticoServer, staff, contact, shot: str) -> None:
    office_log_in(page, server, staff)
    open_portal_configuration(page, server, contact.customer)
    page.get_by_role("checkbox", name=contact.full_name).check()
    screenshot(page, f"{shot}-office-configure-portal")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text(f"Invited: {contact.full_name}.")).to_be_visible()


def check_page(page: Page, name: str) -> None:
    """A portal page as the contact sees it: accessible, no sideways scrolling, and a screenshot to look at."""
    assert_accessible(page)
    assert_fits_viewport(page)
    screenshot(page, name)


def fill_password(page: Page, password: str) -> None:
    page.get_by_label(label("Password")).fill(password)
    page.get_by_label(label("Confirm password")).fill(password)


def log_out(page: Page, organization) -> None:
    page.get_by_role("button", name="Logout").click()
    expect(page).to_have_url(re.compile(re.escape(portal_url("login", organization)) + "$"))
    expect(page.get_by_role("status")).to_contain_text("You have logged out.")


def test_invited_contact_signs_up_logs_out_and_in_changes_and_resets_the_password(
    page, new_browser_page, portico_server: PorticoServer, mailbox: Mailbox, org, staff, contact_a
):
    server = portico_server
    home = server.url(portal_url("home", org))
    invite_from_the_office(new_browser_page(), server, staff, contact_a, "journey-00")

    invitation = mailbox.next_message(to=contact_a.email)
    accept_url = email_link(page, invitation, "Accept Invitation")
    screenshot(page, "journey-01-invitation-email")
    page.goto(accept_url)

    # Sign up: Django's validators refuse a weak password next to the field, then a good one leads Home.
    expect(page).to_have_url(server.url(portal_url("signup", org)))
    expect(page.get_by_role("heading", name="Sign up for the customer portal")).to_be_visible()
    expect(page.get_by_text(contact_a.email)).to_be_visible()
    check_page(page, "journey-02-sign-up")
    fill_password(page, WEAK_PASSWORD)
    page.get_by_role("button", name="Update").click()
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.get_by_text("This password is too common.")).to_be_visible()
    expect(page.get_by_label(label("Password"))).to_have_attribute("aria-invalid", "true")
    check_page(page, "journey-03-sign-up-weak-password")
    fill_password(page, FIRST_PASSWORD)
    page.get_by_role("button", name="Update").click()
    expect(page).to_have_url(home)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Welcome, {contact_a.first_name}")
    expect(page.get_by_role("status")).to_contain_text("Your portal account is ready.")
    check_page(page, "journey-04-home")
    mailbox.next_message(to=org.email)  # the business hears that the contact accepted

    # Logout in the sidebar, and back in.
    log_out(page, org)
    check_page(page, "journey-05-login")
    portal_log_in(page, server, org, contact_a.email, FIRST_PASSWORD)
    expect(page).to_have_url(home)

    # Change Password, from the dropdown next to their name.
    page.locator("summary").filter(has_text=contact_a.full_name).click()
    screenshot(page, "journey-06-account-menu")
    page.get_by_role("link", name="Change Password").click()
    expect(page.get_by_role("heading", name="Change Password")).to_be_visible()
    check_page(page, "journey-07-change-password")
    page.get_by_label(label("Old password")).fill(FIRST_PASSWORD)
    page.get_by_label(label("New password")).fill(CHANGED_PASSWORD)
    page.get_by_label(label("Confirm password")).fill(CHANGED_PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    expect(page).to_have_url(home)
    expect(page.get_by_role("status")).to_contain_text("Your password has been changed.")

    # Forgot password: the link arrives by email, and the new password logs them in.
    log_out(page, org)
    page.get_by_role("link", name="Forgot password?").click()
    expect(page.get_by_role("heading", name="Forgot your password?")).to_be_visible()
    check_page(page, "journey-08-forgot-password")
    page.get_by_label(label("Email address")).fill(contact_a.email)
    page.get_by_role("button", name="Send reset link").click()
    expect(page).to_have_url(server.url(portal_url("password-reset-sent", org)))
    check_page(page, "journey-09-reset-link-sent")
    reset_url = email_link(page, mailbox.next_message(to=contact_a.email), "Reset Password")
    page.goto(reset_url)
    expect(page.get_by_role("heading", name="Choose a new password")).to_be_visible()
    check_page(page, "journey-10-choose-new-password")
    page.get_by_label(label("New password")).fill(RESET_PASSWORD)
    page.get_by_label(label("Confirm password")).fill(RESET_PASSWORD)
    page.get_by_role("button", name="Change password").click()
    expect(page).to_have_url(home)
    expect(page.get_by_role("status")).to_contain_text("Your password has been changed. You are logged in.")
    screenshot(page, "journey-11-home-after-reset")

    access = PortalAccess.objects.select_related("user").get(contact=contact_a)
    assert access.status == PortalAccess.Status.ACTIVE
    assert access.user.check_password(RESET_PASSWORD)


def test_reinvite_voids_the_link_sent_before(
    page, new_browser_page, portico_server: PorticoServer, mailbox: Mailbox, org, staff, contact_a
):
    server = portico_server
    staff_page = new_browser_page()
    invite_from_the_office(staff_page, server, staff, contact_a, "reinvite-00")
    first = mailbox.next_message(to=contact_a.email)
    open_portal_configuration(staff_page, server, contact_a.customer)
    staff_page.get_by_role("button", name="Reinvite").click()
    expect(staff_page.get_by_text("the link sent before no longer works")).to_be_visible()
    screenshot(staff_page, "reinvite-01-office-reinvited")
    second = mailbox.next_message(to=contact_a.email)

    old_link = email_link(page, first, "Accept Invitation")
    new_link = email_link(page, second, "Accept Invitation")
    assert old_link != new_link
    page.goto(old_link)
    expect(page.get_by_role("heading", name="This invitation link no longer works")).to_be_visible()
    expect(page.get_by_text("This invitation link is no longer valid.")).to_be_visible()
    check_page(page, "reinvite-02-old-link")

    page.goto(new_link)
    expect(page).to_have_url(server.url(portal_url("signup", org)))
    expect(page.get_by_role("heading", name="Sign up for the customer portal")).to_be_visible()


def test_a_contact_whose_access_staff_disable_lands_on_the_login_page_at_the_next_page(
    page, new_browser_page, portico_server: PorticoServer, org, staff, contact_a
):
    server = portico_server
    access, _token = make_portal_access(contact_a)
    portal_log_in(page, server, org, contact_a.email, TEST_PASSWORD)
    expect(page).to_have_url(server.url(portal_url("home", org)))

    staff_page = new_browser_page()
    office_log_in(staff_page, server, staff)
    open_portal_configuration(staff_page, server, contact_a.customer)
    staff_page.get_by_role("checkbox", name=contact_a.full_name).uncheck()
    staff_page.get_by_role("button", name="Save").click()
    screenshot(staff_page, "disable-01-office-confirm")
    staff_page.get_by_role("button", name="Yes, disable their access").click()
    expect(staff_page.get_by_text(f"Access disabled: {contact_a.full_name}.")).to_be_visible()

    page.get_by_role("navigation", name="Modules").get_by_role("link", name="Invoices").click()
    expect(page).to_have_url(re.compile(re.escape(server.url(portal_url("login", org))) + r"\?next="))
    expect(page.get_by_role("heading", name="Log in to your portal")).to_be_visible()
    check_page(page, "disable-02-next-page-is-login")
    access.refresh_from_db()
    assert access.status == PortalAccess.Status.DISABLED
