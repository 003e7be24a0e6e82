"""The ``alignlessons`` command (contributor and instructor tooling).

alignlessons generate-assignments [NAME ...]   regenerate student versions in assignments/
alignlessons refresh-outputs [LESSON ...]      re-run lessons and store their outputs
alignlessons export-html [LESSON ...]          offline HTML exports in _build/html/
alignlessons build-site [--out DIR]            the static course website in _build/site/
alignlessons course init DIR [--force]         a ready nbgrader course root for a real class
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="alignlessons", description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="command", required=True)
    g = sub.add_parser("generate-assignments", help="regenerate assignments/NAME from solutions/NAME")
    g.add_argument("names", nargs="*", help="assignment names (default: all)")
    r = sub.add_parser("refresh-outputs", help="execute lessons in a fresh kernel and store outputs")
    r.add_argument("names", nargs="*", help="lesson names such as 00_start_here (default: all)")
    e = sub.add_parser("export-html", help="export lessons to standalone HTML that works offline")
    e.add_argument("names", nargs="*", help="lesson names (default: all)")
    e.add_argument("--out", default="_build/html", help="output folder (default: _build/html)")
    s = sub.add_parser("build-site", help="build the static, offline course website")
    s.add_argument("--out", default="_build/site", help="output folder (default: _build/site)")
    q = sub.add_parser(
        "check-quotes",
        help="check every quotation in course data and notebooks against the source texts (see CONTRIBUTING.md)",
    )
    q.add_argument(
        "--sources",
        metavar="DIR",
        help="folder with the source texts, one file per "
        "document named DOC_ID.txt (default: $ALIGNLESSONS_SOURCES, else ../shared/seeds "
        "from the project root)",
    )
    q.add_argument("--root", metavar="DIR", help="project folder to check (default: this checkout)")
    c = sub.add_parser("course", help="instructor commands for a real class")
    csub = c.add_subparsers(dest="course_command", required=True)
    ci = csub.add_parser("init", help="create a ready nbgrader course root (see docs/instructors.md)")
    ci.add_argument("directory", help="the course root to create")
    ci.add_argument(
        "--force",
        action="store_true",
        help="rewrite an existing course root's configuration and source/ "
        "(the gradebook, submissions and feedback are kept)",
    )
    ci.add_argument("--exchange", help="exchange folder shared with students (default: DIR/exchange)")
    ci.add_argument(
        "--assignment",
        action="append",
        dest="assignments",
        metavar="NAME",
        help="only this assignment (repeatable; default: all)",
    )
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from .tooling import ToolingError

    try:
        if args.command in ("generate-assignments", "refresh-outputs", "export-html"):
            from .paths import require_checkout

            require_checkout(f"alignlessons {args.command}")
        if args.command == "generate-assignments":
            from .tooling import generate_student_versions

            for path in generate_student_versions(args.names):
                print(f"wrote {path}")
        elif args.command == "refresh-outputs":
            from .tooling import refresh_outputs

            for path in refresh_outputs(args.names):
                print(f"refreshed {path}")
        elif args.command == "export-html":
            from .export import export_lessons

            for path in export_lessons(args.names, Path(args.out)):
                print(f"wrote {path}")
        elif args.command == "build-site":
            from .site import build_site

            built = build_site(Path(args.out))
            for line in built.warnings:
                print(f"warning: {line}", file=sys.stderr)
            print(
                f"built {built.out} ({len(built.pages)} pages, {built.size_bytes / 1e6:.1f} MB, "
                f"{built.seconds:.1f} s); open {built.out / 'index.html'} or serve the folder"
            )
        elif args.command == "check-quotes":
            from . import paths, quotecheck

            root = Path(args.root) if args.root else paths.require_checkout("alignlessons check-quotes")
            sources = Path(args.sources) if args.sources else paths.sources_dir()
            try:
                return quotecheck.main(root, sources)
            except quotecheck.QuoteCheckError as exc:
                print(f"alignlessons: {exc}", file=sys.stderr)
                return 2
        elif args.command == "course" and args.course_command == "init":
            from .course import CourseInitError, init_course

            try:
                made = init_course(
                    args.directory, force=args.force, exchange=args.exchange, assignments=args.assignments
                )
            except CourseInitError as exc:
                print(f"alignlessons: {exc}", file=sys.stderr)
                return 2
            print(
                f"created course root {made.root} (assignments: {', '.join(made.assignments)}; "
                f"exchange: {made.exchange})"
            )
            print(f"next steps: {made.root / 'README.md'}")
    except ToolingError as exc:
        print(f"alignlessons: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
