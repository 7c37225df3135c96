"""Entity list pages deep in a generated region: an offset page against a keyset page.

    python bench/list_pages_bench.py --scale district --home DIR [--limit 50]

For the kind with the most nodes, reads the page of ``limit`` nodes at several depths two
ways through the service's own list (``db/entities.list_nodes``, as an admin): by
``skip`` alone (what every page cost before the cursors: the kind counted again, then
``SKIP``) and by the id the page starts after (the keyset page a ``cursor`` names: an
index seek, no count after the first page). Prints the median time of each, their ratio,
and the keyset page's ratio to a 50 ms target, which should not grow with the depth.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from kept_region import open_region  # beside this script

from graph_service.auth.principal import Principal
from graph_service.db.entities import list_nodes
from graph_service.domain.kinds import NodeKind

TARGET_MS = 50.0


def median_ms(run: Callable[[], None], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", default="district")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--home", type=Path)
    parser.add_argument("--heap", default="1g")
    parser.add_argument("--pagecache", default="1g")
    parser.add_argument("--limit", type=int, default=50)
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args(argv)
    admin = Principal.cli()
    with open_region(args.home, scale=args.scale, seed=args.seed, heap=args.heap,
                     pagecache=args.pagecache, prefix="list-pages-bench-") as region:  # fmt: skip
        counts = {kind: region.driver.execute_query(
            f"MATCH (n:{kind.value}) RETURN count(n) AS n").records[0]["n"]
            for kind in NodeKind}  # fmt: skip
        kind = max(counts, key=lambda k: counts[k])
        ids = [r["id"] for r in region.driver.execute_query(
            f"MATCH (n:{kind.value}) RETURN n.id AS id ORDER BY id").records]  # fmt: skip
        print(f"{kind.value}: {len(ids):,} nodes, pages of {args.limit}, median of {args.repeats}")
        header = ("depth", "skip ms", "keyset ms", "skip/keyset", "keyset/target")
        print(" ".join(f"{h:>{w}}" for h, w in zip(header, (9, 9, 10, 12, 14), strict=True)))
        depths = [d for d in (0, 1_000, 10_000, 100_000, len(ids) - args.limit) if d < len(ids)]
        for depth in sorted(set(depths)):
            after = ids[depth - 1] if depth else None

            def by_skip(depth: int = depth) -> None:
                list_nodes(region.db, admin, kind, subkind=None, name=None, skip=depth,
                           limit=args.limit)  # fmt: skip

            def by_key(after: str | None = after) -> None:
                list_nodes(region.db, admin, kind, subkind=None, name=None, after=after,
                           limit=args.limit)  # fmt: skip

            # the same page both ways
            assert list_nodes(region.db, admin, kind, subkind=None, name=None, skip=depth,
                              limit=args.limit)[1] == list_nodes(
                region.db, admin, kind, subkind=None, name=None, after=after,
                limit=args.limit)[1]  # fmt: skip
            skip_ms, key_ms = median_ms(by_skip, args.repeats), median_ms(by_key, args.repeats)
            print(f"{depth:>9,} {skip_ms:>9.1f} {key_ms:>10.1f} {skip_ms / key_ms:>12.1f} "
                  f"{key_ms / TARGET_MS:>14.2f}")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
