"""Reading a file as Python: its text and syntax tree, or why it has none (``DRP000``).

A file that does not parse is a finding, never a crash: a syntax error, NUL bytes
(a binary file), text that is not in its declared encoding (UTF-8 unless a PEP 263
cookie says otherwise), or code nested too deeply for the parser. An empty file is
valid Python (an ``__init__.py``) and has nothing to say.

A text is parsed once per process: the same path with the same text gives the same
``Source``, shared, and never changed by the rules (the kata checks the repository three
times in one process, its variants standing in for different files each time).
"""

import ast
import io
import re
import tokenize
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

COOKIE = re.compile(rb"^[ \t\f]*#.*?coding[:=]", re.MULTILINE)  # PEP 263


@dataclass
class Source:
    path: Path
    text: str = ""
    tree: ast.Module | None = None
    problem: str = ""  # why there is no tree: DRP000's message
    line: int = 1
    column: int = 1

    @property
    def lines(self) -> list[str]:
        return self.text.splitlines()

    @cached_property
    def nodes(self) -> list[ast.AST]:
        """Every node of the tree, walked once."""
        return list(ast.walk(self.tree)) if self.tree is not None else []


def read(path: Path, data: bytes | None = None) -> Source:
    try:
        raw = path.read_bytes() if data is None else data
    except OSError as error:
        return Source(path, problem=f"cannot be read ({error.strerror or error})")
    if b"\0" in raw:
        return Source(path, problem="is a binary file (it contains NUL bytes), not Python source")
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(raw).readline)
    except SyntaxError as error:
        if not COOKIE.search(b"\n".join(raw.removeprefix(b"\xef\xbb\xbf").splitlines()[:2])):
            encoding = "utf-8"  # no declaration: the first lines are simply not UTF-8
        else:
            return Source(path, problem=f"declares an encoding Python cannot use ({error.msg})")
    try:
        text = raw.decode(encoding)
    except (UnicodeDecodeError, LookupError) as error:
        line = raw[: getattr(error, "start", 0)].count(b"\n") + 1
        return Source(
            path,
            problem=f"is not valid {encoding} text (byte {getattr(error, 'start', '?')}); "
            "save it as UTF-8 or declare its encoding (PEP 263)",
            line=line,
        )
    text = text.removeprefix("\ufeff")
    return parse(path, text)


@lru_cache(maxsize=4096)
def parse(path: Path, text: str) -> Source:
    try:
        tree = ast.parse(text, filename=str(path))
    except SyntaxError as error:
        return Source(
            path,
            text,
            problem=f"does not parse: {error.msg}",
            line=error.lineno or 1,
            column=error.offset or 1,
        )
    except (RecursionError, MemoryError):
        return Source(path, text, problem="is nested too deeply for Python's parser")
    except ValueError as error:  # e.g. a NUL in a str given directly
        return Source(path, text, problem=f"does not parse: {error}")
    return Source(path, text, tree)
