from django.apps import AppConfig


class UsersConfig(AppConfig):
    """Identity: the custom user, registration, email verification and JWT login."""

    name = "shop.users"
    label = "users"

    def seed_demo(self, stdout) -> None:
        from shop.users import demo

        demo.seed(stdout)
