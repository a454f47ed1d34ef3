"""Before and after, in one sitting: every reader page type's cache miss, timed
for an earlier commit and for this checkout, in interleaved rounds.

On a shared or virtual machine the same code can run 20–30 % slower an hour
later (docs/performance.md, 3 December 2026), so two ``bench/run.py`` runs
made at different times do not say what a change did. This runs the page
probe of ``bench/run.py`` (page cache off, one request at a time, each page
``--repeats`` times, the median kept) for ``REF`` and for the checkout, one
after the other, ``--rounds`` times, against the same database::

    .venv/bin/python bench/run.py --modes ""     # once: builds the full-scale database
    .venv/bin/python bench/compare.py 129b38c    # before = that commit, after = the checkout
    .venv/bin/python bench/compare.py HEAD~3 --rounds 3 --repeats 15 --json /tmp/compare.json

``REF`` is checked out with ``git worktree`` into a temporary directory (removed
at the end) and run with this checkout's virtualenv: a change of dependencies
between the two is not measured. The database is migrated for the checkout
only (an older commit ignores what it does not know, such as a new index: the
"before" numbers then include it; say so when it matters).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run as bench


def probe(root: Path, env: dict) -> dict:
    """``{(kind, name): {"p50_ms", "queries", "path"}}`` for the code in ``root``."""
    probe_env = dict(
        env,
        PAGE_CACHE="0",
        BENCH_PATHS=json.dumps({key: path for key, _label, path in bench.PAGES}),
        PYTHONPATH=str(root),
    )
    out = subprocess.run(
        [bench.PY, "-c", bench.PROBE],
        env=probe_env,
        cwd=root,
        check=True,
        text=True,
        capture_output=True,
    ).stdout
    line = next(line for line in out.splitlines() if line.startswith("PROBE "))
    result = json.loads(line[len("PROBE ") :])
    return {
        f"{miss['kind']}: {miss['name']}": {
            "p50_ms": miss["p50_ms"],
            "queries": miss["queries"],
            "status": miss["status"],
        }
        for miss in result["misses"]
    }


def table(rounds: list[dict]) -> str:
    """Markdown: each page's before → after per round, and the change of the medians."""
    pages = list(rounds[0]["after"])
    lines = [
        "| Page | " + " | ".join(f"round {n + 1}" for n in range(len(rounds))) + " | change |",
        "| --- | " + " | ".join("---:" for _ in rounds) + " | ---: |",
    ]
    for page in pages:
        cells, befores, afters = [], [], []
        for data in rounds:
            before = data["before"].get(page)
            after = data["after"][page]
            if before is None:
                cells.append(f"– → {after['p50_ms']:.1f} ms")
                continue
            befores.append(before["p50_ms"])
            afters.append(after["p50_ms"])
            cells.append(f"{before['p50_ms']:.1f} → {after['p50_ms']:.1f} ms")
        if befores:
            change = statistics.median(afters) / statistics.median(befores) - 1
            verdict = f"{change:+.0%}"
        else:
            verdict = "new"
        lines.append(f"| {page} | " + " | ".join(cells) + f" | {verdict} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("ref", help="The commit to compare with (any git revision).")
    parser.add_argument(
        "--database", default=bench.os.environ.get("BENCH_DATABASE_URL", bench.DEFAULT_DATABASE)
    )
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=9, help="Requests per page and round.")
    parser.add_argument("--log-level", default="WARNING")
    parser.add_argument("--json", help="Write every round's numbers to this file.")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="fieldguide-compare-"))
    before_root = workdir / "before"
    subprocess.run(
        ["git", "worktree", "add", "--detach", str(before_root), args.ref],
        cwd=bench.ROOT,
        check=True,
        capture_output=True,
    )
    try:
        sides = {"before": before_root, "after": bench.ROOT}
        envs = {}
        for side, root in sides.items():
            env = bench.base_env(args, str(workdir / f"static-{side}"))
            env["BENCH_MISS_REPEATS"] = str(args.repeats)
            if side == "after":
                bench.log("migrating the database for the checkout")
                subprocess.run(
                    [bench.PY, "manage.py", "migrate", "--noinput", "-v", "0"],
                    env=env,
                    cwd=root,
                    check=True,
                )
            bench.log(f"collecting static files ({side})")
            subprocess.run(
                [bench.PY, "manage.py", "collectstatic", "--noinput", "-v", "0"],
                env=dict(env, PYTHONPATH=str(root)),
                cwd=root,
                check=True,
            )
            envs[side] = env
        rounds = []
        for number in range(args.rounds):
            data = {}
            for side in ("before", "after"):
                label = args.ref if side == "before" else "the checkout"
                bench.log(f"round {number + 1}: {side} ({label})")
                data[side] = probe(sides[side], envs[side])
            rounds.append(data)
        print(f"\nBefore = {args.ref}, after = the checkout; cache off, p50 of {args.repeats}.")
        print()
        print(table(rounds))
        changed = [
            page
            for page, after in rounds[-1]["after"].items()
            if page in rounds[-1]["before"]
            and after["queries"] != rounds[-1]["before"][page]["queries"]
        ]
        for page in changed:
            before, after = rounds[-1]["before"][page], rounds[-1]["after"][page]
            print(f"- {page}: {before['queries']} → {after['queries']} queries")
        if args.json:
            Path(args.json).write_text(json.dumps({"ref": args.ref, "rounds": rounds}, indent=1))
    finally:
        subprocess.run(
            ["git", "worktree", "remove", "--force", str(before_root)],
            cwd=bench.ROOT,
            check=False,
            capture_output=True,
        )
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
