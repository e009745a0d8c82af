//! The elementary functions as inherent methods of `Var`, as `Dual` has
//! them (the one list is `inherent_methods!` in `src/surface.rs`): `x.sin()`
//! on a concrete variable needs no trait import, and the second argument
//! of `max`, `powf`, `atan2`, … may be a plain scalar. Each forwards to the
//! `Float` method of the same name, which records the rule; generic
//! `T: Float` code never sees these methods.

use num_traits::Float;

use super::Var;
use crate::surface::inherent_methods;

/// # Elementary functions
///
/// The methods of [`Float`], recorded as through the trait, callable
/// without importing it:
///
/// ```
/// use dualnum::reverse::Tape;
///
/// let tape = Tape::new();
/// let x = tape.var(0.5);
/// let y = x.sin() * x.exp() + x.max(0.0) + x.powf(1.5) + x.atan2(1.0) + x.hypot(2.0);
/// let d = tape.adjoints(y).wrt(x);
/// let want = (0.5f64.cos() + 0.5f64.sin()) * 0.5f64.exp() + 1.0 + 1.5 * 0.5f64.sqrt()
///     + 1.0 / (1.0 + 0.25) + 0.5 / 0.5f64.hypot(2.0);
/// assert!((d - want).abs() < 1e-15);
/// ```
impl<T: Float> Var<'_, T> {
    inherent_methods!();
}
