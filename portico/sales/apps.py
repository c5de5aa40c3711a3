from django.apps import AppConfig


class SalesConfig(AppConfig):
    name = "portico.sales"
    label = "sales"
    verbose_name = "Sales"
