//! The interleaved ratio harness: each method against the hand-written
//! derivative in alternating short rounds, reporting the median of the
//! per-round ratios. On a shared, noisy machine, a slow spell hits both
//! sides of a round alike, so the ratio is steadier than two separately
//! measured medians.
//!
//! `cargo bench --bench interleaved` runs in a few seconds. Environment:
//! `INTERLEAVED_ROUNDS` (default 21), `INTERLEAVED_BATCH_US` (time per batch,
//! default 300), `INTERLEAVED_FILTER` (substring of the workload name),
//! `BENCH_LABEL` (default `default`): results also go to
//! `target/interleaved/<label>.json` for `tools/bench-report`.

mod support;

use std::hint::black_box;
use std::time::{Duration, Instant};

use dualnum::Dual;
use dualnum::test_functions as tf;
use nalgebra::SVector;
use num_dual::{Dual2SVec64, Dual64, DualSVec64};
use support::*;

/// A method: runs its body `k` times and returns the elapsed time.
type Timed = Box<dyn FnMut(u64) -> Duration>;

/// Wraps a body in a monomorphic timing loop (no dynamic call per
/// iteration, so tiny workloads are not dwarfed by call overhead).
fn timed<R>(mut f: impl FnMut() -> R + 'static) -> Timed {
    Box::new(move |k| {
        let t = Instant::now();
        for _ in 0..k {
            black_box(f());
        }
        t.elapsed()
    })
}

