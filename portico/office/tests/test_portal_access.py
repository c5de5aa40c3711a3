"""Configure Customer Portal: giving contact persons portal access from the back office, Reinvite, disabling."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from portico.activity.models import AuditEvent
from portico.activity.services import audit_record
from portico.actors import Actor
from portico.customers.models import PortalAccess
from portico.customers.portal_access import InvitationInvalid, portal_invitation_find
from portico.office.forms import PortalAccessChanges
from portico.office.portal_access import portal_access_apply
from portico.organizations.models import PortalSlugRedirect
from portico.organizations.services import organization_update
from portico.testing import SETUP, ContactPersonFactory, audit_actions, db_state, make_portal_access

from .conftest import admin_url, assert_refused, messages_of
from .test_settings import settings_data


def portal_url(customer) -> str:
    return reverse("office:customers_customer_portal", args=[customer.pk])


def reinvite_url(customer, contact) -> str:
    return reverse("office:customers_customer_portal_reinvite", args=[customer.pk, contact.pk])


def ticked(*contacts) -> dict:
    """The page's form with exactly these contacts' boxes ticked."""
    return {f"contact_{contact.pk}": "on" for contact in contacts}


def test_staff_invite_a_contact_from_the_configure_portal_page(staff_client, staff, customer_a, contact_a):
    page = staff_client.get(portal_url(customer_a))
    assert page.status_code == 200
    assert f'name="contact_{contact_a.pk}"' in page.content.decode()

    response = staff_client.post(portal_url(customer_a), ticked(contact_a), follow=True)

    assert response.redirect_chain == [(admin_url(customer_a), 302)]
    access = PortalAccess.objects.get(contact=contact_a)
    assert access.status == PortalAccess.Status.INVITED and access.invitations.count() == 1
    event = AuditEvent.objects.get(action="portal_access.invited")
    assert (event.actor_user, event.customer, event.object_id) == (staff, customer_a, access.pk)
    assert f"Invited: {contact_a.full_name}." in " ".join(messages_of(response))


def test_a_contact_without_an_email_cannot_be_picked(staff_client, customer_a):
    no_email = ContactPersonFactory(customer=customer_a, email="")

    page = staff_client.get(portal_url(customer_a)).content.decode()
    response = staff_client.post(portal_url(customer_a), ticked(no_email))

    checkbox = page.split(f'name="contact_{no_email.pk}"')[1].split(">")[0]
    assert "disabled" in checkbox
    assert "Add an email address to invite this person." in page
    assert response.status_code == 302
    assert not PortalAccess.objects.filter(contact=no_email).exists()


def test_unticking_a_contact_asks_for_confirmation_before_disabling(
    staff_client, staff, customer_a, contact_a
):
    make_portal_access(contact_a)

    confirm = staff_client.post(portal_url(customer_a), {})

    assert confirm.status_code == 200
    page = confirm.content.decode()
    assert contact_a.full_name in page and "Their open sessions end at once" in page
    assert PortalAccess.objects.get(contact=contact_a).status == PortalAccess.Status.ACTIVE

    response = staff_client.post(portal_url(customer_a), {"confirm_disable": str(contact_a.pk)}, follow=True)

    assert response.redirect_chain == [(admin_url(customer_a), 302)]
    access = PortalAccess.objects.get(contact=contact_a)
    assert access.status == PortalAccess.Status.DISABLED and access.disabled_at is not None
    assert AuditEvent.objects.get(action="portal_access.disabled").actor_user == staff
    assert f"Access disabled: {contact_a.full_name}." in " ".join(messages_of(response))


def test_a_confirmation_that_names_someone_else_disables_no_one(staff_client, customer_a, contact_a):
    make_portal_access(contact_a)
    other = ContactPersonFactory(customer=customer_a)

    response = staff_client.post(portal_url(customer_a), {"confirm_disable": str(other.pk)})

    assert response.status_code == 200 and "Their open sessions end at once" in response.content.decode()
    assert PortalAccess.objects.get(contact=contact_a).status == PortalAccess.Status.ACTIVE


def test_contacts_whose_box_did_not_change_are_left_alone(staff_client, customer_a, contact_a):
    _access, first_token = make_portal_access(contact_a, accept=False)
    newcomer = ContactPersonFactory(customer=customer_a)

    staff_client.post(portal_url(customer_a), ticked(contact_a, newcomer))

    assert portal_invitation_find(raw_token=first_token).access.contact == contact_a  # not invited again
    assert PortalAccess.objects.get(contact=newcomer).status == PortalAccess.Status.INVITED
    assert audit_actions().count("portal_access.invited") == 2


def test_saving_with_nothing_changed_writes_nothing(staff_client, customer_a, contact_a):
    before = db_state(customer_a)

    response = staff_client.post(portal_url(customer_a), {}, follow=True)

    assert db_state(customer_a) == before
    assert "Nothing changed: portal access is as it was." in messages_of(response)


def test_reinvite_voids_the_old_invitation(staff_client, staff, customer_a, contact_a):
    access, old_token = make_portal_access(contact_a, accept=False)

    response = staff_client.post(reinvite_url(customer_a, contact_a), follow=True)

    assert response.redirect_chain == [(portal_url(customer_a), 302)]
    with pytest.raises(InvitationInvalid):
        portal_invitation_find(raw_token=old_token)
    access.refresh_from_db()
    assert access.status == PortalAccess.Status.INVITED
    assert access.invitations.filter(voided_at__isnull=True, used_at__isnull=True).count() == 1
    assert AuditEvent.objects.get(action="portal_access.reinvited").actor_user == staff
    assert any("the link sent before no longer works" in m for m in messages_of(response))


def test_reinvite_from_the_customer_page_goes_back_to_it(staff_client, customer_a, contact_a):
    make_portal_access(contact_a, accept=False)

    response = staff_client.post(reinvite_url(customer_a, contact_a) + "?next=customer")

    assert response["Location"] == admin_url(customer_a)
    assert "portal_access.reinvited" in audit_actions()


def test_reinvite_is_a_post_only(staff_client, customer_a, contact_a):
    make_portal_access(contact_a, accept=False)

    response = staff_client.get(reinvite_url(customer_a, contact_a))

    assert response.status_code == 405
    assert "portal_access.reinvited" not in audit_actions()


def test_reinviting_someone_with_active_access_is_refused_and_changes_nothing(
    staff_client, customer_a, contact_a
):
    make_portal_access(contact_a)
    before = db_state(customer_a)

    response = staff_client.post(reinvite_url(customer_a, contact_a), follow=True)

    assert_refused(response, "already has portal access")
    assert db_state(customer_a) == before


def test_with_the_portal_turned_off_saving_is_refused(staff_client, org, customer_a, contact_a):
    org.portal_enabled = False
    org.save()

    page = staff_client.get(portal_url(customer_a)).content.decode()
    response = staff_client.post(portal_url(customer_a), ticked(contact_a), follow=True)

    assert "The customer portal is turned off for your organization" in page
    assert reverse("office:organizations_organization_change", args=[org.pk]) in page
    assert_refused(response, "The customer portal is turned off for your organization")
    assert not PortalAccess.objects.exists()


def test_a_refusal_half_way_through_a_save_changes_nothing(staff, customer_a, contact_a):
    no_email = ContactPersonFactory(customer=customer_a, email="")
    before = db_state(customer_a)

    with pytest.raises(ValidationError):
        portal_access_apply(
            actor=Actor.staff(staff),
            changes=PortalAccessChanges(invite=[contact_a, no_email]),
        )

    assert db_state(customer_a) == before
    assert not PortalAccess.objects.filter(contact=contact_a).exists()


def test_another_organizations_customer_is_404(staff_client, other_customer):
    contact = ContactPersonFactory(customer=other_customer)
    make_portal_access(contact, accept=False)
    before = db_state(other_customer)

    assert staff_client.get(portal_url(other_customer)).status_code == 404
    assert staff_client.post(portal_url(other_customer), ticked(contact)).status_code == 404
    assert staff_client.post(reinvite_url(other_customer, contact)).status_code == 404
    assert db_state(other_customer) == before


def test_a_contact_of_another_customer_cannot_be_reinvited_through_this_one(
    staff_client, customer_a, contact_b
):
    make_portal_access(contact_b, accept=False)

    response = staff_client.post(reinvite_url(customer_a, contact_b))

    assert response.status_code == 404
    assert "portal_access.reinvited" not in audit_actions()


def test_the_customer_page_offers_the_three_ways_to_configure_the_portal(staff_client, customer_a, contact_a):
    make_portal_access(contact_a, accept=False)

    page = staff_client.get(admin_url(customer_a)).content.decode()

    configure = f'href="{portal_url(customer_a)}"'
    assert page.count(configure) == 3
    assert "Configure Customer Portal</a>" in page  # the page's actions
    assert "Invite to Portal</a>" in page.split('id="content-main"')[0]  # under the customer's name
    portal_status = page.split("field-portal_status")[1].split("</div>\n")[0]
    assert "Invited" in portal_status and "Configure</a>" in portal_status
    panel = page.split("Portal access</h2>")[1].split("</section>")[0]
    assert f"<td>{contact_a.email}</td><td>Invited</td>" in panel
    assert f'action="{reinvite_url(customer_a, contact_a)}?next=customer"' in panel


def test_the_portal_status_follows_the_contacts_access(staff_client, customer_a, contact_a):
    def status() -> str:
        page = staff_client.get(admin_url(customer_a)).content.decode()
        return page.split("field-portal_status")[1].split("<a ")[0]

    assert "Disabled" in status()
    make_portal_access(contact_a)
    assert "Enabled" in status()


def test_portal_access_events_read_as_words_in_the_audit_log(staff_client, org, customer_a, contact_a):
    make_portal_access(contact_a)
    audit_record(
        actor=SETUP, organization=org, action="portal.login_failed", data={"email": "someone@example.test"}
    )

    listing = staff_client.get(admin_url(AuditEvent, "changelist")).content.decode()

    assert "Invited to the portal" in listing
    assert "Portal invitation accepted" in listing
    assert "Failed portal login" in listing


# Portal preferences ------------------------------------------------------------------------------------------


def test_staff_see_and_change_the_portal_address_in_the_preferences(staff_client, org, settings):
    settings.PORTICO_BASE_URL = "https://portico.example"

    page = staff_client.get(admin_url(org)).content.decode()
    response = staff_client.post(admin_url(org), settings_data(org, portal_slug="acme-studio"))

    assert 'name="portal_slug"' in page and 'value="acme"' in page
    assert 'href="https://portico.example/portal/acme/"' in page
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.portal_slug == "acme-studio"
    assert PortalSlugRedirect.objects.get(slug="acme").organization == org


def test_a_portal_address_another_organization_used_is_refused_on_its_field(staff_client, org, other_org):
    organization_update(actor=SETUP, organization=other_org, portal_slug="other-new")

    response = staff_client.post(admin_url(org), settings_data(org, portal_slug="other"))

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["portal_slug"] == [
        "The portal address “other” was used by another organization and its old links still lead there. "
        "Choose another one."
    ]
    org.refresh_from_db()
    assert org.portal_slug == "acme"


def test_a_logo_that_is_not_an_image_is_refused_on_its_field(staff_client, org, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("logo.png", b"not an image at all", content_type="image/png")

    response = staff_client.post(admin_url(org), {**settings_data(org), "logo": upload})

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["logo"] == ["The logo must be a PNG or JPEG image, and this file is not one."]
    org.refresh_from_db()
    assert not org.logo


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")  # what the check refuses
def test_a_logo_of_too_many_pixels_is_refused_on_its_field(staff_client, org, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    buffer = io.BytesIO()
    Image.new("1", (12_000, 12_000)).save(buffer, format="PNG")
    assert len(buffer.getvalue()) < 100 * 1024
    upload = SimpleUploadedFile("logo.png", buffer.getvalue(), content_type="image/png")

    response = staff_client.post(admin_url(org), {**settings_data(org), "logo": upload})

    assert response.status_code == 200
    [error] = response.context["adminform"].form.errors["logo"]
    assert error.startswith("The logo is 12,000 × 12,000 pixels; it can be at most 4,096 pixels wide")
    org.refresh_from_db()
    assert not org.logo
    assert not any(tmp_path.rglob("*"))


def test_staff_upload_a_logo_and_edit_the_invitation_email(staff_client, org, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    buffer = io.BytesIO()
    Image.new("RGB", (30, 30), (0, 90, 200)).save(buffer, format="PNG")
    upload = SimpleUploadedFile("logo.png", buffer.getvalue(), content_type="image/png")

    response = staff_client.post(
        admin_url(org),
        {
            **settings_data(org),
            "logo": upload,
            "portal_invitation_subject": "{organization} invites you, {contact}",
            "portal_invitation_message": "Welcome, {customer}.",
        },
    )

    assert response.status_code == 302
    org.refresh_from_db()
    assert org.logo.name.endswith(".png") and (tmp_path / org.logo.name).exists()
    assert org.portal_invitation_subject == "{organization} invites you, {contact}"
    assert org.portal_invitation_message == "Welcome, {customer}."
