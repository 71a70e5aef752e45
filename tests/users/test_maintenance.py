"""Identity's daily maintenance as beat runs it: tasks beside the manage.py commands (issue 21)."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken

from shop.users.models import User
from shop.users.tasks import flush_expired_tokens, purge_unverified
from testing.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_purge_unverified_deletes_the_accounts_whose_link_expired():
    long_ago = timezone.now() - timedelta(seconds=settings.EMAIL_VERIFICATION_TIMEOUT + 3600)
    UserFactory(unverified=True, date_joined=long_ago)
    kept = [UserFactory(unverified=True), UserFactory(date_joined=long_ago)]

    assert purge_unverified.apply().result == "deleted 1 unverified accounts"
    assert set(User.objects.all()) == set(kept)


def test_flush_expired_tokens_drops_only_expired_token_records():
    user = UserFactory()
    RefreshToken.for_user(user)
    expired = RefreshToken.for_user(user)
    OutstandingToken.objects.filter(jti=expired["jti"]).update(
        expires_at=timezone.now() - timedelta(days=1)
    )

    flush_expired_tokens.apply()

    assert OutstandingToken.objects.count() == 1
    assert not OutstandingToken.objects.filter(jti=expired["jti"]).exists()
