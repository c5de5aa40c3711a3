"""The portal's address (old addresses keep leading to the organization), its logo and the invitation email."""

from __future__ import annotations

import io
import os

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from portico.activity.models import AuditEvent
from portico.actors import Actor
from portico.organizations.models import Organization, PortalSlugRedirect
from portico.organizations.services import organization_create, organization_update
from portico.testing import SETUP, db_state


def image_file(name: str, image_format: str, size=(40, 20), noise: bool = False) -> SimpleUploadedFile:
    if noise:  # random pixels do not compress: a big file
        image = Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3))
    else:
        image = Image.new("RGB", size, (200, 30, 30))
    buffer = io.BytesIO()
    image.save(buffer, format=image_format)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{image_format.lower()}")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_changing_the_slug_keeps_the_old_one_as_a_redirect(org, staff):
    organization_update(actor=Actor.staff(staff), organization=org, portal_slug="acme-partners")

    org.refresh_from_db()
    assert org.portal_slug == "acme-partners"
    assert list(PortalSlugRedirect.objects.values_list("slug", "organization")) == [("acme", org.pk)]
    event = AuditEvent.objects.get(action="organization.updated")
    assert event.data["portal_slug"] == {"old": "acme", "new": "acme-partners"}


def test_changing_the_slug_twice_keeps_both_old_addresses(org):
    organization_update(actor=SETUP, organization=org, portal_slug="acme-2")
    organization_update(actor=SETUP, organization=org, portal_slug="acme-3")

    assert sorted(PortalSlugRedirect.objects.filter(organization=org).values_list("slug", flat=True)) == [
        "acme",
        "acme-2",
    ]


def test_saving_the_same_slug_records_no_redirect(org):
    organization_update(actor=SETUP, organization=org, portal_slug="acme", name="Acme Two")

    assert not PortalSlugRedirect.objects.exists()


def test_a_slug_another_organization_uses_is_refused(org, other_org):
    before = db_state(org, other_org)

    with pytest.raises(ValidationError) as exc:
        organization_update(actor=SETUP, organization=org, portal_slug="other")

    assert exc.value.message_dict == {
        "portal_slug": ["The portal address “other” is taken by another organization. Choose another one."]
    }
    assert db_state(org, other_org) == before
    org.refresh_from_db()
    assert org.portal_slug == "acme"


def test_a_slug_another_organization_used_before_is_refused(org, other_org):
    organization_update(actor=SETUP, organization=other_org, portal_slug="other-new")
    before = db_state(org)

    with pytest.raises(ValidationError) as exc:
        organization_update(actor=SETUP, organization=org, portal_slug="other")

    assert exc.value.message_dict["portal_slug"] == [
        "The portal address “other” was used by another organization and its old links still lead there. "
        "Choose another one."
    ]
    assert db_state(org) == before
    assert PortalSlugRedirect.objects.get(slug="other").organization == other_org


def test_an_organization_takes_back_its_own_old_slug(org):
    organization_update(actor=SETUP, organization=org, portal_slug="acme-new")

    organization_update(actor=SETUP, organization=org, portal_slug="acme")

    org.refresh_from_db()
    assert org.portal_slug == "acme"
    assert list(PortalSlugRedirect.objects.values_list("slug", flat=True)) == ["acme-new"]


def test_a_new_organization_cannot_take_an_old_slug_of_another(org):
    organization_update(actor=SETUP, organization=org, portal_slug="acme-new")

    with pytest.raises(ValidationError):
        organization_create(name="Copycat", portal_slug="acme", email="owner@copycat.test")

    assert not Organization.objects.filter(name="Copycat").exists()


@pytest.mark.parametrize("slug", ["", "-acme", "acme-", "acme consulting", "acme/x", "a" * 51])
def test_a_slug_the_validator_refuses_is_refused(org, slug):
    with pytest.raises(ValidationError) as exc:
        organization_update(actor=SETUP, organization=org, portal_slug=slug)

    assert "portal_slug" in exc.value.message_dict
    org.refresh_from_db()
    assert org.portal_slug == "acme" and not PortalSlugRedirect.objects.exists()


def test_a_slug_is_stored_in_lower_case_without_spaces(org):
    organization_update(actor=SETUP, organization=org, portal_slug="  Acme-Partners ")

    org.refresh_from_db()
    assert org.portal_slug == "acme-partners"


