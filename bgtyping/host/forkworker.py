"""The fork server's worker: run a console script many times, each in a fork of one warm process.

Started as `PYTHON forkworker.py SCRIPT MODULE...` by the interpreter of SCRIPT's shebang, with the
environment a fresh `SCRIPT` process would get, and from no package: it runs in the checker's
environment, where bgtyping may not be installed. It imports the MODULEs once (what makes each fresh
`mypy` process cost 0.1 s more than its check), then for each request, one JSON line on stdin, forks;
the child takes the request's cwd, arguments and output files and runs SCRIPT as `python SCRIPT ARGS`
would (runpy, as `__main__`), so every run starts from the same state and none sees another's. The
reply is one JSON line: the child's exit code as `subprocess` reports it (negative for a signal).
"""

import contextlib
import json
import os
import runpy
import sys
import traceback


def main() -> None:
    script = sys.argv[1]
    # What `python SCRIPT` puts first on sys.path: the script's real directory, not this file's.
    sys.path[0] = os.path.dirname(os.path.realpath(script))
    for name in sys.argv[2:]:
        with contextlib.suppress(Exception):  # the child imports it again and fails as a fresh process would
            __import__(name)
    reply = os.fdopen(os.dup(1), "w", encoding="utf-8")
    devnull = os.open(os.devnull, os.O_RDONLY)
    for line in sys.stdin:
        request = json.loads(line)
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            _child(script, request, devnull)
        _, status = os.waitpid(pid, 0)
        reply.write(json.dumps({"code": os.waitstatus_to_exitcode(status)}) + "\n")
        reply.flush()


def _child(script: str, request: dict[str, object], devnull: int) -> None:
    code = 1
    try:
        os.dup2(devnull, 0)
        for fd, key in ((1, "stdout"), (2, "stderr")):
            target = os.open(str(request[key]), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            os.dup2(target, fd)
            os.close(target)
        os.chdir(str(request["cwd"]))
        args = request["args"]
        assert isinstance(args, list)
        sys.argv = [script, *map(str, args)]  # pyright: ignore[reportUnknownArgumentType]
        try:
            runpy.run_path(script, run_name="__main__")
            code = 0
        except SystemExit as exc:  # as the interpreter reads it: None is 0, a non-integer is printed, 1
            if exc.code is None:
                code = 0
            elif isinstance(exc.code, int):
                code = exc.code
            else:
                print(exc.code, file=sys.stderr)
                code = 1
        except BaseException:
            traceback.print_exc()
            code = 1
        sys.stdout.flush()
        sys.stderr.flush()
    finally:
        os._exit(code & 0xFF)


if __name__ == "__main__":
    main()
