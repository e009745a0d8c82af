"""The GradBench report of scripts/gradbench.sh.

    gradbench_report.py LOGS BENCHMARKS_MD SVG EVAL...

Reads GradBench's run logs LOGS/EVAL/{dualnum,manual}.jsonl (one JSON object
a line: each message of the eval, each response of the tool, both with the
time elapsed), and writes a table (per eval and size: dualnum and manual
times with GradBench's statistic, the mean of a message's "evaluate"
timings; their ratio; dualnum's "prepare" timing, if it sent one; dualnum's
peak resident set; validated or not) and a
plot of the ratios into BENCHMARKS_MD between the GRADBENCH markers (after
the generated block when they are not there yet), ending with the summary
line

    gradbench: K of 12 evals, V of M evaluations validated; geomean dualnum/manual X; peak memory Y MB

(the geometric mean over the derivative evaluations that manual also ran).

With several rounds (scripts/gradbench.sh's GRADBENCH_ROUNDS: LOGS/EVAL/
TOOL.rR.jsonl beside round 1's TOOL.jsonl), each time is the median over the
rounds, each ratio the median of the rounds' ratios (round r of dualnum over
round r of manual, run one after the other), with the range of those ratios
in its own column; an evaluation counts as validated when every round
validated it.
"""

import json
import math
import os
import sys

BEGIN, END = "<!-- BEGIN GRADBENCH -->", "<!-- END GRADBENCH -->"
# The derivative function of each eval that manual implements too.
DERIVATIVE = {
    "lse": "gradient",
    "llsq": "gradient",
    "det": "gradient",
    "ode": "gradient",
    "kmeans": "dir",
    "gmm": "jacobian",
    "lstm": "jacobian",
    "ba": "jacobian",
    "ht": "jacobian",
}
PRIMAL = {
    "lse": "primal",
    "llsq": "primal",
    "det": "primal",
    "ode": "primal",
    "kmeans": "cost",
    "gmm": "objective",
    "lstm": "objective",
    "ba": "objective",
    "ht": "objective",
}


def read_log(path):
    """Evaluations in order: (function, description, mean ns or None, valid, peak bytes, prepare ns or None)."""
    if not os.path.exists(path):
        return []
    messages, responses = {}, {}
    with open(path) as f:
        for line in f:
            entry = json.loads(line)
            if "message" in entry:
                messages[entry["message"]["id"]] = entry["message"]
            elif "response" in entry:
                responses[entry["response"]["id"]] = entry["response"]
    valid = {
        m["of"]: m["valid"] for m in messages.values() if m.get("kind") == "analysis"
    }
    out = []
    for i in sorted(messages):
        m = messages[i]
        if m.get("kind") != "evaluate":
            continue
        r = responses.get(i, {})
        times = [t["nanoseconds"] for t in r.get("timings") or [] if t["name"] == "evaluate"]
        mean = sum(times) / len(times) if r.get("success") and times else None
        prep = sum(t["nanoseconds"] for t in r.get("timings") or [] if t["name"] == "prepare")
        out.append(
            (
                m["function"],
                m.get("description") or "",
                mean,
                bool(r.get("success")) and valid.get(i, False),
                r.get("peak_rss_bytes"),
                prep if r.get("success") and prep > 0 else None,
            )
        )
    return out


def read_rounds(directory, tool):
    """Every round's evaluations of one tool: round 1 (TOOL.jsonl), then TOOL.r2.jsonl, ..."""
    rounds = [read_log(os.path.join(directory, f"{tool}.jsonl"))]
    r = 2
    while os.path.exists(os.path.join(directory, f"{tool}.r{r}.jsonl")):
        rounds.append(read_log(os.path.join(directory, f"{tool}.r{r}.jsonl")))
        r += 1
    return rounds


def median(xs):
    xs = sorted(x for x in xs if x is not None)
    if not xs:
        return None
    h = len(xs) // 2
    return xs[h] if len(xs) % 2 else (xs[h - 1] + xs[h]) / 2


def merge_rounds(rounds):
    """One entry per evaluation of round 1, over every round: (function, description,
    median time, valid in every round, largest peak, median prepare, each round's time)."""
    if not rounds or not rounds[0]:
        return []
    by_round = [{(f, d): (t, v, p, q) for f, d, t, v, p, q in r} for r in rounds]
    out = []
    for f, d, *_ in rounds[0]:
        got = [b.get((f, d), (None, False, None, None)) for b in by_round]
        out.append(
            (
                f,
                d,
                median([g[0] for g in got]),
                all(g[1] for g in got),
                max([g[2] or 0 for g in got]) or None,
                median([g[3] for g in got]),
                [g[0] for g in got],
            )
        )
    return out


