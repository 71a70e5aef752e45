from django.contrib import admin

from shop.orders.models import SNAPSHOT_FIELDS, Order, OrderItem


class OrderItemInline(admin.TabularInline):
    model = OrderItem
    extra = 0
    can_delete = False
    fields = ["sku", *SNAPSHOT_FIELDS]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ["id", "user", "status", "total", "created_at"]
    list_filter = ["status", "created_at"]
    search_fields = ["user__email", "items__sku_code"]
    readonly_fields = ["user", "created_at", "total", "idempotency_key", "request_fingerprint"]
    inlines = [OrderItemInline]

    def has_add_permission(self, request) -> bool:
        return False  # orders come from checkout only

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        # Only the status may change (Order.save refuses anything else).
        obj.save(update_fields=["status"])
