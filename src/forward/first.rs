//! First-order drivers: `derivative`, `gradient`, `jacobian`, `jvp`.
//!
//! Each evaluates the user's function once: `N` tangent lanes for a whole
//! gradient or Jacobian, one lane for a derivative or a Jacobian-vector
//! product.

use alloc::vec::Vec;

use nalgebra::{DVector, SMatrix, SVector, Scalar};
use num_traits::Float;

use super::{plus_zero, seed_direction, seed_wide, tangent_column};
use crate::Dual;
use crate::outputs::StaticOutputs;

/// The value and derivative of `f: R → R` at `x`, in one evaluation.
///
/// Evaluates `f(x + ε)` with `Dual<T, 1>`; the tangent of the result is
/// `f'(x)`.
///
/// ```
/// use num_traits::Float;
/// let (fx, df) = dualnum::derivative(|x| x.sin() * x, 1.0);
/// assert_eq!(fx, 1.0f64.sin());
/// assert!((df - (1.0f64.cos() + 1.0f64.sin())).abs() < 1e-15);
/// ```
#[inline]
#[must_use]
pub fn derivative<T>(f: impl FnOnce(Dual<T, 1>) -> Dual<T, 1>, x: T) -> (T, T)
where
    T: Float,
{
    let y = f(Dual::variable(x, 0));
    (y.re, plus_zero(y.eps[0]))
}

/// The value and gradient of `f: R^N → R` at `x`, in one evaluation with
/// `Dual<T, N>`.
///
/// Input `i` is seeded as `xᵢ + εᵢ`, so `f(x + ε) = f(x) + Σᵢ ∂ᵢf·εᵢ` and
/// the tangent of the result is `∇f(x)`. The closure receives the seeded
/// input by value (see the [module docs](crate::forward)).
///
/// ```
/// use dualnum::test_functions::rosenbrock;
/// use nalgebra::vector;
///
/// let x = vector![1.2f64, 1.0];
/// let (fx, g) = dualnum::gradient(|x| rosenbrock(x.as_slice()), &x);
/// assert_eq!(fx, rosenbrock(x.as_slice()));
/// // ∂f/∂x₀ = −400·x₀·(x₁ − x₀²) − 2(1 − x₀), ∂f/∂x₁ = 200·(x₁ − x₀²)
/// assert!((g[0] - (-400.0 * 1.2 * (1.0 - 1.44) - 2.0 * (1.0 - 1.2))).abs() < 1e-12);
/// assert!((g[1] - 200.0 * (1.0 - 1.44)).abs() < 1e-12);
/// ```
#[inline]
#[must_use]
pub fn gradient<const N: usize, T>(
    f: impl FnOnce(SVector<Dual<T, N>, N>) -> Dual<T, N>,
    x: &SVector<T, N>,
) -> (T, SVector<T, N>)
where
    T: Float + Scalar,
{
    let y = f(seed_wide(x));
    (y.re, tangent_column(&y))
}

/// The value and `M × N` Jacobian of `F: R^N → R^M` at `x`, in one
/// evaluation with `Dual<T, N>`.
///
/// `Jᵢⱼ = ∂Fᵢ/∂xⱼ` is lane `j` of output `i`'s tangent. Composition
/// multiplies Jacobians: `J(f∘g)(x) = J(f)(g(x))·J(g)(x)`. The closure
/// returns an `SVector` or an array of `M` duals ([`StaticOutputs`]).
///
/// ```
/// use dualnum::Dual;
/// use nalgebra::{matrix, vector};
///
/// // F(x) = A·x + x∘x has J = A + 2·diag(x).
/// let a = matrix![1.0, 2.0; 3.0, 4.0];
/// let x = vector![0.5, -1.0];
/// let ad = a.map(Dual::constant);
/// let (fx, j) = dualnum::jacobian(|x| ad * x + x.component_mul(&x), &x);
/// assert_eq!(fx, a * x + x.component_mul(&x));
/// assert_eq!(j, a + nalgebra::Matrix2::from_diagonal(&(2.0 * x)));
///
/// // an array works as well
/// let (_, j) = dualnum::jacobian(|x| [x[0] * x[1], x[1].sin()], &x);
/// assert_eq!(j[(0, 1)], 0.5);
/// ```
#[inline]
#[must_use]
pub fn jacobian<const M: usize, const N: usize, T, O>(
    f: impl FnOnce(SVector<Dual<T, N>, N>) -> O,
    x: &SVector<T, N>,
) -> (SVector<T, M>, SMatrix<T, M, N>)
where
    T: Float + Scalar,
    O: StaticOutputs<Dual<T, N>, M>,
{
    let y = f(seed_wide(x)).into_svector();
    (y.map(|yi| yi.re), SMatrix::from_fn(|i, j| plus_zero(y[i].eps[j])))
}

