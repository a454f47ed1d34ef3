"""bench/compare.py's report: each round's before → after and the change of the medians."""

import importlib.util
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench"


def load_compare():
    sys.path.insert(0, str(BENCH))
    try:
        spec = importlib.util.spec_from_file_location("bench_compare", BENCH / "compare.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(BENCH))


def page(ms, queries=3):
    return {"p50_ms": ms, "queries": queries, "status": 200}


def test_the_table_gives_every_round_and_the_change_of_the_medians():
    compare = load_compare()
    rounds = [
        {
            "before": {"home": page(40.0), "role": page(10.0)},
            "after": {"home": page(20.0), "role": page(11.0), "new": page(5.0)},
        },
        {
            "before": {"home": page(44.0), "role": page(10.0)},
            "after": {"home": page(22.0), "role": page(11.0), "new": page(6.0)},
        },
    ]
    lines = compare.table(rounds).splitlines()
    assert lines[0] == "| Page | round 1 | round 2 | change |"
    assert lines[2] == "| home | 40.0 → 20.0 ms | 44.0 → 22.0 ms | -50% |"
    assert lines[3] == "| role | 10.0 → 11.0 ms | 10.0 → 11.0 ms | +10% |"
    assert lines[4] == "| new | – → 5.0 ms | – → 6.0 ms | new |"
