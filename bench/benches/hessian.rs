//! Hessians of `rosenbrock` for n = 4 and 8: `dualnum::hessian` (the
//! second-order `Dual2<f64, N>`) against num-dual's `hessian` and the
//! hand-written Hessian. Group: `hessian/rosenbrock/<n>`.

mod support;

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use dualnum::Dual2;
use dualnum::test_functions::{rosenbrock, rosenbrock_gradient, rosenbrock_hessian};
use nalgebra::SVector;
use num_dual::Dual2SVec64;
use support::*;

fn hessian_n<const N: usize>(c: &mut Criterion) {
    let x: [f64; N] = point_array();
    let xs = SVector::from(x);
    let mut want = vec![0.0; N * N];
    rosenbrock_hessian(&x, &mut want);
    let mut h = vec![0.0; N * N];
    let dn_f = |v: SVector<Dual2<f64, N>, N>| rosenbrock(v.as_slice());
    let dn = dualnum::hessian(dn_f, &xs).2;
    assert_close("dualnum", dn.as_slice(), &want, 1e-12);
    let nd_f = |v: SVector<Dual2SVec64<N>, N>| sc_rosenbrock(v.as_slice());
    let nd = num_dual::hessian(nd_f, &xs).2;
    assert_close("num-dual", nd.as_slice(), &want, 1e-12);

    let mut g = c.benchmark_group("hessian/rosenbrock");
    g.bench_function(BenchmarkId::new("hand-written", N), |b| {
        b.iter(|| {
            rosenbrock_hessian(black_box(&x), &mut h);
            black_box(&h);
        })
    });
    g.bench_function(BenchmarkId::new("f64 value", N), |b| b.iter(|| rosenbrock(black_box(&x))));
    g.bench_function(BenchmarkId::new("dualnum forward", N), |b| {
        b.iter(|| dualnum::hessian(dn_f, black_box(&xs)))
    });
    g.bench_function(BenchmarkId::new("finite difference", N), |b| {
        // Central differences of the hand-written gradient.
        b.iter(|| dualnum::numeric::jacobian_inplace(rosenbrock_gradient, black_box(&x), N))
    });
    g.bench_function(BenchmarkId::new("num-dual", N), |b| {
        b.iter(|| num_dual::hessian(nd_f, black_box(&xs)))
    });
    g.finish();
}

fn hessians(c: &mut Criterion) {
    hessian_n::<4>(c);
    hessian_n::<8>(c);
}

criterion_group! { name = benches; config = config(); targets = hessians }
criterion_main!(benches);
