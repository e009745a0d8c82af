//! Second order in reverse mode, by forward over reverse: the function is
//! recorded on a tape of `Dual<T, 1>` whose inputs carry a direction `v`
//! in their tangents, and one backward sweep of dual adjoints returns the
//! gradient in their values and the Hessian-vector product `H·v` in their
//! tangents (the directional derivative of the gradient along `v`).
//!
//! - [`hvp`]: `f(x)`, `∇f(x)` and `H(x)·v` for about the cost of two
//!   gradients (every recorded value and partial is a `Dual<T, 1>`):
//!   measured (`bench/benches/reverse_interleaved.rs`, BENCHMARKS.md) at
//!   2.1–2.6 reused-tape gradients on Rosenbrock for n = 10 to 1,000 (1.7–1.8
//!   at 10,000) and 1.7–2.2 on `exp_sin_ln`, default and native targets;
//! - [`hessian`]: the dense `H(x)` by `n` of them, one column each,
//!   recording the closure `n` times on one reused tape;
//! - [`hvp_of`] and [`hessian_of`] for a [`Function`] object.
//!
//! The closure receives `&[Var<'t, Dual<T, 1>>]`; code generic over
//! `Float` runs unchanged, and plain `f64`/`f32` literals work on these
//! variables as on any number of the crate (`0.5 * x[0]`).

use alloc::vec::Vec;

use nalgebra::{DMatrix, DVector, Scalar};
use num_traits::Float;

use super::{Tape, Var};
use crate::{Dual, Function};

/// One forward-over-reverse sweep: `f(x)`, `∇f(x)` into `grad` and
/// `H(x)·v` into `hv`; `xd` and `g` are scratch, kept by [`hessian`]
/// across its `n` sweeps.
#[track_caller]
#[allow(clippy::too_many_arguments)]
fn sweep<T, F>(
    tape: &mut Tape<Dual<T, 1>>,
    f: F,
    x: &[T],
    v: &[T],
    grad: &mut [T],
    hv: &mut [T],
    xd: &mut Vec<Dual<T, 1>>,
    g: &mut Vec<Dual<T, 1>>,
) -> T
where
    T: Float + Scalar,
    F: for<'t> FnOnce(&[Var<'t, Dual<T, 1>>]) -> Var<'t, Dual<T, 1>>,
{
    xd.clear();
    xd.extend(x.iter().zip(v).map(|(&xi, &vi)| Dual::new(xi, [vi])));
    g.clear();
    g.resize(x.len(), Dual::new(T::zero(), [T::zero()]));
    let fx = tape.gradient(f, xd, g);
    for ((gi, hi), d) in grad.iter_mut().zip(hv.iter_mut()).zip(g.iter()) {
        // An exact zero as +0, as every driver gives it (the dual
        // constants carry −0 tangents).
        *gi = d.re + T::zero();
        *hi = d.eps[0] + T::zero();
    }
    fx.re
}

/// The value `f(x)`, the gradient `∇f(x)` and the Hessian-vector product
/// `H(x)·v`, by forward over reverse: one recording on a tape of
/// `Dual<T, 1>` seeded with `v`, one backward sweep.
///
/// ```
/// use dualnum::reverse;
///
/// // f = x²y + 0.5·y³: ∇f = (2xy, x² + 1.5y²), H = [[2y, 2x], [2x, 3y]]
/// let (fx, g, hv) =
///     reverse::hvp(|x| x[0] * x[0] * x[1] + 0.5 * x[1].powi(3), &[1.0, 2.0], &[1.0, -1.0]);
/// assert_eq!(fx, 6.0);
/// assert_eq!(g.as_slice(), &[4.0, 7.0]);
/// assert_eq!(hv.as_slice(), &[4.0 - 2.0, 2.0 - 6.0]);
/// ```
///
/// # Panics
///
/// If `v.len() != x.len()`, or `f` returns a variable of another tape.
#[must_use]
#[track_caller]
pub fn hvp<T, F>(f: F, x: &[T], v: &[T]) -> (T, DVector<T>, DVector<T>)
where
    T: Float + Scalar,
    F: for<'t> FnOnce(&[Var<'t, Dual<T, 1>>]) -> Var<'t, Dual<T, 1>>,
{
    assert_eq!(
        v.len(),
        x.len(),
        "reverse::hvp: {} inputs but a direction of length {}",
        x.len(),
        v.len()
    );
    let n = x.len();
    let mut tape = Tape::with_capacity(16 * n);
    let (mut g, mut hv) =
        (DVector::from_element(n, T::zero()), DVector::from_element(n, T::zero()));
    let (mut xd, mut gd) = (Vec::new(), Vec::new());
    let fx = sweep(&mut tape, f, x, v, g.as_mut_slice(), hv.as_mut_slice(), &mut xd, &mut gd);
    (fx, g, hv)
}

