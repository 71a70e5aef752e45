"""Search as a capable engineer first writes it: ``icontains``, newest first.

Every product whose name contains the term comes back, so it looks right in a
demo. But the order is the catalogue's (newest first): search "porcelain" and
the product called exactly "Porcelain" may be on page three.
"""


def product_search(products, term):
    return products.filter(name__icontains=term)
