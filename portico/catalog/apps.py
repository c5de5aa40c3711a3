from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "portico.catalog"
    label = "catalog"
    verbose_name = "Taxes and items"
