"""Demo accounts for ``manage.py seed_demo`` (the logins `nox -s demo` prints)."""

from django.utils import timezone

from shop.users.models import User

DEMO_ACCOUNTS = [
    {"email": "staff@example.com", "password": "demo-staff-password", "is_staff": True},
    {"email": "customer@example.com", "password": "demo-customer-password", "is_staff": False},
]


def seed(stdout) -> None:
    for account in DEMO_ACCOUNTS:
        user = User.objects.find_by_email(account["email"]) or User(email=account["email"])
        user.is_active = True
        user.email_verified_at = user.email_verified_at or timezone.now()
        user.is_staff = user.is_superuser = account["is_staff"]
        user.set_password(account["password"])
        user.save()
        role = "staff" if user.is_staff else "customer"
        stdout.write(f"  {role} login: {user.email} / {account['password']}")
