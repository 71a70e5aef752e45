"""Pattern 01: one domain, one app, and dependencies that point one way."""

import importlib.util
import re
from pathlib import Path

import pytest
from django.apps import apps
from importlinter.application.use_cases import create_report, read_user_options
from importlinter.application.user_options import UserOptions
from importlinter.configuration import configure
from importlinter.contracts.forbidden import ForbiddenContract
from importlinter.contracts.layers import LayersContract
from importlinter.contracts.protected import ProtectedContract
from importlinter.domain.contract import registry

from kata.variants import Fails, Kata, said, variant_path

# import-linter's own wiring, done by its command line when run as `lint-imports`.
configure()
registry.register(ForbiddenContract, "forbidden")
registry.register(LayersContract, "layers")
registry.register(ProtectedContract, "protected")

REPO = Path(__file__).resolve().parents[2]
TREES = [variant_path(__file__, "naive"), variant_path(__file__, "article")]
DOMAIN_APPS = ["core", "users", "products", "carts", "checkouts", "orders"]

kata = Kata(naive="naive_shop", article="article_shop", shop="shop")


def broken_contracts(root_package: str) -> list[str]:
    """Run the shop's import-linter contracts (pyproject.toml) over ``root_package``."""
    options = read_user_options(str(REPO / "pyproject.toml"))
    contracts = [
        rebase(contract, root_package)
        for contract in options.contracts_options
        if not contract["id"].startswith("repository-")  # the repository's, not the shop's
    ]
    if root_package != "shop":  # a sample tree: it predates the outbox app
        contracts = [kept for kept in map(over_present_modules, contracts) if kept]
    rebased = UserOptions(
        session_options=rebase(options.session_options, root_package),
        contracts_options=contracts,
    )
    report = create_report(rebased, cache_dir=None)
    return [
        f"{contract.name} ({describe(check.metadata)})"
        for contract, check in report.get_contracts_and_checks()
        if not check.kept
    ]


def rebase(value, root_package: str):
    """The same contract, with ``shop`` replaced by another root package."""
    if isinstance(value, str):
        return re.sub(r"\bshop(?=\.|\b)", root_package, value)
    if isinstance(value, list | tuple | set):
        return type(value)(rebase(item, root_package) for item in value)
    if isinstance(value, dict):
        return {key: rebase(item, root_package) for key, item in value.items()}
    return value


def over_present_modules(contract: dict) -> dict | None:
    """The contract without the modules its tree lacks; None if it is left guarding nothing.

    import-linter refuses to check a module that does not exist. The shop's contracts
    are not filtered: a module they name and the shop lacks is a mistake.
    """
    contract = dict(contract)
    if "layers" in contract:
        layers = [re.split(r"\s*\|\s*", layer) for layer in contract["layers"]]
        contract["layers"] = [
            " | ".join(present) for layer in layers if (present := list(filter(exists, layer)))
        ]
    for key in ("source_modules", "forbidden_modules", "protected_modules", "allowed_importers"):
        if key in contract:
            contract[key] = list(filter(exists, contract[key]))
    if contract.get("protected_modules") == [] or contract.get("source_modules") == []:
        return None
    return contract


def exists(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:  # its parent package is missing too
        return False


def describe(metadata: dict) -> str:
    """The offending imports of a broken contract, in a few words, in a stable order."""
    links = [(d["importer"], d["imported"]) for d in metadata.get("invalid_dependencies", [])]
    for broken in metadata.get("illegal_imports", []):
        links += [(link["importer"], link["imported"]) for link in broken.illegal_links]
    for chain in metadata.get("invalid_chains", []):
        links.append((chain["downstream_module"], chain["upstream_module"]))
    if not links:
        return "see lint-imports"
    importer, imported = sorted(links)[0]
    more = f", and {len(links) - 1} more" if len(links) > 1 else ""
    return f"{importer} imports {imported}{more}"


@pytest.fixture
def importable_trees(monkeypatch):
    for tree in TREES:
        monkeypatch.syspath_prepend(str(tree))


@kata(
    naive=Fails("the naive tree's apps import each other's models both ways"),
    article=Fails(
        "its own snippets break its rule: the catalogue's delete view imports orders' "
        "models, and the checkout service imports the models of orders and products"
    ),
)
def test_every_import_contract_is_kept(variant, importable_trees):
    broken = broken_contracts(variant)

    assert not broken, said(
        f"checked the import contracts over {variant}", "broken: " + "; ".join(broken), "all kept"
    )


def test_the_shop_is_six_django_apps_one_per_domain():
    labels = {config.label: config.name for config in apps.get_app_configs()}

    for label in DOMAIN_APPS:
        assert labels.get(label) == f"shop.{label}", f"shop.{label} is not an installed app"
        assert (REPO / "shop" / label / "migrations" / "__init__.py").exists()
