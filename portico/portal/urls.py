"""The customer portal: one per organization, at /portal/<slug>/.

Every view here is either a portal page (``@portal_page``: a logged-in contact with active access to this
organization's portal) or a public page of the portal (``@portal_public``: login, sign-up, password reset).
The isolation test walks this list, so a new page that forgets its scope fails it.
"""

from django.urls import path

from .views import account, auth, pages

app_name = "portal"

urlpatterns = [
    path("<slug:slug>/", pages.home, name="home"),
    path("<slug:slug>/quotes/", pages.quotes, name="quotes"),
    path("<slug:slug>/invoices/", pages.invoices, name="invoices"),
    path("<slug:slug>/payments/", pages.payments, name="payments"),
    path("<slug:slug>/sales-orders/", pages.sales_orders, name="sales-orders"),
    path("<slug:slug>/projects/", pages.projects, name="projects"),
    path("<slug:slug>/timesheets/", pages.timesheets, name="timesheets"),
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
