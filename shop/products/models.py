# Models arrive with this app's issue; the app exists now so that its place in
# the dependency graph (pattern 01) is fixed from the first commit.
