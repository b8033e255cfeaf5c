"""Print benchmark result files as Markdown tables (for docs/benchmarks.md).

python -m bench.report bench-results.json [more-results.json ...]
python -m bench.report --flat small.json large.json   # ratio at N vs ratio at n
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


# The flat-cost goal: a page's ratio at the large size is at least
# this fraction of its ratio at the small size.
FLAT_COST_GOAL = 0.9


def flat_cost_markdown(small, large):
    """Each page's ratio at both sizes, their quotient and the query counts."""
    lines = [
        f"| page | ratio at {small['articles']:,} | ratio at {large['articles']:,} "
        f"| quotient (goal ≥ {FLAT_COST_GOAL}) | queries cold (warm) |",
        "|---|---:|---:|---:|---|",
    ]
    large_rows = {row["page"]: row for row in large["pages"]}
    for row in small["pages"]:
        other = large_rows.get(row["page"])
        if other is None:
            continue
        quotient = other["ratio"] / row["ratio"] if row["ratio"] else 0.0
        mark = "" if quotient >= FLAT_COST_GOAL else " ✗"
        same = row["queries"] == other["queries"]
        lines.append(
            f"| {row['page']} | {row['ratio']:.3f} | {other['ratio']:.3f} "
            f"| {quotient:.2f}{mark} | {row['queries']} ({row.get('queries_warm', '?')}) → "
            f"{other['queries']} ({other.get('queries_warm', '?')}){'' if same else ' ✗'} |"
        )
    return "\n".join(lines)


def main(paths):
    if not paths:
        print(__doc__.strip(), file=sys.stderr)
        sys.exit(2)
    if paths[0] == "--flat":
        if len(paths) != 3:
            print("--flat takes two result files: the small run, then the large.", file=sys.stderr)
            sys.exit(2)
        small, large = (json.loads(Path(path).read_text()) for path in paths[1:])
        print(flat_cost_markdown(small, large))
        return
    for path in paths:
        print(results_markdown(json.loads(Path(path).read_text())))
        print()


if __name__ == "__main__":
    main(sys.argv[1:])
