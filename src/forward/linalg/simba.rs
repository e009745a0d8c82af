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
use crate::linalg_surface::{scalar_subsets, simd_value_scalar};

/// A dual is a scalar to simba: one lane, whose element is itself.
impl<T: Float, const N: usize, const SAFE: bool> SimdValue for Dual<T, N, SAFE> {
    simd_value_scalar!();
}

/// `+ − × ÷` and their assign forms, closed over `Dual<T, N, SAFE>`.
impl<T: Float, const N: usize, const SAFE: bool> Field for Dual<T, N, SAFE> {}

// The identity inclusion (which simba cannot provide as a blanket impl)
// and f32, f64 ⊂ Dual.
scalar_subsets!([const N: usize, const SAFE: bool] Dual<T, N, SAFE>, Dual::lift);
