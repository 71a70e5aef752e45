"""Each pattern's facts, in one place: ``patterns/NN_name/pattern.toml``.

A pattern is a folder with a manifest. The manifest gives its number, title
and rule; the review questions, in order (practice's hints); what breaking the
rule looks like in a diff; the file or folder of each variant (what the tests
load and practice copies); where the shop does it (what ``practice --watch``
names once every test passes); the shop's own tests that pin it; the
verdict on the article's advice, which ``nox -s readmes`` checks against a run;
and its mutants: the shop broken one rule at a time, each with the tests that
must catch it (``kata/mutants.py`` runs them: ``nox -s mutants``).

Each symptom names the drf-review codes that catch it (``review/``, the checker
a team runs on its own code) and whether the article's variant has it; one test
(``tests/kata/test_review_rules.py``) runs the checker over the variants and holds
the two to each other.

Read by the commands (``kata/walkthrough.py``, ``kata/pattern.py``,
``kata/readmes.py``, ``kata/practice.py``) and ``kata/variants.py``; written into the
READMEs by ``kata/readme_blocks.py``. Adding a pattern: one folder, one
manifest.
"""

import ast
import os
import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PATTERNS = REPO / "patterns"  # the ten folders, each with its manifest
MANIFEST = "pattern.toml"
VERDICTS = ("holds", "fails")
CODE = re.compile(r"DRP(\d\d)\d")  # drf-review's codes: DRP + the pattern's number + a digit
ORIGINS = ("naive", "article")  # the variants a learner may start from


class ManifestError(ValueError):
    """A manifest that cannot be read as a pattern: the message names the file and the fault."""


@dataclass(frozen=True)
class ShopPart:
    """A function, class or setting in the shop (``name`` may be dotted: ``View.post``)."""

    file: str
    name: str


@dataclass(frozen=True)
class Mutant:
    """The shop broken in one small, exact edit: ``find`` (found exactly once in ``file``)
    becomes ``replace``, and one of ``killed_by`` (test files or node ids) must fail.

    ``equivalent`` says why a mutant no test can tell from the shop still behaves the
    same; such a mutant may survive. ``id`` is unique in the whole catalogue.
    """

    id: str
    what: str
    file: str
    find: str
    replace: str
    killed_by: tuple[str, ...]
    equivalent: str = ""


MUTANT_FIELDS = {"id", "what", "file", "find", "replace", "killed_by"}
MUTANT_OPTIONAL = {"equivalent"}


@dataclass(frozen=True)
class Symptom:
    """What breaking the rule looks like in a diff, and who catches it.

    ``codes``: the drf-review codes that flag it (none where no rule can be precise);
    ``article``: "fails" when the article's variant has the symptom, "holds" when not;
    ``unseen``: why the checker cannot see it in the article's variant, where the article
    fails in a way its code does not show (a constraint the test drops, a missing guard).
    """

    text: str
    codes: tuple[str, ...] = ()
    article: str = "holds"
    unseen: str = ""


@dataclass(frozen=True)
class Pattern:
    path: Path  # patterns/04_staff_throttle
    number: str  # "04"
    title: str
    rule: str
    hints: tuple[str, ...]
    symptoms: tuple[Symptom, ...]
    shop_tests: tuple[str, ...]
    proof_note: str
    article_verdict: str  # "holds" or "fails"
    article_why: str
    variants: dict[str, str]  # role -> file or folder, relative to the pattern's folder
    shop: tuple[ShopPart, ...]
    mutants: tuple[Mutant, ...] = ()

    @property
    def folder(self) -> str:
        return self.path.name

    def variant_file(self, role: str) -> Path:
        """The variant's file or folder in this pattern's folder."""
        if role not in self.variants:
            raise ManifestError(
                f"patterns/{self.folder}/{MANIFEST} names no {role!r} variant "
                f"(it has {', '.join(self.variants)})"
            )
        return self.path / self.variants[role].rstrip("/")

    def test_files(self) -> list[Path]:
        return sorted(self.path.glob("test_*.py"))

    @property
    def codes(self) -> tuple[str, ...]:
        """Every drf-review code of this pattern's symptoms, in order."""
        return tuple(code for symptom in self.symptoms for code in symptom.codes)


FIELDS = {
    "number": str,
    "title": str,
    "rule": str,
    "hints": list,
    "symptoms": list,
    "shop_tests": list,
    "proof_note": str,
    "article": dict,
    "variants": dict,
    "shop": list,
    "mutants": list,
}
OPTIONAL = {"proof_note": "", "mutants": []}


