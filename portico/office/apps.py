from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OfficeConfig(AppConfig):
    name = "portico.office"
    label = "office"
    verbose_name = _("Back office")

    def ready(self) -> None:
        # Register the back office's model admins on its site.
        from . import admin  # noqa: F401
