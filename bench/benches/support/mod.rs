//! Shared setup for the benchmarks: evaluation points, central finite
//! differences, and the test functions rewritten for the peer crates whose
//! number types do not implement `num_traits::Float` (num-dual's `DualNum`,
//! the `reverse` crate's `Var`).
//!
//! The dualnum benches and the hand-written baselines call the functions of
//! `dualnum::test_functions` directly, through dualnum's drivers
//! (`dualnum::{derivative, gradient, jacobian, hessian}`, `chunked`,
//! `numeric` for central differences). The versions here mirror those
//! formulas operation for operation, so every method does the same
//! arithmetic; `tests` at the bottom checks each against the hand-written
//! derivatives so a bench can never time a wrong answer.

#![allow(dead_code)]

use std::time::Duration;

use criterion::Criterion;
use dualnum::Dual;
use nalgebra::{SMatrix, SVector};
use num_dual::DualNum;
use reverse::Var;

/// A map `R^n → R^m` written into an output slice, as in `test_functions`.
pub type Map<T> = fn(&[T], &mut [T]);

/// A map on the `reverse` crate's tape with `m` outputs.
pub type RvMap = for<'a> fn(&[Var<'a>], usize) -> Vec<Var<'a>>;

/// Short criterion runs: the machine is shared, and ratios settle quickly.
pub fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(30)
        .without_plots()
        .configure_from_args()
}

/// A deterministic, non-symmetric point in `R^n`, away from every
/// function's special points.
pub fn point(n: usize) -> Vec<f64> {
    (0..n).map(|i| 0.6 + 0.4 * ((i as f64) * 1.3 + 0.2).sin()).collect()
}

/// The same point as a fixed-size array.
pub fn point_array<const N: usize>() -> [f64; N] {
    let p = point(N);
    core::array::from_fn(|i| p[i])
}

// ---------------------------------------------------------------------------
// dualnum's drivers on the in-place maps of `test_functions`
// ---------------------------------------------------------------------------

/// `dualnum::jacobian` of an in-place map `R^N → R^M`.
#[inline]
pub fn dn_jacobian<const N: usize, const M: usize>(
    f: Map<Dual<f64, N>>,
    x: &SVector<f64, N>,
) -> SMatrix<f64, M, N> {
    dualnum::jacobian(
        |v: SVector<Dual<f64, N>, N>| {
            let mut out = SVector::<Dual<f64, N>, M>::from_element(Dual::constant(0.0));
            f(v.as_slice(), out.as_mut_slice());
            out
        },
        x,
    )
    .1
}

/// Forward mode seeded by hand (`Dual::variables`), no driver: the
/// row-major Jacobian of an in-place map into `jac`.
#[inline]
pub fn manual_jacobian<const N: usize, const M: usize>(
    f: Map<Dual<f64, N>>,
    x: [f64; N],
    jac: &mut [f64],
) {
    let mut out = [Dual::<f64, N>::constant(0.0); M];
    f(&Dual::variables(x), &mut out);
    for (i, o) in out.iter().enumerate() {
        jac[i * N..(i + 1) * N].copy_from_slice(&o.eps);
    }
}

// ---------------------------------------------------------------------------
// num-dual versions (its types implement `DualNum`, not `num_traits::Float`)
// ---------------------------------------------------------------------------

/// [`dualnum::test_functions::transcendental`] for num-dual.
#[inline]
pub fn nd_transcendental<D: DualNum<Primitive = f64>>(x: D) -> D {
    let q = x.clone() * x.clone() + 1.0;
    x.sin() * x.exp() / q.clone() + q.ln() * x.cos()
}

/// [`dualnum::test_functions::rosenbrock`] for num-dual.
#[inline]
pub fn nd_rosenbrock<D: DualNum<Primitive = f64>>(x: &[D]) -> D {
    let mut s = D::from(0.0);
    for w in x.windows(2) {
        let a = w[1].clone() - w[0].clone() * w[0].clone();
        let b = -w[0].clone() + 1.0;
        s = s + a.clone() * 100.0 * a + b.clone() * b;
    }
    s
}

/// Output `i` of [`dualnum::test_functions::broyden_tridiagonal`] (or of
/// `broyden_exp_sin` when `exp_sin`) for num-dual.
#[inline]
pub fn nd_broyden<D: DualNum<Primitive = f64>>(x: &[D], i: usize, exp_sin: bool) -> D {
    let n = x.len();
    let prev = if i > 0 { x[i - 1].clone() } else { D::from(0.0) };
    let next = if i + 1 < n { x[i + 1].clone() } else { D::from(0.0) };
    let xi = x[i].clone();
    let o = (-xi.clone() * 2.0 + 3.0) * xi.clone() - prev - next.clone() * 2.0 + 1.0;
    if exp_sin { o + xi.exp() * next.sin() } else { o }
}

