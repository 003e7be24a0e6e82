"""Benchmarks that print figures (speed targets are measured here, never asserted in tests).

    python -m alignlessons.bench              # everything below
    python -m alignlessons.bench notebooks    # each lesson and assignment, fresh kernel, wall time
    python -m alignlessons.bench models       # per model: one slider step, one sweep; racing MC rate
    python -m alignlessons.bench widgets      # per explorer: control change -> chart data ready; JSON sizes
    python -m alignlessons.bench grading      # autograde throughput, 50 submissions, sandbox included
    python -m alignlessons.bench site         # course website: build time, size, pages (largest files)

`make bench` runs all of them.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable


def _timeit(fn: Callable[[], object], *, repeat: int = 50, min_time: float = 0.2) -> tuple[float, float]:
    """Median and 95th percentile wall time of ``fn`` in seconds (after one warm-up call)."""
    fn()
    times = []
    start = time.perf_counter()
    while len(times) < repeat or (time.perf_counter() - start) < min_time and len(times) < 10 * repeat:
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(0.95 * len(times)))]


def bench_notebooks() -> None:
    from .tooling import SOLUTIONS, assignment_names, execute_notebook, lesson_paths

    print("== Notebooks: execution time in a fresh kernel (wall clock, includes kernel start) ==")
    print(f"{'notebook':<55} {'seconds':>8}")
    rows = [(p.relative_to(p.parents[1]), p) for p in lesson_paths()]
    for name in assignment_names():
        for p in sorted((SOLUTIONS / name).glob("*.ipynb")):
            rows.append((p.relative_to(SOLUTIONS.parent), p))
    for label, path in rows:
        t0 = time.perf_counter()
        try:
            execute_notebook(path)
            status = ""
        except Exception as exc:  # noqa: BLE001 - report and go on
            status = f"  ERROR: {type(exc).__name__}"
        print(f"{str(label):<55} {time.perf_counter() - t0:8.2f}{status}")


def bench_models() -> None:
    from ._bench_models import cases, racing_throughput

    print("== Models: one slider step and one chart sweep (targets: <= 5 ms and <= 50 ms) ==")
    print(f"{'model':<18} {'step p50 ms':>12} {'step p95 ms':>12} {'sweep p50 ms':>13} {'sweep p95 ms':>13}")
    for name, step, sweep in cases():
        s50, s95 = _timeit(step, repeat=200)
        w50, w95 = _timeit(sweep, repeat=20)
        flag = "" if (s95 <= 0.005 and w95 <= 0.050) else "  (over target)"
        print(f"{name:<18} {s50 * 1e3:12.3f} {s95 * 1e3:12.3f} {w50 * 1e3:13.2f} {w95 * 1e3:13.2f}{flag}")
    games, seconds = racing_throughput()
    print(
        f"racing Monte Carlo at n = 5: {games / seconds / 1e6:.1f} million games per second "
        f"({games:,} games in {seconds:.2f} s; target >= 5)"
    )


def bench_widgets(changes: int = 200, seed: int = 0) -> None:
    """Per explorer: kernel-side time from a control change to the chart's new data being ready."""
    import json
    import random

    from . import widgets
    from .widgets._base import Number

    rng = random.Random(seed)
    print(f"== Explorers: control change -> updated chart data, {changes} random changes (target p95 <= 50 ms) ==")
    print(f"{'explorer':<18} {'p50 ms':>8} {'p95 ms':>8} {'kernel-free JSON':>17}")
    for name, (make, kernel_free) in widgets.EXPLORERS.items():
        explorer = make()
        times = []
        for _ in range(changes):
            key = rng.choice(list(explorer.controls))
            control = explorer.controls[key]
            if isinstance(control, Number):
                steps = int(round((control.max - control.min) / control.slider.step))
                value = control.min + rng.randint(0, steps) * control.slider.step
                value = int(round(value)) if control.integer else round(value, 10)
            else:
                value = rng.choice(list(control._options_values))
            t0 = time.perf_counter()
            explorer.set(**{key: value})
            times.append(time.perf_counter() - t0)
        times.sort()
        size = len(json.dumps(kernel_free()._repr_mimebundle_()[0]))
        p50, p95 = times[len(times) // 2], times[int(0.95 * len(times)) - 1]
        flag = "" if p95 <= 0.050 and size <= 300_000 else "  (over target)"
        print(f"{name:<18} {p50 * 1e3:8.2f} {p95 * 1e3:8.2f} {size / 1000:14.1f} KB{flag}")


def bench_grading() -> None:
    from ._bench_grading import bench_grading as run

    run()


def bench_site() -> None:
    """Build the course website into a scratch folder and print its build time and size."""
    import tempfile
    from pathlib import Path

    from .site import build_site

    print("== Course website: make site (Sphinx + MyST-NB, stored outputs, no execution) ==")
    with tempfile.TemporaryDirectory(prefix="alignlessons-site-bench-") as tmp:
        built = build_site(Path(tmp) / "site")
        files = [p for p in built.out.rglob("*") if p.is_file()]
        pages = [p for p in files if p.suffix == ".html"]
        print(
            f"build time {built.seconds:.1f} s; {len(pages)} pages, {len(files)} files, "
            f"{built.size_bytes / 1e6:.1f} MB in all; {len(built.warnings)} Sphinx warning(s)"
        )
        groups: dict[str, int] = {}
        for p in files:
            top = p.relative_to(built.out).parts[0] if len(p.relative_to(built.out).parts) > 1 else "(root)"
            groups[top] = groups.get(top, 0) + p.stat().st_size
        print(
            "  by folder: "
            + ", ".join(f"{k} {v / 1e6:.1f} MB" for k, v in sorted(groups.items(), key=lambda kv: -kv[1]))
        )
        print(f"  {'largest pages':<48} {'KB':>8}")
        for p in sorted(pages, key=lambda p: -p.stat().st_size)[:5]:
            print(f"  {str(p.relative_to(built.out)):<48} {p.stat().st_size / 1000:8.0f}")


SECTIONS = {
    "notebooks": bench_notebooks,
    "models": bench_models,
    "widgets": bench_widgets,
    "grading": bench_grading,
    "site": bench_site,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m alignlessons.bench", description=__doc__.splitlines()[0])
    parser.add_argument("sections", nargs="*", help=f"which benchmarks to run: {', '.join(SECTIONS)} (default: all)")
    args = parser.parse_args(argv)
    unknown = [s for s in args.sections if s not in SECTIONS]
    if unknown:
        parser.error(f"unknown section(s) {', '.join(unknown)}; choose from {', '.join(SECTIONS)}")
    for name in args.sections or list(SECTIONS):
        SECTIONS[name]()
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
