//! The elementary functions as inherent methods of `Active`, as `Dual` and
//! `Var` have them (the one list is `inherent_methods!` in
//! `src/surface.rs`): `x.sin()` needs no trait import and stays unambiguous
//! when both [`num_traits::Float`] and nalgebra's `ComplexField` are in
//! scope (both define `sin`, `abs`, `powf`, … for `Active`; an inherent
//! method is found before either), and the second argument of `max`,
//! `powf`, `atan2`, … may be a plain scalar. Each forwards to the `Float`
//! method of the same name, which records the rule; generic code never
//! sees these methods.

use super::Active;
use super::local::ActiveScalar;
use crate::surface::inherent_methods;

/// # Elementary functions
///
/// The methods of [`Float`](num_traits::Float), recorded as through the
/// trait, callable without importing it or nalgebra's `ComplexField`:
///
/// ```
/// use dualnum::reverse::active;
/// use nalgebra::ComplexField; // in scope, and still no ambiguity
///
/// let (y, g) = active::gradient(
///     |x| x[0].sin() * x[0].exp() + x[0].max(0.0) + x[0].powf(1.5) + x[0].atan2(1.0),
///     &[0.5f64],
/// );
/// let want = (0.5f64.cos() + 0.5f64.sin()) * 0.5f64.exp() + 1.0 + 1.5 * 0.5f64.sqrt()
///     + 1.0 / (1.0 + 0.25);
/// assert!(y.is_finite() && (g[0] - want).abs() < 1e-15);
/// ```
///
/// # Panics
///
/// As every recorded operation: a variable operand from another recording
/// (see [`Active`]).
impl<T: ActiveScalar> Active<T> {
    inherent_methods!();
}
