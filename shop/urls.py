from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("shop.core.urls")),
    path("api/auth/", include("shop.users.urls")),
    path("api/", include("shop.products.urls")),
    path("api/", include("shop.carts.urls")),
    path("api/", include("shop.checkouts.urls")),
    path("api/", include("shop.orders.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # Its page script as a file of its own (/api/docs/?script): the CSP allows no inline script.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="docs"),
]

handler400 = "shop.core.views.bad_request"
handler403 = "shop.core.views.permission_denied"
handler404 = "shop.core.views.not_found"
handler500 = "shop.core.views.server_error"
