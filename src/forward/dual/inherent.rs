//! The elementary functions as inherent methods of `Dual`, so that
//! `x.sin()` on a concrete dual needs no trait import and stays unambiguous
//! when both [`num_traits::Float`] and nalgebra's `ComplexField` are in
//! scope (both define `sin`, `abs`, `powf`, … for `Dual`; an inherent
//! method is found before either).
//!
//! Every method forwards to the [`Float`] method of the same name, which
//! applies the rule of [`rules`](crate::rules): no maths here. The list is
//! `inherent_methods!` in `src/surface.rs`, shared with `reverse::Var`. Generic `T: Float` code never sees these methods (a type
//! parameter has no inherent methods), so it behaves exactly as before.
//!
//! The second argument of the two-argument methods (`max`, `min`, `powf`,
//! `atan2`, `hypot`, `log`, `copysign`, `clamp`, `mul_add`) is
//! `impl Into<Self>`: a dual, or a plain scalar (`x.max(0.0)`,
//! `x.powf(1.5)`) lifted to a constant, at any nesting depth.

use num_traits::Float;

use crate::Dual;
use crate::surface::inherent_methods;

/// # Elementary functions
///
/// The methods of [`Float`] with the same derivatives, callable without
/// importing the trait:
///
/// ```
/// use dualnum::Dual;
///
/// let x = Dual::<f64, 1>::variable(0.5, 0);
/// let y = x.sin() * x.exp() + x.max(0.0) + x.powf(1.5) + x.atan2(1.0) + x.hypot(2.0);
/// assert!(y.partial(0).is_finite());
/// assert!(x > 0.0 && x == 0.5 && 1.0 > x);
/// ```
impl<T: Float, const N: usize, const SAFE: bool> Dual<T, N, SAFE> {
    inherent_methods!();
}
