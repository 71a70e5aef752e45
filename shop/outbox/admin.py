from django.contrib import admin

from shop.outbox.models import OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    """Read-only: what is waiting, what failed and why. Only the relay changes a message."""

    list_display = [
        "id",
        "topic",
        "created_at",
        "delivered_at",
        "attempts",
        "retry_at",
        "last_error",
    ]
    list_filter = ["topic", ("delivered_at", admin.EmptyFieldListFilter), "created_at"]
    search_fields = ["=id", "topic"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
