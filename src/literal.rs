//! Plain `f64`/`f32` literals in dual-number code: a one-word literal for
//! generic code ([`lit`]) and the trait that lets concrete duals of any
//! nesting depth take a plain scalar as an operand ([`DualOver`]).
//!
//! In code generic over [`Float`] a literal has to become a `T`; `lit` does
//! that in one word, and for every type of this crate it compiles to the
//! constant itself (the conversion is `Some(v)` after inlining):
//!
//! ```
//! use dualnum::lit;
//! use num_traits::Float;
//!
//! /// Rosenbrock's banana, written once for every number type.
//! fn banana<T: Float>(x: T, y: T) -> T {
//!     lit::<T>(100.0) * (y - x * x).powi(2) + (T::one() - x).powi(2)
//! }
//!
//! let (_, g) = dualnum::gradient(|v| banana(v[0], v[1]), &nalgebra::vector![1.0, 1.0]);
//! assert_eq!(g, nalgebra::vector![0.0, 0.0]);
//! ```
//!
//! On a concrete number no helper is needed: `0.5 * x`, `x * 3.0`,
//! `x += 1.0`, `x.max(0.0)`, `x.powf(1.5)`, `x > 0.0`, `0.0 < x` and
//! `x == 1.0` work on every number type of the crate at every nesting
//! depth (`Dual<f64, N>`, `Dual<Dual<f64, M>, N>`, reverse-mode
//! `Var<'t, f64>` and `Var<'t, Dual<f64, C>>`, `Active<f64>`, the sparsity
//! tracer), for `f64` and `f32`, so one closure body compiles in every
//! mode. A scalar operand behaves exactly as the same scalar lifted to a
//! constant: `x * 3.0` is `x * lit(3.0)`.
//!
//! Generic code has two tools: [`Real`], the bound under which a plain
//! `f64` goes on the right of operators and comparisons (`x * 2.0`,
//! `x > 0.0`), and `lit`, for the second argument of a [`Float`] method
//! (`x.powf(lit(1.5))`). On a *concrete* number write `x.powf(1.5)`, not
//! `x.powf(lit(1.5))`: the inherent method takes any `impl Into<Self>`, so
//! `lit`'s type cannot be inferred there (E0283); `lit::<f64>(1.5)` or the
//! plain literal work.

use core::ops::{Add, AddAssign, Div, DivAssign, Mul, MulAssign, Rem, Sub, SubAssign};

use num_traits::Float;

use crate::Dual;

#[cfg(feature = "sparse")]
mod tracer;

/// The literal `v` as a `T`: `lit::<T>(100.0)` in place of
/// `T::from(100.0).unwrap()`.
///
/// For `f64`, `f32`, [`Dual`] (any depth) and reverse-mode variables the
/// conversion cannot fail (a value beyond `f32::MAX` becomes an infinity,
/// as with `as`), and after inlining it is the constant itself: no branch
/// remains. In generic code the type is usually inferred (`x * lit(2.0)`
/// with `x: T`); where it is not, name it: `lit::<T>(2.0)`.
///
/// # Panics
///
/// If `T`'s [`NumCast`](num_traits::NumCast) refuses `v` (returns `None`),
/// which none of the types above does.
///
/// ```
/// use dualnum::{Dual, lit};
/// use num_traits::Float;
///
/// fn scaled_sin<T: Float>(x: T) -> T {
///     lit::<T>(2.5) * x.sin()
/// }
/// let x = Dual::<f64, 1>::variable(0.0, 0);
/// assert_eq!(scaled_sin(x).partial(0), 2.5);
/// assert_eq!(lit::<f32>(0.5), 0.5f32);
/// ```
#[inline(always)]
#[must_use]
#[track_caller]
pub fn lit<T: Float>(v: f64) -> T {
    match T::from(v) {
        Some(t) => t,
        None => panic!("dualnum::lit: {v} is not representable in the target type"),
    }
}

mod sealed {
    pub trait Sealed<S> {}
}

/// A dual number whose innermost scalar is `S`, at any nesting depth:
/// `Dual<S, N>`, `Dual<Dual<S, M>, N>`, and so on.
///
/// This is the bound behind the operators and comparisons that take a plain
/// `S` (`f64` or `f32`) next to a nested dual (`0.5 * x`, `x > 0.0` with
/// `x: Dual<Dual<f64, 2>, 2>`); users do not implement it (it is sealed)
/// and rarely name it.
///
/// ```
/// use dualnum::{Dual, DualOver};
///
/// let c = <Dual<Dual<f64, 2>, 3>>::from_scalar(1.5);
/// assert_eq!(c.value().value(), 1.5);
/// assert!(c.is_constant() && c.value().is_constant());
/// ```
pub trait DualOver<S>: Float + sealed::Sealed<S> {
    /// The constant with value `s`: zero tangents at every level.
    fn from_scalar(s: S) -> Self;
}

