//! A user function written once for every mode: a small trait with a
//! generic evaluation method.
//!
//! Rust closures cannot be generic, so `|x| f(x)` is a different closure
//! for every number type and has to be written once per driver. A type
//! that implements [`Function`] (or [`VectorFunction`]) carries its body
//! generic over [`num_traits::Float`], and every driver can instantiate it
//! with the number type it needs: plain `f64`, [`Dual`](crate::Dual),
//! [`Unchecked`](crate::Unchecked), nested duals, reverse-mode variables.
//!
//! The forward drivers that take a function object ([`gradient_of`],
//! [`jacobian_of`], and per pass
//! [`chunked::gradient_of`](crate::chunked::gradient_of) and
//! [`chunked::jacobian_of`](crate::chunked::jacobian_of)) use this freedom
//! for a **checked fast path**: they evaluate on [`Unchecked`](crate::Unchecked) duals (plain
//! kernels, no per-operation NaN test) and look at the result once; only
//! if some component is not finite do they evaluate again with the
//! NaN-safe [`Dual`](crate::Dual). See below for exactly when the two
//! paths can differ. [`hessian_of`] evaluates once, on the NaN-safe
//! second-order [`Dual2`](crate::Dual2), whose policy costs one scalar test
//! per operation.
//!
//! [`gradient_of`]: crate::gradient_of
//! [`jacobian_of`]: crate::jacobian_of
//! [`hessian_of`]: crate::hessian_of
//!
//! # When the two paths can differ
//!
//! The plain and the NaN-safe kernels compute the same values and the same
//! tangent lanes, except in a lane that is exactly zero multiplied by an
//! infinite or NaN local derivative: the plain kernel gives NaN there, the
//! safe one keeps the zero. Arithmetic carries a NaN lane on to the result,
//! where the test sees it and the safe evaluation replaces the answer.
//! A NaN lane can vanish before the result only if the function branches on
//! tangents rather than values: the structural tests `Zero::is_zero`,
//! `One::is_one` and [`Dual::is_constant`](crate::Dual::is_constant) (comparisons, `max`, `abs` and
//! the rest look at values only, as on both paths). A function that takes a
//! different branch on such a test can return a different finite answer on
//! the fast path (on targets with AVX-512, where the safe select costs what
//! the plain kernels cost, tangents of at most 64 bytes skip the fast pass and
//! take the safe branch); run it through the closure drivers ([`gradient`](crate::gradient)
//! and the rest), which always use the safe kernels. The only other difference is
//! the sign of a zero derivative (`−0` for `+0`).
//!
//! ```
//! use dualnum::Function;
//! use nalgebra::vector;
//! use num_traits::Float;
//!
//! /// f(x) = Σ xᵢ²·sin xᵢ
//! struct Energy;
//!
//! impl Function for Energy {
//!     fn eval<T: Float>(&self, x: &[T]) -> T {
//!         x.iter().fold(T::zero(), |s, &xi| s + xi * xi * xi.sin())
//!     }
//! }
//!
//! let x = vector![0.5, 1.0, 2.0];
//! let (fx, g) = dualnum::gradient_of(&Energy, &x);
//! let (_, g_closure) = dualnum::gradient(|x| Energy.eval(x.as_slice()), &x);
//! assert_eq!(fx, Energy.eval(x.as_slice()));
//! assert_eq!(g, g_closure);
//! ```

use num_traits::Float;

/// A scalar function `Rⁿ → R`, written once for every number type.
///
/// Implement [`eval`](Function::eval) generic over `T: Float`; the drivers
/// choose `T`. See the [module docs](self) for an example.
pub trait Function {
    /// `f(x)`.
    fn eval<T: Float>(&self, x: &[T]) -> T;
}

/// A vector function `Rⁿ → Rᵐ`, written once for every number type.
///
/// ```
/// use dualnum::VectorFunction;
/// use nalgebra::{matrix, vector};
/// use num_traits::Float;
///
/// /// F(x, y) = (x·y, sin x)
/// struct Map;
///
/// impl VectorFunction for Map {
///     fn outputs(&self, _inputs: usize) -> usize {
///         2
///     }
///     fn eval<T: Float>(&self, x: &[T], out: &mut [T]) {
///         out[0] = x[0] * x[1];
///         out[1] = x[0].sin();
///     }
/// }
///
/// let x = vector![0.5, 2.0];
/// let (fx, j) = dualnum::jacobian_of::<2, 2, _>(&Map, &x);
/// assert_eq!(fx, vector![1.0, 0.5f64.sin()]);
/// assert_eq!(j, matrix![2.0, 0.5; 0.5f64.cos(), 0.0]);
/// ```
pub trait VectorFunction {
    /// The number of outputs `m` for `inputs` inputs.
    fn outputs(&self, inputs: usize) -> usize;

    /// Writes `F(x)` into `out`, whose length is
    /// [`outputs`](VectorFunction::outputs)`(x.len())`.
    fn eval<T: Float>(&self, x: &[T], out: &mut [T]);
}

impl<F: Function + ?Sized> Function for &F {
    #[inline]
    fn eval<T: Float>(&self, x: &[T]) -> T {
        (**self).eval(x)
    }
}

impl<F: VectorFunction + ?Sized> VectorFunction for &F {
    #[inline]
    fn outputs(&self, inputs: usize) -> usize {
        (**self).outputs(inputs)
    }

    #[inline]
    fn eval<T: Float>(&self, x: &[T], out: &mut [T]) {
        (**self).eval(x, out)
    }
}
