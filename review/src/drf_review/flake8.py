"""The flake8 plugin: ``flake8 --select DRP`` runs the same rules, with the same codes.

flake8 hands over one file at a time; the project's index is built once per process,
from the folder of the nearest ``pyproject.toml`` (as the command does), and reused.
Under flake8, flake8's own rules apply: its ``# noqa`` (where a bare one silences
everything), its ``--select``/``--ignore``, and its E999 for a file that does not
parse (so no DRP000 here).
"""

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from drf_review import __version__, codes, config, sources
from drf_review.engine import check_module, python_files
from drf_review.project import Module, Project, is_test_path, module_name, read_imports


@cache
def project_for(folder: Path) -> Project:
    settings = config.load(folder)
    root = settings.root
    modules = []
    if settings.source is not None:
        for path in python_files(root, root, settings.exclude):
            source = sources.read(path)
            modules.append(Module(path, module_name(path, root), source, is_test_path(path, root)))
    return Project(root, settings, modules)


class Plugin:
    name = "drf-review"
    version = __version__

    def __init__(self, tree: ast.AST, filename: str, lines: list[str]) -> None:
        self.filename = filename
        self.lines = lines

    def run(self) -> Iterator[tuple[int, int, str, type]]:
        path = Path(self.filename).resolve()
        project = project_for(Path.cwd().resolve())
        text = "".join(self.lines)
        module = project.by_path.get(path)
        if module is None or module.source.text != text:  # not indexed, or edited since
            root = project.root if path.is_relative_to(project.root) else path.parent
            source = sources.parse(path, text)
            module = Module(path, module_name(path, root), source, is_test_path(path, root))
            read_imports(module)
        every = {code for code, rule in codes.RULES.items() if rule.default}
        for finding in check_module(project, module, every - {"DRP000"}):
            yield finding.line, finding.column - 1, f"{finding.code} {finding.message}", type(self)
