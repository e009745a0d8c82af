//! Shared setup for the benchmarks: evaluation points, and the test
//! functions rewritten for the peer crates whose number types do not
//! implement `num_traits::Float` (num-dual's `DualNum`, the `reverse`
//! crate's `Var`).
//!
//! The dualnum benches and the hand-written baselines call the functions of
//! `dualnum::test_functions` directly, through dualnum's drivers
//! (`dualnum::{derivative, gradient, jacobian, hessian}`, `chunked`,
//! `numeric` for central differences). The versions here mirror those
//! formulas operation for operation, so every method does the same
//! arithmetic; every bench checks each method against the hand-written
//! derivative before timing it, so a bench can never time a wrong answer.
//! echidna's `DualVec` implements `Float` and runs both forms.

#![allow(dead_code)]

use std::ops::{Add, Div, Mul, Neg, Sub};
use std::time::Duration;

use criterion::Criterion;
use dualnum::Dual;
use nalgebra::{SMatrix, SVector};
use num_dual::DualNum;
use num_traits::Float;
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
// The scalar-operator form: one body for num-dual, echidna and dualnum
// ---------------------------------------------------------------------------

/// The operations of the scalar-operator bodies below: arithmetic between
/// numbers, arithmetic with an `f64` on the right (`x * 100.0`; num-dual has
/// no `f64` on the left), and the four transcendentals they use.
///
/// num-dual's number types implement `DualNum`, not `num_traits::Float`, so
/// they cannot run the generic bodies of `dualnum::test_functions`. The
/// bodies here mirror those functions operation for operation in the only
/// form num-dual can run; because they are written once against this trait,
/// num-dual, echidna and dualnum all run the very same source, and a
/// comparison on them is like for like.
pub trait ScalarOps:
    Clone
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
    + Neg<Output = Self>
    + Add<f64, Output = Self>
    + Mul<f64, Output = Self>
    + Div<f64, Output = Self>
{
    /// A constant (zero tangent).
    fn cst(v: f64) -> Self;
    /// `sin x`.
    fn sin(&self) -> Self;
    /// `cos x`.
    fn cos(&self) -> Self;
    /// `eˣ`.
    fn exp(&self) -> Self;
    /// `ln x`.
    fn ln(&self) -> Self;
}

/// `ScalarOps` through num-dual's `DualNum` methods.
macro_rules! scalar_ops_num_dual {
    ($([$($g:tt)*] $t:ty;)*) => {$(
        impl<$($g)*> ScalarOps for $t {
            #[inline(always)]
            fn cst(v: f64) -> Self { Self::from(v) }
            #[inline(always)]
            fn sin(&self) -> Self { DualNum::sin(self) }
            #[inline(always)]
            fn cos(&self) -> Self { DualNum::cos(self) }
            #[inline(always)]
            fn exp(&self) -> Self { DualNum::exp(self) }
            #[inline(always)]
            fn ln(&self) -> Self { DualNum::ln(self) }
        }
    )*};
}

scalar_ops_num_dual! {
    [] num_dual::Dual64;
    [] num_dual::DualDVec64;
    [const N: usize] num_dual::DualSVec64<N>;
    [const N: usize] num_dual::Dual2SVec64<N>;
    [const N: usize] num_dual::DualSVec<num_dual::DualSVec64<N>, N>;
}

/// `ScalarOps` through `num_traits::Float` (dualnum, echidna).
macro_rules! scalar_ops_float {
    ($([$($g:tt)*] $t:ty;)*) => {$(
        impl<$($g)*> ScalarOps for $t {
            #[inline(always)]
            fn cst(v: f64) -> Self { <Self as num_traits::NumCast>::from(v).unwrap() }
            #[inline(always)]
            fn sin(&self) -> Self { Float::sin(*self) }
            #[inline(always)]
            fn cos(&self) -> Self { Float::cos(*self) }
            #[inline(always)]
            fn exp(&self) -> Self { Float::exp(*self) }
            #[inline(always)]
            fn ln(&self) -> Self { Float::ln(*self) }
        }
    )*};
}

scalar_ops_float! {
    [const N: usize] Dual<f64, N>;
    [] echidna::Dual<f64>;
    [const N: usize] echidna::DualVec<f64, N>;
}

/// [`dualnum::test_functions::transcendental`] in the scalar-operator form.
#[inline]
pub fn sc_transcendental<D: ScalarOps>(x: D) -> D {
    let q = x.clone() * x.clone() + 1.0;
    x.sin() * x.exp() / q.clone() + q.ln() * x.cos()
}

/// [`dualnum::test_functions::rosenbrock`] in the scalar-operator form.
#[inline]
pub fn sc_rosenbrock<D: ScalarOps>(x: &[D]) -> D {
    let mut s = D::cst(0.0);
    for w in x.windows(2) {
        let a = w[1].clone() - w[0].clone() * w[0].clone();
        let b = -w[0].clone() + 1.0;
        s = s + a.clone() * 100.0 * a + b.clone() * b;
    }
    s
}

/// Output `i` of [`dualnum::test_functions::broyden_tridiagonal`] (or of
/// `broyden_exp_sin` when `exp_sin`) in the scalar-operator form.
#[inline]
pub fn sc_broyden<D: ScalarOps>(x: &[D], i: usize, exp_sin: bool) -> D {
    let n = x.len();
    let prev = if i > 0 { x[i - 1].clone() } else { D::cst(0.0) };
    let next = if i + 1 < n { x[i + 1].clone() } else { D::cst(0.0) };
    let xi = x[i].clone();
    let o = (-xi.clone() * 2.0 + 3.0) * xi.clone() - prev - next.clone() * 2.0 + 1.0;
    if exp_sin { o + xi.exp() * next.sin() } else { o }
}

/// Output `k` of [`dualnum::test_functions::wide_map`] in the
/// scalar-operator form.
#[inline]
pub fn sc_wide_map<D: ScalarOps>(x: &[D], k: usize) -> D {
    let (kp1, kk) = (k as f64 + 1.0, k as f64);
    x.iter().fold(D::cst(0.0), |s, xi| {
        s + (xi.clone() * kp1).sin() / kp1 + xi.clone() * kk * xi.clone()
    })
}

/// Output `j` of [`dualnum::test_functions::tall_map`] in the
/// scalar-operator form.
#[inline]
pub fn sc_tall_map<D: ScalarOps>(x: &[D], j: usize) -> D {
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
