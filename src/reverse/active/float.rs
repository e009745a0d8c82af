//! `num_traits::Float` for `Active<T>`: how each shape of the one method
//! list ([`crate::surface`]) is recorded, no maths here.
//!
//! Every differentiable method records the rule of the same name in
//! [`crate::rules`] through the op codes `Var` uses, exactly as forward mode
//! applies it. The predicates and inspections look at the value (nothing is
//! recorded: an `Active` recording is never replayed); the constants are
//! constants.

use num_traits::Float;

use super::Active;
use super::local::ActiveScalar;
use crate::reverse::float::recorded_float;
use crate::surface::float_methods;

/// How `Active` does each shape of [`float_methods!`]: constants are
/// constants, predicates and inspections read the value, and every
/// differentiable method records its op code (the rule of the same name).
macro_rules! active_float {
    (constant $name:ident) => {
        #[inline]
        fn $name() -> Self {
            Active::constant(<T as Float>::$name())
        }
    };
    (predicate $name:ident $code:ident) => {
        #[inline]
        fn $name(self) -> bool {
            <T as Float>::$name(self.val)
        }
    };
    (inspect $name:ident -> $ret:ty) => {
        /// Reads the value.
        #[inline]
        fn $name(self) -> $ret {
            <T as Float>::$name(self.val)
        }
    };
    ($($rest:tt)*) => {
        recorded_float!($($rest)*);
    };
}

/// Every method of `Float`, each recording its rule; see the rule of the
/// same name in [`crate::rules`] for the formula and its domain policy.
///
/// # Panics
///
/// A method with a variable operand panics if it does not belong to the
/// recording running on this thread (see [`Active`]).
impl<T: ActiveScalar> Float for Active<T> {
    float_methods!(active_float);
}