struct Case {
    workload: &'static str,
    /// The first method is the hand-written baseline.
    methods: Vec<(&'static str, Timed)>,
}

fn env(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// Iterations that take about `batch`.
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

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    let m = v.len() / 2;
    if v.len() % 2 == 1 { v[m] } else { 0.5 * (v[m - 1] + v[m]) }
}

fn rosenbrock_case<const N: usize>(workload: &'static str) -> Case {
    let x: [f64; N] = point_array();
    let xs = SVector::from(x);
    let mut g = [0.0; N];
    Case {
        workload,
        methods: vec![
            (
                "hand-written",
                timed(move || {
                    tf::rosenbrock_gradient(black_box(&x), &mut g);
                    black_box(&g);
                }),
            ),
            (
                "dualnum forward",
                timed(move || {
                    dualnum::gradient(
                        |v: SVector<Dual<f64, N>, N>| tf::rosenbrock(v.as_slice()),
                        black_box(&xs),
                    )
                }),
            ),
            ("dualnum manual", timed(move || tf::rosenbrock(&Dual::variables(black_box(x))).eps)),
            (
                "num-dual",
                timed(move || {
                    num_dual::gradient(
                        |v: SVector<DualSVec64<N>, N>| nd_rosenbrock(v.as_slice()),
                        black_box(&xs),
                    )
                }),
            ),
        ],
    }
}

fn jacobian_case<const N: usize, const M: usize>(
    workload: &'static str,
    (fd, hand): (Map<Dual<f64, N>>, Map<f64>),
    nd: fn(&[DualSVec64<N>], usize) -> DualSVec64<N>,
) -> Case {
    let x: [f64; N] = point_array();
    let xs = SVector::from(x);
    let (mut j1, mut j2) = (vec![0.0; M * N], vec![0.0; M * N]);
    Case {
        workload,
        methods: vec![
            (
                "hand-written",
                timed(move || {
                    hand(black_box(&x), &mut j1);
                    black_box(&j1);
                }),
            ),
            ("dualnum forward", timed(move || dn_jacobian::<N, M>(fd, black_box(&xs)))),
            (
                "dualnum manual",
                timed(move || {
                    manual_jacobian::<N, M>(fd, black_box(x), &mut j2);
                    black_box(&j2);
                }),
            ),
            (
                "num-dual",
                timed(move || {
                    num_dual::jacobian(
                        |v: SVector<DualSVec64<N>, N>| {
                            SVector::<_, M>::from_fn(|i, _| nd(v.as_slice(), i))
                        },
                        black_box(&xs),
                    )
                }),
            ),
        ],
    }
}

fn hessian_case<const N: usize>(workload: &'static str) -> Case {
    let x: [f64; N] = point_array();
    let xs = SVector::from(x);
    let mut h = vec![0.0; N * N];
    Case {
        workload,
        methods: vec![
            (
                "hand-written",
                timed(move || {
                    tf::rosenbrock_hessian(black_box(&x), &mut h);
                    black_box(&h);
                }),
            ),
            (
                "dualnum forward",
                timed(move || {
                    dualnum::hessian(
                        |v: SVector<Dual<Dual<f64, N>, N>, N>| tf::rosenbrock(v.as_slice()),
                        black_box(&xs),
                    )
                }),
            ),
            (
                "dualnum manual",
                timed(move || {
                    let x = black_box(x);
                    let xd: [Dual<Dual<f64, N>, N>; N] = core::array::from_fn(|i| {
                        let mut d = Dual::constant(Dual::variable(x[i], i));
                        d.eps[i] = Dual::constant(1.0);
                        d
                    });
                    tf::rosenbrock(&xd)
                }),
            ),
            (
                "num-dual",
                timed(move || {
                    num_dual::hessian(
                        |v: SVector<Dual2SVec64<N>, N>| nd_rosenbrock(v.as_slice()),
                        black_box(&xs),
                    )
                }),
            ),
        ],
    }
}

fn cases() -> Vec<Case> {
    let x0 = 0.7;
    vec![
        Case {
            workload: "derivative/transcendental",
            methods: vec![
                ("hand-written", timed(move || tf::transcendental_derivative(black_box(x0)))),
                (
                    "dualnum forward",
                    timed(move || dualnum::derivative(tf::transcendental, black_box(x0))),
                ),
                (
                    "num-dual",
                    timed(move || {
                        num_dual::first_derivative(nd_transcendental::<Dual64>, black_box(x0))
                    }),
                ),
            ],
        },
        rosenbrock_case::<2>("gradient/rosenbrock/2"),
        rosenbrock_case::<4>("gradient/rosenbrock/4"),
        rosenbrock_case::<8>("gradient/rosenbrock/8"),
        rosenbrock_case::<16>("gradient/rosenbrock/16"),
        rosenbrock_case::<32>("gradient/rosenbrock/32"),
        jacobian_case::<8, 8>(
            "jacobian/broyden_8",
            (tf::broyden_tridiagonal, tf::broyden_tridiagonal_jacobian),
            |x, i| nd_broyden(x, i, false),
        ),
        jacobian_case::<8, 8>(
            "jacobian/broyden_exp_sin_8",
            (tf::broyden_exp_sin, tf::broyden_exp_sin_jacobian),
            |x, i| nd_broyden(x, i, true),
        ),
        jacobian_case::<64, 4>(
            "jacobian/wide_64x4",
            (tf::wide_map, |x, j| tf::wide_map_jacobian(x, 4, j)),
            nd_wide_map,
        ),
        jacobian_case::<4, 64>(
            "jacobian/tall_4x64",
            (tf::tall_map, |x, j| tf::tall_map_jacobian(x, 64, j)),
            nd_tall_map,
        ),
        hessian_case::<4>("hessian/rosenbrock/4"),
        hessian_case::<8>("hessian/rosenbrock/8"),
    ]
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` passes nothing
    // useful either: this harness takes its settings from the environment.
    let rounds = env("INTERLEAVED_ROUNDS", 21) as usize;
    let batch = Duration::from_micros(env("INTERLEAVED_BATCH_US", 300));
    let filter = std::env::var("INTERLEAVED_FILTER").unwrap_or_default();
    let label = std::env::var("BENCH_LABEL").unwrap_or_else(|_| "default".into());
    let mut json = Vec::new();
    println!("interleaved ratios to hand-written ({label}; {rounds} rounds, median)");
    for mut case in cases().into_iter().filter(|c| c.workload.contains(&filter)) {
        // Calibrate twice and keep the second: the first also warms caches,
        // branch predictors and the clock (a cold first workload once gave a
        // ratio of 0.33 that no rerun reproduced).
        for (_, f) in case.methods.iter_mut() {
            calibrate(f, batch);
        }
        let ks: Vec<u64> = case.methods.iter_mut().map(|(_, f)| calibrate(f, batch)).collect();
        let m = case.methods.len();
        let mut ratios = vec![Vec::with_capacity(rounds); m];
        for r in 0..rounds {
            let mut per = vec![0.0; m];
            // Alternate the order so neither side always runs first.
            let order: Vec<usize> =
                if r % 2 == 0 { (0..m).collect() } else { (0..m).rev().collect() };
            for i in order {
                per[i] = (case.methods[i].1)(ks[i]).as_secs_f64() / ks[i] as f64;
            }
            for i in 0..m {
                ratios[i].push(per[i] / per[0]);
            }
        }
        for (i, (name, _)) in case.methods.iter().enumerate().skip(1) {
            let med = median(&mut ratios[i]);
            println!("  {:<30} {:<18} {:>8.3}", case.workload, name, med);
            json.push(format!(
                "{{\"workload\":\"{}\",\"method\":\"{}\",\"ratio\":{}}}",
                case.workload, name, med
            ));
        }
    }
    // The workspace's target directory, where `tools/bench-report` looks.
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/interleaved");
    if std::fs::create_dir_all(&dir).is_ok() {
        let _ =
            std::fs::write(dir.join(format!("{label}.json")), format!("[{}]\n", json.join(",\n")));
    }
}
