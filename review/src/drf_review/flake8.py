"""The flake8 plugin: ``flake8 --select DRP`` runs the same rules with the same codes.

flake8 hands over one file at a time; the project's index is built once per process
from the configuration's folder (the nearest ``pyproject.toml``) and reused. Under
flake8, ``# noqa`` follows flake8's own rules (a bare ``# noqa`` silences everything),
and ``--select``/``--ignore`` are flake8's.
"""

import ast
from functools import cache
from pathlib import Path

from drf_review import __version__, codes, config, sources
from drf_review.engine import check_module, python_files
from drf_review.project import Module, Project, is_test_path, module_name


@cache
def project_for(folder: Path) -> Project:
    settings = config.load(folder)
    root = settings.root
    modules = []
    if settings.source is not None:
        for path in python_files(root, root, settings.exclude):
            modules.append(
                Module(path, module_name(path, root), sources.read(path), is_test_path(path, root))
            )
    return Project(root, settings, modules)


class Plugin:
    name = "drf-review"
    version = __version__

    def __init__(self, tree: ast.AST, filename: str, lines: list[str]) -> None:
        self.tree = tree
        self.filename = filename
        self.lines = lines

    def run(self):
        path = Path(self.filename).resolve()
        project = project_for(Path.cwd().resolve())
        module = project.by_path.get(path)
        text = "".join(self.lines)
        if module is None or module.source.text != text:
            root = project.root if path.is_relative_to(project.root) else path.parent
            module = Module(
                path, module_name(path, root), sources.parse(path, text), is_test_path(path, root)
            )
            from drf_review.project import read_imports

            read_imports(module)
        selected = set(codes.RULES)
        for finding in check_module(project, module, selected):
            if finding.code == "DRP000":
                continue  # flake8 reports a file that does not parse itself (E999)
            yield finding.line, finding.column - 1, f"{finding.code} {finding.message}", type(self)
