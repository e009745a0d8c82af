//! Hessians of `rosenbrock` for n = 4 and 8: nested forward mode
//! `Dual<Dual<f64, N>, N>` against num-dual's `hessian` and the hand-written
//! Hessian. Group: `hessian/rosenbrock/<n>`.

mod support;

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use dualnum::Dual;
use dualnum::test_functions::{rosenbrock, rosenbrock_gradient, rosenbrock_hessian};
use nalgebra::SVector;
use num_dual::Dual2SVec64;
use support::*;

/// Nested forward mode, seeded by hand: inner and outer tangents both carry
/// the unit vectors, so `eps[i].eps[j]` is `∂²f/∂xᵢ∂xⱼ`. Extraction included.
#[inline]
fn dual_hessian<const N: usize>(x: [f64; N], h: &mut [f64]) {
    let xd: [Dual<Dual<f64, N>, N>; N] = core::array::from_fn(|i| {
        let mut d = Dual::constant(Dual::variable(x[i], i));
        d.eps[i] = Dual::constant(1.0);
        d
    });
    let r = rosenbrock(&xd);
    for i in 0..N {
        h[i * N..(i + 1) * N].copy_from_slice(&r.eps[i].eps);
    }
}

fn hessian_n<const N: usize>(c: &mut Criterion) {
    let x: [f64; N] = point_array();
    let xs = SVector::from(x);
    let mut want = vec![0.0; N * N];
    rosenbrock_hessian(&x, &mut want);
    let mut h = vec![0.0; N * N];
    dual_hessian(x, &mut h);
    assert_close("dualnum", &h, &want, 1e-12);
    let nd_f = |v: SVector<Dual2SVec64<N>, N>| nd_rosenbrock(v.as_slice());
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
        b.iter(|| {
            dual_hessian(black_box(x), &mut h);
            black_box(&h);
        })
    });
    g.bench_function(BenchmarkId::new("finite difference", N), |b| {
        // Central differences of the hand-written gradient.
        let (mut xm, mut gp, mut gm) = (x, [0.0; N], [0.0; N]);
        b.iter(|| {
            fd_jacobian(rosenbrock_gradient, black_box(&mut xm), &mut gp, &mut gm, &mut h);
            black_box(&h);
        })
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
