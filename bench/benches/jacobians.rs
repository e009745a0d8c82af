//! Jacobians: the wide map `R^64 → R^4`, the tall map `R^4 → R^64`, and the
//! 8 × 8 Broyden tridiagonal map, plain and with `e^x·sin y` terms.
//!
//! Groups: `jacobian/wide_64x4`, `jacobian/tall_4x64`,
//! `jacobian/broyden_8`, `jacobian/broyden_exp_sin_8`. Each method returns
//! or writes the whole Jacobian (extraction is timed); the hand-written one
//! writes a row-major buffer.

mod support;

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use dualnum::Dual;
use dualnum::test_functions as tf;
use nalgebra::SVector;
use num_dual::DualSVec64;
use support::*;

/// num-dual's own `jacobian` on its static `DualSVec64<N>`; `nd(x, i)` is
/// output `i`.
#[inline]
fn nd_jacobian<const N: usize, const M: usize>(
    nd: fn(&[DualSVec64<N>], usize) -> DualSVec64<N>,
    x: &SVector<f64, N>,
) -> nalgebra::SMatrix<f64, M, N> {
    num_dual::jacobian(
        |v: SVector<DualSVec64<N>, N>| SVector::<_, M>::from_fn(|i, _| nd(v.as_slice(), i)),
        x,
    )
    .1
}

/// A whole reverse-mode Jacobian at a point.
type RevJacobian = fn(&[f64]) -> nalgebra::DMatrix<f64>;

/// One workload: every method on `f: R^N → R^M`, checked, then timed.
fn workload<const N: usize, const M: usize>(
    c: &mut Criterion,
    name: &str,
    (f, fd, hand): (Map<f64>, Map<Dual<f64, N>>, Map<f64>),
    nd: fn(&[DualSVec64<N>], usize) -> DualSVec64<N>,
    rv: Option<RvMap>,
    dn_rev: Option<RevJacobian>,
) {
    let x: [f64; N] = point_array();
    let xs = SVector::from(x);
    let mut want = vec![0.0; M * N];
    hand(&x, &mut want);
    let mut jac = vec![0.0; M * N];
    let dn = dn_jacobian::<N, M>(fd, &xs).transpose();
    assert_close("dualnum", dn.as_slice(), &want, 1e-13);
    manual_jacobian::<N, M>(fd, x, &mut jac);
    assert_close("dualnum manual", &jac, &want, 1e-13);
    let ndj = nd_jacobian::<N, M>(nd, &xs).transpose();
    assert_close("num-dual", ndj.as_slice(), &want, 1e-13);
    let fdj = dualnum::numeric::jacobian_inplace(f, &x, M).1.transpose();
    assert_close("finite difference", fdj.as_slice(), &want, 1e-6);
    if let Some(rv) = rv {
        rv_jacobian(rv, &x, M, &mut jac);
        assert_close("reverse crate", &jac, &want, 1e-13);
    }
    if let Some(dr) = dn_rev {
        let j = dr(&x).transpose();
        assert_close("dualnum reverse", j.as_slice(), &want, 1e-13);
    }

    let mut g = c.benchmark_group(format!("jacobian/{name}"));
    g.bench_function("hand-written", |b| {
        b.iter(|| {
            hand(black_box(&x), &mut jac);
            black_box(&jac);
        })
    });
    g.bench_function("f64 value", |b| {
        let mut out = [0.0; M];
        b.iter(|| {
            f(black_box(&x), &mut out);
            black_box(&out);
        })
    });
    g.bench_function("dualnum forward", |b| b.iter(|| dn_jacobian::<N, M>(fd, black_box(&xs))));
    g.bench_function("finite difference", |b| {
        b.iter(|| dualnum::numeric::jacobian_inplace(f, black_box(&x), M))
    });
    g.bench_function("num-dual", |b| b.iter(|| nd_jacobian::<N, M>(nd, black_box(&xs))));
    if let Some(dr) = dn_rev {
        g.bench_function("dualnum reverse", |b| b.iter(|| dr(black_box(&x))));
    }
    if let Some(rv) = rv {
        g.bench_function("reverse crate", |b| {
            b.iter(|| {
                rv_jacobian(rv, black_box(&x), M, &mut jac);
                black_box(&jac);
            })
        });
    }
    g.finish();
}

fn jacobians(c: &mut Criterion) {
    workload::<64, 4>(
        c,
        "wide_64x4",
        (tf::wide_map, tf::wide_map, |x, j| tf::wide_map_jacobian(x, 4, j)),
        sc_wide_map,
        Some(rv_wide_map),
        Some(|x| {
            dualnum::reverse::jacobian(
                |v| {
                    let mut out = vec![v[0]; 4];
                    tf::wide_map(v, &mut out);
                    out
                },
                x,
            )
            .1
        }),
    );
    workload::<4, 64>(
        c,
        "tall_4x64",
        (tf::tall_map, tf::tall_map, |x, j| tf::tall_map_jacobian(x, 64, j)),
        sc_tall_map,
        Some(rv_tall_map),
        Some(|x| {
            dualnum::reverse::jacobian(
                |v| {
                    let mut out = vec![v[0]; 64];
                    tf::tall_map(v, &mut out);
                    out
                },
                x,
            )
            .1
        }),
    );
    workload::<8, 8>(
        c,
        "broyden_8",
        (tf::broyden_tridiagonal, tf::broyden_tridiagonal, tf::broyden_tridiagonal_jacobian),
        |x, i| sc_broyden(x, i, false),
        None,
        None,
    );
    workload::<8, 8>(
        c,
        "broyden_exp_sin_8",
        (tf::broyden_exp_sin, tf::broyden_exp_sin, tf::broyden_exp_sin_jacobian),
        |x, i| sc_broyden(x, i, true),
        None,
        None,
    );
}

criterion_group! { name = benches; config = config(); targets = jacobians }
criterion_main!(benches);
