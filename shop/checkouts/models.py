# Checkout owns no tables: it turns a cart (carts) into an order (orders), taking
# stock (products), in one service (pattern 08). The app is its place in the
# dependency graph (pattern 01): nothing depends on it.
