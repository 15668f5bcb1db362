from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "kenes.ops"
    label = "ops"
    verbose_name = "Operations"

    def ready(self) -> None:
        from kenes.ops import checks  # noqa: F401  (registers the deploy checks)
