"""Pattern 09: nothing rewrites an order's snapshot, and nothing reads around it."""

import ast

from drf_review.engine import needs
from drf_review.project import RELATIONS
from drf_review.rules.querysets import model_of
from drf_review.syntax import chain, keyword, last_name, string


@needs("update")
def snapshot_rewritten(ctx):
    """DRP091: ``.update()`` or ``bulk_update()`` on a snapshot model."""
    project = ctx.project
    if not (
        project.config.snapshot_models or any(m.marked_snapshot for m in project.models.values())
    ):
        return
    for node in ctx.nodes:
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("update", "bulk_update")
        ):
            continue
        function = ctx.where(node).function
        body = getattr(function, "body", None) or ctx.tree.body
        model = model_of(ctx, chain(node), body)
        if project.snapshot(model):
            yield (
                "DRP091",
                node,
                f"{node.func.attr}() rewrites {model.label}, a snapshot of a sale, and never "
                "calls save(), so no guard in the model sees it; leave the rows as they were "
                "written (only save(update_fields=[...]) for the fields that may change, such "
                "as a status), and refuse the UPDATE in the database",
            )


@needs("source=")
def snapshot_read_through_relation(ctx):
    """DRP092: a snapshot model's serializer with ``source="<relation>.…"``."""
    for cls in ctx.nodes:
        if not isinstance(cls, ast.ClassDef) or not any(
            "Serializer" in (last_name(b) or "") for b in cls.bases
        ):
            continue
        meta = next((n for n in cls.body if isinstance(n, ast.ClassDef) and n.name == "Meta"), None)
        if meta is None:
            continue
        model_node = next(
            (
                s.value
                for s in meta.body
                if isinstance(s, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id == "model" for t in s.targets)
            ),
            None,
        )
        model = model_of(ctx, model_node) if model_node is not None else None
        if model is None:
            model = ctx.project.model(ctx.resolve(model_node)) if model_node is not None else None
        if not ctx.project.snapshot(model):
            continue
        for statement in cls.body:
            if not (isinstance(statement, ast.Assign) and isinstance(statement.value, ast.Call)):
                continue
            source = string(keyword(statement.value, "source")) or ""
            relation = source.split(".")[0]
            found = model.fields.get(relation)
            if "." in source and found is not None and found.kind in RELATIONS:
                yield (
                    "DRP092",
                    statement,
                    f'source="{source}" reads today\'s {relation}, not what {model.name} kept '
                    "at the sale, so a rename or a new price rewrites every past order; show "
                    "the snapshot's own field",
                )
