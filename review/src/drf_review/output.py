"""The four formats: text, JSON, SARIF 2.1.0 (as GitHub code scanning reads it) and GitHub
Actions annotations."""

import json
from pathlib import PurePath

from drf_review import __version__, codes
from drf_review.engine import Finding

FORMATS = ("text", "json", "sarif", "github")


def text(findings: list[Finding]) -> str:
    return "".join(f"{f.path}:{f.line}:{f.column}: {f.code} {f.message}\n" for f in findings)


def as_json(findings: list[Finding]) -> str:
    rows = [
        {
            "path": f.path,
            "line": f.line,
            "column": f.column,
            "code": f.code,
            "message": f.message,
            "pattern": f.pattern,
        }
        for f in findings
    ]
    return json.dumps(rows, indent=2) + "\n"


def sarif(findings: list[Finding], selected: set[str], docs_url: str = "") -> str:
    """One run, one rule per selected code with its help text and its README link.

    ``helpUri`` must be an absolute URI: it is given only with the ``docs-url`` setting;
    the link is always in the help text.
    """
    shown = sorted(selected | {f.code for f in findings})
    rules = []
    for code in shown:
        rule = codes.RULES[code]
        number = rule.pattern
        title = codes.PATTERNS[number][1]
        link = codes.link(number, docs_url)
        entry = {
            "id": code,
            "name": "".join(word.capitalize() for word in rule.name.split("-")),
            "shortDescription": {"text": rule.summary},
            "fullDescription": {"text": f"{rule.summary} Pattern {number}: {title}."},
            "help": {
                "text": f"{rule.summary} Pattern {number}, {title}: {link}",
                "markdown": f"{rule.summary}\n\nPattern {number}: [{title}]({link})",
            },
            "defaultConfiguration": {"level": "error"},
            "properties": {"tags": ["drf-review", f"pattern-{number}"]},
        }
        if "://" in link:
            entry["helpUri"] = link
        rules.append(entry)
    index = {code: n for n, code in enumerate(shown)}
    results = [
        {
            "ruleId": f.code,
            "ruleIndex": index[f.code],
            "level": "error",
            "message": {"text": f.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": PurePath(f.path).as_posix()},
                        "region": {"startLine": f.line, "startColumn": f.column},
                    }
                }
            ],
        }
        for f in findings
    ]
    driver = {"name": "drf-review", "version": __version__, "rules": rules}
    if docs_url and "://" in docs_url:
        driver["informationUri"] = f"{docs_url.rstrip('/')}/{codes.REVIEW_PAGE}"
    log = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{"tool": {"driver": driver}, "results": results}],
    }
    return json.dumps(log, indent=2) + "\n"


def escape(value: str, *, property_: bool = False) -> str:
    """GitHub's workflow-command escaping (``%``, CR, LF; in properties also ``:`` and ``,``)."""
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property_:
        value = value.replace(":", "%3A").replace(",", "%2C")
    return value


def github(findings: list[Finding]) -> str:
    return "".join(
        f"::error file={escape(f.path, property_=True)},line={f.line},col={f.column},"
        f"title={f.code}::{escape(f.message)}\n"
        for f in findings
    )


def render(kind: str, findings: list[Finding], selected: set[str], docs_url: str = "") -> str:
    if kind == "json":
        return as_json(findings)
    if kind == "sarif":
        return sarif(findings, selected, docs_url)
    if kind == "github":
        return github(findings)
    return text(findings)
