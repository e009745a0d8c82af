//! One function, four ways to its gradient: by hand, by central differences,
//! in forward mode and in reverse mode.
//!
//! The function is `dualnum::test_functions::sin_exp_sum` at n = 10,
//! `f(x) = Σᵢ sin(xᵢ)·e^(xᵢ₊₁)/(1 + xᵢ²)`, written once, generic over
//! `num_traits::Float`. Its hand-written gradient is the reference: the
//! example prints how far each method lands from it, then a small timing
//! table (indicative only), then the cost model behind the numbers.
//!
//! Run with `cargo run --release --example modes`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use dualnum::reverse::{self, Tape};
use dualnum::test_functions::{sin_exp_sum, sin_exp_sum_gradient};
use dualnum::{chunked, numeric};
use nalgebra::SVector;

const N: usize = 10;

fn main() {
    let x: [f64; N] = std::array::from_fn(|i| -1.0 + 0.25 * i as f64);
    let xs = SVector::from(x);

    // 1. By hand: the gradient written out in `test_functions`.
    let mut exact = [0.0; N];
    sin_exp_sum_gradient(&x, &mut exact);

    // 2. Numerically: central differences, 2n evaluations.
    let (_, num) = numeric::gradient(sin_exp_sum, &x);

    // 3. Forward mode: one pass with Dual<f64, 10> (static size), or
    //    ⌈10 / 8⌉ = 2 passes with Dual<f64, 8> (length known at run time).
    let (_, fwd) = dualnum::gradient(|v| sin_exp_sum(v.as_slice()), &xs);
    let (_, fwd_chunked) = chunked::gradient(sin_exp_sum, &x);

    // 4. Reverse mode: record the run on a tape and sweep it backward once;
    //    or record once (here at another point) and replay the recording.
    let (_, rev) = reverse::gradient(|v| sin_exp_sum(v), &x);
    let mut compiled = reverse::compile(|v| sin_exp_sum(v), &[0.0; N]);
    let mut replayed = [0.0; N];
    compiled.gradient(&x, &mut replayed).expect("sin_exp_sum has no branches to change");

    println!("f(x) = sum_i sin(x_i) * exp(x_(i+1)) / (1 + x_i^2), n = {N}");
    println!("x = {x:?}");
    println!("f(x) = {:.15}", sin_exp_sum(&x));
    println!("analytic gradient = {:.6?}", exact);
    println!();

    let scale = exact.iter().fold(1.0f64, |m, g| m.max(g.abs()));
    let rows: [(&str, &str, &[f64], f64); 5] = [
        ("numeric (central differences)", "20 evaluations", num.as_slice(), 1e-8),
        ("forward, dualnum::gradient", "1 pass, 10 lanes", fwd.as_slice(), 1e-14),
        ("forward, chunked::gradient", "2 passes, 8 lanes", fwd_chunked.as_slice(), 1e-14),
        ("reverse, reverse::gradient", "record + 1 sweep", rev.as_slice(), 1e-14),
        ("reverse, compiled replay", "replay + 1 sweep", &replayed, 1e-14),
    ];
    println!("{:<36} {:<18} {:>22}", "method", "work", "max |g - g_analytic|");
    for (name, work, g, tol) in rows {
        let err = g.iter().zip(&exact).fold(0.0f64, |m, (a, b)| m.max((a - b).abs()));
        println!("{name:<36} {work:<18} {err:>22.1e}");
        assert!(err <= tol * scale, "{name}: error {err:e} above {tol:e} x {scale}");
    }

    timings(&x, &xs);
    cost_model();
}

/// Time per call of each method, relative to one plain `f64` evaluation.
fn timings(x: &[f64; N], xs: &SVector<f64, N>) {
    let plain = time_per_call(|| {
        black_box(sin_exp_sum(black_box(x)));
    });
    let mut g = [0.0; N];
    let mut tape = Tape::new();
    let mut compiled = reverse::compile(|v| sin_exp_sum(v), x);
    let rows: [(&str, Duration); 7] = [
        ("analytic gradient", time_per_call(|| sin_exp_sum_gradient(black_box(x), &mut g))),
        (
            "numeric (20 evaluations)",
            time_per_call(|| {
                black_box(numeric::gradient(sin_exp_sum, black_box(x)));
            }),
        ),
        (
            "forward, Dual<f64, 10>, 1 pass",
            time_per_call(|| {
                black_box(dualnum::gradient(|v| sin_exp_sum(v.as_slice()), black_box(xs)));
            }),
        ),
        (
            "forward, chunked C = 8, 2 passes",
            time_per_call(|| {
                black_box(chunked::gradient(sin_exp_sum, black_box(x)));
            }),
        ),
        (
            "reverse::gradient (fresh tape)",
            time_per_call(|| {
                black_box(reverse::gradient(|v| sin_exp_sum(v), black_box(x)));
            }),
        ),
        (
            "reverse, Tape::gradient (reused)",
            time_per_call(|| {
                black_box(tape.gradient(|v| sin_exp_sum(v), black_box(x), &mut g));
            }),
        ),
        (
            "reverse, compiled replay",
            time_per_call(|| {
                black_box(compiled.gradient(black_box(x), &mut g).ok());
            }),
        ),
    ];

    println!();
    println!("timing: indicative only, one run on a shared machine;");
    println!("see BENCHMARKS.md for criterion measurements");
    println!("{:<36} {:>12} {:>14}", "method", "ns / call", "x plain f64");
    println!("{:<36} {:>12.0} {:>14.1}", "plain f64 evaluation", ns(plain), 1.0);
    for (name, t) in rows {
        println!("{name:<36} {:>12.0} {:>14.1}", ns(t), ns(t) / ns(plain));
    }
}

/// Runs `f` in doubling batches until a batch takes 5 ms; returns the time
/// per call of that batch.
fn time_per_call(mut f: impl FnMut()) -> Duration {
    let mut reps = 16u32;
    loop {
        let start = Instant::now();
        for _ in 0..reps {
            f();
        }
        let elapsed = start.elapsed();
        if elapsed >= Duration::from_millis(5) || reps >= 1 << 24 {
            return elapsed / reps;
        }
        reps *= 2;
    }
}

fn ns(t: Duration) -> f64 {
    t.as_secs_f64() * 1e9
}

fn cost_model() {
    println!();
    println!("cost model, for F: R^n -> R^m:");
    println!("  forward:  one pass per N Jacobian columns (N tangent lanes per number);");
    println!("            a gradient takes ceil(n / N) passes, exact to rounding");
    println!("  reverse:  one recording, then one backward sweep per output (row);");
    println!("            memory proportional to the run (one node per operation)");
    println!("  numeric:  2n evaluations, about 8 to 10 correct digits (step ~ eps^(1/3))");
    println!("  so: reverse for many inputs and one output (a loss), forward for few");
    println!("  inputs or many outputs, finite differences only to check the others");
}
