from django.contrib import admin

from shop.products import services
from shop.products.models import SKU, Product


class SKUInline(admin.TabularInline):
    model = SKU
    extra = 0
    fields = ["code", "price", "stock"]


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["name", "is_active", "created_at"]
    list_filter = ["is_active", "created_at"]
    search_fields = ["name", "skus__code"]
    inlines = [SKUInline]
    actions = ["archive", "restore"]

    # Through the services, like the API: a rule added there holds here too.
    @admin.action(description="Archive (soft delete) the selected products")
    def archive(self, request, queryset):
        for product in queryset:
            services.product_archive(product=product)

    @admin.action(description="Restore the selected products")
    def restore(self, request, queryset):
        for product in queryset:
            services.product_update(product=product, is_active=True)


@admin.register(SKU)
class SKUAdmin(admin.ModelAdmin):
    list_display = ["code", "product", "price", "stock"]
    list_filter = ["product__is_active"]
    search_fields = ["code", "product__name"]
    list_select_related = ["product"]
    raw_id_fields = ["product"]
