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
//! | `lse`, `llsq`, `lstm` | gradient of a scalar | reverse, a prepared gradient (`reverse::prepare_of`: recorded and compiled once, replayed) |
//! | `det` | gradient of the expansion in minors | reverse, one term of the expansion along two rows on the tape at a time (`Tape::gradient_sum`) |
//! | `gmm` | gradient of a sum over data points | reverse, one point's term as a prepared gradient of the parameters and the point (recorded and compiled once, replayed at each point) |
//! | `ode` | gradient through `s` Runge–Kutta steps | reverse, the step compiled once (`reverse::compile_map_of`) and replayed back along the stored trajectory; checkpointed (`reverse::checkpoint`) if that is long |
//! | `kmeans` | gradient and the Hessian's diagonal | forward over reverse, one point's term at a time (`Tape::gradient_sum`), the closest centroid chosen on values |
//! | `ba` | sparse Jacobian | forward, one `Dual<f64, 15>` pass per observation's block (`jacobian_of`), in CSR form |
//! | `ht` | dense Jacobian, 28 columns | forward, `chunked::jacobian_into` |
//! | `particle`, `saddle` | nested gradients | every pair of forward and reverse |
//!
//! Each `evaluate` runs the function `min_runs` times or for `min_seconds`,
//! whichever is longer, and reports one `evaluate` timing a run (the
//! conversion of the input and output to and from JSON is outside them, as
//! in GradBench's C++ tools). What GradBench's C++ tools do in their
//! constructors (GradBench's ADOL-C tool records its tapes there) is timed apart
//! as one `prepare` timing, which GradBench's statistic leaves out: here
//! the first call of a prepared gradient (`reverse::prepare`: record and
//! compile; the runs replay) and `ba`'s sparsity pattern. Each response
//! also has `peak_rss_bytes`: the largest resident
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

/// The nanoseconds of the message's [`prepare`] step, 0 if it had none.
static PREPARE_NS: AtomicU64 = AtomicU64::new(0);

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

/// Runs the preparation of an evaluation (what GradBench's C++ tools do in
/// their constructors: a tape recorded and compiled, a sparsity pattern
/// and its colouring), timed apart from the runs: GradBench's statistic is
/// the mean of the `evaluate` timings, and the response reports this one
/// as a `prepare` timing, as theirs do.
pub(crate) fn prepare<P>(f: impl FnOnce() -> P) -> P {
    let start = Instant::now();
    let p = f();
    PREPARE_NS.store(start.elapsed().as_nanos() as u64, Ordering::Relaxed);
    p
}

