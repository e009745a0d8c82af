//! Reverse mode, interleaved: for Rosenbrock (arithmetic only) and
//! `exp_sin_ln` (three transcendental calls per term) at n = 10, 100,
//! 1,000 and 10,000, each method against one plain `f64` evaluation of the
//! same function in alternating short rounds, reporting the median of the
//! per-round ratios with its spread (25th–75th percentile).
//!
//! Methods: the hand-written adjoint; dualnum's fresh recording
//! (`reverse::gradient`, a new tape per call), a reused tape
//! (`Tape::gradient`), a replay of one recording (`Compiled::gradient`);
//! `reverse::compile` itself (recording and compiling, per call) and a
//! prepared gradient (`reverse::prepare`, replaying after its first call);
//! `reverse::hvp` (value, gradient and H·v by forward over reverse, the
//! cost of second order against the gradient's);
//! the `reverse` crate (0.2); echidna 0.15's thread-local tape
//! (`echidna::grad`) and its bytecode tape recorded once and replayed
//! (`echidna::record`, then `BytecodeTape::gradient_with_buf`). Every
//! gradient is checked against the hand-written one before timing.
//!
//! `cargo bench --bench reverse_interleaved`. Environment as the
//! `interleaved` harness: `INTERLEAVED_ROUNDS` (default 21),
//! `INTERLEAVED_BATCH_US` (default 300), `INTERLEAVED_FILTER`,
//! `BENCH_LABEL` (results also go to
//! `target/interleaved/reverse_<label>.json`).
//!
//! `REVERSE_PROFILE=workload/method` (say `rosenbrock/1000/replay`) runs
//! that one method `REVERSE_PROFILE_ITERS` times (default 10) inside
//! `profile_loop`, for instruction counts: `valgrind --tool=callgrind
//! --toggle-collect='*profile_loop*'`, then divide by the iterations.
//!
//! At n = 10,000 one call of most methods takes longer than a 300 µs
//! batch, so each timed batch is one call made right after the other
//! methods ran: a method that keeps buffers between calls (reused tape,
//! replay, prepared) starts with them out of cache, a fresh tape gets
//! memory just freed. `INTERLEAVED_BATCH_US=30000` times warm calls.

use std::hint::black_box;
use std::time::{Duration, Instant};

use dualnum::reverse::{self, Tape};
use dualnum::test_functions as tf;

type Timed = Box<dyn FnMut(u64) -> Duration>;

fn timed<R>(mut f: impl FnMut() -> R + 'static) -> Timed {
    Box::new(move |k| {
        let t = Instant::now();
        for _ in 0..k {
            black_box(f());
        }
        t.elapsed()
    })
}

fn env(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn calibrate(f: &mut Timed, batch: Duration) -> u64 {
    let mut k = 1;
    loop {
        let t = f(k);
        if t >= batch / 4 || k >= 1 << 30 {
            let per = t.as_secs_f64() / k as f64;
            return ((batch.as_secs_f64() / per.max(1e-12)) as u64).max(1);
        }
        k *= 4;
    }
}

/// `iters` runs of `f`, the one place `callgrind --toggle-collect` counts.
#[inline(never)]
fn profile_loop(f: &mut Timed, iters: u64) {
    black_box(f(iters));
}

fn quantile(v: &mut [f64], q: f64) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[((v.len() - 1) as f64 * q).round() as usize]
}

fn point(n: usize) -> Vec<f64> {
    (0..n).map(|i| 0.5 + 0.5 * (i as f64 / n as f64)).collect()
}

/// Rosenbrock on the `reverse` crate (it has no `num_traits::Float`).
fn rosenbrock_reverse_crate(x: &[f64]) -> Vec<f64> {
    use ::reverse::Gradient;
    let tape = ::reverse::Tape::new();
    let v = tape.add_vars(x);
    let mut s = tape.add_var(0.0);
    for w in v.windows(2) {
        let a = w[1] - w[0] * w[0];
        let b = 1.0 - w[0];
        s = s + 100.0 * a * a + b * b;
    }
    s.grad().wrt(&v)
}

