"""Fuzz: schemathesis against the shop's own OpenAPI schema, as a customer and as staff, on gunicorn.

``nox -s fuzz`` (or ``python -m bench.fuzz``); arguments go to ``st run``: ``-- --max-examples
100 --seed 1``, or ``-- --max-time 120`` to keep generating for 120 s per role.
"""

import json
import os
import subprocess
import sys
import tempfile
import time
from io import StringIO
from pathlib import Path

from bench.environment import shop_database
from bench.report import print_table
from servers.gunicorn import Gunicorn

MAX_EXAMPLES = 25  # per operation and phase
TIME_LIMIT = 300  # seconds per role: schemathesis is killed past it, and the role fails
GUNICORN_WORKERS = 4
CARTS = 3  # per role; the first is checked out, so each role also has one order
# One client thread: with several, hypothesis 6 on Python 3.11 can fail generating a
# case with "AST constructor recursion depth mismatch", an error of the tool, not the shop.
SCHEMATHESIS_WORKERS = 1
CHECKS = [
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
]
ROLES = {"customer": "fuzz-customer@example.com", "staff": "fuzz-staff@example.com"}


def main(extra: list[str]) -> int:
    """The demo catalogue and each role's account, carts and order; then schemathesis per role.

    Every response: no 5xx, documented (status, content type, headers), the body as the
    schema says. (It warns that the customer gets only 401/403 from the staff-only
    operations: that is the point.) One row per role; non-zero when any check failed.
    """
    reports = Path(tempfile.mkdtemp(prefix="shop-fuzz-"))
    with shop_database(
        # Fuzzing bad input, not the throttle: thousands of requests from one address.
        THROTTLE_RATE_ANON="100000000/min",
        THROTTLE_RATE_USER="100000000/min",
        THROTTLE_RATE_LOGIN="100000000/min",
        THROTTLE_RATE_REGISTER="100000000/min",
        OTEL_SDK_DISABLED="true",
    ):
        from django.core.management import call_command
        from django.db import connections
        from django.test.utils import override_settings

        with override_settings(DEBUG=True):  # seed_demo refuses production; this is a throwaway
            call_command("seed_demo", stdout=StringIO())
        configs = {}
        for role, email in ROLES.items():
            token, ids = seed_role(email, staff=role == "staff")
            configs[role] = write_config(reports / f"{role}.toml", ids)
            configs[role]["token"] = token
        connections.close_all()  # gunicorn's workers get their own
        rows = []
        # gunicorn itself answers a request line over 4094 bytes with an HTML 414 before
        # Django sees it: a deployment limit, not the shop's input handling.
        no_line_limit = ("--limit-request-line", "0")
        with Gunicorn(
            dict(os.environ), workers=GUNICORN_WORKERS, extra_args=no_line_limit
        ) as server:
            for role, config in configs.items():
                print(f"-- schemathesis as {role}", file=sys.stderr, flush=True)
                rows.append(fuzz(role, config, server.port, reports, extra))
        print(f"gunicorn's log: {server.log.name}", file=sys.stderr)
    print_summary(rows, reports, extra)
    return 0 if all(row["ok"] for row in rows) else 1


