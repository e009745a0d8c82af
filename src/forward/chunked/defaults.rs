//! The chunked drivers at the default widths, with no width to name:
//! `chunked::gradient(f, &x)` is `Chunk::<DEFAULT_CHUNK>::gradient(f, &x)`,
//! and so on for every driver. Each is one line forwarding to [`Chunk`],
//! where the maths and the examples are.

use nalgebra::{DMatrix, DVector, Scalar};
use num_traits::Float;

use super::{Chunk, DEFAULT_CHUNK};
use crate::outputs::Outputs;
use crate::{Dual, Function, VectorFunction};

/// The lanes of every driver here.
const W: usize = DEFAULT_CHUNK;

/// The value and gradient of `f: R^n → R` at `x`, in chunks of
/// [`DEFAULT_CHUNK`] lanes; [`Chunk::gradient`] names the width.
///
/// ```
/// use dualnum::{chunked, test_functions::rosenbrock};
///
/// let x = vec![1.2; 10];
/// let (fx, g) = chunked::gradient(|x| rosenbrock(x), &x); // 2 evaluations of 8 lanes
/// let (fx4, g4) = chunked::Chunk::<4>::gradient(|x| rosenbrock(x), &x); // 3 of 4
/// assert_eq!((fx, &g), (fx4, &g4));
/// ```
#[inline]
#[must_use]
pub fn gradient<T: Float + Scalar>(
    f: impl FnMut(&[Dual<T, W>]) -> Dual<T, W>,
    x: &[T],
) -> (T, DVector<T>) {
    Chunk::<W>::gradient(f, x)
}

/// [`Chunk::gradient_into`] at [`DEFAULT_CHUNK`] lanes.
///
/// # Panics
///
/// If `grad.len() != x.len()`.
#[inline]
#[track_caller]
pub fn gradient_into<T: Float>(
    f: impl FnMut(&[Dual<T, W>]) -> Dual<T, W>,
    x: &[T],
    grad: &mut [T],
) -> T {
    Chunk::<W>::gradient_into(f, x, grad)
}

/// [`Chunk::jacobian`] at [`DEFAULT_CHUNK`] lanes.
///
/// # Panics
///
/// As [`Chunk::jacobian`].
///
/// ```
/// use dualnum::chunked;
///
/// let (fx, j) = chunked::jacobian(|x| [x[0] * x[1], x[0] + x[2]], &[2.0, 3.0, 5.0]);
/// assert_eq!(fx.as_slice(), &[6.0, 7.0]);
/// assert_eq!(j, nalgebra::dmatrix![3.0, 2.0, 0.0; 1.0, 0.0, 1.0]);
/// ```
#[inline]
#[must_use]
#[track_caller]
pub fn jacobian<T, O>(f: impl FnMut(&[Dual<T, W>]) -> O, x: &[T]) -> (DVector<T>, DMatrix<T>)
where
    T: Float + Scalar,
    O: Outputs<Dual<T, W>>,
{
    Chunk::<W>::jacobian(f, x)
}

/// [`Chunk::jacobian_inplace`] at [`DEFAULT_CHUNK`] lanes.
#[inline]
#[must_use]
pub fn jacobian_inplace<T: Float + Scalar>(
    f: impl FnMut(&[Dual<T, W>], &mut [Dual<T, W>]),
    x: &[T],
    m: usize,
) -> (DVector<T>, DMatrix<T>) {
    Chunk::<W>::jacobian_inplace(f, x, m)
}

/// [`Chunk::jacobian_into`] at [`DEFAULT_CHUNK`] lanes.
///
/// # Panics
///
/// If `jac.len() != fx.len() · x.len()`.
#[inline]
#[track_caller]
pub fn jacobian_into<T: Float>(
    f: impl FnMut(&[Dual<T, W>], &mut [Dual<T, W>]),
    x: &[T],
    fx: &mut [T],
    jac: &mut [T],
) {
    Chunk::<W>::jacobian_into(f, x, fx, jac)
}

/// [`Chunk::gradient_of`] at [`DEFAULT_CHUNK`] lanes.
#[inline]
#[must_use]
pub fn gradient_of<T, F>(f: &F, x: &[T]) -> (T, DVector<T>)
where
    T: Float + Scalar,
    F: Function + ?Sized,
{
    Chunk::<W>::gradient_of(f, x)
}

/// [`Chunk::jacobian_of`] at [`DEFAULT_CHUNK`] lanes.
#[inline]
#[must_use]
pub fn jacobian_of<T, F>(f: &F, x: &[T]) -> (DVector<T>, DMatrix<T>)
where
    T: Float + Scalar,
    F: VectorFunction + ?Sized,
{
    Chunk::<W>::jacobian_of(f, x)
}

