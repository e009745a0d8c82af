//! simba's scalar traits for `Jet<T, K>`, so that nalgebra's matrices and
//! decompositions run on jets (the Taylor series of a determinant, of a
//! solve): `SimdValue` (one lane), `Field`, `SubsetOf` (`Jet ⊂ Jet`,
//! `f32`/`f64 ⊂ Jet`), `ComplexField` and `RealField`, all forwarding lists
//! shared with `Dual` (`linalg_surface.rs`) over `num_traits::Float`.
//!
//! As for `Dual`, the sign tests and selections look at values, a real
//! number lifts to a constant jet, and converting back reads the value.
//!
//! ```
//! use dualnum::Jet;
//! use nalgebra::Matrix2;
//!
//! // det [[1 + t, 2], [3, 4 − t]] = (1 + t)(4 − t) − 6 = −2 + 3t − t²
//! let t = Jet::<f64, 2>::variable(0.0);
//! let a = Matrix2::new(t + 1.0, Jet::constant(2.0), Jet::constant(3.0), 4.0 - t);
//! let d = a.determinant();
//! assert_eq!([d.value(), d.coefficient(1), d.coefficient(2)], [-2.0, 3.0, -1.0]);
//! // the inverse's Taylor series by LU: A⁻¹(t)·A(t) = I to every order
//! let p = a.try_inverse().unwrap() * a;
//! assert!((p[(0, 1)].coefficient(2)).abs() < 1e-15 && (p[(1, 1)].value() - 1.0).abs() < 1e-15);
//! ```

use num_traits::Float;
use simba::scalar::{ComplexField, Field, RealField, SubsetOf, SupersetOf};
use simba::simd::SimdValue;

use super::Jet;
use crate::linalg_surface::{
    complex_field_methods, real_field_methods, scalar_subsets, simd_value_scalar,
};

/// A jet is a scalar to simba: one lane, whose element is itself.
impl<T: Float, const K: usize> SimdValue for Jet<T, K> {
    simd_value_scalar!();
}

/// `+ − × ÷` and their assign forms, closed over `Jet<T, K>`.
impl<T: Float, const K: usize> Field for Jet<T, K> {}

scalar_subsets!([const K: usize] Jet<T, K>, Jet::lift);

/// `Jet<T, K>` as a (real) scalar of nalgebra's decompositions.
impl<T: RealField + Float, const K: usize> ComplexField for Jet<T, K> {
    type RealField = Self;

    complex_field_methods!();
}

/// `Jet<T, K>` is a real field whenever `T` is, `Jet<Dual<f64, N>, K>`
/// included.
impl<T: RealField + Float, const K: usize> RealField for Jet<T, K> {
    real_field_methods!();
}
