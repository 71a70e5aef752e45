"""The codes: one per rule, ``DRP`` + the pattern's two-digit number + one digit.

Each rule knows its pattern, a short name (SARIF's ``name``), a one-line summary
(SARIF's ``shortDescription``) and whether it runs by default. Its message, one
sentence on what is wrong and what to do, is written where the rule finds it
(``drf_review/rules/``), and ``message()`` ends it with the pattern's README link.
"""

from dataclasses import dataclass

# The kata's pattern folders: the README links point at them.
PATTERNS = {
    "00": ("", "The file itself"),
    "01": ("01_domain_apps", "Split apps by domain"),
    "02": ("02_custom_user", "Custom user from day one"),
    "03": ("03_jwt_is_active", "JWT and is_active"),
    "04": ("04_staff_throttle", "Staff-exempt throttles"),
    "05": ("05_opentelemetry", "OpenTelemetry from the start"),
    "06": ("06_soft_hard_delete", "Soft delete by default, hard delete on purpose"),
    "07": ("07_search_ranking", "Ranked search"),
    "08": ("08_service_layer", "Checkout as a service"),
    "09": ("09_order_snapshots", "Immutable order snapshots"),
    "10": ("10_on_commit", "Side effects after commit"),
}

# Where the links point: a path from the kata's repository root, or, with the
# `docs-url` setting, that base URL followed by the same path.
README = "patterns/{folder}/README.md"
REVIEW_PAGE = "patterns/README.md"


@dataclass(frozen=True)
class Rule:
    code: str
    name: str  # kebab-case, for SARIF
    summary: str  # one line: what it catches
    default: bool = True  # False: runs only when selected by its full code

    @property
    def pattern(self) -> str:
        return self.code[3:5]


RULES = {
    rule.code: rule
    for rule in [
        Rule("DRP000", "unreadable-file", "A file the checker cannot read or parse."),
        Rule(
            "DRP011",
            "cross-app-models-import",
            "An app imports another app's models outside `if TYPE_CHECKING:`.",
        ),
        Rule("DRP021", "auth-user-directly", "Django's built-in `auth.User` used directly."),
        Rule(
            "DRP022",
            "case-sensitive-unique-identity",
            "`unique=True` on an email or username with no case-insensitive constraint beside it.",
        ),
        Rule(
            "DRP031",
            "password-reset-token-for-verification",
            "`default_token_generator` (the password-reset generator) behind an email verification.",
        ),
        Rule(
            "DRP032",
            "token-hash-fields-run-together",
            "A `_make_hash_value` that runs fields together with no separator.",
        ),
        Rule(
            "DRP033",
            "token-for-user-unchecked",
            "`RefreshToken.for_user()` or `AccessToken.for_user()` with no `is_active` check.",
        ),
        Rule(
            "DRP041",
            "client-address-by-hand",
            "`X-Forwarded-For` or `REMOTE_ADDR` read by hand to tell clients apart.",
        ),
        Rule(
            "DRP042",
            "num-proxies-unset",
            "DRF's `NUM_PROXIES` left at `None`: a made-up `X-Forwarded-For` is a new client.",
        ),
        Rule(
            "DRP051",
            "psycopg2-instrumentor-on-psycopg3",
            "The psycopg2 instrumentor in a project that depends on psycopg 3.",
        ),
        Rule(
            "DRP052",
            "django-instrumented-too-late",
            "Django instrumented after its handler is built (after `get_wsgi_application()`, "
            "in `urls.py` or a view module).",
        ),
        Rule(
            "DRP053",
            "span-exporter-hard-coded",
            "A span exporter built unconditionally instead of from `OTEL_TRACES_EXPORTER`.",
        ),
        Rule(
            "DRP061",
            "delete-endpoint-hard-deletes",
            "A DELETE endpoint that hard-deletes a model other rows protect, with no opt-in.",
        ),
        Rule(
            "DRP062",
            "hard-delete-flag-by-truthiness",
            "A `?hard=` (or `force`, `purge`) flag read by hand, by truthiness or a word list.",
        ),
        Rule(
            "DRP063",
            "check-then-delete-uncaught",
            "A reference check, then `.delete()`, with no `except (ProtectedError, IntegrityError)`.",
        ),
        Rule(
            "DRP071",
            "ranked-order-without-unique-key",
            "A ranked search ordered with no unique last key: ties change places between pages.",
        ),
        Rule(
            "DRP072",
            "unranked-search",
            "A search function that returns substring matches in no ranked order.",
        ),
        Rule(
            "DRP081",
            "row-locks-in-no-fixed-order",
            "`select_for_update()` over many rows with no `order_by`, or rows locked one by one "
            "in a loop.",
        ),
        Rule(
            "DRP082",
            "stock-written-back-from-python",
            "A stock-like field read, changed in Python and saved: concurrent writes are lost.",
        ),
        Rule(
            "DRP083",
            "check-then-create-without-constraint",
            "`filter(...).exists()` or `.first()` followed by `create` with no unique constraint "
            "on those fields.",
        ),
        Rule(
            "DRP091",
            "snapshot-rewritten-in-bulk",
            "`.update()` or `bulk_update()` on a snapshot model.",
        ),
        Rule(
            "DRP092",
            "snapshot-read-through-relation",
            'A snapshot model\'s serializer reading a field through a relation (`source="sku.…"`).',
        ),
        Rule(
            "DRP101",
            "side-effect-inside-transaction",
            "Mail, a queued task or an HTTP write inside a transaction (or a function one calls).",
        ),
        Rule(
            "DRP102",
            "on-commit-lambda-in-loop",
            "`on_commit(lambda: ...)` that captures a loop variable.",
        ),
        Rule(
            "DRP103",
            "on-commit-not-robust",
            "`on_commit()` without `robust=True` for a callback that sends something out, or "
            "`delay_on_commit()`: its failure turns a committed request into a 500.",
        ),
    ]
}


def link(pattern: str, docs_url: str = "") -> str:
    folder = PATTERNS[pattern][0]
    path = README.format(folder=folder) if folder else REVIEW_PAGE
    return f"{docs_url.rstrip('/')}/{path}" if docs_url else path


def message(code: str, sentence: str, docs_url: str = "") -> str:
    """The sentence, ended with a full stop, then the pattern's README link."""
    sentence = sentence.rstrip()
    if not sentence.endswith("."):
        sentence += "."
    return f"{sentence} See {link(RULES[code].pattern, docs_url)}"
