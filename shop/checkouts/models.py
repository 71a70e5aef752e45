# Checkout owns no tables: it turns a cart (carts) into an order (orders), taking
# stock (products), in one service. The app is its place in the dependency graph:
# nothing depends on it.
