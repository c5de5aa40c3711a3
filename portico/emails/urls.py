"""The local mailbox at /mailbox/: only in development or when PORTICO_MAILBOX is on, only for staff."""

from django.urls import path

from . import views

app_name = "mailbox"

urlpatterns = [
    path("", views.mailbox_list, name="list"),
    path("clear/", views.mailbox_clear_view, name="clear"),
    path("<int:pk>/", views.mailbox_detail, name="detail"),
    path("<int:pk>/html/", views.mailbox_html, name="html"),
]
