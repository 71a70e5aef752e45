"""Pattern 01: apps never import each other's models."""

import ast

from drf_review.engine import needs
from drf_review.project import import_base


@needs("models")
def cross_app_models(ctx):
    """DRP011: an import, outside ``if TYPE_CHECKING:``, of another app's ``models``."""
    if ctx.module.is_test:
        return
    project = ctx.project
    own = project.app_of(ctx.module.location)
    if own is None:
        return
    for node in ctx.nodes:
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = import_base(ctx.module, node)
            targets = [base, *(f"{base}.{alias.name}" for alias in node.names)]
        else:
            continue
        if ctx.where(node).type_checking:
            continue
        for target in targets:
            imported = project.module_of(target)
            if imported is None:
                continue
            other = project.app_of(imported.location)
            if other is None or other.folder == own.folder:
                continue
            first = imported.location.relative_to(other.folder).parts[0]
            if first in ("models.py", "models"):
                yield (
                    "DRP011",
                    node,
                    f"The {own.label} app imports the {other.label} app's models: name a "
                    f'foreign key by string ("{other.label}.Model") and call {other.label}\'s '
                    "services or selectors instead (an import for a type hint goes under "
                    "`if TYPE_CHECKING:`)",
                )
                break
