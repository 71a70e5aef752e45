from django.apps import AppConfig


class UsersConfig(AppConfig):
    """Identity: the custom user, registration, email verification and JWT login."""

    name = "shop.users"
    label = "users"
