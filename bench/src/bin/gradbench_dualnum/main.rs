//! A GradBench tool for dualnum.
//!
//! GradBench (the cross-language AD benchmark) drives a tool over a JSON
//! protocol: one message a line on stdin (`start`, `define`, `evaluate`,
//! `analysis`), one response a line on stdout. Each eval module here
//! implements one of GradBench's evals with dualnum's public API only, in
//! the mode a user would pick for it:
//!
//! | eval | derivative | mode |
//! |---|---|---|
//! | `lse`, `llsq`, `det`, `gmm`, `lstm`, `ode` | gradient of a scalar | reverse, one reused [`Tape`](dualnum::reverse::Tape) |
//! | `kmeans` | gradient and the Hessian's diagonal | forward over reverse (`reverse::hvp`) |
//! | `ba` | sparse Jacobian | `dualnum::sparse` (pattern once, one compressed pass) |
//! | `ht` | dense Jacobian, 28 columns | forward, `chunked::jacobian_into` |
//! | `particle`, `saddle` | nested gradients | every pair of forward and reverse |
//!
//! Each `evaluate` runs the function `min_runs` times or for `min_seconds`,
//! whichever is longer, and reports one `evaluate` timing a run (the
//! conversion of the input and output to and from JSON is outside them, as
//! in GradBench's C++ tools), plus `peak_rss_bytes`: the largest resident
//! set of this process from the message's arrival to the end of its runs
//! (Linux `VmHWM`, reset at each message; it includes the heap the
//! allocator kept from earlier messages), which GradBench ignores and
//! `scripts/gradbench.sh` reads from the log.

// The evals' loops follow GradBench's reference C++ index for index, so
// they can be checked against it line by line.
#![allow(clippy::needless_range_loop)]

mod ba;
mod det;
mod gmm;
mod hello;
mod ht;
mod json;
mod kmeans;
mod llsq;
mod lse;
mod lstm;
mod nested;
mod ode;

use serde_json::{Value, json};
use std::io::{BufRead, Write};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

/// The peak resident set when the last [`repeat`] finished its runs (so
/// without the output's conversion to JSON), in bytes; 0 if unknown.
static PEAK_RSS: AtomicU64 = AtomicU64::new(0);

/// An evaluation's output and the nanoseconds of each run, or an error.
pub(crate) type Outcome = Result<(Value, Vec<u64>), String>;

/// The evals this tool implements, by GradBench module name.
const MODULES: &[&str] = &[
    "hello", "lse", "llsq", "det", "ode", "kmeans", "gmm", "lstm", "ba", "ht", "particle", "saddle",
];

/// Runs `f` at least `min_runs` times and until the runs add up to
/// `min_seconds` (GradBench's `Runs`), returning the last result and each
/// run's time in nanoseconds.
pub(crate) fn repeat<O>(input: &Value, mut f: impl FnMut() -> O) -> (O, Vec<u64>) {
    let min_runs = input.get("min_runs").and_then(Value::as_u64).unwrap_or(1).max(1);
    let min_seconds = input.get("min_seconds").and_then(Value::as_f64).unwrap_or(0.0);
    let (mut timings, mut elapsed) = (Vec::new(), 0.0);
    loop {
        let start = Instant::now();
        let out = f();
        let ns = start.elapsed().as_nanos() as u64;
        timings.push(ns);
        elapsed += ns as f64 * 1e-9;
        if timings.len() as u64 >= min_runs && elapsed >= min_seconds {
            PEAK_RSS.store(peak_rss().unwrap_or(0), Ordering::Relaxed);
            return (out, timings);
        }
    }
}

/// Evaluates `function` of `module` at `input`.
fn evaluate(module: &str, function: &str, input: &Value) -> Outcome {
    match module {
        "hello" => hello::evaluate(function, input),
        "lse" => lse::evaluate(function, input),
        "llsq" => llsq::evaluate(function, input),
        "det" => det::evaluate(function, input),
        "ode" => ode::evaluate(function, input),
        "kmeans" => kmeans::evaluate(function, input),
        "gmm" => gmm::evaluate(function, input),
        "lstm" => lstm::evaluate(function, input),
        "ba" => ba::evaluate(function, input),
        "ht" => ht::evaluate(function, input),
        "particle" => nested::particle(function, input),
        "saddle" => nested::saddle(function, input),
        _ => Err(format!("unknown module {module}")),
    }
}

/// The peak resident set of this process since the last [`reset_peak_rss`]
/// (with the heap the allocator kept from earlier messages),
/// in bytes (`VmHWM` in `/proc/self/status`; `None` off Linux).
fn peak_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// Resets the peak resident set to the current one (Linux `clear_refs`).
fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// Writes the response to one protocol message as one line. An evaluation's
/// timings are written one by one, not gathered into a JSON value first:
/// a fast function runs hundreds of thousands of times in `min_seconds`.
fn respond(message: &Value, out: &mut impl Write) -> std::io::Result<()> {
    let id = message.get("id").cloned().unwrap_or(Value::Null);
    let field = |k: &str| message.get(k).and_then(Value::as_str).unwrap_or("");
    match field("kind") {
        "start" => writeln!(out, "{}", json!({ "id": id, "tool": "dualnum" })),
        "define" => {
            let known = MODULES.contains(&field("module"));
            writeln!(out, "{}", json!({ "id": id, "success": known }))
        }
        "evaluate" => {
            let input = message.get("input").unwrap_or(&Value::Null);
            reset_peak_rss();
            PEAK_RSS.store(0, Ordering::Relaxed);
            match evaluate(field("module"), field("function"), input) {
                Ok((output, ns)) => {
                    write!(out, r#"{{"id":{id},"success":true,"output":{output},"timings":["#)?;
                    for (i, t) in ns.iter().enumerate() {
                        let sep = if i == 0 { "" } else { "," };
                        write!(out, r#"{sep}{{"name":"evaluate","nanoseconds":{t}}}"#)?;
                    }
                    writeln!(out, r#"],"peak_rss_bytes":{}}}"#, PEAK_RSS.load(Ordering::Relaxed))
                }
                Err(error) => {
                    writeln!(out, "{}", json!({ "id": id, "success": false, "error": error }))
                }
            }
        }
        _ => writeln!(out, "{}", json!({ "id": id })),
    }
}

fn main() {
    let stdin = std::io::stdin();
    let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
    for line in stdin.lock().lines() {
        let line = line.expect("gradbench-dualnum: reading stdin");
        if line.trim().is_empty() {
            continue;
        }
        let message: Value =
            serde_json::from_str(&line).expect("gradbench-dualnum: a message that is not JSON");
        respond(&message, &mut stdout).expect("gradbench-dualnum: writing stdout");
        stdout.flush().expect("gradbench-dualnum: flushing stdout");
    }
}
