"""Portico's URLs: the back office under /office/."""

from django.urls import path
from django.views.generic import RedirectView

from portico.office.site import office_site

urlpatterns = [
    path("", RedirectView.as_view(url="/office/", permanent=False)),
    path("office/", office_site.urls),
]