def ms(ns):
    if ns is None:
        return "–"
    v = ns / 1e6
    return f"{v:,.3g}" if v < 1000 else f"{v:,.0f}"


def ratio(a, b):
    return a / b if a is not None and b is not None and b > 0 else None


def fmt_ratio(r):
    return "–" if r is None else f"{r:.3g}"


def svg(bars, path):
    """Horizontal bars of log ratios, one per (label, ratio)."""
    width, left, row, top = 760, 230, 16, 30
    lo = min([-1.0] + [math.floor(math.log10(r)) for _, r in bars])
    hi = max([1.0] + [math.ceil(math.log10(r)) for _, r in bars])
    scale = (width - left - 20) / (hi - lo)
    x = lambda v: left + (math.log10(v) - lo) * scale  # noqa: E731
    height = top + row * len(bars) + 30
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="11">',
        f'<rect width="{width}" height="{height}" fill="white"/>',
        f'<text x="{left}" y="16" font-size="13">dualnum / manual (GradBench, derivative evaluations; log scale)</text>',
    ]
    for e in range(int(lo), int(hi) + 1):
        xe = x(10.0**e)
        out.append(f'<line x1="{xe:.1f}" y1="{top - 6}" x2="{xe:.1f}" y2="{height - 24}" stroke="{"black" if e == 0 else "#ccc"}"/>')
        out.append(f'<text x="{xe:.1f}" y="{height - 10}" text-anchor="middle">{10.0**e:g}×</text>')
    for i, (label, r) in enumerate(bars):
        y = top + i * row
        x0, x1 = x(1.0), x(r)
        colour = "#4a7" if r <= 1.5 else ("#e90" if r <= 3 else "#d44")
        out.append(f'<rect x="{min(x0, x1):.1f}" y="{y + 2}" width="{abs(x1 - x0):.1f}" height="{row - 4}" fill="{colour}"/>')
        out.append(f'<text x="{left - 6}" y="{y + row - 4}" text-anchor="end">{label}</text>')
        out.append(f'<text x="{max(x0, x1) + 4:.1f}" y="{y + row - 4}">{r:.3g}</text>')
    out.append("</svg>")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