def seed_role(email: str, *, staff: bool) -> tuple[str, dict[str, list[int]]]:
    """A verified user, CARTS carts of two lines each, one checked out: its token and ids."""
    from django.utils import timezone

    from shop.carts.models import CartItem
    from shop.carts.services import cart_create, cart_item_add
    from shop.checkouts.services import order_place
    from shop.products.models import SKU, Product
    from shop.users.models import User
    from shop.users.serializers import ActiveUserTokenObtainPairSerializer

    user = User.objects.create_user(
        email,
        "fuzz-password-not-used",
        is_active=True,
        is_staff=staff,
        email_verified_at=timezone.now(),
    )
    skus = list(SKU.objects.exclude(code="LAST-1").order_by("pk").values_list("pk", flat=True))
    carts = []
    for n in range(CARTS):
        cart = cart_create(user=user)
        for sku_id in skus[n : n + 2]:
            cart_item_add(user=cart.user, cart_id=cart.pk, sku_id=sku_id, quantity=1)
        carts.append(cart)
    order = order_place(user=user, cart_id=carts[0].pk).order
    ids = {
        "carts": [cart.pk for cart in carts],
        "items": list(CartItem.objects.filter(cart__in=carts).values_list("pk", flat=True)),
        "skus": skus,
        # One path parameter, `id`, names a product, a SKU or an order: offer all three.
        "ids": sorted({*Product.objects.values_list("pk", flat=True), *skus, order.pk}),
    }
    token = str(ActiveUserTokenObtainPairSerializer.get_token(user).access_token)
    return token, ids


def write_config(path: Path, ids: dict[str, list[int]]) -> dict:
    """A schemathesis.toml: these ids are drawn for half the cases of each parameter."""
    bindings = {
        "path.cart_id": "carts",
        "body.cart_id": "carts",
        "path.item_id": "items",
        "body.sku_id": "skus",
        "path.id": "ids",
    }
    lines = []
    for name, values in ids.items():
        lines += [f"[dictionaries.{name}]", f"values = {values}", ""]
    lines.append("[parameters]")
    for key, name in bindings.items():
        lines.append(f'"{key}" = {{ dictionary = "{name}", probability = 0.5 }}')
    path.write_text("\n".join(lines) + "\n")
    return {"path": path}


def fuzz(role: str, config: dict, port: int, reports: Path, extra: list[str]) -> dict:
    report = reports / f"{role}.json"
    command = [
        sys.executable,
        "-m",
        "schemathesis.cli",
        "--config-file",
        str(config["path"]),
        "run",
        f"http://127.0.0.1:{port}/api/schema/?format=json",
        "--url",
        f"http://127.0.0.1:{port}",
        "--header",
        f"Authorization: Bearer {config['token']}",
        "--checks",
        ",".join(CHECKS),
        "--max-examples",
        str(MAX_EXAMPLES),
        "--workers",
        str(SCHEMATHESIS_WORKERS),
        "--generation-database",
        "none",  # every run starts fresh: no .hypothesis directory left behind
        "--report",
        "json,junit",
        "--report-json-path",
        str(report),
        "--report-junit-path",
        str(reports / f"{role}.xml"),
        "--no-color",
        *extra,
    ]
    began = time.monotonic()
    try:
        exit_code = subprocess.run(command, cwd=reports, timeout=TIME_LIMIT).returncode
    except subprocess.TimeoutExpired:
        exit_code = None
    seconds = time.monotonic() - began
    document = json.loads(report.read_text()) if report.exists() else {}
    cases = document.get("test_cases", {})
    return {
        "role": role,
        "operations": (document.get("operations") or {}).get("tested", "?"),
        "cases": cases.get("generated", "?"),
        "failures": cases.get("unique_failures", "?"),
        "errors": sum(error["count"] for error in document.get("errors", [])),
        "seconds": seconds,
        "exit": "timeout" if exit_code is None else exit_code,
        "ok": exit_code == 0,
    }


def print_summary(rows: list[dict], reports: Path, extra: list[str]) -> None:
    title = (
        f"schemathesis, at most {MAX_EXAMPLES} cases per operation and phase, "
        f"{TIME_LIMIT} s per role; gunicorn {GUNICORN_WORKERS} workers on PostgreSQL; "
        f"checks: {', '.join(CHECKS)}" + (f"; then: {' '.join(extra)}" if extra else "")
    )
    columns = ["role", "operations", "cases", "failures", "errors", "seconds", "exit"]
    cells = [[r[name] for name in columns[:5]] + [f"{r['seconds']:.0f}", r["exit"]] for r in rows]
    print_table(title, columns, cells)
    print(f"Reports (JSON, JUnit): {reports}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
