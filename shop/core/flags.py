"""Yes or no in a query string (``?hard=true``), spelled the one way the API accepts.

The environment's booleans are environs' (``shop/environment.py``).
"""

TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off"})


def parse_flag(value: str) -> bool | None:
    """True or False for a word the shop accepts, in any letter case; None for anything else.

    An unrecognised word is the caller's to refuse (a 400, a start-up error):
    read as "no", a misspelt ``?hard=ture`` would silently archive instead of purge.
    """
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return None


def accepted_words() -> str:
    return ", ".join(sorted(TRUE_WORDS | FALSE_WORDS))
