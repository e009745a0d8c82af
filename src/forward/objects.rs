//! The static drivers for a [`Function`]/[`VectorFunction`] object that
//! `checked.rs` does not cover: `derivative_of`, `jvp_of`, `hvp_of`. Each
//! calls its closure driver with `|x| f.eval(x)`, so it runs the NaN-safe
//! kernels exactly as the closure form does.

use nalgebra::{SVector, Scalar};
use num_traits::Float;

use super::{derivative, hvp, jvp};
use crate::{Dual, Function, VectorFunction};

/// The value and derivative of a scalar [`Function`] of one input, like
/// [`derivative`](crate::derivative): `f` is evaluated on the one-element
/// slice `[x + ε]`.
///
/// ```
/// use dualnum::Function;
/// use num_traits::Float;
///
/// struct Cube;
/// impl Function for Cube {
///     fn eval<T: Float>(&self, x: &[T]) -> T {
///         x[0].powi(3)
///     }
/// }
/// assert_eq!(dualnum::derivative_of(&Cube, 2.0), (8.0, 12.0));
/// ```
#[inline]
#[must_use]
pub fn derivative_of<T>(f: &(impl Function + ?Sized), x: T) -> (T, T)
where
    T: Float,
{
    derivative(|x: Dual<T, 1>| f.eval(&[x]), x)
}

/// The values and Jacobian-vector product `J·v` of a [`VectorFunction`],
/// like [`jvp`](crate::jvp), in one evaluation with `Dual<T, 1>`.
///
/// # Panics
///
/// If `f.outputs(N)` is not `M`.
///
/// ```
/// use dualnum::VectorFunction;
/// use nalgebra::vector;
/// use num_traits::Float;
///
/// struct Map;
/// impl VectorFunction for Map {
///     fn outputs(&self, _: usize) -> usize {
///         2
///     }
///     fn eval<T: Float>(&self, x: &[T], out: &mut [T]) {
///         out[0] = x[0] * x[1];
///         out[1] = x[0] + x[1] * x[1];
///     }
/// }
/// let (fx, jv) = dualnum::jvp_of::<2, 2, _>(&Map, &vector![2.0, 3.0], &vector![1.0, -1.0]);
/// assert_eq!((fx, jv), (vector![6.0, 11.0], vector![1.0, -5.0]));
/// ```
#[inline]
#[must_use]
#[track_caller]
pub fn jvp_of<const M: usize, const N: usize, T>(
    f: &(impl VectorFunction + ?Sized),
    x: &SVector<T, N>,
    v: &SVector<T, N>,
) -> (SVector<T, M>, SVector<T, M>)
where
    T: Float + Scalar,
{
    check_outputs("jvp_of", f.outputs(N), N, M);
    jvp(
        |x: SVector<Dual<T, 1>, N>| {
            let mut out = [Dual::constant(T::zero()); M];
            f.eval(x.as_slice(), &mut out);
            out
        },
        x,
        v,
    )
}

/// The value, gradient and Hessian-vector product of a [`Function`], like
/// [`hvp`](crate::hvp), in one evaluation with `Dual<Dual<T, 1>, N>`.
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
/// let (x, v) = (vector![1.5, 2.0], vector![1.0, 0.0]);
/// let (_, _, hv) = dualnum::hvp_of(&Rosenbrock, &x, &v);
/// assert_eq!(hv, dualnum::hessian_of(&Rosenbrock, &x).2.column(0));
/// ```
#[inline]
#[must_use]
pub fn hvp_of<const N: usize, T>(
    f: &(impl Function + ?Sized),
    x: &SVector<T, N>,
    v: &SVector<T, N>,
) -> (T, SVector<T, N>, SVector<T, N>)
where
    T: Float + Scalar,
{
    hvp(|x| f.eval(x.as_slice()), x, v)
}

/// The check that a static output size matches the function's own count.
#[track_caller]
pub(crate) fn check_outputs(who: &str, m: usize, n: usize, want: usize) {
    assert!(
        m == want,
        "{who}: the function has {m} outputs for {n} inputs, but the result type asks for \
         M = {want} (set M to {m})"
    );
}