/// Output `k` of [`dualnum::test_functions::wide_map`] for num-dual.
#[inline]
pub fn nd_wide_map<D: DualNum<Primitive = f64>>(x: &[D], k: usize) -> D {
    let (kp1, kk) = (k as f64 + 1.0, k as f64);
    x.iter().fold(D::from(0.0), |s, xi| {
        s + (xi.clone() * kp1).sin() / kp1 + xi.clone() * kk * xi.clone()
    })
}

/// Output `j` of [`dualnum::test_functions::tall_map`] for num-dual.
#[inline]
pub fn nd_tall_map<D: DualNum<Primitive = f64>>(x: &[D], j: usize) -> D {
    let n = x.len();
    let (a, b) = (j % n, (j + 1) % n);
    let cj = 1.0 / (j as f64 + 1.0);
    x[a].clone() * x[b].sin() + (x[a].clone() * cj).exp()
}

// ---------------------------------------------------------------------------
// `reverse` crate versions (its `Var` implements arithmetic, not `Float`)
// ---------------------------------------------------------------------------

/// [`dualnum::test_functions::rosenbrock`] on the `reverse` crate's tape.
#[inline]
pub fn rv_rosenbrock<'a>(x: &[Var<'a>]) -> Var<'a> {
    let mut s = x[0].tape.add_var(0.0);
    for w in x.windows(2) {
        let a = w[1] - w[0] * w[0];
        let b = 1.0 - w[0];
        s = s + 100.0 * a * a + b * b;
    }
    s
}

/// [`dualnum::test_functions::wide_map`] on the `reverse` crate's tape.
#[inline]
pub fn rv_wide_map<'a>(x: &[Var<'a>], m: usize) -> Vec<Var<'a>> {
    (0..m)
        .map(|k| {
            let (kp1, kk) = (k as f64 + 1.0, k as f64);
            let zero = x[0].tape.add_var(0.0);
            x.iter().fold(zero, |s, &xi| s + (kp1 * xi).sin() / kp1 + kk * xi * xi)
        })
        .collect()
}

/// [`dualnum::test_functions::tall_map`] on the `reverse` crate's tape.
#[inline]
pub fn rv_tall_map<'a>(x: &[Var<'a>], m: usize) -> Vec<Var<'a>> {
    let n = x.len();
    (0..m)
        .map(|j| {
            let (a, b) = (j % n, (j + 1) % n);
            let cj = 1.0 / (j as f64 + 1.0);
            x[a] * x[b].sin() + (cj * x[a]).exp()
        })
        .collect()
}

/// Gradient of a scalar function with the `reverse` crate: a fresh tape,
/// one recording, one backward sweep.
#[inline]
pub fn rv_gradient(f: impl for<'a> Fn(&[Var<'a>]) -> Var<'a>, x: &[f64]) -> Vec<f64> {
    use reverse::Gradient;
    let tape = reverse::Tape::new();
    let vars = tape.add_vars(x);
    let y = f(&vars);
    y.grad().wrt(&vars)
}

/// Jacobian of a vector function with the `reverse` crate: one recording
/// and one backward sweep per output row, row-major into `jac`.
#[inline]
pub fn rv_jacobian(
    f: impl for<'a> Fn(&[Var<'a>], usize) -> Vec<Var<'a>>,
    x: &[f64],
    m: usize,
    jac: &mut [f64],
) {
    use reverse::Gradient;
    let n = x.len();
    let tape = reverse::Tape::new();
    let vars = tape.add_vars(x);
    let ys = f(&vars, m);
    for (i, y) in ys.iter().enumerate() {
        jac[i * n..(i + 1) * n].copy_from_slice(&y.grad().wrt(&vars));
    }
}

/// Checks a computed derivative against the hand-written one before timing.
///
/// # Panics
/// If any entry differs by more than `tol` relative to `max(|b|, 1)`.
pub fn assert_close(what: &str, a: &[f64], b: &[f64], tol: f64) {
    assert_eq!(a.len(), b.len(), "{what}: length {} vs {}", a.len(), b.len());
    for (i, (x, y)) in a.iter().zip(b).enumerate() {
        assert!((x - y).abs() <= tol * y.abs().max(1.0), "{what}: entry {i}: {x} vs {y}");
    }
}
