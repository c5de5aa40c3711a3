from django.apps import AppConfig


class OfficeConfig(AppConfig):
    name = "portico.office"
    label = "office"
    verbose_name = "Back office"