def read(folder: Path) -> Pattern:
    """The manifest of one pattern folder, checked: any fault raises ``ManifestError``."""
    where = f"patterns/{folder.name}/{MANIFEST}"
    try:
        data = tomllib.loads((folder / MANIFEST).read_text())
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ManifestError(f"{where}: {error}") from error
    unknown = set(data) - set(FIELDS)
    missing = set(FIELDS) - set(data) - set(OPTIONAL)
    if unknown or missing:
        raise ManifestError(f"{where}: unknown keys {sorted(unknown)}, missing {sorted(missing)}")
    data = {**OPTIONAL, **data}
    for key, kind in FIELDS.items():
        if not isinstance(data[key], kind):
            raise ManifestError(f"{where}: {key} must be a {kind.__name__}")
    if not folder.name.startswith(f"{data['number']}_") or not re.fullmatch(
        r"\d\d", data["number"]
    ):
        raise ManifestError(f"{where}: number {data['number']!r} is not the folder's")
    article = data["article"]
    if set(article) != {"verdict", "why"} or article["verdict"] not in VERDICTS:
        raise ManifestError(f"{where}: [article] needs verdict ({' or '.join(VERDICTS)}) and why")
    if "naive" not in data["variants"]:
        raise ManifestError(f"{where}: [variants] needs naive")
    for role, name in data["variants"].items():
        if not (folder / name.rstrip("/")).exists():
            raise ManifestError(f"{where}: variant {role}: {name} does not exist")
    symptoms = read_symptoms(data["symptoms"], data["number"], where)
    parts = []
    for part in data["shop"]:
        if set(part) != {"file", "name"}:
            raise ManifestError(f"{where}: each [[shop]] needs file and name, got {sorted(part)}")
        parts.append(ShopPart(part["file"], part["name"]))
    mutants = tuple(read_mutant(where, table) for table in data["mutants"])
    return Pattern(
        path=folder,
        number=data["number"],
        title=data["title"],
        rule=data["rule"],
        hints=tuple(data["hints"]),
        symptoms=symptoms,
        shop_tests=tuple(data["shop_tests"]),
        proof_note=data["proof_note"],
        article_verdict=article["verdict"],
        article_why=article["why"],
        variants=dict(data["variants"]),
        shop=tuple(parts),
        mutants=mutants,
    )


def read_mutant(where: str, table: object) -> Mutant:
    """One ``[[mutants]]`` table, checked: its keys, and each value's type."""
    if not isinstance(table, dict):
        raise ManifestError(f"{where}: each [[mutants]] must be a table")
    keys = set(table)
    if not MUTANT_FIELDS <= keys <= MUTANT_FIELDS | MUTANT_OPTIONAL:
        raise ManifestError(
            f"{where}: mutant {table.get('id', '?')!r} needs {sorted(MUTANT_FIELDS)} "
            f"(and may say {sorted(MUTANT_OPTIONAL)}), got {sorted(keys)}"
        )
    killed_by = table["killed_by"]
    strings = [table[key] for key in keys - {"killed_by"}]
    if not all(isinstance(value, str) for value in strings) or not (
        isinstance(killed_by, list) and killed_by and all(isinstance(t, str) for t in killed_by)
    ):
        raise ManifestError(
            f"{where}: mutant {table['id']!r}: killed_by is a non-empty list of tests, "
            "the rest are strings"
        )
    if (
        not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", table["id"])
        or table["find"] == table["replace"]
    ):
        raise ManifestError(
            f"{where}: mutant {table['id']!r}: its id is lowercase-with-dashes, and its "
            "replacement differs from the text it replaces"
        )
    return Mutant(**{**table, "killed_by": tuple(killed_by)})


SYMPTOM_KEYS = {"text", "codes", "article", "unseen"}


