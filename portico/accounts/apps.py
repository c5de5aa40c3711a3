from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "portico.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from . import checks  # noqa: F401 (registers the deployment checks)
