"""Existing addresses in the form new ones get: the domain in IDNA 2008 ASCII (issue 20).

Before, a fullwidth or compatibility spelling of a domain (fullwidth letters) made an
account of its own, and an international domain was stored in Unicode. Each row is
rewritten to ``normalized_email`` (shop/users/models.py: python-email-validator, local
part as typed), so lookups, which normalise, find it. Two kinds of rows are left as
they are, with a line each on the console, for staff to settle by hand:

- one whose normalised address another account already holds: merging two accounts
  is not a migration's decision (the later one is usually the squatter's);
- one that does not normalise at all (a reserved domain): it cannot log in by that
  spelling any more, and a reset link cannot reach it.

Reversing does nothing: the old spellings are not kept, and the normalised ones work.
"""

from django.db import migrations
from email_validator import EmailNotValidError, validate_email


def normalise(address: str) -> str:
    checked = validate_email(address, check_deliverability=False, allow_smtputf8=False)
    return f"{checked.local_part}@{checked.ascii_domain}"


def normalise_addresses(apps, schema_editor) -> None:
    User = apps.get_model("users", "User")
    for user in User.objects.order_by("pk").only("pk", "email").iterator():
        try:
            address = normalise(user.email)
        except EmailNotValidError as exc:
            print(f"\n  users.0004: user {user.pk} <{user.email}> left as is: {exc}")
            continue
        if address == user.email:
            continue
        if User.objects.filter(email__iexact=address).exclude(pk=user.pk).exists():
            print(
                f"\n  users.0004: user {user.pk} <{user.email}> left as is: "
                f"another account holds {address}"
            )
            continue
        User.objects.filter(pk=user.pk).update(email=address)


class Migration(migrations.Migration):
    dependencies = [("users", "0003_password_reset_and_logins")]

    operations = [migrations.RunPython(normalise_addresses, migrations.RunPython.noop)]
