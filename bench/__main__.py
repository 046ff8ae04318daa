"""`make bench`: every benchmark against the fake Bot API over real HTTP; prints a table and
writes bench/results.json. Not tests: nothing here fails a build."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

from bench import delivery, discord, micro, startup, throughput
from bench.common import Result

RESULTS = Path(__file__).resolve().parent / "results.json"
ROUNDS = 3


def _value(result: Result) -> str:
    if result.value is None:
        return "n/a"
    if isinstance(result.value, float) and not result.value.is_integer():
        return f"{result.value:,.3f}".rstrip("0").rstrip(".") + f" {result.unit}"
    return f"{result.value:,.0f} {result.unit}"


def table(results: list[Result]) -> str:
    rows = [("benchmark", "value", "target", "met", "what was measured")]
    for r in results:
        met = "" if r.met is None else ("yes" if r.met else "NO")
        rows.append((r.name, _value(r), r.target or "", met, r.note))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = []
    for n, row in enumerate(rows):
        cells = [row[i].ljust(widths[i]) for i in range(4)]
        lines.append("  ".join([*cells, row[4]]).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in [*widths, 17]))
    return "\n".join(lines)


async def _all(work: Path) -> list[Result]:
    results: list[Result] = []
    sections = (
        ("update throughput and latency", throughput.run),
        ("daily delivery", delivery.run),
        ("start-up", startup.run),
        ("Discord DMs and daily DMs", discord.run),
    )
    for title, section in sections:
        started = time.monotonic()
        print(f"bench: {title}…", file=sys.stderr, flush=True)
        results.extend(await section(work, ROUNDS))
        print(f"bench: {title} took {time.monotonic() - started:.0f} s", file=sys.stderr)
    print("bench: parsing and charts…", file=sys.stderr, flush=True)
    results.extend(micro.run(ROUNDS))
    return results


def main() -> int:
    started = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="runstrong-bench-"))
    try:
        results = asyncio.run(_all(work))
    except BaseException:
        print(f"bench: failed; bot logs kept in {work}", file=sys.stderr)
        raise
    shutil.rmtree(work, ignore_errors=True)
    print(table(results))
    report = {
        "generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {
            "cores": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "full": os.environ.get("BENCH_FULL") == "1",
        "duration_s": round(time.monotonic() - started, 1),
        "results": {r.name: r.as_json() for r in results},
    }
    RESULTS.write_text(json.dumps(report, indent=2) + "\n")
    missed = [r.name for r in results if r.met is False]
    print(
        f"\nwrote {RESULTS} in {report['duration_s']:.0f} s; "
        f"targets missed: {', '.join(missed) or 'none'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
