#!/usr/bin/env python3
"""The sparse section's table and plot from scripts/sparse-callgrind.sh.

    scripts/sparse-report.py before.csv after.csv [plot.svg [label]] > table.md

writes the plot (default docs/bench/sparse_callgrind.svg): per workload, each method's
instruction ratio to the hand-written sparse derivative, before (grey) and
after (colour), on a log scale, with the issue's goal drawn where it has
one. The markdown table goes to stdout.
"""
import csv
import math
import sys

GOALS = {"broyden_10000": 4.0, "bratu_100x100": 2.0, "rosenbrock_hessian_10000": 30.0}
TITLES = {
    "broyden_10000": "Broyden n = 10,000 (3 colours)",
    "bratu_100x100": "Bratu 100 × 100 (5 colours)",
    "arrowhead_1000": "Arrowhead n = 1,000 (3 colours both ways; 1,000 one way)",
    "arrowhead_10000": "Arrowhead n = 10,000 (3 colours both ways)",
    "rosenbrock_hessian_10000": "Rosenbrock Hessian n = 10,000 (2 acyclic / 3 star)",
}


def load(path):
    rows = {}
    order = []
    with open(path) as f:
        for w, m, per, ratio in csv.reader(f):
            rows[(w, m)] = (int(per), float(ratio))
            order.append((w, m))
    return rows, order


def main():
    plot = sys.argv[3] if len(sys.argv) > 3 else "docs/bench/sparse_callgrind.svg"
    who = sys.argv[4] if len(sys.argv) > 4 else "issue 20 session 3"
    before, _ = load(sys.argv[1])
    after, order = load(sys.argv[2])
    workloads = []
    for w, _ in order:
        if w not in workloads:
            workloads.append(w)
    # the table
    print("| workload | method | before | after | instr./call after |")
    print("|---|---|---|---|---|")
    for w, m in order:
        if m == "hand-written":
            print(f"| {TITLES.get(w, w)} | hand-written | 1 | 1 | {after[(w, m)][0]:,} |")
            continue
        b = before.get((w, m))
        a = after[(w, m)]
        bs = f"{b[1]:.2f}×" if b else "—"
        print(f"| | {m} | {bs} | **{a[1]:.2f}×** | {a[0]:,} |")
    # the plot
    lo, hi = 1.0, max(max(r for _, r in after.values()), max(r for _, r in before.values()))
    hi = 10 ** math.ceil(math.log10(hi))
    x0, width, bar = 250, 560, 7
    scale = lambda r: x0 + width * math.log10(max(r, lo)) / math.log10(hi)
    out, y = [], 40
    for w in workloads:
        out.append(f'<text x="6" y="{y + 10}" font-weight="bold">{TITLES.get(w, w)}</text>')
        y += 18
        top = y
        for ww, m in order:
            if ww != w or m == "hand-written":
                continue
            out.append(f'<text x="{x0 - 6}" y="{y + 11}" text-anchor="end">{m}</text>')
            b = before.get((w, m))
            if b:
                out.append(f'<rect x="{x0}" y="{y}" width="{scale(b[1]) - x0:.1f}" height="{bar}" fill="#bbbbbb"/>')
            a = after[(w, m)]
            out.append(f'<rect x="{x0}" y="{y + bar}" width="{scale(a[1]) - x0:.1f}" height="{bar}" fill="#1f77b4"/>')
            label = f"{b[1]:.2f}× → {a[1]:.2f}×" if b else f"{a[1]:.2f}×"
            out.append(f'<text x="{max(scale(a[1]), scale(b[1]) if b else 0) + 4:.1f}" y="{y + 11}">{label}</text>')
            y += 2 * bar + 4
        if w in GOALS:
            gx = scale(GOALS[w])
            out.append(f'<line x1="{gx:.1f}" x2="{gx:.1f}" y1="{top - 2}" y2="{y}" stroke="#d62728" stroke-dasharray="4,3"/>')
            out.append(f'<text x="{gx + 2:.1f}" y="{top - 4}" fill="#d62728">goal {GOALS[w]:g}×</text>')
        y += 14
    ticks = []
    t = lo
    while t <= hi:
        ticks.append(f'<line x1="{scale(t):.1f}" x2="{scale(t):.1f}" y1="30" y2="{y}" stroke="#eeeeee"/>')
        ticks.append(f'<text x="{scale(t):.1f}" y="{y + 12}" text-anchor="middle">{t:g}×</text>')
        t *= 10
    height = y + 24
    svg = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{x0 + width + 150}" height="{height}" font-family="sans-serif" font-size="11">',
        f'<text x="{(x0 + width + 150) / 2:.0f}" y="18" text-anchor="middle" font-size="13">Sparse drivers: callgrind instructions per call / hand-written sparse derivative (log scale; grey before, blue after {who})</text>',
        *ticks,
        *out,
        "</svg>",
    ]
    with open(plot, "w") as f:
        f.write("\n".join(svg) + "\n")


main()
