"""The kata's engine: the manifests, the variants, the walkthrough, the pattern and readmes
commands, practice and its watcher. The patterns themselves live in ``patterns/``."""
