from django.apps import AppConfig


class ActivityConfig(AppConfig):
    name = "portico.activity"
    label = "activity"
    verbose_name = "Activity"