fn exp_sin_ln_reverse_crate(x: &[f64]) -> Vec<f64> {
    use ::reverse::Gradient;
    let tape = ::reverse::Tape::new();
    let v = tape.add_vars(x);
    let mut s = tape.add_var(0.0);
    for w in v.windows(2) {
        s = s + w[0].exp() * w[1].sin() * (1.0 + w[0] * w[0]).ln();
    }
    s.grad().wrt(&v)
}

fn check(g: &[f64], expected: &[f64], what: &str) {
    for (a, b) in g.iter().zip(expected) {
        assert!((a - b).abs() <= 1e-9 * b.abs().max(1.0), "{what}: {a} vs {b}");
    }
}

macro_rules! case {
    ($name:literal, $f:path, $grad:path, $other:path, $n:expr) => {{
        let n = $n;
        let x = point(n);
        let mut expected = vec![0.0; n];
        $grad(&x, &mut expected);
        let (_, g) = reverse::gradient(|v| $f(v), &x);
        check(g.as_slice(), &expected, "fresh recording");
        let mut tape = Tape::with_capacity(16 * n);
        let mut g = vec![0.0; n];
        tape.gradient(|v| $f(v), &x, &mut g);
        check(&g, &expected, "reused tape");
        let mut compiled =
            reverse::compile(|v| $f(v), &point(n).iter().map(|v| v * 0.9).collect::<Vec<_>>());
        compiled.gradient(&x, &mut g).unwrap();
        check(&g, &expected, "replay");
        check(&$other(&x), &expected, "reverse crate");
        check(&echidna::grad(|v| $f(v), &x), &expected, "echidna grad");
        let x0: Vec<f64> = x.iter().map(|v| v * 0.9).collect();
        let (mut btape, _) = echidna::record(|v| $f(v), &x0);
        let mut buf = Vec::new();
        check(&btape.gradient_with_buf(&x, &mut buf), &expected, "echidna replay");
        // H·v by forward over reverse, against a central difference of the
        // hand-written gradient along v.
        let v: Vec<f64> = (0..n).map(|i| (i as f64).cos()).collect();
        let (_, hg, hv) = reverse::hvp(|x| $f(x), &x, &v);
        check(hg.as_slice(), &expected, "hvp's gradient");
        let h = 1e-6;
        let (mut gp, mut gm) = (vec![0.0; n], vec![0.0; n]);
        $grad(&x.iter().zip(&v).map(|(a, b)| a + h * b).collect::<Vec<_>>(), &mut gp);
        $grad(&x.iter().zip(&v).map(|(a, b)| a - h * b).collect::<Vec<_>>(), &mut gm);
        for i in 0..n {
            let fd = (gp[i] - gm[i]) / (2.0 * h);
            assert!((hv[i] - fd).abs() <= 1e-5 * fd.abs().max(1.0), "hvp {i}: {} vs {fd}", hv[i]);
        }
        let methods: Vec<(&str, Timed)> = vec![
            ("f64", {
                let x = x.clone();
                timed(move || $f(black_box(&x)))
            }),
            ("hand-written", {
                let (x, mut g) = (x.clone(), vec![0.0; n]);
                timed(move || {
                    $grad(black_box(&x), &mut g);
                    black_box(&g);
                })
            }),
            ("fresh recording", {
                let x = x.clone();
                timed(move || reverse::gradient(|v| $f(v), black_box(&x)))
            }),
            ("reused tape", {
                let (x, mut g) = (x.clone(), vec![0.0; n]);
                timed(move || {
                    tape.gradient(|v| $f(v), black_box(&x), &mut g);
                    black_box(&g);
                })
            }),
            ("replay", {
                let (x, mut g) = (x.clone(), vec![0.0; n]);
                timed(move || {
                    compiled.gradient(black_box(&x), &mut g).unwrap();
                    black_box(&g);
                })
            }),
            ("compile", {
                let x = x.clone();
                timed(move || reverse::compile(|v| $f(v), black_box(&x)))
            }),
            ("prepared", {
                let (x, mut g) = (x.clone(), vec![0.0; n]);
                let mut prep = reverse::prepare(|v| $f(v));
                prep.gradient(&x, &mut g);
                check(&g, &expected, "prepared");
                timed(move || {
                    prep.gradient(black_box(&x), &mut g);
                    black_box(&g);
                })
            }),
            ("hvp (forward over reverse)", {
                let x = x.clone();
                timed(move || reverse::hvp(|x| $f(x), black_box(&x), &v))
            }),
            ("reverse 0.2", {
                let x = x.clone();
                timed(move || $other(black_box(&x)))
            }),
            ("echidna grad", {
                let x = x.clone();
                timed(move || echidna::grad(|v| $f(v), black_box(&x)))
            }),
            ("echidna replay", {
                let x = x.clone();
                timed(move || btape.gradient_with_buf(black_box(&x), &mut buf))
            }),
        ];
        (format!("{}/{}", $name, n), methods)
    }};
}

