//! simba's `RealField` for `Dual<T, N, SAFE>`: a forwarding list over
//! `num_traits::Float` (whose methods apply the rules of
//! [`rules`](crate::rules)) and `T`'s constants.
//!
//! Sign tests and the ordering-based selections (`max`, `min`, `clamp`) look
//! at values, as everywhere in the crate; constants have a zero tangent.

use num_traits::Float;
use simba::scalar::RealField;

use crate::Dual;
use crate::linalg_surface::real_field_methods;

/// `Dual<T, N, SAFE>` is a real field whenever `T` is; in particular
/// `Dual<Dual<f64, M>, N>` is one too (nesting for second derivatives).
impl<T: RealField + Float, const N: usize, const SAFE: bool> RealField for Dual<T, N, SAFE> {
    real_field_methods!();
}
