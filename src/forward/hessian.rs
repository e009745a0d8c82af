//! Second-order drivers, built by nesting the first-order ones:
//! the Hessian is the Jacobian of the gradient, and the Hessian-vector
//! product is the Jacobian-vector product of the gradient.
//!
//! Nothing here touches a tangent: the only seeding and extraction is that
//! of [`gradient`], [`jacobian`] and [`jvp`], applied with `T` itself a dual
//! number.

use nalgebra::{SMatrix, SVector, Scalar};
use num_traits::Float;

use super::{gradient, jacobian, jvp};
use crate::Dual;

/// The value, gradient and Hessian of `f: R^N → R` at `x`, in one
/// evaluation with `Dual<Dual<T, N>, N>`.
///
/// `∇²f` is the Jacobian of `∇f`: the inner [`gradient`] runs on inputs that
/// the outer [`jacobian`] has already seeded, so `f` sees
/// `xᵢ + εᵢ + δᵢ` and the `δⱼ`-lane of the `εᵢ`-lane of the result is
/// `∂²f/∂xᵢ∂xⱼ`. Each operation carries `(N + 1)²` numbers; for a single
/// product with a vector use [`hvp`], which carries `2(N + 1)`.
///
/// The matrix is returned as computed, not symmetrized: `Hᵢⱼ` and `Hⱼᵢ`
/// come from different rounding paths and may differ in the last ulp.
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
    f: impl FnOnce(SVector<Dual<Dual<T, N>, N>, N>) -> Dual<Dual<T, N>, N>,
    x: &SVector<T, N>,
) -> (T, SVector<T, N>, SMatrix<T, N, N>)
where
    T: Float + Scalar,
{
    let mut fx = T::zero();
    let (g, h) = jacobian(
        |xd: SVector<Dual<T, N>, N>| {
            let (y, g) = gradient(f, &xd);
            fx = y.re;
            g
        },
        x,
    );
    (fx, g, h)
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
