//! simba's `ComplexField` for `Dual<T, N, SAFE>`, the trait nalgebra's algorithms
//! are written against: a forwarding list over `num_traits::Float`, whose
//! methods apply the rules of [`rules`](crate::rules). A dual is a real, so
//! `RealField = Self`, the imaginary part is zero and `conjugate` is the
//! identity, exactly as simba does for `f64`.
//!
//! Where simba's default methods branch on `is_zero` (structural for a dual:
//! value *and* tangent zero) a dual could take a different branch than its
//! value would; `to_exp`, `signum`, `sinc`, `sinhc`, `cosc` and `coshc` are
//! therefore overridden to branch on the value, like `f64` does (with `==`,
//! which compares values at every nesting level).

use num_traits::Float;
use simba::scalar::{ComplexField, RealField};

use crate::Dual;
use crate::linalg_surface::complex_field_methods;

/// `Dual<T, N, SAFE>` as a (real) scalar of nalgebra's decompositions.
impl<T: RealField + Float, const N: usize, const SAFE: bool> ComplexField for Dual<T, N, SAFE> {
    type RealField = Self;

    complex_field_methods!();
}
