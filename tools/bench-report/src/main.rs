//! bench-report: reads criterion's saved estimates (medians) and the
//! interleaved harness's ratios, writes the generated part of
//! BENCHMARKS.md and the SVG plots under docs/bench/.
//!
//! Usage: `cargo run --release -- <dualnum root>` (default `../..`).
//! Targets: `target/criterion` is the default target, `target/native/criterion`
//! the `-C target-cpu=native` build; `target/interleaved/<label>.json` holds
//! the interleaved ratios, `target/interleaved/reverse_<label>.json` the
//! reverse-mode harness's (see `reverse.rs`).

mod plots;
mod reverse;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde_json::Value;

/// One criterion measurement.
#[derive(Clone, Debug)]
pub struct Rec {
    /// `group` plus `/param` when the benchmark has a parameter.
    pub workload: String,
    pub method: String,
    pub param: Option<f64>,
    pub median_ns: f64,
}

/// The targets, in table order: label, criterion directory, interleaved file.
const TARGETS: [(&str, &str); 2] = [("default", "target"), ("native", "target/native")];

pub const BASELINE: &str = "hand-written";

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else { return };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            if p.file_name().is_some_and(|n| n == "new") {
                out.push(p);
            } else {
                walk(&p, out);
            }
        }
    }
}

fn read_json(p: &Path) -> Option<Value> {
    serde_json::from_str(&std::fs::read_to_string(p).ok()?).ok()
}

fn load_criterion(dir: &Path) -> Vec<Rec> {
    let mut news = Vec::new();
    walk(dir, &mut news);
    let mut recs = Vec::new();
    for n in news {
        let (Some(b), Some(e)) =
            (read_json(&n.join("benchmark.json")), read_json(&n.join("estimates.json")))
        else {
            continue;
        };
        let group = b["group_id"].as_str().unwrap_or_default().to_string();
        let method = b["function_id"].as_str().unwrap_or_default().to_string();
        let param = b["value_str"].as_str().map(str::to_string);
        let Some(median_ns) = e["median"]["point_estimate"].as_f64() else { continue };
        let workload = match &param {
            Some(p) => format!("{group}/{p}"),
            None => group,
        };
        recs.push(Rec { workload, method, param: param.and_then(|p| p.parse().ok()), median_ns });
    }
    recs.sort_by(|a, b| {
        (workload_key(&a.workload), &a.method).cmp(&(workload_key(&b.workload), &b.method))
    });
    recs
}

/// Sorts `gradient/rosenbrock/16` after `/8`: numeric tails compare as numbers.
fn workload_key(w: &str) -> (String, u64) {
    match w.rsplit_once('/') {
        Some((head, tail)) if tail.parse::<u64>().is_ok() => {
            (head.to_string(), tail.parse().unwrap())
        }
        _ => (w.to_string(), 0),
    }
}

/// One interleaved result: the median ratio to hand-written, its
/// interquartile range over rounds, and the median time per call.
#[derive(Clone, Copy, Debug)]
pub struct Il {
    pub ratio: f64,
    pub q1: f64,
    pub q3: f64,
    pub ns: f64,
}

/// `(workload, method) → ratio` from the interleaved harness.
fn load_interleaved(p: &Path) -> BTreeMap<(String, String), Il> {
    let mut m = BTreeMap::new();
    if let Some(Value::Array(v)) = read_json(p) {
        for r in v {
            if let (Some(w), Some(me), Some(x)) =
                (r["workload"].as_str(), r["method"].as_str(), r["ratio"].as_f64())
            {
                let g = |k: &str| r[k].as_f64().unwrap_or(f64::NAN);
                let il = Il { ratio: x, q1: g("q1"), q3: g("q3"), ns: g("ns") };
                m.insert((w.to_string(), me.to_string()), il);
            }
        }
    }
    m
}

fn fmt_il(x: Option<&Il>) -> String {
    x.map_or("–".into(), |r| format!("{:.2} ({:.2}–{:.2})", r.ratio, r.q1, r.q3))
}

