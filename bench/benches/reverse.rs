//! Reverse mode against one plain `f64` evaluation of the same function,
//! side by side in one run: a fresh recording (new tape, and tape reused)
//! plus backward sweep, a replay of one recording, the hand-written
//! gradient, and the `reverse` crate (0.2) as a baseline. The sizes 10 to
//! 10,000 are in `reverse_interleaved.rs`.
//!
//! Run with `cargo bench --bench reverse -- --warm-up-time 1 --measurement-time 3`;
//! the ratios are the medians of each line over the `f64` line of its group.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use dualnum::reverse::{self, Tape};
use dualnum::test_functions::{
    exp_sin_ln, exp_sin_ln_gradient, rosenbrock, rosenbrock_gradient, sin_exp_sum,
    sin_exp_sum_gradient,
};

const N: usize = 1000;

fn point() -> Vec<f64> {
    (0..N).map(|i| 0.5 + 0.001 * i as f64).collect()
}

/// Rosenbrock written against the `reverse` crate's API (it does not
/// implement `num_traits::Float`), term by term as in `test_functions`.
fn rosenbrock_reverse_crate(x: &[f64]) -> Vec<f64> {
    let tape = ::reverse::Tape::new();
    let v = tape.add_vars(x);
    let mut s = tape.add_var(0.0);
    for w in v.windows(2) {
        let a = w[1] - w[0] * w[0];
        let b = 1.0 - w[0];
        s = s + 100.0 * a * a + b * b;
    }
    let g = s.grad();
    use ::reverse::Gradient;
    g.wrt(&v)
}

fn sin_exp_sum_reverse_crate(x: &[f64]) -> Vec<f64> {
    let tape = ::reverse::Tape::new();
    let v = tape.add_vars(x);
    let mut s = tape.add_var(0.0);
    for w in v.windows(2) {
        s = s + w[0].sin() * w[1].exp() / (1.0 + w[0] * w[0]);
    }
    let g = s.grad();
    use ::reverse::Gradient;
    g.wrt(&v)
}

fn exp_sin_ln_reverse_crate(x: &[f64]) -> Vec<f64> {
    let tape = ::reverse::Tape::new();
    let v = tape.add_vars(x);
    let mut s = tape.add_var(0.0);
    for w in v.windows(2) {
        s = s + w[0].exp() * w[1].sin() * (1.0 + w[0] * w[0]).ln();
    }
    let g = s.grad();
    use ::reverse::Gradient;
    g.wrt(&v)
}

type Plain = fn(&[f64]) -> f64;
type Hand = fn(&[f64], &mut [f64]);
type Other = fn(&[f64]) -> Vec<f64>;

fn group(c: &mut Criterion, name: &str, f: Plain, hand: Hand, other: Other) {
    let x = point();
    let mut g = vec![0.0; N];
    let mut expected = vec![0.0; N];
    hand(&x, &mut expected);
    let mut grp = c.benchmark_group(name);

    grp.bench_function(BenchmarkId::new("f64", N), |b| b.iter(|| f(black_box(&x))));
    grp.bench_function(BenchmarkId::new("hand_written", N), |b| {
        b.iter(|| hand(black_box(&x), black_box(&mut g)))
    });

    let mut tape = Tape::with_capacity(16 * N);
    let record = |tape: &mut Tape<f64>, x: &[f64], g: &mut [f64]| match name {
        "rosenbrock" => tape.gradient(|v| rosenbrock(v), x, g),
        "exp_sin_ln" => tape.gradient(|v| exp_sin_ln(v), x, g),
        _ => tape.gradient(|v| sin_exp_sum(v), x, g),
    };
    let fresh = |x: &[f64]| match name {
        "rosenbrock" => reverse::gradient(|v| rosenbrock(v), x),
        "exp_sin_ln" => reverse::gradient(|v| exp_sin_ln(v), x),
        _ => reverse::gradient(|v| sin_exp_sum(v), x),
    };
    check(fresh(&x).1.as_slice(), &expected);
    grp.bench_function(BenchmarkId::new("dualnum_fresh", N), |b| b.iter(|| fresh(black_box(&x))));
    record(&mut tape, &x, &mut g);
    check(&g, &expected);
    grp.bench_function(BenchmarkId::new("dualnum_record", N), |b| {
        b.iter(|| record(&mut tape, black_box(&x), black_box(&mut g)))
    });

    let mut compiled = match name {
        "rosenbrock" => reverse::compile(|v| rosenbrock(v), &x),
        "exp_sin_ln" => reverse::compile(|v| exp_sin_ln(v), &x),
        _ => reverse::compile(|v| sin_exp_sum(v), &x),
    };
    compiled.gradient(&x, &mut g).unwrap();
    check(&g, &expected);
    grp.bench_function(BenchmarkId::new("dualnum_replay", N), |b| {
        b.iter(|| compiled.gradient(black_box(&x), black_box(&mut g)).unwrap())
    });

    check(&other(&x), &expected);
    grp.bench_function(BenchmarkId::new("reverse_crate", N), |b| b.iter(|| other(black_box(&x))));
    grp.finish();
}

fn check(g: &[f64], expected: &[f64]) {
    for (a, b) in g.iter().zip(expected) {
        assert!((a - b).abs() <= 1e-10 * b.abs().max(1.0), "gradient mismatch: {a} vs {b}");
    }
}

fn benches(c: &mut Criterion) {
    group(c, "rosenbrock", rosenbrock::<f64>, rosenbrock_gradient::<f64>, rosenbrock_reverse_crate);
    group(
        c,
        "sin_exp_sum",
        sin_exp_sum::<f64>,
        sin_exp_sum_gradient::<f64>,
        sin_exp_sum_reverse_crate,
    );
    group(c, "exp_sin_ln", exp_sin_ln::<f64>, exp_sin_ln_gradient::<f64>, exp_sin_ln_reverse_crate);
}

criterion_group!(reverse_mode, benches);
criterion_main!(reverse_mode);
