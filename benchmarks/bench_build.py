"""Time the test suite and a clean book build, against a floor.

The floor is the same build and nbval run on the same number of notebooks that
do nothing but import torch, matplotlib and resample_lib: the cost of starting
kernels and Sphinx that no chapter can avoid. Prints medians over --repeats runs
and the ratios. Not a test: nothing here asserts on time.

Usage: python benchmarks/bench_build.py [--repeats 1]
"""
from __future__ import annotations

import argparse
import os
import pathlib
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
BIN = pathlib.Path(sys.executable).parent


def timed(cmd: list[str], cwd: pathlib.Path, env: dict | None = None) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   env=None if env is None else {**os.environ, **env})
    return time.perf_counter() - t0


def floor_project(n_notebooks: int) -> pathlib.Path:
    """A copy of the project whose notebooks only import torch, matplotlib and resample_lib."""
    import nbformat

    tmp = pathlib.Path(tempfile.mkdtemp(prefix="floor-"))
    for name in ("_config.yml", "pyproject.toml", "_vendor"):
        src = ROOT / name
        (shutil.copytree if src.is_dir() else shutil.copy)(src, tmp / name)
    (tmp / "book").mkdir()
    shutil.copytree(ROOT / "book" / "_ext", tmp / "book" / "_ext")
    shutil.copy(ROOT / "book" / "references.bib", tmp / "book" / "references.bib")
    (tmp / "tests").mkdir()
    shutil.copy(ROOT / "tests" / "nbval_sanitize.cfg", tmp / "tests")
    (tmp / "book" / "intro.md").write_text("# Floor\n")
    chapters = []
    for i in range(n_notebooks):
        nb = nbformat.v4.new_notebook(cells=[
            nbformat.v4.new_markdown_cell(f"# Floor {i}"),
            nbformat.v4.new_code_cell("import torch, matplotlib, resample_lib\nprint('ok')"),
        ])
        nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
        nbformat.write(nb, tmp / "book" / f"floor_{i}.ipynb")
        chapters.append(f"      - file: book/floor_{i}")
    (tmp / "_toc.yml").write_text("format: jb-book\nroot: book/intro\nparts:\n  - caption: Floor\n    chapters:\n"
                                  + "\n".join(chapters) + "\n")
    subprocess.run([str(BIN / "jupyter"), "execute", "--inplace", *map(str, (tmp / "book").glob("*.ipynb"))],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return tmp


def measure(project: pathlib.Path, pytest_args: list[str]) -> tuple[float, float, float]:
    # exactly what `make test` runs: two workers, one thread each
    tests = timed([str(BIN / "python"), "-m", "pytest", "-q", "-n", "2", "--dist", "loadscope", *pytest_args],
                  project, env={"OMP_NUM_THREADS": "1"})
    shutil.rmtree(project / "_build", ignore_errors=True)
    build = [str(BIN / "jupyter-book"), "build", ".", "-W", "-n", "--keep-going"]
    clean = timed(build, project)
    rebuild = timed(build, project)
    return tests, clean, rebuild


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=1)
    args = parser.parse_args()
    n = len([p for p in (ROOT / "book").glob("*.ipynb")])
    floor = floor_project(n)
    book_runs, floor_runs = [], []
    for _ in range(args.repeats):
        book_runs.append(measure(ROOT, []))
        floor_runs.append(measure(floor, ["book"]))
    shutil.rmtree(floor, ignore_errors=True)
    print(f"{n} notebooks; medians of {args.repeats} run(s), seconds")
    print(f"{'':28s}{'book':>8s}{'floor':>8s}{'ratio':>8s}")
    for i, label in enumerate(["test suite (make test)", "clean book build", "no-change rebuild"]):
        b = statistics.median(r[i] for r in book_runs)
        f = statistics.median(r[i] for r in floor_runs)
        print(f"{label:28s}{b:8.1f}{f:8.1f}{b / f:8.2f}")


if __name__ == "__main__":
    main()