/// Ratio of each record to the hand-written median of the same workload.
pub fn ratios(recs: &[Rec]) -> BTreeMap<(String, String), f64> {
    let base: BTreeMap<&str, f64> = recs
        .iter()
        .filter(|r| r.method == BASELINE)
        .map(|r| (r.workload.as_str(), r.median_ns))
        .collect();
    recs.iter()
        .filter_map(|r| {
            base.get(r.workload.as_str())
                .map(|b| ((r.workload.clone(), r.method.clone()), r.median_ns / b))
        })
        .collect()
}

fn fmt_time(ns: f64) -> String {
    if ns < 1e3 {
        format!("{ns:.1} ns")
    } else if ns < 1e6 {
        format!("{:.2} µs", ns / 1e3)
    } else {
        format!("{:.2} ms", ns / 1e6)
    }
}

fn fmt_opt(x: Option<f64>) -> String {
    x.map_or("–".into(), |r| format!("{r:.2}"))
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|s| s.trim().to_string())
        })
        .unwrap_or_else(|| "unknown".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let rustc = std::process::Command::new("rustc")
        .arg("--version")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_else(|| "unknown".into());
    format!("- CPU: {cpu} ({cores} logical cores, shared with other jobs)\n- Compiler: {rustc}\n")
}

/// The goals of issue 17, per workload: the absolute limit on the ratio to
/// hand-written (default, native; `None` for none), and the peer whose row
/// dualnum's must not be slower than.
/// A goal row: workload, label, limit (default, native), peer.
type Goal = (&'static str, &'static str, Option<(f64, f64)>, &'static str);

const GOALS: [Goal; 12] = [
    ("derivative/transcendental", "f′ scalar", None, "num-dual"),
    ("gradient/rosenbrock/2", "∇ n=2", None, "num-dual"),
    ("gradient/rosenbrock/4", "∇ n=4", None, "num-dual"),
    ("gradient/rosenbrock/8", "∇ n=8", Some((4.5, 2.0)), "num-dual"),
    ("gradient/rosenbrock/16", "∇ n=16", None, "num-dual"),
    ("gradient/rosenbrock/32", "∇ n=32", None, "num-dual"),
    ("jacobian/broyden_8", "Broyden 8×8", None, "num-dual"),
    ("jacobian/broyden_exp_sin_8", "Broyden + exp·sin 8×8", None, "num-dual"),
    ("jacobian/wide_64x4", "wide 64×4", None, "num-dual"),
    ("jacobian/tall_4x64", "tall 4×64", None, "num-dual"),
    (
        "hessian/rosenbrock/4",
        "Hessian n=4 (`Dual2`; num-dual its `Dual2`)",
        Some((15.0, 15.0)),
        "num-dual",
    ),
    ("hessian/rosenbrock/8", "Hessian n=8 (`Dual2`; num-dual its `Dual2`)", None, "num-dual"),
];

/// dualnum's rows in the interleaved harness: closure driver, function
/// object (checked fast path), and plain `Dual` (`Dual2` for the Hessian)
/// arithmetic seeded by hand.
const OURS_IL: &str = "dualnum (closure)";
const OURS_FN: &str = "dualnum (fn object)";
const OURS_MANUAL: &str = "dualnum manual";

/// The line that marks criterion tables carried over from an earlier run.
const KEPT_NOTE: &str = "*Criterion was not rerun for this report: these tables and plots are \
                         from the previous run.*\n\n";

/// The spread files of `scripts/stack-shift.sh` and
/// `scripts/rows-elsewhere.sh`: label, file under `target/interleaved/`.
const SPREADS: [(&str, &str); 4] = [
    ("stack shifts, default", "stack-shift.tsv"),
    ("stack shifts, native", "stack-shift-native.tsv"),
    ("rows elsewhere, default", "rows-elsewhere.tsv"),
    ("rows elsewhere, native", "rows-elsewhere-native.tsv"),
];

/// Per `(workload, method)` of dualnum, the max/min over tags (stack
/// shifts or builds) of the mean median ratio to hand-written, from a
/// spread script's TSV (`tag, workload, method, ratio, ns`).
fn load_spread(p: &Path) -> BTreeMap<(String, String), f64> {
    let mut sums: BTreeMap<(String, String), BTreeMap<String, (f64, f64)>> = BTreeMap::new();
    let text = std::fs::read_to_string(p).unwrap_or_default();
    for line in text.lines() {
        let f: Vec<&str> = line.split('\t').collect();
        let (Some(tag), Some(w), Some(m), Some(r)) = (f.first(), f.get(1), f.get(2), f.get(3))
        else {
            continue;
        };
        let Ok(r) = r.parse::<f64>() else { continue };
        if !m.starts_with("dualnum") {
            continue;
        }
        let e = sums
            .entry((w.to_string(), m.to_string()))
            .or_default()
            .entry(tag.to_string())
            .or_insert((0.0, 0.0));
        e.0 += r;
        e.1 += 1.0;
    }
    sums.into_iter()
        .filter(|(_, tags)| tags.len() > 1)
        .map(|(k, tags)| {
            let means = tags.values().map(|(s, n)| s / n);
            let (lo, hi) =
                means.fold((f64::INFINITY, 0.0f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
            (k, hi / lo)
        })
        .collect()
}

/// The spread section: for each script's file, the worst row, how many
/// dualnum rows exceed 1.15, and every dualnum row of the goals' workloads.
fn spread_section(md: &mut String, root: &Path) {
    let tables: Vec<_> = SPREADS
        .iter()
        .map(|(label, f)| (*label, load_spread(&root.join("target/interleaved").join(f))))
        .collect();
    if tables.iter().all(|(_, t)| t.is_empty()) {
        return;
    }
    writeln!(
        md,
        "## Spread over stack shifts and unrelated rows\n\nmax/min over the runs of \
         `scripts/stack-shift.sh` (eight stack shifts) and `scripts/rows-elsewhere.sh` (the \
         harness built without and with unrelated rows) of each row's median ratio to \
         hand-written, averaged over passes; the goal is at most 1.15 for every dualnum row. \
         It also carries the machine's drift between runs.\n"
    )
    .unwrap();
    writeln!(md, "| run | dualnum rows | over 1.15 | worst |\n|---|---|---|---|").unwrap();
    for (label, t) in &tables {
        if t.is_empty() {
            writeln!(md, "| {label} | not run | – | – |").unwrap();
            continue;
        }
        let over = t.values().filter(|&&v| v > 1.15).count();
        let worst = t.iter().max_by(|a, b| a.1.total_cmp(b.1)).unwrap();
        writeln!(
            md,
            "| {label} | {} | {over} | {:.2} ({}, {}) |",
            t.len(),
            worst.1,
            worst.0.0,
            worst.0.1
        )
        .unwrap();
    }
    writeln!(md).unwrap();
    write!(md, "| workload | method |").unwrap();
    for (label, _) in &tables {
        write!(md, " {label} |").unwrap();
    }
    writeln!(md, "\n|---|---|{}", "---|".repeat(tables.len())).unwrap();
    for (w, _, _, _) in GOALS {
        for m in [OURS_IL, OURS_FN, OURS_MANUAL] {
            let k = (w.to_string(), m.to_string());
            if tables.iter().all(|(_, t)| !t.contains_key(&k)) {
                continue;
            }
            write!(md, "| {w} | {m} |").unwrap();
            for (_, t) in &tables {
                let v = t.get(&k).copied();
                let cell = match v {
                    Some(v) if v > 1.15 => format!("**{v:.2}**"),
                    Some(v) => format!("{v:.2}"),
                    None => "–".into(),
                };
                write!(md, " {cell} |").unwrap();
            }
            writeln!(md).unwrap();
        }
    }
    writeln!(md).unwrap();
}

fn main() {
    let root = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| "../..".into()));
    let docs = root.join("docs/bench");
    std::fs::create_dir_all(&docs).expect("create docs/bench");

    let mut md = String::new();
    writeln!(md, "## Machine\n\n{}", machine()).unwrap();
    let mut crit = Vec::new();
    let mut inter = Vec::new();
    for (label, dir) in TARGETS {
        let recs = load_criterion(&root.join(dir).join("criterion"));
        let il = load_interleaved(&root.join(format!("target/interleaved/{label}.json")));
        eprintln!("{label}: {} criterion estimates, {} interleaved ratios", recs.len(), il.len());
        crit.push((label, recs));
        inter.push((label, il));
    }
    let crit_ratios: Vec<_> = crit.iter().map(|(l, r)| (*l, ratios(r))).collect();
    let rev: Vec<_> = TARGETS
        .iter()
        .map(|(label, _)| {
            let t = reverse::load(&root.join(format!("target/interleaved/reverse_{label}.json")));
            eprintln!("{label}: {} reverse-mode ratios", t.len());
            (*label, t)
        })
        .collect();

    // Goals.
    writeln!(
        md,
        "## Goals (issue 17)\n\nThe interleaved harness: median of per-round ratios to the \
         hand-written derivative, interquartile range in brackets. dualnum three ways: the \
         closure driver (`gradient`, `jacobian`, `hessian`: NaN-safe kernels throughout), the \
         function-object driver (`gradient_of`, `jacobian_of`, `hessian_of`: the checked fast \
         path), and plain `Dual` arithmetic seeded by hand (`Dual2` for the Hessians, which \
         both drivers run as well). \"closure ÷ fn\" is the closure's median over the \
         function object's (goal: at most 1.10); \"vs num-dual\" is the closure's median over \
         num-dual's (goal: at most 1); \"limit\" applies to the closure.\n"
    )
    .unwrap();
    for (label, il) in &inter {
        writeln!(
            md,
            "### {label} target\n\n| workload | closure | fn object | `Dual` arithmetic | \
             num-dual | echidna | closure ÷ fn | vs num-dual | limit | met |\n\
             |---|---|---|---|---|---|---|---|---|---|"
        )
        .unwrap();
        for (w, name, limit, peer) in GOALS {
            let get = |m: &str| il.get(&(w.to_string(), m.to_string()));
            let (cl, fo, ma) = (get(OURS_IL), get(OURS_FN), get(OURS_MANUAL));
            let (nd, ec) = (get(peer), get("echidna"));
            let q = |a: Option<&Il>, b: Option<&Il>| match (a, b) {
                (Some(a), Some(b)) => Some(a.ratio / b.ratio),
                _ => None,
            };
            let (cf, rn) = (q(cl, fo), q(cl, nd));
            let lim = limit.map(|(d, n)| if *label == "native" { n } else { d });
            let mut ok = rn.is_none_or(|r| r <= 1.0) && cf.is_none_or(|r| r <= 1.10);
            if let (Some(l), Some(o)) = (lim, cl) {
                ok &= o.ratio <= l;
            }
            writeln!(
                md,
                "| {name} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
                fmt_il(cl),
                fmt_il(fo),
                fmt_il(ma),
                fmt_il(nd),
                fmt_il(ec),
                fmt_opt(cf),
                fmt_opt(rn),
                lim.map_or("–".into(), |l| format!("≤ {l}")),
                if cl.is_none() {
                    "not measured"
                } else if ok {
                    "met"
                } else {
                    "**missed**"
                }
            )
            .unwrap();
        }
        writeln!(md).unwrap();
    }
    spread_section(&mut md, &root);

    // Every interleaved row.
    writeln!(
        md,
        "## Interleaved harness, every row\n\nMedian ratio to hand-written (interquartile \
         range), default and native target, and the median time per call.\n"
    )
    .unwrap();
    let mut il_workloads: Vec<String> =
        inter.iter().flat_map(|(_, m)| m.keys().map(|k| k.0.clone())).collect();
    il_workloads.sort_by_key(|w| workload_key(w));
    il_workloads.dedup();
    for w in &il_workloads {
        let mut methods: Vec<String> = Vec::new();
        for (_, m) in &inter {
            for (k, _) in m.iter().filter(|(k, _)| &k.0 == w) {
                if !methods.contains(&k.1) {
                    methods.push(k.1.clone());
                }
            }
        }
        writeln!(md, "### {w}\n\n| method | default | native |\n|---|---|---|").unwrap();
        for me in methods {
            let cell = |i: usize| {
                inter[i]
                    .1
                    .get(&(w.clone(), me.clone()))
                    .map_or("–".into(), |r| format!("{} · {}", fmt_il(Some(r)), fmt_time(r.ns)))
            };
            writeln!(md, "| {me} | {} | {} |", cell(0), cell(1)).unwrap();
        }
        writeln!(md).unwrap();
    }
    if rev.iter().all(|(_, t)| t.is_empty()) {
        // The reverse harness was not rerun: keep the previous section as
        // it is (it used to be dropped), up to the criterion tables.
        let old = std::fs::read_to_string(root.join("BENCHMARKS.md")).unwrap_or_default();
        let (head, next) = ("\n## Reverse mode (issue 12)\n", "\n## All measurements\n");
        if let Some(b) = old.find(head) {
            let rest = &old[b + 1..];
            let e = rest
                .find(next)
                .or_else(|| rest.find("<!-- END GENERATED -->"))
                .unwrap_or(rest.len());
            md.push_str(&rest[..e]);
        }
    } else {
        reverse::section(&mut md, &rev, &docs);
    }

    let mut workloads: Vec<String> =
        crit.iter().flat_map(|(_, r)| r.iter().map(|r| r.workload.clone())).collect();
    workloads.sort_by_key(|w| workload_key(w));
    workloads.dedup();

    // Criterion's tables and plots; when no criterion estimates were found
    // (the interleaved harnesses were rerun alone), the previous run's are
    // kept as they are, marked as such.
    if crit.iter().all(|(_, r)| r.is_empty()) {
        let old = std::fs::read_to_string(root.join("BENCHMARKS.md")).unwrap_or_default();
        let head = "\n## All measurements\n";
        if let (Some(b), Some(e)) = (old.find(head), old.find("<!-- END GENERATED -->")) {
            let kept = old[b + head.len()..e].replace(KEPT_NOTE, "");
            write!(md, "{head}\n{KEPT_NOTE}{}", kept.trim_start_matches('\n')).unwrap();
        }
    } else {
        // Full tables.
        writeln!(
            md,
            "\n## All measurements\n\nCriterion medians, and each median divided by the \
             hand-written one of the same workload.\n"
        )
        .unwrap();
        for w in &workloads {
            let mut methods: Vec<String> = crit
                .iter()
                .flat_map(|(_, r)| r.iter().filter(|r| &r.workload == w).map(|r| r.method.clone()))
                .collect();
            methods.sort();
            methods.dedup();
            if methods.is_empty() {
                continue;
            }
            methods.sort_by_key(|m| (m != BASELINE, m != "f64 value", m.clone()));
            writeln!(
                md,
                "### {w}\n\n| method | default median | default ratio | native median | native ratio |\n|---|---|---|---|---|"
            )
            .unwrap();
            for m in methods {
                let mut row = format!("| {m} |");
                for (i, (_, recs)) in crit.iter().enumerate() {
                    let rec = recs.iter().find(|r| &r.workload == w && r.method == m);
                    let ratio = crit_ratios[i].1.get(&(w.clone(), m.clone())).copied();
                    write!(
                        row,
                        " {} | {} |",
                        rec.map_or("–".into(), |r| fmt_time(r.median_ns)),
                        fmt_opt(ratio)
                    )
                    .unwrap();
                }
                writeln!(md, "{row}").unwrap();
            }
            writeln!(md).unwrap();
        }

        // Plots.
        writeln!(md, "## Plots\n").unwrap();
        for (label, recs) in &crit {
            if recs.is_empty() {
                continue;
            }
            let name = format!("rosenbrock_{label}.svg");
            plots::scaling(
                recs,
                &docs.join(&name),
                &format!("Rosenbrock gradient, {label} target"),
            )
            .expect("rosenbrock plot");
            writeln!(md, "![Rosenbrock gradient time vs n, {label}](docs/bench/{name})\n").unwrap();
            let name = format!("ratios_{label}.svg");
            let r = ratios(recs);
            plots::ratio_bars(
                &r,
                &docs.join(&name),
                &format!("Ratio to hand-written, {label} target"),
            )
            .expect("ratio plot");
            writeln!(md, "![Ratios to hand-written, {label}](docs/bench/{name})\n").unwrap();
        }
    }

    // Splice into BENCHMARKS.md between the markers.
    let path = root.join("BENCHMARKS.md");
    let (begin, end) = ("<!-- BEGIN GENERATED -->", "<!-- END GENERATED -->");
    let old = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| format!("# Benchmarks\n\n{begin}\n{end}\n"));
    let (Some(b), Some(e)) = (old.find(begin), old.find(end)) else {
        panic!("BENCHMARKS.md lacks the markers {begin} … {end}");
    };
    let new = format!("{}{begin}\n\n{md}{}", &old[..b], &old[e..]);
    std::fs::write(&path, new).expect("write BENCHMARKS.md");
    eprintln!("wrote {} and docs/bench/*.svg", path.display());
}