/// The value `f(x)`, the gradient and the dense Hessian `H(x)`, by `n`
/// forward-over-reverse sweeps (see [`hvp`]), column `j` seeded with the
/// unit vector `eⱼ`, on one reused tape. As in forward mode, the matrix
/// is returned as computed, not symmetrised: `Hᵢⱼ` and `Hⱼᵢ` come from
/// different rounding paths and may differ in the last bits.
///
/// ```
/// use dualnum::reverse;
/// use dualnum::test_functions::{rosenbrock, rosenbrock_hessian};
///
/// let x = [1.2, 1.0, 0.8];
/// let (fx, _, h) = reverse::hessian(|x| rosenbrock(x), &x);
/// let mut expected = [0.0f64; 9];
/// rosenbrock_hessian(&x, &mut expected);
/// assert_eq!(fx, rosenbrock(&x));
/// for i in 0..3 {
///     for j in 0..3 {
///         assert!((h[(i, j)] - expected[3 * i + j]).abs() < 1e-12);
///     }
/// }
/// ```
///
/// # Panics
///
/// If `f` returns a variable of another tape.
#[must_use]
#[track_caller]
pub fn hessian<T, F>(f: F, x: &[T]) -> (T, DVector<T>, DMatrix<T>)
where
    T: Float + Scalar,
    F: for<'t> Fn(&[Var<'t, Dual<T, 1>>]) -> Var<'t, Dual<T, 1>>,
{
    let n = x.len();
    let mut tape = Tape::with_capacity(16 * n);
    let mut g = DVector::from_element(n, T::zero());
    let mut h = DMatrix::from_element(n, n, T::zero());
    let mut e = alloc::vec![T::zero(); n];
    let (mut xd, mut gd) = (Vec::with_capacity(n), Vec::with_capacity(n));
    let mut fx = T::zero();
    if n == 0 {
        fx = sweep(&mut tape, &f, x, &e, &mut [], &mut [], &mut xd, &mut gd);
    }
    for j in 0..n {
        e[j] = T::one();
        let mut column = h.column_mut(j);
        fx = sweep(&mut tape, &f, x, &e, g.as_mut_slice(), column.as_mut_slice(), &mut xd, &mut gd);
        e[j] = T::zero();
    }
    (fx, g, h)
}

/// [`hvp`] for a [`Function`] object.
///
/// ```
/// use dualnum::{Function, reverse, test_functions::rosenbrock};
/// use num_traits::Float;
///
/// struct Rosenbrock;
/// impl Function for Rosenbrock {
///     fn eval<T: Float>(&self, x: &[T]) -> T {
///         rosenbrock(x)
///     }
/// }
/// let (x, v) = ([1.2, 1.0], [0.5, -1.0]);
/// assert_eq!(reverse::hvp_of(&Rosenbrock, &x, &v), reverse::hvp(|x| rosenbrock(x), &x, &v));
/// ```
///
/// # Panics
///
/// As [`hvp`].
#[must_use]
#[track_caller]
pub fn hvp_of<T, F>(f: &F, x: &[T], v: &[T]) -> (T, DVector<T>, DVector<T>)
where
    T: Float + Scalar,
    F: Function + ?Sized,
{
    hvp(|x| f.eval(x), x, v)
}

/// [`hessian`] for a [`Function`] object.
///
/// # Panics
///
/// As [`hessian`].
#[must_use]
#[track_caller]
pub fn hessian_of<T, F>(f: &F, x: &[T]) -> (T, DVector<T>, DMatrix<T>)
where
    T: Float + Scalar,
    F: Function + ?Sized,
{
    hessian(|x| f.eval(x), x)
}
