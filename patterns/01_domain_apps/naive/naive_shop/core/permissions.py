from rest_framework.permissions import BasePermission

# "core" was meant to be shared plumbing; a shortcut made it depend on users.
from naive_shop.users.models import User


class IsVerifiedCustomer(BasePermission):
    def has_permission(self, request, view):
        return isinstance(request.user, User) and request.user.is_active