def test_a_png_logo_is_stored_under_a_name_that_matches_its_content(org, media):
    organization_update(actor=SETUP, organization=org, logo=image_file("company.gif", "PNG"))

    org.refresh_from_db()
    assert org.logo.name.startswith("logos/acme-logo") and org.logo.name.endswith(".png")
    assert (media / org.logo.name).exists()


def test_a_jpeg_logo_is_accepted(org, media):
    organization_update(actor=SETUP, organization=org, logo=image_file("company.jpeg", "JPEG"))

    org.refresh_from_db()
    assert org.logo.name.endswith(".jpg")


def test_a_logo_over_one_megabyte_is_refused(org, media):
    big = image_file("big.png", "PNG", size=(700, 700), noise=True)
    assert big.size > 1024 * 1024

    with pytest.raises(ValidationError) as exc:
        organization_update(actor=SETUP, organization=org, logo=big)

    [message] = exc.value.message_dict["logo"]
    assert message.startswith("The logo is 1.4") and "it can be at most 1 MB" in message
    org.refresh_from_db()
    assert not org.logo
    assert not any(media.rglob("*"))


def huge_png(width: int, height: int) -> SimpleUploadedFile:
    """A PNG of many pixels in few bytes: one colour compresses to almost nothing."""
    buffer = io.BytesIO()
    Image.new("1", (width, height)).save(buffer, format="PNG")
    return SimpleUploadedFile("logo.png", buffer.getvalue(), content_type="image/png")


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")  # what the check refuses
@pytest.mark.parametrize(
    ("size", "fragment"),
    [
        ((12_000, 12_000), "The logo is 12,000 × 12,000 pixels"),
        ((5_000, 40), "The logo is 5,000 × 40 pixels"),
        ((20_000, 20_000), "The logo has far too many pixels"),
    ],
)
def test_a_logo_of_too_many_pixels_is_refused_however_few_its_bytes(org, media, size, fragment):
    upload = huge_png(*size)
    assert upload.size < 100 * 1024
    before = db_state()

    with pytest.raises(ValidationError) as exc:
        organization_update(actor=SETUP, organization=org, logo=upload)

    [message] = exc.value.message_dict["logo"]
    assert message.startswith(fragment) and "at most 4,096 pixels wide and 4,096 high" in message
    assert db_state() == before
    org.refresh_from_db()
    assert not org.logo
    assert not any(media.rglob("*"))


def test_a_logo_of_the_largest_size_allowed_is_accepted(org, media):
    organization_update(actor=SETUP, organization=org, logo=huge_png(4096, 4096))

    org.refresh_from_db()
    assert org.logo.name.endswith(".png")


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("logo.png", b"this is not an image", content_type="image/png"),
        image_file("logo.gif", "GIF"),
    ],
    ids=["text", "gif"],
)
def test_a_logo_that_is_not_a_png_or_jpeg_is_refused(org, media, upload):
    with pytest.raises(ValidationError) as exc:
        organization_update(actor=SETUP, organization=org, logo=upload)

    assert exc.value.message_dict["logo"] == [
        "The logo must be a PNG or JPEG image, and this file is not one."
    ]
    org.refresh_from_db()
    assert not org.logo


def test_the_logo_can_be_removed(org, media):
    organization_update(actor=SETUP, organization=org, logo=image_file("logo.png", "PNG"))

    organization_update(actor=SETUP, organization=org, logo=False)

    org.refresh_from_db()
    assert not org.logo


def test_the_invitation_email_can_use_its_placeholders(org):
    organization_update(
        actor=SETUP,
        organization=org,
        portal_invitation_subject="{contact}, your {organization} portal",
        portal_invitation_message="Hello {contact} of {customer}, welcome to {organization}.",
    )

    org.refresh_from_db()
    assert org.portal_invitation_subject == "{contact}, your {organization} portal"


def test_an_unknown_placeholder_in_the_invitation_email_is_refused(org):
    with pytest.raises(ValidationError) as exc:
        organization_update(
            actor=SETUP,
            organization=org,
            portal_invitation_subject="Welcome {customer}",
            portal_invitation_message="Hello {name",
        )

    assert exc.value.message_dict == {
        "portal_invitation_subject": [
            "Unknown placeholder {customer}; you can use {organization}, {contact}."
        ],
        "portal_invitation_message": [
            "Braces are kept for placeholders: write {organization}, {contact}, {customer}, and no other braces."
        ],
    }
    org.refresh_from_db()
    assert org.portal_invitation_subject == ""
