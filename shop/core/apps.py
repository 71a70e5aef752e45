from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Shared foundations: domain errors, the one exception handler, pagination, health."""

    name = "shop.core"
    label = "core"
