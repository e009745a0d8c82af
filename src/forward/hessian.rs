//! Second-order drivers: the Hessian on the second-order number
//! [`Dual2`], and the Hessian-vector product by nesting the first-order
//! drivers (the Jacobian-vector product of the gradient), whose only
//! seeding and extraction is that of [`gradient`] and [`jvp`], applied with
//! `T` itself a dual number.

use nalgebra::{SMatrix, SVector, Scalar};
use num_traits::Float;

use super::{gradient, jvp, plus_zero};
use crate::{Dual, Dual2};

/// The value, gradient and Hessian of `f: R^N → R` at `x`, in one
/// evaluation with the second-order number [`Dual2<T, N>`](Dual2).
///
/// `f` sees `xᵢ` seeded as the `i`-th of `N` variables, and every
/// operation applies the second-order chain rule (value, `f'·ȧ`,
/// `f'·ä + f''·ȧȧᵀ`), so the result carries `f`, `∇f` and `∇²f`. Each
/// operation carries `1 + N + N(N + 1)/2` numbers, the Hessian's upper
/// triangle only; the returned matrix is mirrored from it, so it is exactly
/// symmetric. For a single product with a vector use [`hvp`], which
/// carries `2(N + 1)`.
///
/// The closure receives `SVector<Dual2<T, N>, N>`; a body written for
/// [`Float`] (or [`Real`](crate::Real)) runs unchanged. To differentiate
/// by nesting instead, as this driver did before `Dual2`, seed
/// `Dual<Dual<T, N>, N>` by hand, or take the [`jacobian`](super::jacobian) of a
/// [`gradient`]: both give the same numbers to rounding.
///
/// ```
/// use dualnum::test_functions::rosenbrock;
/// use nalgebra::{matrix, vector};
///
/// let x = vector![1.5, 2.0];
/// let (fx, g, h) = dualnum::hessian(|x| rosenbrock(x.as_slice()), &x);
/// assert_eq!(fx, rosenbrock(x.as_slice()));
/// assert_eq!(g, dualnum::gradient(|x| rosenbrock(x.as_slice()), &x).1);
/// // ∇²f = [[1200x₀² − 400x₁ + 2, −400x₀], [−400x₀, 200]]
/// assert_eq!(h, matrix![1200.0 * 2.25 - 800.0 + 2.0, -600.0; -600.0, 200.0]);
/// ```
#[inline]
#[must_use]
pub fn hessian<const N: usize, T>(
    f: impl FnOnce(SVector<Dual2<T, N>, N>) -> Dual2<T, N>,
    x: &SVector<T, N>,
) -> (T, SVector<T, N>, SMatrix<T, N, N>)
where
    T: Float + Scalar,
{
    let y = f(seed2(x));
    unpack2(&y)
}

/// `x` as `N` independent second-order variables, built in place, with
/// `+0` in the unseeded places (not the `−0` of [`Dual2::variable`]): by
/// callgrind the n = 8 Rosenbrock Hessian takes 17 381 instructions
/// against 19 240 (n = 4 the same), as the first-order fast path found
/// for its seeds.
#[inline(always)]
pub(crate) fn seed2<T: Float + Scalar, const N: usize>(
    x: &SVector<T, N>,
) -> SVector<Dual2<T, N>, N> {
    SVector::from_fn(|i, _| {
        let mut eps = [T::zero(); N];
        eps[i] = T::one();
        Dual2 { re: x[i], eps, hess: [[T::zero(); N]; N] }
    })
}

/// The value, gradient and (mirrored) Hessian of a second-order result, as
/// the drivers hand them out.
#[inline(always)]
pub(crate) fn unpack2<T: Float + Scalar, const N: usize>(
    y: &Dual2<T, N>,
) -> (T, SVector<T, N>, SMatrix<T, N, N>) {
    (
        y.re,
        SVector::from(y.eps.map(plus_zero)),
        SMatrix::from_fn(|i, j| plus_zero(y.partial2(i, j))),
    )
}

/// The value, gradient and Hessian-vector product `∇²f(x)·v` of
/// `f: R^N → R` at `x`, without forming the Hessian: forward-over-forward,
/// in one evaluation with `Dual<Dual<T, 1>, N>`.
///
/// `∇²f·v = d/dt ∇f(x + t·v)` at `t = 0`: the [`jvp`] of the gradient along
/// `v`. The outer level carries the single direction `v`, the inner one the
/// `N` gradient lanes, so each operation carries `2(N + 1)` numbers instead
/// of the Hessian's `(N + 1)²`. (A single lane at both levels would give
/// only the scalar `uᵀ·∇²f·v`; the vector needs all `N` gradient lanes.)
///
/// ```
/// use dualnum::test_functions::rosenbrock;
/// use nalgebra::vector;
///
/// let (x, v) = (vector![1.5, 2.0, 0.5], vector![1.0, -2.0, 0.5]);
/// let (fx, g, hv) = dualnum::hvp(|x| rosenbrock(x.as_slice()), &x, &v);
/// let (fx_h, g_h, h) = dualnum::hessian(|x| rosenbrock(x.as_slice()), &x);
/// assert_eq!((fx, g), (fx_h, g_h));
/// assert!((hv - h * v).norm() <= 1e-12 * (h * v).norm());
/// ```
#[inline]
#[must_use]
pub fn hvp<const N: usize, T>(
    f: impl FnOnce(SVector<Dual<Dual<T, 1>, N>, N>) -> Dual<Dual<T, 1>, N>,
    x: &SVector<T, N>,
    v: &SVector<T, N>,
) -> (T, SVector<T, N>, SVector<T, N>)
where
    T: Float + Scalar,
{
    let mut fx = T::zero();
    let (g, hv) = jvp(
        |xd: SVector<Dual<T, 1>, N>| {
            let (y, g) = gradient(f, &xd);
            fx = y.re;
            g
        },
        x,
        v,
    );
    (fx, g, hv)
}
