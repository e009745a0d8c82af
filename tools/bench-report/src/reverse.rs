//! The reverse-mode section (issue 12): reads
//! `target/interleaved/reverse_<label>.json` (written by
//! `bench/benches/reverse_interleaved.rs`), where every ratio is to one
//! plain `f64` evaluation of the same function, and renders the goals, one
//! table per workload and target (methods × n, median with p25–p75) and
//! one plot per target.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use serde_json::Value;

use crate::plots;

/// One row of the harness: median ratio to one `f64` evaluation, its
/// 25th and 75th percentiles over rounds, and the `f64` time (seconds).
#[derive(Clone, Copy, Debug)]
pub struct Rv {
    pub ratio: f64,
    pub p25: f64,
    pub p75: f64,
    pub f64_s: f64,
}

/// `(workload family, n, method) → result`, e.g. `("rosenbrock", 1000, "replay")`.
pub type Table = BTreeMap<(String, u64, String), Rv>;

/// The workloads, in table order, with their headings.
pub const FAMILIES: [(&str, &str); 2] = [
    ("rosenbrock", "Rosenbrock (arithmetic only, 8 recorded operations per term)"),
    ("exp_sin_ln", "exp_sin_ln (sums of eˣ·sin y·ln(1 + x²))"),
];

/// The sizes the harness runs.
pub const SIZES: [u64; 4] = [10, 100, 1000, 10_000];

/// The methods, in row order: dualnum's, then the peers'.
pub const METHODS: [&str; 8] = [
    "hand-written",
    "fresh recording",
    "reused tape",
    "replay",
    "hvp (forward over reverse)",
    "reverse 0.2",
    "echidna grad",
    "echidna replay",
];

/// The recorded methods (a replay must beat each at every size).
const RECORDED: [&str; 2] = ["fresh recording", "reused tape"];

/// Issue 12's limits at n = 1,000, as (family, method, limit).
const GOALS: [(&str, &str, f64); 6] = [
    ("rosenbrock", "fresh recording", 12.0),
    ("rosenbrock", "reused tape", 12.0),
    ("rosenbrock", "replay", 6.0),
    ("exp_sin_ln", "fresh recording", 4.0),
    ("exp_sin_ln", "reused tape", 4.0),
    ("exp_sin_ln", "replay", 2.5),
];

pub fn load(p: &Path) -> Table {
    let mut t = Table::new();
    let Some(Value::Array(rows)) =
        std::fs::read_to_string(p).ok().and_then(|s| serde_json::from_str(&s).ok())
    else {
        return t;
    };
    for r in rows {
        let (Some(w), Some(m), Some(ratio)) =
            (r["workload"].as_str(), r["method"].as_str(), r["ratio"].as_f64())
        else {
            continue;
        };
        let Some((family, n)) = w.rsplit_once('/').and_then(|(f, n)| Some((f, n.parse().ok()?)))
        else {
            continue;
        };
        let g = |k: &str| r[k].as_f64().unwrap_or(f64::NAN);
        let rv = Rv { ratio, p25: g("p25"), p75: g("p75"), f64_s: g("f64_seconds") };
        t.insert((family.to_string(), n, m.to_string()), rv);
    }
    t
}

fn cell(x: Option<&Rv>) -> String {
    x.map_or("–".into(), |r| format!("{:.2} ({:.2}–{:.2})", r.ratio, r.p25, r.p75))
}

fn size(n: u64) -> String {
    if n >= 1000 { format!("{},{:03}", n / 1000, n % 1000) } else { n.to_string() }
}

fn f64_time(s: f64) -> String {
    let ns = s * 1e9;
    if ns < 1e3 { format!("{ns:.1} ns") } else { format!("{:.2} µs", ns / 1e3) }
}