/// The gradient of `f` at `x` by a prepared gradient
/// (`reverse::prepare_of`): its first call (record, sweep, compile) is the
/// [`prepare`] step, each run replays the compiled program (and would
/// record again if the replay guard refused).
pub(crate) fn prepared_gradient(input: &Value, f: &impl dualnum::Function, x: &[f64]) -> Outcome {
    let mut g = vec![0.0; x.len()];
    let mut prep = prepare(|| {
        let mut p = dualnum::reverse::prepare_of(f);
        p.gradient(x, &mut g);
        p
    });
    let (_, ns) = repeat(input, || prep.gradient(x, &mut g));
    Ok((Value::from(g), ns))
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
            PREPARE_NS.store(0, Ordering::Relaxed);
            match evaluate(field("module"), field("function"), input) {
                Ok((output, ns)) => {
                    write!(out, r#"{{"id":{id},"success":true,"output":{output},"timings":["#)?;
                    let prepared = PREPARE_NS.load(Ordering::Relaxed);
                    if prepared > 0 {
                        write!(out, r#"{{"name":"prepare","nanoseconds":{prepared}}},"#)?;
                    }
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

#[cfg(test)]
mod tests {
    //! Each derivative against central differences of the tool's own primal
    //! (GradBench validates against its C++ tool; these run without it).

    use super::evaluate;
    use serde_json::{Value, json};

    /// A reproducible pseudo-random number in (−1, 1).
    fn rnd(i: usize) -> f64 {
        ((i as f64 * 12.9898 + 78.233).sin() * 43758.5453).fract()
    }

    fn vec_of(n: usize, seed: usize) -> Vec<f64> {
        (0..n).map(|i| rnd(i + 1000 * seed)).collect()
    }

    fn rows_of(r: usize, c: usize, seed: usize) -> Vec<Vec<f64>> {
        (0..r).map(|i| vec_of(c, seed * 100 + i)).collect()
    }

    /// The scalar the derivative is of: the primal's output, or its last
    /// component.
    fn scalar(v: &Value) -> f64 {
        v.as_f64()
            .or_else(|| v.as_array().and_then(|a| a.last()).and_then(Value::as_f64))
            .expect("a number")
    }

    /// Checks the derivative at each JSON pointer `at` into the input against
    /// the central difference of `primal`, reading it at `out` in the
    /// derivative's output.
    fn check(module: &str, primal: &str, deriv: &str, input: Value, cases: &[(&str, &str)]) {
        let (d, _) = evaluate(module, deriv, &input).expect("the derivative evaluates");
        for &(at, out) in cases {
            let x = input.pointer(at).and_then(Value::as_f64).expect("an input number");
            let h = 1e-6 * x.abs().max(1.0);
            let f = |xi: f64| {
                let mut inp = input.clone();
                *inp.pointer_mut(at).expect("the input number") = json!(xi);
                scalar(&evaluate(module, primal, &inp).expect("the primal evaluates").0)
            };
            let fd = (f(x + h) - f(x - h)) / (2.0 * h);
            let ad = d.pointer(out).and_then(Value::as_f64).expect("an output number");
            assert!(
                (ad - fd).abs() <= 1e-5 * (1.0 + fd.abs()),
                "{module} {at}: AD {ad}, central difference {fd}"
            );
        }
    }

    #[test]
    fn lse_llsq_det_ode_gradients() {
        let x = json!({ "x": vec_of(7, 1) });
        check("lse", "primal", "gradient", x.clone(), &[("/x/0", "/0"), ("/x/6", "/6")]);
        let x = json!({ "x": vec_of(4, 2), "n": 9 });
        check("llsq", "primal", "gradient", x, &[("/x/0", "/0"), ("/x/3", "/3")]);
        let a = json!({ "A": vec_of(16, 3), "ell": 4 });
        check("det", "primal", "gradient", a, &[("/A/0", "/0"), ("/A/9", "/9"), ("/A/15", "/15")]);
        let x = json!({ "x": vec_of(5, 4).iter().map(|v| v + 1.5).collect::<Vec<_>>(), "s": 3 });
        check("ode", "primal", "gradient", x, &[("/x/0", "/0"), ("/x/2", "/2"), ("/x/4", "/4")]);
    }

    #[test]
    fn det_gradient_is_the_cofactor_matrix() {
        // ∇ det A = det A · A⁻ᵀ, for sizes on both sides of the two-row
        // expansion (ℓ < 3 records one tape).
        for ell in 1..=6 {
            let a = vec_of(ell * ell, 20 + ell);
            let (g, _) = evaluate("det", "gradient", &json!({ "A": a, "ell": ell })).unwrap();
            let m = nalgebra::DMatrix::from_row_slice(ell, ell, &a);
            let want = m.determinant() * m.clone().try_inverse().unwrap().transpose();
            for i in 0..ell {
                for j in 0..ell {
                    let got = g[i * ell + j].as_f64().unwrap();
                    let w = want[(i, j)];
                    assert!(
                        (got - w).abs() <= 1e-10 * (1.0 + w.abs()),
                        "ℓ = {ell} ({i}, {j}): {got} vs {w}"
                    );
                }
            }
        }
    }

    #[test]
    fn kmeans_direction_on_random_points() {
        // dir = centroid − the mean of its points, each point to its
        // closest centroid (found here by brute force on plain values).
        let (n, k, d) = (40, 5, 3);
        let p = rows_of(n, d, 30);
        let c = rows_of(k, d, 31);
        let (dir, _) = evaluate("kmeans", "dir", &json!({ "points": p, "centroids": c })).unwrap();
        let dist =
            |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(x, y)| (x - y).powi(2)).sum::<f64>();
        let (mut sum, mut count) = (vec![vec![0.0; d]; k], vec![0.0; k]);
        for a in &p {
            let j = (0..k).min_by(|&i, &j| dist(a, &c[i]).total_cmp(&dist(a, &c[j]))).unwrap();
            count[j] += 1.0;
            (0..d).for_each(|t| sum[j][t] += a[t]);
        }
        for j in (0..k).filter(|&j| count[j] > 0.0) {
            for t in 0..d {
                let want = c[j][t] - sum[j][t] / count[j];
                let got = dir[j][t].as_f64().unwrap();
                assert!((got - want).abs() < 1e-12, "dir[{j}][{t}]: {got} vs {want}");
            }
        }
    }

    #[test]
    fn gmm_and_lstm_jacobians() {
        let gmm = json!({
            "d": 3, "k": 2, "n": 4, "m": 1, "gamma": 1.5,
            "x": rows_of(4, 3, 5), "alpha": vec_of(2, 6), "mu": rows_of(2, 3, 7),
            "q": rows_of(2, 3, 8), "l": rows_of(2, 3, 9),
        });
        let cases = [
            ("/alpha/1", "/alpha/1"),
            ("/mu/0/2", "/mu/0/2"),
            ("/q/1/0", "/q/1/0"),
            ("/l/1/2", "/l/1/2"),
        ];
        check("gmm", "objective", "jacobian", gmm, &cases);
        let lstm = json!({
            "main_params": rows_of(2, 12, 10), "extra_params": rows_of(3, 3, 11),
            "state": rows_of(2, 3, 12), "sequence": rows_of(4, 3, 13),
        });
        check(
            "lstm",
            "objective",
            "jacobian",
            lstm,
            &[
                ("/main_params/0/5", "/5"),
                ("/main_params/1/11", "/23"),
                ("/extra_params/2/1", "/31"),
            ],
        );
    }

    #[test]
    fn kmeans_direction_is_centroid_minus_cluster_mean() {
        let points = [[0.0, 0.0], [0.2, 0.4], [1.0, 1.0], [1.4, 0.8], [1.2, 1.5]];
        let centroids = [[0.1, 0.1], [1.1, 1.0]];
        let (dir, _) =
            evaluate("kmeans", "dir", &json!({ "points": points, "centroids": centroids }))
                .unwrap();
        let want = [[0.1 - 0.1, 0.1 - 0.2], [1.1 - 3.6 / 3.0, 1.0 - 3.3 / 3.0]];
        for (r, w) in want.iter().enumerate() {
            for (c, w) in w.iter().enumerate() {
                assert!((dir[r][c].as_f64().unwrap() - w).abs() < 1e-12, "dir[{r}][{c}]");
            }
        }
    }

    #[test]
    fn ba_jacobian_block_matches_central_differences() {
        let input = json!({
            "n": 2, "m": 3, "p": 5, "cam": vec_of(11, 14).iter().map(|v| 0.3 * v).collect::<Vec<_>>(),
            "x": [0.3, -0.2, 5.0], "w": 0.8, "feat": [0.1, -0.4],
        });
        let (j, _) = evaluate("ba", "jacobian", &input).unwrap();
        // column 3 of the block is camera parameter 3 (the centre's x)
        let col = |i: usize| j["vals"][i].as_f64().unwrap();
        let h = 1e-6;
        let err = |c3: f64| {
            let mut inp = input.clone();
            inp["cam"][3] = json!(c3);
            evaluate("ba", "objective", &inp).unwrap().0["reproj_error"]["elements"][0]
                .as_f64()
                .unwrap()
        };
        let c3 = input["cam"][3].as_f64().unwrap();
        let fd = (err(c3 + h) - err(c3 - h)) / (2.0 * h);
        assert!(
            (col(3) - fd).abs() < 1e-5 * (1.0 + fd.abs()),
            "AD {}, central difference {fd}",
            col(3)
        );
        assert_eq!(j["vals"][30].as_f64().unwrap(), -2.0 * 0.8);
    }

    #[test]
    fn nested_modes_agree() {
        let (ff, _) = evaluate("saddle", "ff", &json!({ "start": [1.0, 1.0] })).unwrap();
        for f in ["fr", "rf", "rr"] {
            let (o, _) = evaluate("saddle", f, &json!({ "start": [1.0, 1.0] })).unwrap();
            for i in 0..4 {
                assert!(
                    (o[i].as_f64().unwrap() - ff[i].as_f64().unwrap()).abs() < 1e-12,
                    "saddle {f}"
                );
                assert!(o[i].as_f64().unwrap().abs() < 1e-4, "saddle {f}: the saddle point is 0");
            }
        }
        let (ff, _) = evaluate("particle", "ff", &json!({ "w": 0.0 })).unwrap();
        for f in ["fr", "rf", "rr"] {
            let (o, _) = evaluate("particle", f, &json!({ "w": 0.0 })).unwrap();
            assert!((o.as_f64().unwrap() - ff.as_f64().unwrap()).abs() < 1e-9, "particle {f}");
        }
    }
}
