//! simba's structural traits for `Dual<T, N, SAFE>`: `SimdValue` (one lane),
//! `Field`, and the `SubsetOf` inclusions `Dual ⊂ Dual`, `f32 ⊂ Dual` and
//! `f64 ⊂ Dual` that `nalgebra::convert` and `Matrix::cast` use.
//!
//! A real number lifts to a constant dual. Converting back reads the value
//! and drops the tangent, like the crate's `ToPrimitive`: nalgebra uses
//! `try_convert::<_, f64>` to read a scalar's value for a heuristic (the
//! scaling step of the matrix exponential), which must not fail because the
//! scalar carries a derivative.

use num_traits::Float;
use simba::scalar::{Field, SubsetOf, SupersetOf};
use simba::simd::SimdValue;

use crate::Dual;
use crate::linalg_surface::simd_value_scalar;

/// A dual is a scalar to simba: one lane, whose element is itself.
impl<T: Float, const N: usize, const SAFE: bool> SimdValue for Dual<T, N, SAFE> {
    simd_value_scalar!();
}

/// `+ − × ÷` and their assign forms, closed over `Dual<T, N, SAFE>`.
impl<T: Float, const N: usize, const SAFE: bool> Field for Dual<T, N, SAFE> {}

/// The identity inclusion, which simba cannot provide as a blanket impl.
impl<T: Float, const N: usize, const SAFE: bool> SubsetOf<Dual<T, N, SAFE>> for Dual<T, N, SAFE> {
    #[inline(always)]
    fn to_superset(&self) -> Self {
        *self
    }

    #[inline(always)]
    fn from_superset_unchecked(element: &Self) -> Self {
        *element
    }

    #[inline(always)]
    fn is_in_subset(_: &Self) -> bool {
        true
    }
}

macro_rules! real_subset_of_dual {
    ($($s:ty),*) => {$(
        /// A real number is the constant dual of the same value; a dual
        /// converts back to its value (the tangent is dropped).
        impl<T: Float + SupersetOf<$s>, const N: usize, const SAFE: bool> SubsetOf<Dual<T, N, SAFE>> for $s {
            #[inline]
            fn to_superset(&self) -> Dual<T, N, SAFE> {
                Dual::lift(T::from_subset(self))
            }

            /// Reads the value and drops the tangent.
            #[inline]
            fn from_superset_unchecked(element: &Dual<T, N, SAFE>) -> $s {
                element.re.to_subset_unchecked()
            }

            #[inline]
            fn is_in_subset(element: &Dual<T, N, SAFE>) -> bool {
                element.re.is_in_subset()
            }
        }
    )*};
}

real_subset_of_dual!(f32, f64);
