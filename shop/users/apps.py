from django.apps import AppConfig


class UsersConfig(AppConfig):
    """Identity: the custom user, registration, email verification, password reset and JWT login."""

    name = "shop.users"
    label = "users"

    def ready(self) -> None:
        from shop.outbox.delivery import register
        from shop.users.emails import (
            PASSWORD_RESET_EMAIL,
            VERIFICATION_EMAIL,
            password_reset_email,
            verification_email,
        )

        register(VERIFICATION_EMAIL, verification_email)
        register(PASSWORD_RESET_EMAIL, password_reset_email)

    def seed_demo(self, stdout) -> None:
        from shop.users import demo

        demo.seed(stdout)
