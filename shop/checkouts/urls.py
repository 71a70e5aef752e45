from django.urls import path

from shop.checkouts.views import CheckoutView

urlpatterns = [
    path("checkouts/", CheckoutView.as_view(), name="checkout"),
]
