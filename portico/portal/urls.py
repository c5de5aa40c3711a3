"""The customer portal: one per organization, at /portal/<slug>/.

Every view here is either a portal page (``@portal_page``: a logged-in contact with active access to this
organization's portal) or a public page of the portal (``@portal_public``: login, sign-up, password reset).
The isolation test walks this list, so a new page that forgets its scope fails it.

A document number may hold slashes (``<number:number>``, see ``converters``), so an address that goes on after
the number (``…/<number>/accept/``) is listed before the document's own page, which would otherwise take
``…/accept`` for part of the number.
"""

from django.urls import path, register_converter

from .converters import DocumentNumberConverter
from .views import account, auth, pages
from .views import invoices as invoice_views
from .views.payments import payment_detail, payment_list
from .views.quotes import quote_accept_view, quote_comment, quote_decline_view, quote_detail, quote_list
from .views.salesorders import sales_order_detail, sales_order_list
from .views.timesheets import (
    timesheet_approve,
    timesheet_comment,
    timesheet_detail,
    timesheet_list,
    timesheet_reject,
)

register_converter(DocumentNumberConverter, "number")

app_name = "portal"

urlpatterns = [
    path("<slug:slug>/", pages.home, name="home"),
    path("<slug:slug>/quotes/", quote_list, name="quotes"),
    path("<slug:slug>/quotes/<number:number>/accept/", quote_accept_view, name="quote-accept"),
    path("<slug:slug>/quotes/<number:number>/decline/", quote_decline_view, name="quote-decline"),
    path("<slug:slug>/quotes/<number:number>/comments/", quote_comment, name="quote-comment"),
    path("<slug:slug>/quotes/<number:number>/", quote_detail, name="quote-detail"),
    path("<slug:slug>/invoices/", invoice_views.invoice_list, name="invoices"),
    path(
        "<slug:slug>/invoices/<number:number>/comments/",
        invoice_views.invoice_comment,
        name="invoice-comment",
    ),
    path("<slug:slug>/invoices/<number:number>/", invoice_views.invoice_detail, name="invoice-detail"),
    path(
        "<slug:slug>/retainer-invoices/<number:number>/comments/",
        invoice_views.retainer_invoice_comment,
        name="retainer-invoice-comment",
    ),
    path(
        "<slug:slug>/retainer-invoices/<number:number>/",
        invoice_views.retainer_invoice_detail,
        name="retainer-invoice-detail",
    ),
    path("<slug:slug>/pay/", invoice_views.pay, name="pay"),
    path("<slug:slug>/payments/", payment_list, name="payments"),
    path("<slug:slug>/payments/<number:number>/", payment_detail, name="payment-detail"),
    path("<slug:slug>/sales-orders/", sales_order_list, name="sales-orders"),
    path("<slug:slug>/sales-orders/<number:number>/", sales_order_detail, name="sales-order-detail"),
    path("<slug:slug>/projects/", pages.projects, name="projects"),
    path("<slug:slug>/timesheets/", timesheet_list, name="timesheets"),
    path("<slug:slug>/timesheets/<number:number>/approve/", timesheet_approve, name="timesheet-approve"),
    path("<slug:slug>/timesheets/<number:number>/reject/", timesheet_reject, name="timesheet-reject"),
    path("<slug:slug>/timesheets/<number:number>/comments/", timesheet_comment, name="timesheet-comment"),
    path("<slug:slug>/timesheets/<number:number>/", timesheet_detail, name="timesheet-detail"),
    path("<slug:slug>/statements/", pages.statements, name="statements"),
    path("<slug:slug>/account/", account.profile, name="profile"),
    path("<slug:slug>/account/password/", account.password_change, name="password-change"),
    path("<slug:slug>/switch/", account.switch, name="switch"),
    path("<slug:slug>/logo/", auth.logo, name="logo"),
    path("<slug:slug>/login/", auth.login, name="login"),
    path("<slug:slug>/logout/", auth.logout, name="logout"),
    path("<slug:slug>/accept/<str:token>/", auth.accept, name="accept"),
    path("<slug:slug>/sign-up/", auth.signup, name="signup"),
    path("<slug:slug>/sign-up/ask-again/", auth.invitation_request, name="invitation-request"),
    path("<slug:slug>/password/reset/", auth.password_reset, name="password-reset"),
    path("<slug:slug>/password/reset/sent/", auth.password_reset_sent, name="password-reset-sent"),
    path(
        "<slug:slug>/password/reset/<uidb64>/<str:token>/",
        auth.password_reset_confirm,
        name="password-reset-confirm",
    ),
]
