"""Emails the identity domain sends. Called after commit, never inside a transaction."""

from django.conf import settings
from django.core.mail import send_mail
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from shop.users.models import User
from shop.users.tokens import email_verification_token


def send_verification_email(*, user_id: int) -> None:
    user = User.objects.filter(pk=user_id, email_verified_at__isnull=True).first()
    if user is None:  # verified or deleted before the callback ran: nothing to say
        return
    link = settings.EMAIL_VERIFICATION_URL.format(
        uid=urlsafe_base64_encode(force_bytes(user.pk)),
        token=email_verification_token.make_token(user),
    )
    send_mail(
        subject="Verify your email address",
        message=f"Welcome to the shop. Confirm your address to log in:\n\n{link}\n",
        from_email=None,
        recipient_list=[user.email],
    )
