"""Search as the article's section 7 ranks it: a Case/When annotation, then two sort keys.

Exact 100, prefix 50, substring 10, anything else 0; ``order_by('-search_rank',
'-created_at')``. As it stands, the snippet filters nothing: its last ``When``
and ``default=Value(0)`` keep every product, ranked 0 below the matches. And its
order stops at ``created_at``: products created in the same instant (a bulk
import) come back in whatever order the database's sort leaves them.
"""

from django.db.models import Case, IntegerField, Value, When


def product_search(products, term):
    return products.annotate(
        search_rank=Case(
            When(name__iexact=term, then=Value(100)),
            When(name__istartswith=term, then=Value(50)),
            When(name__icontains=term, then=Value(10)),
            default=Value(0),
            output_field=IntegerField(),
        )
    ).order_by("-search_rank", "-created_at")
