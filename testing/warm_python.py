"""A Python process that imports once and forks a fresh child for each run of a script.

Starting Python, importing Django, DRF and OpenTelemetry and setting Django up costs
about a second; a test that needs a process of its own per case (pattern 05's probe:
tracing can be set up once per process) paid it every time. ``WarmPython`` pays it
once: its server runs the script's ``prepare()``, then forks for each ``run()``, and
the child runs the script as ``__main__`` with the case's environment.

What a child inherits is what ``prepare()`` did, nothing more: the script says what
that is and why it cannot change the outcome. Only variables whose names start with
one of ``fresh_for`` may differ between runs, because ``prepare()`` must not read them.

    warm = WarmPython(script, fresh_for=("OTEL_",))
    result = warm.run("arg", OTEL_TRACES_EXPORTER="console")  # a CompletedProcess
    warm.close()
"""

import atexit
import json
import os
import runpy
import subprocess
import sys
import tempfile
import traceback
from pathlib import Path


class WarmPython:
    def __init__(self, script: Path, *, fresh_for: tuple[str, ...], env: dict[str, str]) -> None:
        self.script, self.fresh_for, self.env = Path(script), fresh_for, env
        self.server = subprocess.Popen(
            [sys.executable, "-m", "testing.warm_python", str(self.script)],
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def run(self, *args: str, **env: str) -> subprocess.CompletedProcess:
        """``python script *args`` with ``env`` over the server's, in a fresh fork."""
        stale = [name for name in env if not name.startswith(self.fresh_for)]
        if stale:
            raise ValueError(f"{stale} may have been read by prepare(): start another WarmPython")
        request = {"argv": [str(self.script), *args], "env": {**self.env, **env}}
        self.server.stdin.write(json.dumps(request) + "\n")
        self.server.stdin.flush()
        answer = self.server.stdout.readline()
        if not answer:
            raise RuntimeError(f"the warm server for {self.script.name} exited (see stderr)")
        done = json.loads(answer)
        return subprocess.CompletedProcess(
            request["argv"], done["returncode"], done["stdout"], done["stderr"]
        )

    def close(self) -> None:
        """Stop the server: it holds nothing to flush, only the imports."""
        self.server.kill()
        self.server.wait()
        self.server.stdin.close()
        self.server.stdout.close()


def serve(script: str) -> None:
    runpy.run_path(script, run_name="__warm__")["prepare"]()
    requests, answers = sys.stdin, sys.stdout
    for line in requests:
        request = json.loads(line)
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
            answers.flush()
            pid = os.fork()
            if pid == 0:
                run_child(request, out.fileno(), err.fileno())
            _, status = os.waitpid(pid, 0)
            captured = []
            for stream in (out, err):
                stream.seek(0)
                captured.append(stream.read().decode(errors="replace"))
        returncode = os.waitstatus_to_exitcode(status)
        answers.write(
            json.dumps({"returncode": returncode, "stdout": captured[0], "stderr": captured[1]})
        )
        answers.write("\n")
        answers.flush()


def run_child(request: dict, out: int, err: int) -> None:
    """Run the script as ``__main__`` and exit as Python would, at-exit handlers included."""
    os.dup2(out, 1)
    os.dup2(err, 2)
    os.environ.clear()
    os.environ.update(request["env"])
    sys.argv = request["argv"]
    code = 0
    try:
        runpy.run_path(sys.argv[0], run_name="__main__")
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else (exit_.code is not None)
    except BaseException:
        traceback.print_exc()
        code = 1
    finally:
        atexit._run_exitfuncs()  # e.g. the span processors' flush at shutdown
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


if __name__ == "__main__":
    serve(sys.argv[1])
