from django.urls import path

from shop.carts import views

urlpatterns = [
    path("carts/", views.CartListView.as_view(), name="cart-list"),
    path("carts/<int:cart_id>/", views.CartDetailView.as_view(), name="cart-detail"),
    path("carts/<int:cart_id>/items/", views.CartItemListView.as_view(), name="cart-item-list"),
    path(
        "carts/<int:cart_id>/items/<int:item_id>/",
        views.CartItemDetailView.as_view(),
        name="cart-item-detail",
    ),
]
