"""Production serving: gunicorn, debug off, after collectstatic, with no internet.

``/static/`` is served by the shop itself (WhiteNoise), so the admin has its
styles and Swagger UI its scripts (drf-spectacular-sidecar), with no web server
or CDN in front. First over plain HTTP, then in a real browser: headless
Chromium (Debian's ``chromium``), driven by Playwright without any browser
download, must render the API's operations and the admin's styled login page,
and fetch nothing from another host; both under a Content-Security-Policy that
allows no inline script, with no violation in the browser's console.
"""

import gzip
import re
import shutil

import pytest

from servers.gunicorn import Gunicorn, request
from servers.shop import manage, shop_environment

CHROMIUM = shutil.which("chromium")
# No network-hungry extras: this machine (and CI) has no internet.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    """The shop on gunicorn, debug off, its static files collected first; yields the base URL."""
    static_root = tmp_path_factory.mktemp("staticfiles")
    env = shop_environment(DJANGO_STATIC_ROOT=str(static_root), OTEL_SDK_DISABLED="true")
    manage(env, "collectstatic", "--noinput", "--verbosity", "0")
    with Gunicorn(env, workers=2) as server:
        yield f"http://127.0.0.1:{server.port}"


def get(base_url: str, path: str, headers: dict[str, str] | None = None):
    return request(int(base_url.rsplit(":", 1)[1]), "GET", path, headers=headers)


def assets_of(page: bytes) -> list[str]:
    return re.findall(r'(?:src|href)="(/static/[^"]+)"', page.decode())


# --- Over plain HTTP -----------------------------------------------------------------------


def test_the_admin_login_page_links_its_stylesheet_by_content_hashed_name(shop):
    page = get(shop, "/admin/login/")

    assert page.status == 200
    stylesheets = [a for a in assets_of(page.body) if a.endswith(".css")]
    assert any(re.search(r"/admin/css/base\.[0-9a-f]{12}\.css$", s) for s in stylesheets), (
        f"the admin login page links {stylesheets}, expected base.css by its hashed name"
    )


def test_a_hashed_static_file_is_served_compressed_and_cached_for_good(shop):
    stylesheet = next(
        a for a in assets_of(get(shop, "/admin/login/").body) if "/admin/css/base." in a
    )

    answer = get(shop, stylesheet, {"Accept-Encoding": "gzip"})

    assert answer.status == 200, f"GET {stylesheet} answered {answer!r}"
    assert answer.content_type.startswith("text/css")
    assert answer.headers.get("content-encoding") == "gzip"
    assert b"--primary" in gzip.decompress(answer.body), "not the admin's stylesheet"
    assert "immutable" in answer.headers.get("cache-control", ""), answer.headers


def test_every_asset_of_the_api_docs_is_served_by_the_shop(shop):
    page = get(shop, "/api/docs/")
    assets = assets_of(page.body)

    assert any("swagger-ui-bundle" in a for a in assets), assets
    assert {a: get(shop, a).status for a in assets} == dict.fromkeys(assets, 200)


@pytest.mark.parametrize("path", ["/admin/login/", "/api/docs/"])
def test_the_pages_a_browser_renders_allow_only_the_shops_own_scripts(shop, path):
    policy = get(shop, path).headers.get("content-security-policy", "")

    directives = {d.split()[0]: d.split()[1:] for d in policy.split(";") if d.strip()}
    assert directives.get("script-src") == ["'self'"], f"{path} answered CSP {policy!r}"
    assert directives.get("default-src") == ["'self'"], f"{path} answered CSP {policy!r}"


# --- In a real browser ------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """Headless Chromium with a fresh profile; the tests below skip, saying why, without it."""
    if CHROMIUM is None:
        pytest.skip("no chromium on PATH (Debian: apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is in the test extra")
    with sync_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),  # --user-data-dir
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_FLAGS,
        )
        yield context
        context.close()


@pytest.fixture
def page(browser, shop):
    """A browser tab that records every URL it requests, every failed request, and every
    error or warning in its console (where a Content-Security-Policy violation shows)."""
    tab = browser.new_page()
    tab.requested, tab.failed, tab.console = [], [], []
    tab.on("request", lambda r: tab.requested.append(r.url))
    tab.on("requestfailed", lambda r: tab.failed.append(f"{r.url} ({r.failure})"))
    tab.on("console", lambda m: tab.console.append(f"{m.type}: {m.text} ({m.location['url']})"))
    yield tab
    tab.close()


def problems(console: list[str]) -> list[str]:
    """The console's errors and warnings, but the browser's own ask for /favicon.ico (a 404)."""
    return [
        line
        for line in console
        if line.startswith(("error", "warning")) and not line.endswith("/favicon.ico)")
    ]


def only_from(shop: str, urls: list[str]) -> list[str]:
    return [url for url in urls if not url.startswith(shop + "/")]


def test_swagger_ui_renders_every_operation_with_no_internet(page, shop):
    schema = get(shop, "/api/schema/?format=json").json()
    operations = sorted(
        f"{method.upper()} {path}"
        for path, item in schema["paths"].items()
        for method in item
        if method in {"get", "post", "put", "patch", "delete"}
    )

    page.goto(f"{shop}/api/docs/")
    page.wait_for_selector(".opblock-summary-path", timeout=30_000)

    rendered = sorted(
        f"{method.strip()} {path.strip()}".replace("\u200b", "")
        for method, path in zip(
            page.locator(".opblock-summary-method").all_inner_texts(),
            page.locator(".opblock-summary-path").all_inner_texts(),
            strict=True,
        )
    )
    assert rendered == operations, "Swagger UI did not render the schema's operations"
    assert only_from(shop, page.requested) == [], "the docs page fetched from another host"
    assert page.failed == []
    assert problems(page.console) == [], "the browser's console reported errors (CSP?)"


def test_the_admin_login_page_is_styled(page, shop):
    page.goto(f"{shop}/admin/login/")
    page.wait_for_load_state("load")

    # Without its stylesheet the header has no background: transparent.
    header = page.evaluate("getComputedStyle(document.querySelector('#header')).backgroundColor")
    assert header not in {"rgba(0, 0, 0, 0)", "transparent"}, (
        f"the admin header's background is {header}: its stylesheet did not load"
    )
    assert page.locator("#id_username").is_visible()
    assert only_from(shop, page.requested) == []
    assert page.failed == []
    assert problems(page.console) == [], "the browser's console reported errors (CSP?)"