def read_symptoms(entries: list, number: str, where: str) -> tuple[Symptom, ...]:
    """The ``[[symptoms]]`` tables, checked: each has text, codes of this pattern (each code
    once in the manifest), the article's holds or fails, and ``unseen`` only where it fails."""
    symptoms, seen = [], set()
    for entry in entries:
        if (
            not isinstance(entry, dict)
            or set(entry) - SYMPTOM_KEYS
            or not {"text", "codes", "article"} <= set(entry)
        ):
            raise ManifestError(
                f"{where}: each [[symptoms]] needs text, codes and article (unseen optional), "
                f"got {entry!r:.80}"
            )
        codes = entry["codes"]
        if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
            raise ManifestError(f"{where}: symptom codes must be a list of strings")
        for code in codes:
            match = CODE.fullmatch(code)
            if not match or match.group(1) != number:
                raise ManifestError(
                    f"{where}: {code!r} is not a code of pattern {number} (DRP{number}1)"
                )
            if code in seen:
                raise ManifestError(f"{where}: {code} is listed beside two symptoms")
            seen.add(code)
        if entry["article"] not in VERDICTS:
            raise ManifestError(f"{where}: a symptom's article is {' or '.join(VERDICTS)}")
        if entry.get("unseen") and entry["article"] != "fails":
            raise ManifestError(f"{where}: unseen is for a symptom the article fails on")
        symptoms.append(
            Symptom(entry["text"], tuple(codes), entry["article"], entry.get("unseen", ""))
        )
    return tuple(symptoms)


def dangling(pattern: Pattern) -> list[str]:
    """What the manifest names in the shop that is not there (a renamed function, a moved test)."""
    where = f"patterns/{pattern.folder}/{MANIFEST}"
    return [
        *(
            f"{where}: {part.file} does not define {part.name}"
            for part in pattern.shop
            if not defines(REPO / part.file, part.name)
        ),
        *(
            f"{where}: shop_tests: {test} does not exist"
            for test in pattern.shop_tests
            if not (REPO / test).is_file()
        ),
        *(f"{where}: mutant {m.id}: {fault}" for m in pattern.mutants for fault in rotten(m)),
    ]


APPLIED = "KATA_MUTANT_APPLIED"  # set by kata/mutants.py in a copy it has mutated: the id


def rotten(mutant: Mutant) -> list[str]:
    """What keeps a mutant from being applied or judged: its text no longer found exactly
    once in its file, or a test it names gone. In a copy where ``kata/mutants.py`` has
    applied it, its text is gone on purpose: this very check must not be what kills it."""
    path = REPO / mutant.file
    found = path.read_text().count(mutant.find) if path.is_file() else 0
    applied = os.environ.get(APPLIED) == mutant.id
    faults = (
        [] if found == 1 or applied else [f"{mutant.file} holds its text {found} times, not once"]
    )
    for test in mutant.killed_by:
        test_file, _, name = test.partition("::")
        if not (REPO / test_file).is_file():
            faults.append(f"killed_by: {test_file} does not exist")
        elif name and not defines(REPO / test_file, name.split("[")[0].replace("::", ".")):
            faults.append(f"killed_by: {test_file} defines no {name}")
    return faults


def defines(path: Path, name: str) -> bool:
    """Whether ``path`` defines ``name`` (``Class.method`` for a method); for a file that
    is not Python, whether it mentions it."""
    if not path.is_file():
        return False
    text = path.read_text()
    if path.suffix != ".py":
        return name in text
    scope: list[ast.stmt] = ast.parse(text).body
    for part in name.split("."):
        found = next((node for node in scope if part in names_defined(node)), None)
        if found is None:
            return False
        scope = getattr(found, "body", [])
    return True


def names_defined(node: ast.stmt) -> set[str]:
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return {node.name}
    targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
    return {target.id for target in targets if isinstance(target, ast.Name)}


@cache
def patterns(root: Path = PATTERNS) -> tuple[Pattern, ...]:
    """Every pattern, in number order: the folders of ``root`` that hold a manifest."""
    found = tuple(read(path.parent) for path in sorted(root.glob(f"*/{MANIFEST}")))
    numbers = [pattern.number for pattern in found]
    if len(set(numbers)) != len(numbers):
        raise ManifestError(f"two pattern folders share a number: {numbers}")
    ids = [mutant.id for pattern in found for mutant in pattern.mutants]
    if twice := sorted({i for i in ids if ids.count(i) > 1}):
        raise ManifestError(f"mutant ids used twice: {twice}")
    return found


def pattern(number: str, root: Path = PATTERNS) -> Pattern | None:
    """The pattern numbered ``number`` ("4" or "04"), or None."""
    return next((p for p in patterns(root) if p.number == number.zfill(2)), None)


def of_test_file(test_file: str) -> Pattern:
    """The pattern whose folder holds ``test_file``."""
    return read(Path(test_file).resolve().parent)
