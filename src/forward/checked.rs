//! The drivers for a [`Function`]/[`VectorFunction`] object, with the
//! checked fast path: evaluate on [`Unchecked`](crate::Unchecked) duals (plain kernels), test
//! the result once, and evaluate again on the NaN-safe [`Dual`] only when
//! some component of the result is not finite.
//!
//! See the [`function`](crate::function) module for when the two paths can
//! differ.

use nalgebra::{SMatrix, SVector, Scalar};
use num_traits::Float;

use super::hessian::{seed2, unpack2};
use super::plus_zero;
use crate::{Dual, Function, VectorFunction, tangent};

/// The inputs `x` seeded as `N` independent variables, under either policy.
///
/// The unseeded lanes are `+0` here, not the `−0` of [`tangent::zero`]:
/// on the policy-free path the interleaved harness measured the `+0` seeds
/// faster (∇ Rosenbrock n = 16: 11.0 against 16.4 times hand-written, n = 8
/// 8.4 against 9.5). The safe seeds keep `−0`, as `linalg::variables` does:
/// with `+0` the select path measured 5.6 against 3.4 (n = 4, native).
#[inline(always)]
fn seeds<T: Float, const N: usize, const SAFE: bool>(x: &[T]) -> [Dual<T, N, SAFE>; N] {
    core::array::from_fn(|i| {
        let mut eps = if SAFE { tangent::zero() } else { [T::zero(); N] };
        eps[i] = T::one();
        Dual { eps, re: x[i] }
    })
}

/// True when the value and every lane are finite (for nested duals, at
/// every level).
#[inline(always)]
fn finite<T: Float, const N: usize, const SAFE: bool>(y: &Dual<T, N, SAFE>) -> bool {
    // `&`, not `&&`: one branch on the folded test, not one per lane.
    y.eps.iter().fold(tangent::all_finite(y.re), |ok, &e| ok & tangent::all_finite(e))
}

/// The value and gradient of `f` at `x`, like [`gradient`](crate::gradient),
/// for a function object: the checked fast path.
///
/// `f` runs on [`Unchecked`](crate::Unchecked) duals; if the value and every gradient lane
/// come out finite, that is the answer, identical to the NaN-safe one
/// (see [`function`](crate::function) for the one exception: branches on
/// `is_zero`/`is_constant`). Otherwise `f` runs again on [`Dual`] and the
/// NaN-safe answer is returned, so a result with an infinite or NaN
/// component costs two evaluations.
///
/// ```
/// use dualnum::{Function, test_functions::rosenbrock};
/// use nalgebra::vector;
/// use num_traits::Float;
///
/// struct Rosenbrock;
/// impl Function for Rosenbrock {
///     fn eval<T: Float>(&self, x: &[T]) -> T {
///         rosenbrock(x)
///     }
/// }
///
/// let x = vector![1.2, 1.0, 0.8];
/// let (fx, g) = dualnum::gradient_of(&Rosenbrock, &x);
/// assert_eq!((fx, g), dualnum::gradient(|x| rosenbrock(x.as_slice()), &x));
///
/// // √x₁ at 0: the fast pass gives NaN in the lane of x₀, the safe pass 0.
/// struct Root;
/// impl Function for Root {
///     fn eval<T: Float>(&self, x: &[T]) -> T {
///         x[0] * x[1].sqrt()
///     }
/// }
/// let (_, g) = dualnum::gradient_of(&Root, &vector![2.0, 0.0]);
/// assert_eq!(g[0], 0.0);
/// assert_eq!(g[1], f64::INFINITY);
/// ```
#[inline]
#[must_use]
pub fn gradient_of<const N: usize, T>(
    f: &(impl Function + ?Sized),
    x: &SVector<T, N>,
) -> (T, SVector<T, N>)
where
    T: Float + Scalar,
{
    if tiny::<T, N>() {
        return gradient_safe(f, x);
    }
    let y = f.eval(&seeds::<T, N, false>(x.as_slice()));
    if finite(&y) {
        (y.re, SVector::from(y.eps.map(plus_zero)))
    } else {
        cold(|| gradient_safe(f, x))
    }
}

/// Tangents small enough that the NaN-safe select costs no more than the
/// test of the result (and it also folds the zero lanes of constants):
/// these go straight to the safe kernels. The select is one `vblendvpd`
/// with AVX but three instructions with SSE2 only, so the limit depends on
/// the target: interleaved, ∇ Rosenbrock n = 4 took 4.8 × hand-written on
/// the safe kernels and 6.5 on the fast path with `-C target-cpu=native`
/// (AVX2), but 8.4 and 5.9 on the default target. With AVX-512 the kernels
/// take the select up to 64 bytes (one masked multiply per `zmm`), and the
/// safe kernels ran ∇ Rosenbrock n = 8 at the policy-free floor (6.17 ×
/// hand-written against 6.20 unchecked) where the fast path took 11.2.
#[inline(always)]
const fn tiny<T, const N: usize>() -> bool {
    let limit = if cfg!(target_feature = "avx512f") {
        64
    } else if cfg!(target_feature = "avx") {
        32
    } else {
        16
    };
    core::mem::size_of::<[T; N]>() <= limit
}

