"""Serve a test's own views: a URLconf made for one test."""

import sys
from types import ModuleType


def mount(settings, urlpatterns: list) -> None:
    """Serve ``urlpatterns`` as the whole site for one test (pytest-django ``settings``)."""
    module = ModuleType(f"kata_urls_{id(urlpatterns)}")
    module.urlpatterns = urlpatterns
    sys.modules[module.__name__] = module
    settings.ROOT_URLCONF = module.__name__
