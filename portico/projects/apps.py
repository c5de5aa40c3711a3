from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "portico.projects"
    label = "projects"
    verbose_name = "Projects"

    def ready(self) -> None:
        from portico.sales.services.billed_work import billed_work_register

        from .services import time_entries_follow_lines

        billed_work_register(time_entries_follow_lines)
