"""Portico's URLs: the back office under /office/, each organization's customer portal under /portal/<slug>/."""

from django.urls import include, path
from django.views.generic import RedirectView

from portico.office.site import office_site

urlpatterns = [
    path("", RedirectView.as_view(url="/office/", permanent=False)),
    path("office/", office_site.urls),
    path("portal/", include("portico.portal.urls")),
    path("mailbox/", include("portico.emails.urls")),
]

handler404 = "portico.errors.page_not_found"
handler500 = "portico.errors.server_error"
