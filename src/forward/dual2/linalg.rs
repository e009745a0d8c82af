//! `Dual2<T, N>` as an nalgebra scalar (simba's `SimdValue`, `Field`,
//! `ComplexField`, `RealField` and the inclusions `f32, f64 ⊂ Dual2`), and
//! the `approx` comparisons nalgebra's `RealField` requires, so that a
//! Hessian goes through nalgebra code (`dualnum::hessian(|x| x.norm(), &x)`)
//! as a gradient does. Forwarding lists only (`linalg_surface.rs`), no
//! maths; see [`crate::linalg`] for the conventions, which are `Dual`'s.

use approx::{AbsDiffEq, RelativeEq, UlpsEq};
use num_traits::Float;
use simba::scalar::{ComplexField, Field, RealField, SubsetOf, SupersetOf};
use simba::simd::SimdValue;

use super::Dual2;
use crate::linalg_surface::{
    complex_field_methods, real_field_methods, scalar_subsets, simd_value_scalar,
};

/// A second-order dual is a scalar to simba: one lane, itself.
impl<T: Float, const N: usize> SimdValue for Dual2<T, N> {
    simd_value_scalar!();
}

/// `+ − × ÷` and their assign forms, closed over `Dual2<T, N>`.
impl<T: Float, const N: usize> Field for Dual2<T, N> {}

scalar_subsets!([const N: usize] Dual2<T, N>, Dual2::constant);

/// `Dual2<T, N>` as a (real) scalar of nalgebra's algorithms.
impl<T: RealField + Float, const N: usize> ComplexField for Dual2<T, N> {
    type RealField = Self;

    complex_field_methods!();
}

/// `Dual2<T, N>` is a real field whenever `T` is.
impl<T: RealField + Float, const N: usize> RealField for Dual2<T, N> {
    real_field_methods!();
}

/// Every stored part: the value, the gradient and the upper triangle.
fn parts<T: Float, const N: usize>(x: &Dual2<T, N>) -> impl Iterator<Item = T> + '_ {
    core::iter::once(x.re).chain(x.eps.iter().copied()).chain(x.upper().iter().copied())
}

/// Tolerance type `Self` (nalgebra's `RealField` demands it); only its value
/// is used, for the value and every derivative.
impl<T: AbsDiffEq<Epsilon = T> + Float, const N: usize> AbsDiffEq for Dual2<T, N> {
    type Epsilon = Self;

    #[inline]
    fn default_epsilon() -> Self {
        Dual2::constant(T::default_epsilon())
    }

    #[inline]
    fn abs_diff_eq(&self, other: &Self, epsilon: Self) -> bool {
        parts(self).zip(parts(other)).all(|(a, b)| a.abs_diff_eq(&b, epsilon.re))
    }
}

impl<T: RelativeEq<Epsilon = T> + Float, const N: usize> RelativeEq for Dual2<T, N> {
    #[inline]
    fn default_max_relative() -> Self {
        Dual2::constant(T::default_max_relative())
    }

    #[inline]
    fn relative_eq(&self, other: &Self, epsilon: Self, max_relative: Self) -> bool {
        parts(self).zip(parts(other)).all(|(a, b)| a.relative_eq(&b, epsilon.re, max_relative.re))
    }
}

impl<T: UlpsEq<Epsilon = T> + Float, const N: usize> UlpsEq for Dual2<T, N> {
    #[inline]
    fn default_max_ulps() -> u32 {
        T::default_max_ulps()
    }

    #[inline]
    fn ulps_eq(&self, other: &Self, epsilon: Self, max_ulps: u32) -> bool {
        parts(self).zip(parts(other)).all(|(a, b)| a.ulps_eq(&b, epsilon.re, max_ulps))
    }
}
