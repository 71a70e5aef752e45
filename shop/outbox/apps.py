from django.apps import AppConfig


class OutboxConfig(AppConfig):
    """The transactional outbox: messages written with a change, delivered after its COMMIT."""

    name = "shop.outbox"
    label = "outbox"