def main():
    logs, md, svg_path, evals = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    lines = [
        BEGIN,
        "",
        "## GradBench",
        "",
        "Generated by `scripts/gradbench.sh` (do not edit by hand): GradBench's own evals",
        "run against dualnum's tool (`bench/src/bin/gradbench_dualnum`, public API only)",
        "and against GradBench's hand-written C++ tool (`manual`), both on the default",
        "target. Times are GradBench's statistic (the mean of a message's `evaluate`",
        "timings) in ms; ratio = dualnum / manual; prepare = dualnum's `prepare`",
        "timing, outside the statistic as GradBench's C++ tools' constructors are",
        "(here the first call of a prepared gradient: record, sweep, compile); peak =",
        "dualnum's largest resident set during the message, preparation included;",
        "✓ = GradBench validated dualnum's primal and derivative outputs against",
        "manual's. The machine is shared (2 cores): read ratios, not times.",
        "",
        "| eval | size (eval's args) | derivative | dualnum ms | manual ms | ratio | ratio range | primal ratio | prepare ms | peak MB | validated |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    most_rounds = 1
    bars, ratios, ratios_no_ode, peaks = [], [], [], []
    per_eval = []  # (eval, derivative ratios in order, peak bytes)
    n_valid = n_total = evals_ok = 0
    notes = []
    for ev in evals:
        ours_rounds = read_rounds(os.path.join(logs, ev), "dualnum")
        ours = merge_rounds(ours_rounds)
        if not ours:
            continue
        most_rounds = max(most_rounds, len(ours_rounds))
        theirs_merged = merge_rounds(read_rounds(os.path.join(logs, ev), "manual"))
        theirs = {(f, d): t for f, d, t, *_ in theirs_merged}
        theirs_each = {(f, d): ts for f, d, *_, ts in theirs_merged}
        args_path = os.path.join(logs, ev, "args")
        args = open(args_path).read().strip() if os.path.exists(args_path) else ""
        n_total += len(ours)
        n_valid += sum(1 for o in ours if o[3])
        if all(o[3] for o in ours):
            evals_ok += 1
        peaks += [o[4] for o in ours if o[4]]
        by = {(f, d): (t, v, p, q) for f, d, t, v, p, q, _ in ours}
        each = {(f, d): ts for f, d, *_, ts in ours}
        deriv, primal = DERIVATIVE.get(ev), PRIMAL.get(ev)
        if deriv:
            sizes = [d for f, d, *_ in ours if f == deriv]
            rows = [(deriv, d) for d in sizes]
        else:
            rows = list(dict.fromkeys((f, d) for f, d, *_ in ours))
        eval_ratios = []
        for f, d in rows:
            t, v, p, q = by[(f, d)]
            m = theirs.get((f, d))
            # the median of the rounds' ratios, each round's tools run back to back
            per_round = [
                ratio(a, b) for a, b in zip(each[(f, d)], theirs_each.get((f, d), []))
            ]
            per_round = [x for x in per_round if x is not None]
            r = median(per_round)
            spread = (
                f"{min(per_round):.3g}–{max(per_round):.3g}" if len(per_round) > 1 else "–"
            )
            pr = ratio(by.get((primal, d), (None,))[0], theirs.get((primal, d))) if primal else None
            ok = v and (by.get((primal, d), (None, True))[1] if primal else True)
            size = d + (f" ({args})" if args and d == rows[0][1] else "")
            lines.append(
                f"| {ev} | {size} | {f} | {ms(t)} | {ms(m)} | {fmt_ratio(r)} | {spread} | {fmt_ratio(pr)} | {ms(q)} | "
                f"{'–' if not p else f'{p / 2**20:,.0f}'} | {'✓' if ok else '✗'} |"
            )
            if deriv and r is not None:
                eval_ratios.append(r)
                ratios.append(r)
                if ev != "ode":
                    ratios_no_ode.append(r)
                bars.append((f"{ev} {d}", r))
        per_eval.append((ev, eval_ratios, max([o[4] or 0 for o in ours])))
    if os.path.exists(os.path.join(logs, "lstm-stand-in-text")):
        notes.append(
            "- lstm: the checkout had no `evals/lstm/data/lstm_full.txt`; the text was a stand-in "
            "(the ASCII characters of this repository's ARCHITECTURE.md and README.md)."
        )
    if most_rounds > 1:
        notes.append(
            f"- {most_rounds} rounds an eval, manual and dualnum alternating: times are medians over "
            "the rounds, ratio = the median of the rounds' ratios, ratio range = their min–max."
        )
    notes.append(
        "- manual has no `particle` or `saddle` (GradBench validates them against fixed values) and "
        "`hello` is a nanosecond-scale protocol check: the geometric mean is over the other nine evals' "
        "derivative evaluations."
    )
    gm = lambda rs: math.exp(sum(map(math.log, rs)) / len(rs)) if rs else float("nan")  # noqa: E731
    geomean = gm(ratios)
    if "ode" in {b[0].split()[0] for b in bars}:
        notes.append(
            "- ode: manual's gradient is the closed form of the solution's last component, "
            "which no AD tool can match; without ode the geometric mean is "
            f"{gm(ratios_no_ode):.2f} over {len(ratios_no_ode)} evaluations."
        )
    peak = max(peaks) / 2**20 if peaks else 0.0
    summary = [
        "Per eval (the last size is the largest GradBench runs by default):",
        "",
        "| eval | derivative evaluations | geomean dualnum/manual | ratio at the last size | peak MB |",
        "|---|---|---|---|---|",
    ]
    for ev, rs, pk in per_eval:
        if rs:
            summary.append(f"| {ev} | {len(rs)} | {gm(rs):.3g} | {rs[-1]:.3g} | {pk / 2**20:,.0f} |")
    svg(bars, svg_path)
    rel = os.path.relpath(svg_path, os.path.dirname(os.path.abspath(md)))
    lines += ["", *notes, "", *summary, "", f"![dualnum / manual on GradBench]({rel})", ""]
    lines.append(
        f"gradbench: {evals_ok} of 12 evals, {n_valid} of {n_total} evaluations validated; "
        f"geomean dualnum/manual {geomean:.2f}; peak memory {peak:,.0f} MB"
    )
    lines += ["", END]
    block = "\n".join(lines)
    text = open(md).read()
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        text = head + block + rest.split(END, 1)[1]
    else:
        marker = "<!-- END GENERATED -->"
        at = text.index(marker) + len(marker) if marker in text else len(text)
        text = text[:at] + "\n\n" + block + text[at:]
    with open(md, "w") as f:
        f.write(text)
    print(lines[-3])


if __name__ == "__main__":
    main()
