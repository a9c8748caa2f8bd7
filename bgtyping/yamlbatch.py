"""Run pytest-mypy-plugins YAML cases in a few mypy batches instead of one mypy run per case.

Each case (and each parametrized variant) becomes its own `vNNNN/main.py`; extra `files:` go to the
batch root, and variants whose files clash go to another batch. Batches are grouped by effective
mypy config. Output is compared the way pytest-mypy-plugins compares it: expected and actual lines
sorted by file and line, then matched one by one, exactly or by regex.
"""

from __future__ import annotations

import argparse
import configparser
import hashlib
import io
import os
import re
import shutil
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from itertools import zip_longest
from pathlib import Path

import jinja2
from mypy.options import PER_MODULE_OPTIONS

from . import escape
from .corpus.yamlfile import load_yaml_cases
from .model import EngineError, YamlCase

_COMMENT = re.compile(r"^([ENW])(?P<regex>R)?:((?P<col>\d+):)? (?P<message>.*)$")
_OUT = re.compile(r"^(?P<fname>.+):(?P<lnum>\d+): (?P<severity>[A-Za-z]+):((?P<col>\d+):)? (?P<message>.*)$")
_SEVERITY = {"E": "error", "N": "note", "W": "warning"}
_JINJA = jinja2.Environment()


@dataclass(frozen=True)
class Matcher:
    fname: str
    lnum: int
    severity: str
    message: str
    regex: bool
    col: str | None = None

    def __str__(self) -> str:
        where = f"{self.fname}:{self.lnum}" + (f":{self.col}" if self.col else "")
        return f"{where}: {self.severity}: {self.message}"

    def matches(self, actual: str) -> bool:
        if not self.regex:
            return str(self) == actual
        where = f"{self.fname}:{self.lnum}" + (f":{self.col}" if self.col else "")
        return re.match(re.escape(f"{where}: {self.severity}: ") + self.message, actual) is not None


@dataclass
class Variant:
    id: str
    case: YamlCase
    files: dict[str, str]
    expected: list[Matcher]
    config: str
    module_options: dict[str, str]
    expect_fail: bool
    actual: list[str] = field(default_factory=list[str])

    @property
    def group(self) -> str:
        """Variants that can share one mypy run; per-module options travel as config sections."""
        if self.module_options and len(self.files) > 1:
            return self.config + repr(sorted(self.module_options.items()))
        return self.config


def _render(template: str, params: Mapping[str, object]) -> str:
    if "{{" not in template:
        return template
    return _JINJA.from_string(template).render({k: "None" if v is None else v for k, v in params.items()})


def variants(cases: Sequence[YamlCase], base_ini: Path | None) -> list[Variant]:
    found: list[Variant] = []
    for case in cases:
        for params in case.parametrized or [{}]:
            suffix = "[" + ",".join(f"{k}={v}" for k, v in params.items()) + "]" if params else ""
            files = {"main.py": _render(case.main, params), **case.files}
            expected = [m for path, text in files.items() for m in _from_comments(path, text, case.regex)]
            expected += _from_out(_render("\n".join(case.out), params), case.regex)
            config, module_options = _config(base_ini, _render(case.mypy_config or "", params))
            found.append(Variant(case.id + suffix, case, files, expected, config, module_options, case.expect_fail))
    return found


def _from_comments(path: str, text: str, regex: bool) -> list[Matcher]:
    fname = path.removesuffix(".py")
    found: list[Matcher] = []
    for index, line in enumerate(text.split("\n")):
        for comment in line.split(" # ")[1:]:
            if m := _COMMENT.search(comment.strip()):
                found.append(
                    Matcher(fname, index + 1, _SEVERITY[m[1]], m["message"], regex or bool(m["regex"]), m["col"])
                )
    return found


def _from_out(out: str, regex: bool) -> list[Matcher]:
    found: list[Matcher] = []
    for line in out.split("\n"):
        if m := _OUT.search(line.strip()):
            severity = _SEVERITY.get(m["severity"], m["severity"])
            found.append(Matcher(m["fname"], int(m["lnum"]), severity, m["message"], regex, m["col"]))
    return found


def _config(base_ini: Path | None, extra: str) -> tuple[str, dict[str, str]]:
    """The merged config pytest-mypy-plugins would write, split into global text and per-module options."""
    parser = configparser.ConfigParser()
    if base_ini is not None:
        parser.read(base_ini)
    module_options: dict[str, str] = {}
    if extra:
        case_parser = configparser.ConfigParser()
        case_parser.read_string(extra if "[mypy]" in extra else f"[mypy]\n{extra}")
        for key, value in case_parser["mypy"].items():
            if key in PER_MODULE_OPTIONS:
                module_options[key] = value
            else:
                parser.read_dict({"mypy": {key: value}})
        for section in case_parser.sections():
            if section != "mypy":
                parser.read_dict({section: dict(case_parser[section])})
    buffer = io.StringIO()
    parser.write(buffer)
    return buffer.getvalue(), module_options


def batches(all_variants: Sequence[Variant]) -> list[list[Variant]]:
    """Group by mypy config, then pack so that no two variants in a batch disagree on a shared file."""
    by_config: dict[str, list[Variant]] = defaultdict(list)
    for variant in all_variants:
        by_config[variant.group].append(variant)
    packed: list[list[Variant]] = []
    for group in by_config.values():
        open_batches: list[tuple[list[Variant], dict[str, str]]] = []
        for variant in group:
            extra = {p: c for p, c in variant.files.items() if p != "main.py"}
            for members, files in open_batches:
                if all(files.get(p, c) == c for p, c in extra.items()):
                    members.append(variant)
                    files.update(extra)
                    break
            else:
                open_batches.append(([variant], dict(extra)))
        packed.extend(members for members, _ in open_batches)
    return packed


