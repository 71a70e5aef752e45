"""The rules, one module per pattern; each function yields ``(code, node, sentence)``."""

from drf_review.rules import (
    apps,
    checkout,
    deletes,
    search,
    side_effects,
    snapshots,
    telemetry,
    throttles,
    tokens,
    users,
)

CHECKS = [
    apps.cross_app_models,  # DRP011
    users.auth_user,  # DRP021
    users.case_sensitive_identity,  # DRP022
    tokens.reset_token_for_verification,  # DRP031
    tokens.hash_fields_run_together,  # DRP032
    tokens.token_for_unchecked_user,  # DRP033
    throttles.client_address_by_hand,  # DRP041
    throttles.num_proxies_unset,  # DRP042
    telemetry.psycopg2_instrumentor,  # DRP051
    telemetry.instrumented_too_late,  # DRP052
    telemetry.exporter_hard_coded,  # DRP053
    deletes.delete_endpoint_hard_deletes,  # DRP061
    deletes.flag_by_hand,  # DRP062
    deletes.check_then_delete,  # DRP063
    search.ranked_order_without_unique_key,  # DRP071
    search.unranked_search,  # DRP072
    checkout.unordered_locks,  # DRP081
    checkout.stock_from_python,  # DRP082
    checkout.check_then_create,  # DRP083
    snapshots.snapshot_rewritten,  # DRP091
    snapshots.snapshot_read_through_relation,  # DRP092
    side_effects.side_effect_in_transaction,  # DRP101
    side_effects.lambda_in_loop,  # DRP102
    side_effects.on_commit_not_robust,  # DRP103
]
