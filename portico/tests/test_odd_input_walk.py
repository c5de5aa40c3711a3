"""The odd-input walk itself: it reads pages' forms and links, and undoes every request it makes."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from portico.activity.models import Comment
from portico.tests.odd_input import Form, Walk, read_page, routes, shows_error

PAGE = """
<a href="?status=open&amp;page=2">Open</a> <a href="/elsewhere/?x=1">Elsewhere</a>
<form method="get"><input name="q" value=""><button>Search</button></form>
<form method="post" action="/comments/">
  <input type="hidden" name="csrfmiddlewaretoken" value="t">
  <textarea name="body">Hello</textarea>
  <input type="checkbox" name="display_in_portal"> <input type="checkbox" name="notify" value="1" checked>
  <select name="kind"><option value="a">A</option><option value="b" selected>B</option></select>
  <input type="file" name="attachment">
  <button type="submit" name="_save" value="1">Save</button>
</form>
"""


def test_a_page_gives_its_post_forms_and_the_query_parameters_it_uses():
    forms, keys = read_page(PAGE, "/list/")

    assert keys == {"status", "page", "q"}
    assert forms == [
        Form(
            action="/comments/",
            method="post",
            fields=[
                ("csrfmiddlewaretoken", "t"),
                ("body", "Hello"),
                ("notify", "1"),
                ("kind", "b"),
                ("_save", "1"),
            ],
        )
    ]


def test_every_office_address_is_found_with_its_parameters():
    found = {route.name: route for route in routes("office")}

    change = found["sales_invoice_change"]
    assert change.params == ("object_id",)
    assert change.url({"object_id": "a/b"}) == "/office/sales/invoice/a%2Fb/change/"
    assert found["customers_customer_portal_reinvite"].params == ("object_id", "contact_id")
    assert "portal:home" not in found


def test_a_walk_undoes_what_each_request_changed(staff, customer_a, contact_a):
    from portico.testing import make_invoice

    invoice = make_invoice(customer_a, "10")
    client = Client()
    client.force_login(staff)
    walk = Walk(client, "office")
    address = reverse("office:sales_invoice_comment", args=[invoice.pk])

    response = walk.request("post", address, {"body": "Kept?", "display_in_portal": "on"})
    assert response.status_code == 302 and not Comment.objects.exists()

    walk.request("post", reverse("office:logout"))
    assert client.get(reverse("office:index")).status_code == 200  # still logged in
    refused = walk.request("post", address, {"body": ""})
    assert refused.status_code == 302 and not walk.failures
    page = client.get(reverse("office:sales_invoice_change", args=[invoice.pk]))
    assert not shows_error(page)
    assert shows_error(client.post(address, {"body": ""}, follow=True))  # "This field is required."
