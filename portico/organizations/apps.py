from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    name = "portico.organizations"
    label = "organizations"
    verbose_name = "Organizations"