/// The value and the Jacobian-vector product `J·v` of `F` at `x`: the
/// pushforward of the direction `v`, in one evaluation with `Dual<T, 1>`.
///
/// Seeds `x + v·ε`, so `F(x + v·ε) = F(x) + J·v·ε`. The cost is one
/// evaluation with a single tangent lane, whatever `N` and `M`. For a
/// scalar `f` the result is the directional derivative `∇f·v`. The closure
/// may return a single `Dual<T, 1>` or an `SVector<Dual<T, 1>, M>` (see
/// [`Pushforward`]).
///
/// ```
/// use nalgebra::vector;
///
/// // F(x) = (x₀·x₁, x₀ + x₁²), J·v at x = (2, 3) along v = (1, −1):
/// let (fx, jv) = dualnum::jvp(|x| vector![x[0] * x[1], x[0] + x[1] * x[1]],
///                             &vector![2.0, 3.0], &vector![1.0, -1.0]);
/// assert_eq!(fx, vector![6.0, 11.0]);
/// assert_eq!(jv, vector![3.0 - 2.0, 1.0 - 6.0]);
///
/// // a scalar function gives the directional derivative ∇f·v
/// let (_, d) = dualnum::jvp(|x| x[0] * x[1], &vector![2.0, 3.0], &vector![1.0, 1.0]);
/// assert_eq!(d, 5.0);
/// ```
#[inline]
#[must_use]
pub fn jvp<const N: usize, T, Y>(
    f: impl FnOnce(SVector<Dual<T, 1>, N>) -> Y,
    x: &SVector<T, N>,
    v: &SVector<T, N>,
) -> (Y::Value, Y::Value)
where
    T: Float + Scalar,
    Y: Pushforward<T>,
{
    f(seed_direction(x, v)).split()
}

/// The result of a function evaluated along one direction: a single
/// `Dual<T, 1>`, or a vector of them (`SVector` or array: `SVector` out;
/// `Vec` or `DVector`: `DVector` out). [`jvp`] splits it into the value and
/// the pushed-forward tangent.
pub trait Pushforward<T> {
    /// `T` for a scalar result, `SVector<T, M>` or `DVector<T>` for a
    /// vector.
    type Value;
    /// `(value, tangent)`.
    fn split(self) -> (Self::Value, Self::Value);
}

impl<T: Float> Pushforward<T> for Dual<T, 1> {
    type Value = T;
    #[inline]
    fn split(self) -> (T, T) {
        (self.re, plus_zero(self.eps[0]))
    }
}

impl<T: Float + Scalar, const M: usize> Pushforward<T> for SVector<Dual<T, 1>, M> {
    type Value = SVector<T, M>;
    #[inline]
    fn split(self) -> (SVector<T, M>, SVector<T, M>) {
        (self.map(|y| y.re), self.map(|y| plus_zero(y.eps[0])))
    }
}

impl<T: Float + Scalar, const M: usize> Pushforward<T> for [Dual<T, 1>; M] {
    type Value = SVector<T, M>;
    #[inline]
    fn split(self) -> (SVector<T, M>, SVector<T, M>) {
        SVector::from(self).split()
    }
}

impl<T: Float + Scalar> Pushforward<T> for DVector<Dual<T, 1>> {
    type Value = DVector<T>;
    #[inline]
    fn split(self) -> (DVector<T>, DVector<T>) {
        (self.map(|y| y.re), self.map(|y| plus_zero(y.eps[0])))
    }
}

impl<T: Float + Scalar> Pushforward<T> for Vec<Dual<T, 1>> {
    type Value = DVector<T>;
    #[inline]
    fn split(self) -> (DVector<T>, DVector<T>) {
        DVector::from_vec(self).split()
    }
}
