"""drf-review's tests need no database: they read files and run the command."""

# The fixtures are code for the checker to read, some of it named like tests on purpose.
collect_ignore_glob = ["fixtures/*"]
