//! simba's structural traits for `Active<T>`: `SimdValue` (one lane),
//! `Field`, and the `SubsetOf` inclusions `Active ⊂ Active`, `f32 ⊂ Active`
//! and `f64 ⊂ Active` that `nalgebra::convert` and `Matrix::cast` use; and
//! approx's `AbsDiffEq`, `RelativeEq` and `UlpsEq`, which `RealField`
//! requires.
//!
//! A real number lifts to a constant. Converting back reads the value, as
//! `ToPrimitive` does (nalgebra's matrix `exp` reads a norm ratio that way
//! to choose its scaling).

use approx::{AbsDiffEq, RelativeEq, UlpsEq};
use simba::scalar::{Field, SubsetOf, SupersetOf};
use simba::simd::SimdValue;

use super::Active;
use super::local::ActiveScalar;
use crate::linalg_surface::simd_value_scalar;

/// An active variable is a scalar to simba: one lane, whose element is
/// itself.
impl<T: ActiveScalar> SimdValue for Active<T> {
    simd_value_scalar!();
}

/// `+ − × ÷` and their assign forms, closed over `Active<T>`.
impl<T: ActiveScalar> Field for Active<T> {}

/// The identity inclusion, which simba cannot provide as a blanket impl.
impl<T: ActiveScalar> SubsetOf<Active<T>> for Active<T> {
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

macro_rules! real_subset_of_active {
    ($($s:ty),*) => {$(
        /// A real number is the constant of the same value; an active
        /// variable converts back to its value.
        impl<T: ActiveScalar + SupersetOf<$s>> SubsetOf<Active<T>> for $s {
            #[inline]
            fn to_superset(&self) -> Active<T> {
                Active::constant(T::from_subset(self))
            }

            /// Reads the value.
            #[inline]
            fn from_superset_unchecked(element: &Active<T>) -> $s {
                element.val.to_subset_unchecked()
            }

            #[inline]
            fn is_in_subset(element: &Active<T>) -> bool {
                <T as SupersetOf<$s>>::is_in_subset(&element.val)
            }
        }
    )*};
}

real_subset_of_active!(f32, f64);

/// Compares values (an active variable has nothing else to compare); the
/// tolerance type is `Active<T>` itself, as `RealField` demands, and only
/// its value is used.
impl<T: ActiveScalar> AbsDiffEq for Active<T> {
    type Epsilon = Self;

    /// `T`'s default tolerance, as a constant.
    #[inline]
    fn default_epsilon() -> Self {
        Active::constant(T::default_epsilon())
    }

    #[inline]
    fn abs_diff_eq(&self, other: &Self, epsilon: Self) -> bool {
        self.val.abs_diff_eq(&other.val, epsilon.val)
    }
}

/// Compares values, as [`AbsDiffEq`].
impl<T: ActiveScalar> RelativeEq for Active<T> {
    #[inline]
    fn default_max_relative() -> Self {
        Active::constant(T::default_max_relative())
    }

    #[inline]
    fn relative_eq(&self, other: &Self, epsilon: Self, max_relative: Self) -> bool {
        self.val.relative_eq(&other.val, epsilon.val, max_relative.val)
    }
}

/// Compares values, as [`AbsDiffEq`].
impl<T: ActiveScalar> UlpsEq for Active<T> {
    #[inline]
    fn default_max_ulps() -> u32 {
        T::default_max_ulps()
    }

    #[inline]
    fn ulps_eq(&self, other: &Self, epsilon: Self, max_ulps: u32) -> bool {
        self.val.ulps_eq(&other.val, epsilon.val, max_ulps)
    }
}
