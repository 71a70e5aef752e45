"""What the READMEs say about the patterns, written from their manifests.

- ``README.md``: the table of the patterns (title, rule, the article's verdict);
- ``patterns/README.md``, the review page: one section per pattern (rule,
  symptoms in a diff with the drf-review codes that flag them, the questions to
  ask, the tests that prove it);
- each ``patterns/NN_name/README.md``: its title and rule, and its
  "In code review, ask" list.

``nox -s readmes`` checks them (``stale()``); ``nox -s readmes -- --update``
rewrites them (``update()``). No test run is needed for either.
"""

import difflib
import textwrap
from dataclasses import dataclass
from pathlib import Path

from kata import manifest, readme_blocks
from kata.manifest import Pattern, Symptom

NOTE = "generated from {source} by `nox -s readmes -- --update`, checked by `nox -s readmes`"
WIDTH = 80  # the pattern READMEs' lines; the review page keeps one line per bullet


@dataclass(frozen=True)
class Block:
    readme: Path
    shown: str  # the README's path in the repository
    name: str
    content: str
    source: str  # the manifest(s) it comes from


def blocks(root: Path = manifest.PATTERNS) -> list[Block]:
    """Every block the manifests under ``root`` make, with the README it belongs in."""
    patterns = manifest.patterns(root)
    every = "patterns/*/pattern.toml"
    top, review = root.parent / "README.md", root / "README.md"
    found = [
        Block(top, "README.md", "patterns-table", patterns_table(patterns), every),
        Block(review, "patterns/README.md", "review-page", review_page(patterns), every),
    ]
    for pattern in patterns:
        source = f"patterns/{pattern.folder}/pattern.toml"
        readme, shown = pattern.path / "README.md", f"patterns/{pattern.folder}/README.md"
        found.append(Block(readme, shown, "pattern-head", head(pattern), source))
        questions = bullets(pattern.hints, WIDTH)
        found.append(Block(readme, shown, "review-questions", questions, source))
    return found


def patterns_table(patterns: tuple[Pattern, ...]) -> str:
    rows = [
        "| # | pattern | the rule | the article's advice: holds / fails (why) |",
        "| --- | --- | --- | --- |",
    ]
    for p in patterns:
        verdict = f"{p.article_verdict}: {p.article_why}" if p.article_why else p.article_verdict
        rows.append(f"| {p.number} | [{p.title}](patterns/{p.folder}/) | {p.rule} | {verdict} |")
    return "\n".join(rows)


def review_page(patterns: tuple[Pattern, ...]) -> str:
    return "\n\n".join(review_section(pattern) for pattern in patterns)


def review_section(p: Pattern) -> str:
    own = ", ".join(f"[`{t.name}`]({p.folder}/{t.name})" for t in p.test_files())
    if p.proof_note:
        own += f" ({p.proof_note})"
    shop = ", ".join(f"[`{Path(t).name}`](../{t})" for t in p.shop_tests)
    proved = f"{own}; in the shop's suite, {shop}" if shop else own
    return "\n\n".join(
        [
            f"## [{p.number} · {p.title}]({p.folder}/)",
            f"**Rule:** {p.rule}",
            "**Symptom in a diff:**\n" + bullets(tuple(symptom_line(s) for s in p.symptoms)),
            "**Ask:**\n" + bullets(p.hints),
            f"**Proved by:** {proved}.",
        ]
    )


def symptom_line(symptom: Symptom) -> str:
    """The symptom, then the drf-review codes that flag it (``review/``)."""
    if not symptom.codes:
        return symptom.text
    return f"{symptom.text} drf-review: {', '.join(f'`{c}`' for c in symptom.codes)}."


def head(p: Pattern) -> str:
    return f"# {p.number} · {p.title}\n\n**Rule:** {p.rule}"


def bullets(items: tuple[str, ...], width: int | None = None) -> str:
    """A Markdown list; wrapped at ``width`` (never inside a word), or one line per item."""
    if width is None:
        return "\n".join(f"- {item}" for item in items)
    return "\n".join(
        textwrap.fill(
            item,
            width,
            initial_indent="- ",
            subsequent_indent="  ",
            break_long_words=False,
            break_on_hyphens=False,
        )
        for item in items
    )


def stale(root: Path = manifest.PATTERNS) -> list[str]:
    """What differs between the READMEs and the manifests, as diffs; empty when all agree."""
    problems = []
    for block in blocks(root):
        shown = readme_blocks.read(block.readme.read_text(), block.name)
        if shown is None:
            problems.append(f"{block.shown} has no {readme_blocks.begin(block.name)} comments")
        elif shown != block.content:
            diff = difflib.unified_diff(
                shown.splitlines(),
                block.content.splitlines(),
                block.shown,
                block.source,
                lineterm="",
            )
            problems.append(f"{block.shown} differs from {block.source}\n" + "\n".join(diff))
    return problems


def update(root: Path = manifest.PATTERNS) -> list[str]:
    """Rewrite every block from the manifests; returns the READMEs that changed."""
    changed = []
    for block in blocks(root):
        text = block.readme.read_text()
        new = readme_blocks.replace(
            text, block.name, block.content, note=NOTE.format(source=block.source)
        )
        if new != text:
            block.readme.write_text(new)
            changed.append(block.shown)
    return sorted(set(changed))
