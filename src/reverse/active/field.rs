//! simba's `ComplexField` and `RealField` for `Active<T>`, the traits
//! nalgebra's algorithms are written against: forwarding lists over
//! `num_traits::Float` (whose methods record the rules of
//! [`rules`](crate::rules)), the one list the dual uses too
//! (`src/linalg_surface.rs`). An active variable is a real, so `RealField = Self`, the
//! imaginary part is zero and `conjugate` is the identity, as simba does
//! for `f64`.
//!
//! Where simba's default methods branch on `is_zero` (structural: a
//! constant zero) they are overridden to branch on the value, like `f64`
//! does: `to_exp`, `signum`, `sinc`, `sinhc`, `cosc`, `coshc`. Sign tests
//! and the ordering-based selections (`max`, `min`, `clamp`) look at values;
//! constants are constants.

use simba::scalar::{ComplexField, RealField};

use super::Active;
use super::local::ActiveScalar;
use crate::linalg_surface::{complex_field_methods, real_field_methods};

/// `Active<T>` as a (real) scalar of nalgebra's decompositions.
///
/// # Panics
///
/// A method with a variable operand panics if it does not belong to the
/// recording running on this thread (see [`Active`]).
impl<T: ActiveScalar> ComplexField for Active<T> {
    type RealField = Self;

    complex_field_methods!();
}

/// `Active<T>` is a real field: a forwarding list over `Float`.
impl<T: ActiveScalar> RealField for Active<T> {
    real_field_methods!();
}
