"""How long the place lookup takes to build and how much memory it keeps (prints figures, asserts nothing).

Run: `.venv/bin/python benchmarks/bench_places.py`.
"""

from __future__ import annotations

import time
import tracemalloc

from pipelines.coder.places import build_place_lookup


def main() -> None:
    tracemalloc.start()
    started = time.perf_counter()
    lookup = build_place_lookup()
    elapsed = time.perf_counter() - started
    retained, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    n_cities = len({city for cities in lookup.cities.values() for city in cities})
    print(f"place lookup: {n_cities:,} cities under {len(lookup.cities):,} names, {len(lookup.countries):,} country names")
    print(f"build time: {elapsed:.2f} s (with tracemalloc on, which slows it)")
    print(f"memory: {retained / 2**20:.1f} MiB kept, {peak / 2**20:.1f} MiB peak while building")
    started = time.perf_counter()
    build_place_lookup()
    print(f"build time without tracing: {time.perf_counter() - started:.2f} s")


if __name__ == "__main__":
    main()
