import factory
from django.utils import timezone
from factory.django import DjangoModelFactory, Password

DEFAULT_PASSWORD = "correct horse battery staple"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = "users.User"
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"customer{n}@example.com")
    password = Password(DEFAULT_PASSWORD)
    is_active = True
    email_verified_at = factory.LazyFunction(timezone.now)

    class Params:
        unverified = factory.Trait(is_active=False, email_verified_at=None)
        staff = factory.Trait(is_staff=True)