fn main() {
    let rounds = env("INTERLEAVED_ROUNDS", 21) as usize;
    let batch = Duration::from_micros(env("INTERLEAVED_BATCH_US", 300));
    let filter = std::env::var("INTERLEAVED_FILTER").unwrap_or_default();
    let label = std::env::var("BENCH_LABEL").unwrap_or_else(|_| "default".into());
    let mut json = Vec::new();
    println!("reverse mode, interleaved ratios to one f64 evaluation ({label}; {rounds} rounds)");
    println!(
        "  {:<22} {:<16} {:>9} {:>17} {:>12}",
        "workload", "method", "median", "p25-p75", "f64 time"
    );
    for n in [10, 100, 1000, 10_000] {
        for which in ["rosenbrock", "exp_sin_ln"] {
            if !format!("{which}/{n}").contains(&filter) {
                continue;
            }
            let (workload, mut methods) = match which {
                "rosenbrock" => case!(
                    "rosenbrock",
                    tf::rosenbrock,
                    tf::rosenbrock_gradient,
                    rosenbrock_reverse_crate,
                    n
                ),
                _ => case!(
                    "exp_sin_ln",
                    tf::exp_sin_ln,
                    tf::exp_sin_ln_gradient,
                    exp_sin_ln_reverse_crate,
                    n
                ),
            };
            if let Ok(want) = std::env::var("REVERSE_PROFILE") {
                for (name, f) in methods.iter_mut() {
                    if format!("{workload}/{name}") == want {
                        f(1);
                        profile_loop(f, env("REVERSE_PROFILE_ITERS", 10));
                    }
                }
                continue;
            }
            for (_, f) in methods.iter_mut() {
                calibrate(f, batch);
            }
            let ks: Vec<u64> = methods.iter_mut().map(|(_, f)| calibrate(f, batch)).collect();
            let m = methods.len();
            let mut ratios = vec![Vec::with_capacity(rounds); m];
            let mut base = Vec::with_capacity(rounds);
            for r in 0..rounds {
                let mut per = vec![0.0; m];
                let order: Vec<usize> =
                    if r % 2 == 0 { (0..m).collect() } else { (0..m).rev().collect() };
                for i in order {
                    per[i] = (methods[i].1)(ks[i]).as_secs_f64() / ks[i] as f64;
                }
                base.push(per[0]);
                for i in 0..m {
                    ratios[i].push(per[i] / per[0]);
                }
            }
            let t0 = quantile(&mut base, 0.5);
            for (i, (name, _)) in methods.iter().enumerate().skip(1) {
                let r = &mut ratios[i];
                let (lo, med, hi) = (quantile(r, 0.25), quantile(r, 0.5), quantile(r, 0.75));
                println!(
                    "  {workload:<22} {name:<16} {med:>9.2} {:>17} {:>10.2}us",
                    format!("{lo:.2}-{hi:.2}"),
                    t0 * 1e6
                );
                json.push(format!(
                    "{{\"workload\":\"{workload}\",\"method\":\"{name}\",\"ratio\":{med},\"p25\":{lo},\"p75\":{hi},\"f64_seconds\":{t0}}}"
                ));
            }
        }
    }
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/interleaved");
    if std::fs::create_dir_all(&dir).is_ok() {
        let _ = std::fs::write(
            dir.join(format!("reverse_{label}.json")),
            format!("[{}]\n", json.join(",\n")),
        );
    }
}
