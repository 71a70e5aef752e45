"""Pattern 04: count clients by an address they cannot forge."""

import ast
import re

from drf_review.engine import needs
from drf_review.syntax import string

PROXY_AWARE = re.compile(r"NUM_PROXIES|PROXY_COUNT|TRUSTED_PROXIES|num_proxies|proxy_count|ipware")
CLIENT_ADDRESS = {
    "HTTP_X_FORWARDED_FOR",
    "X-FORWARDED-FOR",
    "X_FORWARDED_FOR",
    "REMOTE_ADDR",
    "HTTP_X_REAL_IP",
    "X-REAL-IP",
}


@needs("REMOTE_ADDR", "FORWARDED", "orwarded", "REAL_IP", "eal-IP", "eal-ip", "EAL-IP")
def client_address_by_hand(ctx):
    """DRP041: ``X-Forwarded-For`` or ``REMOTE_ADDR`` read by hand, in any spelling.

    Not in a module that counts proxies (``NUM_PROXIES``, a trusted proxy count,
    ipware): that is the one place whose job is the client's address.
    """
    if ctx.module.is_test or PROXY_AWARE.search(ctx.module.source.text):
        return
    for node in ctx.nodes:
        key = None
        if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load):
            key = string(node.slice)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("get", "getlist", "pop")
            and node.args
        ):
            key = string(node.args[0])
        if key and key.upper() in CLIENT_ADDRESS:
            yield (
                "DRP041",
                node,
                f"Reads {key} by hand to tell clients apart: any client can make up "
                "X-Forwarded-For, and behind a proxy REMOTE_ADDR is the proxy's; ask the "
                "throttle's get_ident() (DRF's NUM_PROXIES rule) so that every limit counts "
                "the same address",
            )


NUM_PROXIES = (
    "NUM_PROXIES is None: DRF then takes the whole X-Forwarded-For header as the client's "
    "address, so a client that sends a made-up one gets a fresh budget from every IP-keyed "
    "throttle; set it to the number of proxies in front of the app (0 if none)"
)


@needs("NUM_PROXIES", "THROTTLE")
def num_proxies_unset(ctx):
    """DRP042: ``NUM_PROXIES = None``, or throttles configured with no ``NUM_PROXIES``."""
    set_later = any(
        isinstance(node, ast.Subscript)
        and isinstance(node.ctx, ast.Store)
        and string(node.slice) == "NUM_PROXIES"
        for node in ctx.nodes
    )
    for node in ctx.nodes:
        if isinstance(node, ast.Assign) and is_none(node.value):
            if any(isinstance(t, ast.Name) and t.id == "NUM_PROXIES" for t in node.targets):
                yield "DRP042", node, NUM_PROXIES
        elif isinstance(node, ast.Dict) and drf_settings(ctx, node):
            keys = {string(k): v for k, v in zip(node.keys, node.values, strict=True) if k}
            if "NUM_PROXIES" in keys and is_none(keys["NUM_PROXIES"]):
                yield "DRP042", node, NUM_PROXIES
            elif "DEFAULT_THROTTLE_CLASSES" in keys and "NUM_PROXIES" not in keys and not set_later:
                yield (
                    "DRP042",
                    node,
                    "REST_FRAMEWORK sets throttles but not NUM_PROXIES, which defaults to "
                    "None: DRF then takes the whole X-Forwarded-For header as the client's "
                    "address, and a made-up one is a fresh budget; set NUM_PROXIES to the "
                    "number of proxies in front of the app (0 if none)",
                )


def drf_settings(ctx, node: ast.Dict) -> bool:
    """``REST_FRAMEWORK = {...}``, or ``override_settings(REST_FRAMEWORK={...})``."""
    parent = ctx.parents.get(id(node))
    if isinstance(parent, ast.Assign):
        return any(isinstance(t, ast.Name) and t.id == "REST_FRAMEWORK" for t in parent.targets)
    return isinstance(parent, ast.keyword) and parent.arg == "REST_FRAMEWORK"


def is_none(node: ast.AST | None) -> bool:
    return isinstance(node, ast.Constant) and node.value is None
