import django_filters

from shop.products.models import Product
from shop.products.selectors import product_search


class ProductFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(
        method="filter_search",
        max_length=200,
        help_text="Ranked: exact name match, then name prefix, then substring.",
    )

    class Meta:
        model = Product
        fields = ["search"]

    def filter_search(self, queryset, name, value):
        term = value.strip()
        return product_search(queryset, term) if term else queryset