/// Appends the section to `md` and writes `docs/bench/reverse_<label>.svg`.
pub fn section(md: &mut String, targets: &[(&str, Table)], docs: &Path) {
    if targets.iter().all(|(_, t)| t.is_empty()) {
        return;
    }
    writeln!(
        md,
        "## Reverse mode (issue 12)\n\n`bench/benches/reverse_interleaved.rs`: each method \
         against one plain `f64` evaluation of the same function in alternating short rounds; \
         the median of the per-round ratios, 25th–75th percentile in brackets. \"fresh \
         recording\" is `reverse::gradient` (a new tape per call), \"reused tape\" \
         `Tape::gradient`, \"replay\" `Compiled::gradient` on a program compiled once, \
         \"hvp\" `reverse::hvp` (value, gradient and H·v by forward over reverse: second \
         order, to set against the reused tape's first); `reverse` 0.2 and echidna 0.15 (its thread-local tape `grad`, and its bytecode tape \
         recorded once and replayed) beside them. The runs shown are, per target, the \
         quietest of several by the hand-written ratio: on this shared machine whole runs \
         alternate between two states, and in the busy one every method but the \
         latency-bound `f64` baseline is about 1.4× slower.\n\n### Goals at n = 1,000\n\n\
         | workload | method | default | native | limit | met |\n|---|---|---|---|---|---|"
    )
    .unwrap();
    for (family, method, limit) in GOALS {
        let get = |t: &Table| t.get(&(family.to_string(), 1000, method.to_string())).copied();
        let vals: Vec<Option<Rv>> = targets.iter().map(|(_, t)| get(t)).collect();
        let met = if vals.iter().all(Option::is_none) {
            "not measured"
        } else if vals.iter().flatten().all(|r| r.ratio <= limit) {
            "met"
        } else {
            "**missed**"
        };
        let cells: Vec<String> = vals.iter().map(|v| cell(v.as_ref())).collect();
        writeln!(md, "| {family} | {method} | {} | ≤ {limit} | {met} |", cells.join(" | "))
            .unwrap();
    }
    // Replay against recording, every size and target.
    let mut slower = Vec::new();
    let mut checked = 0;
    for (label, t) in targets {
        for (family, _) in FAMILIES {
            for n in SIZES {
                let get = |m: &str| t.get(&(family.to_string(), n, m.to_string()));
                let Some(replay) = get("replay") else { continue };
                for rec in RECORDED {
                    if let Some(r) = get(rec) {
                        checked += 1;
                        if replay.ratio >= r.ratio {
                            slower.push(format!("{family} n = {} {label} ({rec})", size(n)));
                        }
                    }
                }
            }
        }
    }
    let verdict = if checked == 0 {
        "not measured".to_string()
    } else if slower.is_empty() {
        format!("met ({checked} comparisons)")
    } else {
        format!("**missed**: {}", slower.join(", "))
    };
    writeln!(
        md,
        "\nReplay faster than both recorded methods at every size and target: {verdict}.\n"
    )
    .unwrap();

    for (label, t) in targets {
        if t.is_empty() {
            continue;
        }
        for (family, heading) in FAMILIES {
            writeln!(
                md,
                "### {heading}, {label} target\n\n| method | {} |\n|---|{}",
                SIZES.map(|n| format!("n = {}", size(n))).join(" | "),
                "---|".repeat(SIZES.len())
            )
            .unwrap();
            for m in METHODS {
                let cells = SIZES.map(|n| cell(t.get(&(family.to_string(), n, m.to_string()))));
                writeln!(md, "| {m} | {} |", cells.join(" | ")).unwrap();
            }
            let times = SIZES.map(|n| {
                t.iter()
                    .find(|(k, _)| k.0 == family && k.1 == n)
                    .map_or("–".into(), |(_, r)| f64_time(r.f64_s))
            });
            writeln!(md, "| *one `f64` evaluation* | {} |\n", times.join(" | ")).unwrap();
        }
    }
    for (label, t) in targets {
        if t.is_empty() {
            continue;
        }
        let name = format!("reverse_{label}.svg");
        plots::reverse(t, &docs.join(&name), &format!("Reverse-mode gradient, {label} target"))
            .expect("reverse plot");
        writeln!(
            md,
            "![Reverse mode, ratio to one f64 evaluation vs n, {label}](docs/bench/{name})\n"
        )
        .unwrap();
    }
}