/// The value, gradient and Hessian of `f: R^n → R`, in blocks of
/// [`DEFAULT_CHUNK`]² entries; [`Chunk::hessian`] names the width.
///
/// ```
/// use dualnum::{chunked, test_functions::rosenbrock};
///
/// let x = [0.5, 1.5, -0.5];
/// let (fx, g, h) = chunked::hessian(|x| rosenbrock(x), &x); // one evaluation
/// let (fx2, g2, h2) = chunked::Chunk::<2>::hessian(|x| rosenbrock(x), &x); // three
/// assert_eq!((fx, g), (fx2, g2));
/// assert!((h - h2).amax() < 1e-12);
/// ```
#[inline]
#[must_use]
pub fn hessian<T: Float + Scalar>(
    f: impl FnMut(&[Dual<Dual<T, W>, W>]) -> Dual<Dual<T, W>, W>,
    x: &[T],
) -> (T, DVector<T>, DMatrix<T>) {
    Chunk::<W>::hessian(f, x)
}

/// [`Chunk::hessian_into`] at [`DEFAULT_CHUNK`] lanes.
///
/// # Panics
///
/// If `grad.len() != n` or `hess.len() != n²`.
#[inline]
#[track_caller]
pub fn hessian_into<T: Float>(
    f: impl FnMut(&[Dual<Dual<T, W>, W>]) -> Dual<Dual<T, W>, W>,
    x: &[T],
    grad: &mut [T],
    hess: &mut [T],
) -> T {
    Chunk::<W>::hessian_into(f, x, grad, hess)
}

/// [`Chunk::hessian_of`] at [`DEFAULT_CHUNK`] lanes.
#[inline]
#[must_use]
pub fn hessian_of<T, F>(f: &F, x: &[T]) -> (T, DVector<T>, DMatrix<T>)
where
    T: Float + Scalar,
    F: Function + ?Sized,
{
    Chunk::<W>::hessian_of(f, x)
}

/// The value, gradient and Hessian-vector product of `f: R^n → R`, in
/// chunks of [`DEFAULT_CHUNK`] gradient lanes; [`Chunk::hvp`] names the
/// width.
///
/// # Panics
///
/// If `v.len() != x.len()`.
///
/// ```
/// use dualnum::{chunked, test_functions::rosenbrock};
///
/// let (x, v) = ([0.5, 1.5, -0.5], [1.0, 0.0, 0.0]);
/// let (_, _, hv) = chunked::hvp(|x| rosenbrock(x), &x, &v);
/// let (_, _, h) = chunked::hessian(|x| rosenbrock(x), &x);
/// assert_eq!(hv.as_slice(), h.column(0).as_slice());
/// ```
#[inline]
#[must_use]
#[track_caller]
pub fn hvp<T: Float + Scalar>(
    f: impl FnMut(&[Dual<Dual<T, 1>, W>]) -> Dual<Dual<T, 1>, W>,
    x: &[T],
    v: &[T],
) -> (T, DVector<T>, DVector<T>) {
    Chunk::<W>::hvp(f, x, v)
}

/// [`Chunk::hvp_into`] at [`DEFAULT_CHUNK`] lanes.
///
/// # Panics
///
/// If `v`, `grad` or `hv` is not as long as `x`.
#[inline]
#[track_caller]
pub fn hvp_into<T: Float>(
    f: impl FnMut(&[Dual<Dual<T, 1>, W>]) -> Dual<Dual<T, 1>, W>,
    x: &[T],
    v: &[T],
    grad: &mut [T],
    hv: &mut [T],
) -> T {
    Chunk::<W>::hvp_into(f, x, v, grad, hv)
}

/// [`Chunk::hvp_of`] at [`DEFAULT_CHUNK`] lanes.
///
/// # Panics
///
/// If `v.len() != x.len()`.
#[inline]
#[must_use]
#[track_caller]
pub fn hvp_of<T, F>(f: &F, x: &[T], v: &[T]) -> (T, DVector<T>, DVector<T>)
where
    T: Float + Scalar,
    F: Function + ?Sized,
{
    Chunk::<W>::hvp_of(f, x, v)
}

/// [`Chunk::par_jacobian`] at [`DEFAULT_CHUNK`] lanes (feature `rayon`).
///
/// # Panics
///
/// As [`Chunk::jacobian`].
#[cfg(feature = "rayon")]
#[inline]
#[must_use]
#[track_caller]
pub fn par_jacobian<T, O>(
    f: impl Fn(&[Dual<T, W>]) -> O + Sync,
    x: &[T],
) -> (DVector<T>, DMatrix<T>)
where
    T: Float + Scalar + Send + Sync,
    O: Outputs<Dual<T, W>>,
{
    Chunk::<W>::par_jacobian(f, x)
}

/// [`Chunk::par_jacobian_inplace`] at [`DEFAULT_CHUNK`] lanes (feature
/// `rayon`).
#[cfg(feature = "rayon")]
#[inline]
#[must_use]
pub fn par_jacobian_inplace<T>(
    f: impl Fn(&[Dual<T, W>], &mut [Dual<T, W>]) + Sync,
    x: &[T],
    m: usize,
) -> (DVector<T>, DMatrix<T>)
where
    T: Float + Scalar + Send + Sync,
{
    Chunk::<W>::par_jacobian_inplace(f, x, m)
}
