"""The READMEs against the facts: the text the manifests make, and each pattern's output
block, timeline pictures and article verdict against a fresh run of its tests.

    python -m kata.readmes             what ``nox -s readmes`` runs: check them
    python -m kata.readmes --update    rewrite them (``nox -s readmes -- --update``)

Exits non-zero if a README differs from what the run or the manifest gives
(``kata/manifest_docs.py``, ``kata/timelines/readme.py``), or a run goes wrong.
"""

import difflib
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from kata import manifest, manifest_docs, review, runs
from kata.roles import ARTICLE
from kata.timelines import readme as timeline_readme
from kata.timelines.readme import Recordings


def main(argv: list[str]) -> int:
    if set(argv) - {"--update"}:
        print("Usage: python -m kata.readmes [--update]")
        return 2
    return runs.with_one_database(lambda: check_readmes(update="--update" in argv))


def check_manifest_docs(update: bool) -> bool:
    """The READMEs' text from the manifests (``kata/manifest_docs.py``) and what drf-review
    says about each naive variant (``kata/review.py``), rewritten first with ``update``; and
    every function, file and test a manifest names. True if all agree."""
    if update:
        for readme in manifest_docs.update():
            print(f"{readme}: rewritten from the manifests")
        for readme in review.update():
            print(f"{readme}: its drf-review block rewritten from a fresh check")
    problems = manifest_docs.stale() + review.stale()
    problems += [gone for pattern in manifest.patterns() for gone in manifest.dangling(pattern)]
    print("\n".join(problems) or "The READMEs say what the manifests say.")
    return not problems


def check_readmes(update: bool) -> int:
    """Every README's output block against a fresh run of its pattern; or rewrite them all.

    First the text the manifests make (the tables, the rules, the review questions).
    Then, per pattern, the verdict its manifest gives the article's advice: "fails"
    when any test of the article's variant fails, else "holds"; and the timeline
    pictures its README asks for, by their shape (the shop's side runs too).
    """
    stale = [] if check_manifest_docs(update) else ["the manifests' text"]
    # Two patterns run at a time (each its own process and test database), read in order.
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = pool.map(run_pattern, manifest.patterns())
        for pattern, (code, summary, recorded) in zip(manifest.patterns(), results, strict=True):
            check_pattern(pattern, code, summary, recorded, update, stale)
    if stale:
        print(
            f"\n{len(stale)} README(s) out of date or in trouble: {', '.join(stale)}. "
            "`nox -s readmes -- --update` rewrites the blocks and timelines from a run."
        )
    return 1 if stale else 0


def run_pattern(pattern: manifest.Pattern) -> tuple[int, dict, Recordings]:
    """A fresh run of the pattern's lessons (and its shop side, if its README has timelines)."""
    pictures = timeline_readme.wanted(runs.PATTERNS / pattern.folder / "README.md")
    with tempfile.TemporaryDirectory() as scratch:
        recording = Path(scratch) if pictures else None
        code, summary = runs.run_lessons(
            pattern.folder, [], quiet=True, timelines=recording, with_shop=bool(pictures)
        )
        return code, summary, timeline_readme.recordings(recording) if recording else {}


def check_pattern(
    pattern: manifest.Pattern,
    code: int,
    summary: dict,
    recorded: Recordings,
    update: bool,
    stale: list[str],
) -> None:
    """Compare (or rewrite) the README with the run; what is stale goes into ``stale``."""
    number, folder, title = pattern.number, pattern.folder, pattern.title
    shown = runs.readme_block(folder)
    verdict = "fails" if summary.get("failures", {}).get(ARTICLE) else "holds"
    if pattern.article_verdict != verdict:
        print(
            f"{number} {title}: its manifest says the article's advice "
            f"{pattern.article_verdict}, the run says it {verdict}"
        )
        stale.append(number)
        return
    if summary["problems"] or code != 1:
        print(f"{number} {title}: PROBLEM (exit {code})\n" + "\n".join(summary["problems"]))
        stale.append(number)
    elif update:
        problems = runs.rewrite_readme(pattern, summary["block"], recorded)
        print(f"{number} {title}: rewritten" + "".join(f"\n  {p}" for p in problems))
        if problems:
            stale.append(number)
    elif shown is None:
        print(f"{number} {title}: its README has no generated block")
        stale.append(number)
    elif shown != summary["block"]:
        diff = difflib.unified_diff(
            shown.splitlines(),
            summary["block"].splitlines(),
            "README.md",
            "this run",
            lineterm="",
        )
        print(f"{number} {title}: the README differs from the run\n" + "\n".join(diff))
        stale.append(number)
    elif problems := timeline_readme.check(runs.PATTERNS / folder, recorded):
        print(f"{number} {title}: its timelines differ from the run\n" + "\n".join(problems))
        stale.append(number)
    else:
        print(f"{number} {title}: up to date")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
