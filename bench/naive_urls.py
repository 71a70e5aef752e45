"""The shop's URLs with pattern 08's naive checkout view in place of the real one.

Only the checkout benchmark serves this (``settings_naive``), to put the naive
variant beside the service over real HTTP.
"""

from django.urls import path

from patterns.kata import load_naive
from servers import ROOT
from shop.urls import urlpatterns as shop_urlpatterns

naive = load_naive(str(ROOT / "patterns/08_service_layer/test_x.py"))

urlpatterns = [path("api/checkouts/", naive.CheckoutView.as_view()), *shop_urlpatterns]