def run_batch(batch: Sequence[Variant], workdir: Path, cache: Path, timeout: float = 600.0) -> None:
    """One mypy run for the whole batch; each variant receives the output lines that are its own."""
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    owners: dict[str, list[tuple[Variant, str]]] = defaultdict(list)
    mains: list[str] = []
    for number, variant in enumerate(batch):
        folder = f"v{number:04d}"
        _write(workdir / folder / "main.py", variant.files["main.py"])
        owners[f"{folder}/main.py"].append((variant, "main"))
        mains.append(f"{folder}/main.py")
        for path, content in variant.files.items():
            if path != "main.py":
                _write(workdir / path, content)
                owners[path].append((variant, path.removesuffix(".py")))
    sections = [batch[0].config]
    for number, variant in enumerate(batch):
        if variant.module_options:
            patterns = [
                f"v{number:04d}.*",
                *(p.removesuffix(".py").replace("/", ".") for p in variant.files if p != "main.py"),
            ]
            options = "".join(f"{k} = {v}\n" for k, v in variant.module_options.items())
            sections.append(f"[mypy-{','.join(patterns)}]\n{options}")
    (workdir / "mypy.ini").write_text("\n".join(sections), encoding="utf-8")
    command = [
        sys.executable, "-m", "mypy", "--config-file=mypy.ini", "--show-traceback", "--no-error-summary",
        "--no-pretty", "--hide-error-context", "--explicit-package-bases", f"--cache-dir={cache}", *mains,
    ]  # fmt: skip
    try:
        proc = subprocess.run(command, cwd=workdir, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired as exc:
        raise EngineError(f"mypy did not finish the YAML batch in {timeout:.0f} s") from exc
    if proc.returncode not in (0, 1):
        raise EngineError(
            f"mypy crashed on a YAML batch (exit {proc.returncode}):\n{(proc.stderr or proc.stdout)[-2000:]}"
        )
    for raw in (proc.stdout + proc.stderr).splitlines():
        path, sep, rest = raw.partition(":")
        if not sep or path not in owners:
            raise EngineError(f"mypy printed a line the YAML batch cannot attribute: {raw[:200]!r}")
        for variant, fname in owners[path]:
            # Names defined in main are `vNNNN.main.X` here but `main.X` under pytest-mypy-plugins.
            text = rest.replace(f"{path.split('/')[0]}.main.", "main.") if fname == "main" else rest
            variant.actual.append(f"{fname}:{text}".strip())


def _write(path: Path, content: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content, encoding="utf-8")


def problems(variant: Variant) -> list[str]:
    """pytest-mypy-plugins' comparison: both sides sorted by (file, line), then matched pairwise."""
    expected = sorted(variant.expected, key=lambda m: (m.fname, m.lnum))
    actual = sorted((re.sub(r"\r$", "", re.sub(" +$", "", a)) for a in variant.actual if a), key=_file_and_line)
    diff = [
        f"expected {str(e) if e else '(nothing)'}, got {a if a is not None else '(nothing)'}"
        for e, a in zip_longest(expected, actual)
        if e is None or a is None or not e.matches(a)
    ]
    if variant.expect_fail:
        return [] if diff else ["expected a failure, but the output matched"]
    return diff


def _file_and_line(line: str) -> tuple[str, int]:
    parts = line.split(":", 2)
    if len(parts) < 3 or not parts[1].isdigit():
        return "", 0
    return parts[0], int(parts[1])


def run(folder: Path, base_ini: Path | None, workdir: Path) -> dict[str, list[str]]:
    """Every variant's problems (empty list: it passes), by `file:line::case[params]`."""
    all_variants = variants(load_yaml_cases(folder), base_ini)
    jobs = batches(all_variants)
    # A cache per mypy config, kept between runs: configs do not share one, and a rerun is warm.
    caches = [workdir / "cache" / hashlib.sha256(b[0].config.encode()).hexdigest()[:12] for b in jobs]
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        futures = [
            pool.submit(run_batch, b, workdir / f"b{i:03d}", c)
            for i, (b, c) in enumerate(zip(jobs, caches, strict=True))
        ]
        for future in futures:
            future.result()
    return {f"{os.path.relpath(v.case.path)}:{v.case.line}::{v.id}": problems(v) for v in all_variants}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bgtyping.yamlbatch", description=__doc__)
    parser.add_argument("folder", type=Path, nargs="?", default=Path("typing_tests/yaml"))
    parser.add_argument("--mypy-ini-file", type=Path, default=None)
    parser.add_argument("--workdir", type=Path, default=Path(".typing-cache/yaml"))
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        results = run(args.folder, args.mypy_ini_file, args.workdir.absolute())
    except EngineError as exc:
        print(escape.line(f"error: {exc}"), file=sys.stderr)
        return 2
    failed = {k: v for k, v in results.items() if v}
    for key, found in failed.items():
        print(escape.line(f"FAIL {key}") + "\n" + "\n".join(f"  {escape.line(p)}" for p in found))
    print(f"{len(results) - len(failed)} passed, {len(failed)} failed in {time.perf_counter() - started:.2f}s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
