"""Staff correct or delete their comments, from the comment's page or the document's comments panel."""

from __future__ import annotations

import pytest
from django.urls import reverse

from portico.activity.models import Comment
from portico.activity.services import comment_add
from portico.actors import Actor
from portico.testing import audit_actions, db_state, make_invoice

from .conftest import action_url, admin_url, assert_refused, messages_of


@pytest.fixture
def invoice(customer_a):
    return make_invoice(customer_a, "10.00")


@pytest.fixture
def staff_comment(invoice, staff):
    return comment_add(
        actor=Actor.staff(staff),
        target=invoice,
        body="We will ship Monday.",
    )


@pytest.fixture
def contact_comment(invoice, contact_a):
    return comment_add(
        actor=Actor.for_contact(contact_a),
        target=invoice,
        body="Where is my order?",
    )


def test_the_comments_panel_offers_edit_and_delete_for_staff_comments_only(
    staff_client, invoice, staff_comment, contact_comment
):
    html = staff_client.get(admin_url(invoice)).content.decode()

    assert f"{admin_url(staff_comment)}?return=document" in html
    assert action_url(staff_comment, "delete") in html
    assert admin_url(contact_comment) not in html
    assert action_url(contact_comment, "delete") not in html


def test_staff_edits_a_comments_body_and_shows_it_in_the_portal(staff_client, staff_comment):
    page = staff_client.get(admin_url(staff_comment)).content.decode()
    response = staff_client.post(
        admin_url(staff_comment),
        {"body": "We will ship Tuesday.", "display_in_portal": "on", "_save": "Save"},
        follow=True,
    )

    assert 'name="body"' in page and 'name="display_in_portal"' in page
    assert response.redirect_chain[-1][0] == admin_url(Comment, "changelist")
    staff_comment.refresh_from_db()
    assert (staff_comment.body, staff_comment.display_in_portal) == ("We will ship Tuesday.", True)
    assert "comment.updated" in audit_actions()


def test_editing_from_the_documents_panel_returns_to_the_document(staff_client, invoice, staff_comment):
    response = staff_client.post(
        f"{admin_url(staff_comment)}?return=document",
        {"body": "Shipped.", "_save": "Save"},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == admin_url(invoice) + "#comments"
    assert "The comment was saved." in messages_of(response)
    staff_comment.refresh_from_db()
    assert (staff_comment.body, staff_comment.display_in_portal) == ("Shipped.", False)


def test_an_empty_comment_body_is_refused(staff_client, staff_comment):
    before = db_state()

    response = staff_client.post(admin_url(staff_comment), {"body": "   ", "_save": "Save"})

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert db_state() == before
    staff_comment.refresh_from_db()
    assert staff_comment.body == "We will ship Monday."


def test_staff_deletes_a_comment_after_confirming(staff_client, invoice, staff_comment):
    confirm = staff_client.get(action_url(staff_comment, "delete"))
    assert "Are you sure?" in confirm.content.decode()
    assert Comment.objects.filter(pk=staff_comment.pk).exists()

    response = staff_client.post(action_url(staff_comment, "delete"), follow=True)

    assert response.redirect_chain[-1][0] == admin_url(invoice)
    assert "The comment was deleted." in messages_of(response)
    assert not Comment.objects.filter(pk=staff_comment.pk).exists()
    assert "comment.deleted" in audit_actions()


def test_a_contacts_comment_is_read_only(staff_client, contact_comment):
    before = db_state()

    page = staff_client.get(admin_url(contact_comment)).content.decode()
    edit = staff_client.post(admin_url(contact_comment), {"body": "Forged", "_save": "Save"})
    delete = staff_client.post(action_url(contact_comment, "delete"), follow=True)

    assert "Where is my order?" in page and 'name="body"' not in page and 'name="_save"' not in page
    assert action_url(contact_comment, "delete") not in page
    assert edit.status_code == 403
    assert_refused(delete, "only staff comments can be changed")
    assert db_state() == before
    contact_comment.refresh_from_db()
    assert contact_comment.body == "Where is my order?"


def test_another_organizations_staff_gets_404_for_editing_and_deleting_comments(other_client, staff_comment):
    before = db_state()

    assert other_client.get(admin_url(staff_comment)).status_code == 404
    assert other_client.post(admin_url(staff_comment), {"body": "Forged", "_save": "Save"}).status_code == 404
    assert other_client.get(action_url(staff_comment, "delete")).status_code == 404
    assert other_client.post(action_url(staff_comment, "delete")).status_code == 404
    assert db_state() == before


def test_bulk_delete_is_not_offered_for_comments(staff_client, staff_comment):
    html = staff_client.get(reverse("office:activity_comment_changelist")).content.decode()

    assert "delete_selected" not in html and "We will ship Monday." in html
