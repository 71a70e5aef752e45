from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Shared foundations: domain errors, the one exception handler, pagination, health."""

    name = "shop.core"
    label = "core"

    def ready(self) -> None:
        from shop.core import checks  # noqa: F401  (registers the deploy checks)
