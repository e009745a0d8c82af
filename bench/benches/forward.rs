//! Scalar derivative of `transcendental` and one-pass gradients of
//! `rosenbrock` for n = 2 … 32: every way of getting them, side by side.
//!
//! Groups: `derivative/transcendental`, `gradient/rosenbrock/<n>`. The
//! report (`tools/bench-report`) divides every median by the
//! `hand-written` one of the same group.

mod support;

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use dualnum::Dual;
use dualnum::test_functions::{
    rosenbrock, rosenbrock_gradient, transcendental, transcendental_derivative,
};
use nalgebra::SVector;
use num_dual::{Dual64, DualDVec64, DualSVec64};
use support::*;

fn derivative(c: &mut Criterion) {
    let x0 = 0.7;
    let want = transcendental_derivative(x0);
    let ours = dualnum::derivative(transcendental, x0).1;
    assert_close("dualnum", &[ours], &[want], 1e-14);
    let (_, nd) = num_dual::first_derivative(sc_transcendental::<Dual64>, x0);
    assert_close("num-dual", &[nd], &[want], 1e-14);

    let mut g = c.benchmark_group("derivative/transcendental");
    g.bench_function("hand-written", |b| b.iter(|| transcendental_derivative(black_box(x0))));
    g.bench_function("f64 value", |b| b.iter(|| transcendental(black_box(x0))));
    g.bench_function("dualnum forward", |b| {
        b.iter(|| dualnum::derivative(transcendental, black_box(x0)))
    });
    g.bench_function("finite difference", |b| {
        b.iter(|| dualnum::numeric::derivative(transcendental, black_box(x0)))
    });
    g.bench_function("num-dual", |b| {
        b.iter(|| num_dual::first_derivative(sc_transcendental::<Dual64>, black_box(x0)).1)
    });
    g.bench_function("autodiff", |b| {
        b.iter(|| autodiff::diff(transcendental::<autodiff::FT<f64>>, black_box(x0)))
    });
    g.finish();
}

fn rosenbrock_n<const N: usize>(c: &mut Criterion) {
    let x: [f64; N] = point_array();
    let mut want = [0.0; N];
    rosenbrock_gradient(&x, &mut want);
    let xs = SVector::<f64, N>::from(x);
    let ours = dualnum::gradient(|v: SVector<Dual<f64, N>, N>| rosenbrock(v.as_slice()), &xs).1;
    assert_close("dualnum", ours.as_slice(), &want, 1e-13);
    let nd = num_dual::gradient(|v: SVector<DualSVec64<N>, N>| sc_rosenbrock(v.as_slice()), &xs).1;
    assert_close("num-dual", nd.as_slice(), &want, 1e-13);
    assert_close("autodiff", &autodiff::grad(rosenbrock, &x), &want, 1e-13);
    assert_close("reverse crate", &rv_gradient(rv_rosenbrock, &x), &want, 1e-13);
    let rg = dualnum::reverse::gradient(|v| rosenbrock(v), &x).1;
    assert_close("dualnum reverse", rg.as_slice(), &want, 1e-13);

    let mut g = c.benchmark_group("gradient/rosenbrock");
    g.bench_function(BenchmarkId::new("hand-written", N), |b| {
        let mut out = [0.0; N];
        b.iter(|| {
            rosenbrock_gradient(black_box(&x), &mut out);
            black_box(&out);
        })
    });
    g.bench_function(BenchmarkId::new("f64 value", N), |b| b.iter(|| rosenbrock(black_box(&x))));
    g.bench_function(BenchmarkId::new("dualnum forward", N), |b| {
        b.iter(|| {
            dualnum::gradient(
                |v: SVector<Dual<f64, N>, N>| rosenbrock(v.as_slice()),
                black_box(&xs),
            )
        })
    });
    g.bench_function(BenchmarkId::new("finite difference", N), |b| {
        b.iter(|| dualnum::numeric::gradient(rosenbrock, black_box(&x)))
    });
    g.bench_function(BenchmarkId::new("num-dual", N), |b| {
        b.iter(|| {
            num_dual::gradient(
                |v: SVector<DualSVec64<N>, N>| sc_rosenbrock(v.as_slice()),
                black_box(&xs),
            )
        })
    });
    let xd = nalgebra::DVector::from_column_slice(&x);
    g.bench_function(BenchmarkId::new("num-dual dyn", N), |b| {
        b.iter(|| {
            num_dual::gradient(
                |v: nalgebra::DVector<DualDVec64>| sc_rosenbrock(v.as_slice()),
                black_box(&xd),
            )
        })
    });
    g.bench_function(BenchmarkId::new("autodiff", N), |b| {
        b.iter(|| autodiff::grad(rosenbrock, black_box(&x)))
    });
    g.bench_function(BenchmarkId::new("dualnum reverse", N), |b| {
        b.iter(|| dualnum::reverse::gradient(|v| rosenbrock(v), black_box(&x)))
    });
    g.bench_function(BenchmarkId::new("reverse crate", N), |b| {
        b.iter(|| rv_gradient(rv_rosenbrock, black_box(&x)))
    });
    g.finish();
}

fn gradients(c: &mut Criterion) {
    rosenbrock_n::<2>(c);
    rosenbrock_n::<4>(c);
    rosenbrock_n::<8>(c);
    rosenbrock_n::<16>(c);
    rosenbrock_n::<32>(c);
}

criterion_group! { name = benches; config = config(); targets = derivative, gradients }
criterion_main!(benches);
