"""Address → region → jurisdiction resolution throughput.

Prints addresses/s for ``resolve_address`` over every county (two address styles) and the
ratio to a baseline measured in the same run: ``normalize_address`` alone (the cheapest
step every resolution needs). Run: ``.venv/bin/python bench/bench_regions.py``.
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "louyu.settings")
os.environ.setdefault("LOUYU_VAR_DIR", "/tmp/louyu-bench")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

call_command("migrate", verbosity=0)

from louyu.core.models import Region, RegionLevel  # noqa: E402
from louyu.core.regions import normalize_address, resolve_address  # noqa: E402


def rate(func, items, repeat=3):
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        for item in items:
            func(item)
        best = min(best, time.perf_counter() - started)
    return len(items) / best


counties = list(Region.objects.filter(level=RegionLevel.COUNTY).select_related("parent"))
addresses = [f"{r.full_name}人民路{i}号" for i, r in enumerate(counties)]
addresses += [f"{r.parent.name}{r.name}幸福小区3-2-101" for r in counties if r.parent]
addresses *= 5
for a in addresses[:500]:
    resolve_address(a)
resolved = rate(resolve_address, addresses)
baseline = rate(normalize_address, addresses)
print(f"addresses: {len(addresses)}")
print(f"resolve_address: {resolved:,.0f} addresses/s")
print(f"baseline normalize_address: {baseline:,.0f} addresses/s")
print(f"ratio resolve/normalize: {resolved / baseline:.2f}")
