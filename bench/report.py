"""Print a benchmark result file as a Markdown table (for docs/benchmarks.md).

python -m bench.report bench-results.json [more-results.json ...]
"""

import json
import sys
from pathlib import Path


def _ms(value):
    return "–" if value is None else f"{value:.1f}"


def results_markdown(results):
    memory = results.get("memory_mb", {})
    lines = [
        f"**{results['articles']:,} articles**, {results['database']}, measured "
        f"{results.get('measured_at', '?')}; ceiling {results['ceiling_rps']} rps "
        f"(start {results['ceiling']['rps_start']}, end {results['ceiling']['rps_end']}, "
        f"{results['ceiling']['bytes']} bytes); worker RSS MB: product "
        f"{memory.get('product')}, ceiling {memory.get('ceiling')}; "
        f"cache {results.get('settings', {}).get('cache', '?')}.",
        "",
        "| page | rps | p50 ms | p95 ms | p99 ms | queries (warm) | bytes | ratio | goal |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in results["pages"]:
        mark = "" if row["ratio"] >= row["goal"] else " ✗"
        lines.append(
            f"| {row['page']} | {row['rps']:.1f} | {_ms(row['p50_ms'])} | {_ms(row['p95_ms'])} "
            f"| {_ms(row['p99_ms'])} | {row['queries']} ({row.get('queries_warm', '?')}) "
            f"| {row['bytes']:,} "
            f"| {row['ratio']:.3f}{mark} | {row['goal']:.2f} |"
        )
    lines.extend(f"- {note}" for note in results.get("notes", []))
    return "\n".join(lines)


def main(paths):
    if not paths:
        print(__doc__.strip(), file=sys.stderr)
        sys.exit(2)
    for path in paths:
        print(results_markdown(json.loads(Path(path).read_text())))
        print()


if __name__ == "__main__":
    main(sys.argv[1:])
