"""The shop's URLs with pattern 08's naive checkout view in place of the real one (``settings_naive.py``).

The contention run serves it to put the naive variant beside the service over real HTTP.
"""

from django.urls import path

from kata import manifest, variants
from shop.urls import urlpatterns as shop_urlpatterns

naive = variants.load(manifest.pattern("08"), "naive")

urlpatterns = [path("api/checkouts/", naive.CheckoutView.as_view()), *shop_urlpatterns]