/// Runs the NaN-safe evaluation out of line, off the hot path.
#[cold]
#[inline(never)]
fn cold<R>(f: impl FnOnce() -> R) -> R {
    f()
}

#[inline(always)]
fn gradient_safe<T, F, const N: usize>(f: &F, x: &SVector<T, N>) -> (T, SVector<T, N>)
where
    T: Float + Scalar,
    F: Function + ?Sized,
{
    let y = f.eval(&seeds::<T, N, true>(x.as_slice()));
    (y.re, SVector::from(y.eps.map(plus_zero)))
}

/// The value and `M × N` Jacobian of `f` at `x`, like
/// [`jacobian`](crate::jacobian), for a function object: the checked fast
/// path of [`gradient_of`], the test covering every output.
///
/// # Panics
///
/// If `f.outputs(N)` is not `M`: the static output size must match what
/// the function says it returns.
///
/// ```
/// use dualnum::{VectorFunction, test_functions::broyden_tridiagonal};
/// use nalgebra::SVector;
/// use num_traits::Float;
///
/// struct Broyden;
/// impl VectorFunction for Broyden {
///     fn outputs(&self, n: usize) -> usize {
///         n
///     }
///     fn eval<T: Float>(&self, x: &[T], out: &mut [T]) {
///         broyden_tridiagonal(x, out)
///     }
/// }
///
/// let x = SVector::<f64, 4>::from_fn(|i, _| 0.1 * i as f64 - 0.5);
/// // N comes from `x`, M from the result's type where the code fixes it
/// // (an annotation, a field, an argument); or name the sizes,
/// // `jacobian_of::<4, 4, _>`, outputs first, as in `SMatrix<T, M, N>`.
/// let (fx, j): (SVector<f64, 4>, _) = dualnum::jacobian_of(&Broyden, &x);
/// let step = j.lu().solve(&fx).unwrap();
/// assert!((j * step - fx).amax() < 1e-12);
/// assert_eq!(j[(0, 2)], 0.0);
/// assert_eq!(j[(1, 0)], -1.0);
/// let (_, j4) = dualnum::jacobian_of::<4, 4, _>(&Broyden, &x);
/// assert_eq!(j, j4);
/// ```
#[inline]
#[must_use]
#[track_caller]
pub fn jacobian_of<const M: usize, const N: usize, T>(
    f: &(impl VectorFunction + ?Sized),
    x: &SVector<T, N>,
) -> (SVector<T, M>, SMatrix<T, M, N>)
where
    T: Float + Scalar,
{
    let m = f.outputs(N);
    assert!(
        m == M,
        "jacobian_of: the function has {m} outputs for {N} inputs, but the result type asks \
         for M = {M} (set M to {m})"
    );
    if tiny::<T, N>() {
        return jacobian_safe(f, x);
    }
    let mut out = [Dual::lift(T::zero()); M];
    f.eval(&seeds::<T, N, false>(x.as_slice()), &mut out);
    if out.iter().fold(true, |ok, y| ok & finite(y)) {
        (SVector::from_fn(|i, _| out[i].re), SMatrix::from_fn(|i, j| plus_zero(out[i].eps[j])))
    } else {
        cold(|| jacobian_safe(f, x))
    }
}

#[inline(always)]
fn jacobian_safe<T, F, const N: usize, const M: usize>(
    f: &F,
    x: &SVector<T, N>,
) -> (SVector<T, M>, SMatrix<T, M, N>)
where
    T: Float + Scalar,
    F: VectorFunction + ?Sized,
{
    let mut out: [Dual<T, N>; M] = [Dual::lift(T::zero()); M];
    f.eval(&seeds::<T, N, true>(x.as_slice()), &mut out);
    (SVector::from_fn(|i, _| out[i].re), SMatrix::from_fn(|i, j| plus_zero(out[i].eps[j])))
}

/// The value, gradient and Hessian of `f` at `x`, like
/// [`hessian`](crate::hessian), for a function object: one evaluation on
/// the second-order number [`Dual2`](crate::Dual2).
///
/// `Dual2`'s kernels test the local derivatives of each operation once (a
/// scalar test, not one per lane), so there is no separate fast pass here:
/// the one evaluation is NaN-safe.
///
/// ```
/// use dualnum::{Function, test_functions::rosenbrock};
/// use nalgebra::vector;
/// use num_traits::Float;
///
/// struct Rosenbrock;
/// impl Function for Rosenbrock {
///     fn eval<T: Float>(&self, x: &[T]) -> T {
///         rosenbrock(x)
///     }
/// }
///
/// let x = vector![1.5, 2.0];
/// let (fx, g, h) = dualnum::hessian_of(&Rosenbrock, &x);
/// assert_eq!((fx, g, h), dualnum::hessian(|x| rosenbrock(x.as_slice()), &x));
/// ```
#[inline]
#[must_use]
pub fn hessian_of<const N: usize, T>(
    f: &(impl Function + ?Sized),
    x: &SVector<T, N>,
) -> (T, SVector<T, N>, SMatrix<T, N, N>)
where
    T: Float + Scalar,
{
    unpack2(&f.eval(seed2(x).as_slice()))
}
