//! The plain-scalar forms of the sparsity tracer (feature `sparse`), so
//! that a closure body written for `Dual` or `Var` detects its pattern
//! unchanged: `From<T>`, `Tracer == T`, `Tracer < T`, and for `T = f64`
//! and `f32` the scalar on the left of `+ - * / %` and of the comparisons;
//! and the elementary functions as inherent methods (`x.max(0.0)`,
//! `x.powf(1.5)`), as `Dual` and `Var` have them.
//!
//! Each lifts the scalar to [`Tracer::constant`] and applies the tracer's
//! own operator, so a constant depends on no input and the pattern is
//! that of the same code with the constant written as a tracer.

use core::cmp::Ordering;
use core::ops::{Add, Div, Mul, Rem, Sub};

use num_traits::Float;

use crate::sparse::Tracer;
use crate::surface::inherent_methods;

/// # Elementary functions
///
/// The methods of [`Float`], callable without importing it; the second
/// argument of the two-argument methods may be a plain scalar:
///
/// ```
/// use dualnum::sparse::JacobianPattern;
///
/// let p = JacobianPattern::detect(|x| [x[0].max(0.0) + x[1].powf(1.5), 2.0 * x[2]], &[1.0; 3])
///     .unwrap();
/// assert_eq!(p.nnz(), 3);
/// ```
impl<T: Float> Tracer<T> {
    inherent_methods!();
}

impl<T: Float> From<T> for Tracer<T> {
    /// The constant with value `x`.
    #[inline]
    fn from(x: T) -> Self {
        Tracer::constant(x)
    }
}

/// Compares the values, as between two tracers.
impl<T: Float> PartialEq<T> for Tracer<T> {
    #[inline]
    #[track_caller]
    fn eq(&self, other: &T) -> bool {
        *self == Tracer::constant(*other)
    }
}

/// Compares the values, as between two tracers.
impl<T: Float> PartialOrd<T> for Tracer<T> {
    #[inline]
    #[track_caller]
    fn partial_cmp(&self, other: &T) -> Option<Ordering> {
        self.partial_cmp(&Tracer::constant(*other))
    }
}

macro_rules! scalar_left {
    ($s:ty: $($Op:ident $op:ident),*) => {
        $(
            impl $Op<Tracer<$s>> for $s {
                type Output = Tracer<$s>;
                #[inline]
                #[track_caller]
                fn $op(self, rhs: Tracer<$s>) -> Tracer<$s> {
                    $Op::$op(Tracer::constant(self), rhs)
                }
            }
        )*
        impl PartialEq<Tracer<$s>> for $s {
            #[inline]
            #[track_caller]
            fn eq(&self, other: &Tracer<$s>) -> bool {
                Tracer::constant(*self) == *other
            }
        }
        impl PartialOrd<Tracer<$s>> for $s {
            #[inline]
            #[track_caller]
            fn partial_cmp(&self, other: &Tracer<$s>) -> Option<Ordering> {
                Tracer::constant(*self).partial_cmp(other)
            }
        }
    };
}

scalar_left!(f64: Add add, Sub sub, Mul mul, Div div, Rem rem);
scalar_left!(f32: Add add, Sub sub, Mul mul, Div div, Rem rem);
