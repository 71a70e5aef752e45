"""The ten patterns: each folder holds a story, a naive variant and the tests."""
