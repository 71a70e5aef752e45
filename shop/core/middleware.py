"""Responses no cache may keep: tokens, and whatever a client fetched with its credentials."""

from django.utils.cache import add_never_cache_headers

# Where shop/urls.py mounts the users app: tokens, registration, verification, /me.
AUTH_PATH = "/api/auth/"


class NoStoreMiddleware:
    """``Cache-Control: no-store`` on ``/api/auth/`` and on every response to a request
    that sent an ``Authorization`` header (api.md).

    A token response must not be stored (RFC 6749 §5.1), nor a customer's own data (their
    carts, orders, ``/me``): a browser's cache, or a proxy that ignores the header's
    meaning, would hand it to the next user of that machine. Sending credentials is what
    makes a response someone's own, whichever app answered it.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith(AUTH_PATH) or "Authorization" in request.headers:
            add_never_cache_headers(response)  # Django's: no-store, no-cache, private, max-age=0
        return response
