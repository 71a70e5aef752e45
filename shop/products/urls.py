from rest_framework.routers import SimpleRouter

from shop.products.views import ProductViewSet, SKUViewSet

router = SimpleRouter()
router.register("products", ProductViewSet, basename="product")
router.register("skus", SKUViewSet, basename="sku")

urlpatterns = router.urls