macro_rules! dual_over {
    ($($s:ty),*) => {$(
        impl<const N: usize, const SAFE: bool> sealed::Sealed<$s> for Dual<$s, N, SAFE> {}
        impl<const N: usize, const SAFE: bool> DualOver<$s> for Dual<$s, N, SAFE> {
            #[inline(always)]
            fn from_scalar(s: $s) -> Self {
                Dual::lift(s)
            }
        }
        impl<T: DualOver<$s>, const N: usize, const SAFE: bool> sealed::Sealed<$s>
            for Dual<T, N, SAFE>
        {
        }
        impl<T: DualOver<$s>, const N: usize, const SAFE: bool> DualOver<$s> for Dual<T, N, SAFE> {
            #[inline(always)]
            fn from_scalar(s: $s) -> Self {
                Dual::lift(T::from_scalar(s))
            }
        }
    )*};
}

dual_over!(f64, f32);

/// Taylor-mode jets over `S` at any depth, so that `Dual<Jet<f64, K>, N>`
/// and `Jet<Dual<f64, N>, K>` take plain literals too.
macro_rules! jet_over {
    ($($s:ty),*) => {$(
        impl<const K: usize> sealed::Sealed<$s> for crate::Jet<$s, K> {}
        impl<const K: usize> DualOver<$s> for crate::Jet<$s, K> {
            #[inline(always)]
            fn from_scalar(s: $s) -> Self {
                crate::Jet::lift(s)
            }
        }
        impl<T: DualOver<$s>, const K: usize> sealed::Sealed<$s> for crate::Jet<T, K> {}
        impl<T: DualOver<$s>, const K: usize> DualOver<$s> for crate::Jet<T, K> {
            #[inline(always)]
            fn from_scalar(s: $s) -> Self {
                crate::Jet::lift(T::from_scalar(s))
            }
        }
    )*};
}

jet_over!(f64, f32);

/// The one bound for generic code that mixes a number with plain floats:
/// a [`Float`] that takes a plain `S` (`f64` unless named) on the right of
/// `+ - * / %`, of `+= -= *= /=`, and of `==`, `<`, `<=`, `>`, `>=`.
///
/// Every number type of the crate over `f64` has it, at every nesting
/// depth: `f64` itself, [`Dual`] (`Dual<f64, N>`, `Dual<Dual<f64, M>, N>`,
/// …), [`reverse::Var`](crate::reverse::Var) over `f64` or over duals (as
/// [`reverse::gradient`](crate::reverse::gradient) and
/// [`reverse::hessian`](crate::reverse::hessian) record),
/// [`reverse::Active`](crate::reverse::Active) and the sparsity tracer;
/// `Real<f32>` is the same over `f32`. It is implemented for every type
/// with those operators, so it is never implemented by hand.
///
/// Each plain-scalar operation costs what the rule needs and no more:
/// `x * 3.0` scales the tangents of a dual, and on a tape records one
/// node whose only partial is the one for `x` (the constant's is never
/// computed or swept).
///
/// What it cannot give, because Rust does not let a generic bound say it:
/// the scalar on the *left* (`2.0 * x`; write `x * 2.0`), and a plain
/// scalar as the second argument of a [`Float`] method (`x.powf(1.5)`;
/// write `x.powf(lit(1.5))`). On a concrete number type both work as
/// written.
///
/// ```
/// use dualnum::{Real, lit, reverse};
///
/// /// A smooth hinge, written once for every mode.
/// fn hinge<T: Real>(x: &[T]) -> T {
///     let t = x[0] * 2.0 - 1.0;
///     if t > 0.0 { t.powf(lit(1.5)) + x[1] / 4.0 } else { x[1] * 0.25 }
/// }
///
/// let x = [1.0, 2.0];
/// let (f, g) = dualnum::chunked::gradient(|x| hinge(x), &x);
/// let (fr, gr) = reverse::gradient(|x| hinge(x), &x);
/// let (fa, ga) = reverse::active::gradient(|x| hinge(x), &x);
/// assert_eq!((f, hinge(&x)), (fr, fa));
/// assert_eq!(g.as_slice(), &[3.0, 0.25]);
/// assert_eq!((g.as_slice(), g.as_slice()), (gr.as_slice(), ga.as_slice()));
/// ```
pub trait Real<S = f64>:
    Float
    + Add<S, Output = Self>
    + Sub<S, Output = Self>
    + Mul<S, Output = Self>
    + Div<S, Output = Self>
    + Rem<S, Output = Self>
    + AddAssign<S>
    + SubAssign<S>
    + MulAssign<S>
    + DivAssign<S>
    + PartialEq<S>
    + PartialOrd<S>
{
}

impl<S, T> Real<S> for T where
    T: Float
        + Add<S, Output = T>
        + Sub<S, Output = T>
        + Mul<S, Output = T>
        + Div<S, Output = T>
        + Rem<S, Output = T>
        + AddAssign<S>
        + SubAssign<S>
        + MulAssign<S>
        + DivAssign<S>
        + PartialEq<S>
        + PartialOrd<S>
{
}
