"""Pattern 02: a custom user from the first migration; one account per address in any case."""

import ast
import re

from drf_review.engine import needs
from drf_review.syntax import string

AUTH_USER = "django.contrib.auth.models.User"
EMAIL = re.compile(r"^(email|email_address)$")
USERNAME = re.compile(r"^(username|user_name|login|handle)$")
ACCOUNT = re.compile(r"User|Account|Customer|Member")  # a model of people who log in


@needs("auth")
def auth_user(ctx):
    """DRP021: ``django.contrib.auth.models.User`` or ``"auth.User"`` in app code.

    Not in tests, nor in a module that handles the swap itself (it defines
    ``get_user_model`` or ``AUTH_USER_MODEL``: a compatibility layer).
    """
    if ctx.module.is_test or {"get_user_model", "AUTH_USER_MODEL"} & ctx.module.defined:
        return
    advice = (
        "point foreign keys at settings.AUTH_USER_MODEL and get the model from "
        "get_user_model(), so that a custom user (from the first migration) is the one used"
    )
    for node in ctx.nodes:
        if isinstance(node, ast.ImportFrom) and node.module == "django.contrib.auth.models":
            if any(alias.name == "User" for alias in node.names):
                yield "DRP021", node, f"Imports Django's built-in User: {advice}"
        elif isinstance(node, ast.Attribute) and ctx.resolve(node) == AUTH_USER:
            yield "DRP021", node, f"Uses Django's built-in User: {advice}"
        elif isinstance(node, ast.Call):
            args = [string(a) for a in node.args] + [string(k.value) for k in node.keywords]
            if "AUTH_USER_MODEL" in args:
                continue  # getattr(settings, "AUTH_USER_MODEL", "auth.User"): Django's default
            if any(a and a.lower() == "auth.user" for a in args) or (
                len(args) >= 2 and (args[0] or "").lower() == "auth" and args[1] == "User"
            ):
                yield "DRP021", node, f'Names "auth.User": {advice}'


@needs("unique")
def case_sensitive_identity(ctx):
    """DRP022: ``unique=True`` on an email or username with no ``Lower()`` constraint."""
    if ctx.module.is_test:
        return  # a test's model holds no accounts
    for model in ctx.project.models.values():
        if model.module is not ctx.module:
            continue
        lowered = lowercased_fields(model.node)
        for name, found in model.fields.items():
            if found.node is None or not found.unique or found.case_insensitive:
                continue
            if found.kind in ("OneToOneField", "ForeignKey", "SlugField") and name != "username":
                continue
            account = ACCOUNT.search(model.name) or any(
                "AbstractBaseUser" in b or "AbstractUser" in b for b in model.bases
            )
            if not (
                found.kind == "EmailField"
                or EMAIL.match(name)
                or (account and USERNAME.match(name))
            ):
                continue
            if name in model.lower_unique or name in lowered:
                continue
            if not model.node.lineno <= found.node.lineno <= (model.node.end_lineno or 0):
                continue  # inherited from a parent: said there
            yield (
                "DRP022",
                found.node,
                f"{model.name}.{name} is unique=True, which compares bytes: "
                f'"Ann@x.io" and "ann@x.io" become two accounts; add '
                f'UniqueConstraint(Lower("{name}"), name=...) to Meta.constraints and look '
                "accounts up case-insensitively",
            )


def lowercased_fields(cls: ast.ClassDef) -> set[str]:
    """Fields the class itself lowercases before saving: ``self.email = self.email.lower()``."""
    found = set()
    for node in ast.walk(cls):
        if isinstance(node, ast.Assign) and any(
            isinstance(n, ast.Call)
            and isinstance(n.func, ast.Attribute)
            and n.func.attr in ("lower", "casefold")
            for n in ast.walk(node.value)
        ):
            for target in node.targets:
                if isinstance(target, ast.Attribute):
                    found.add(target.attr)
    return found
