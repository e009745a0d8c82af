//! The rest of the num-traits surface for `Jet<T, K>`, generated from the
//! lists every number type shares ([`crate::surface`]): `Zero`, `One`,
//! `Num`, `NumCast`, `ToPrimitive`, `FromPrimitive`, `FloatConst`,
//! `Signed`, `Inv`, `MulAdd`, `MulAddAssign` and `Pow`; and the elementary
//! functions as inherent methods (`x.sin()` with no trait import).
//!
//! Conversions *into* a jet give constants; conversions *out of* one read
//! the value.

use num_traits::Float;

use super::Jet;
use crate::surface::{Surface, inherent_methods, num_surface};

impl<T: Float, const K: usize> Surface for Jet<T, K> {
    type Scalar = T;

    #[inline(always)]
    fn lift(x: T) -> Self {
        Jet::lift(x)
    }

    #[inline(always)]
    fn read_value(&self, _what: &'static str) -> T {
        self.re
    }

    #[inline(always)]
    fn peek(&self) -> T {
        self.re
    }

    #[inline(always)]
    fn is_constant(&self) -> bool {
        Jet::is_constant(self)
    }
}

num_surface! {
    impl[T: Float, const K: usize] Jet<T, K>, scalar T;
    floats[const K: usize] Jet<f32, K>, Jet<f64, K>;
}

/// # Elementary functions
///
/// The methods of [`Float`] with their Taylor coefficients, callable
/// without importing the trait; the second argument of the two-argument
/// methods may be a plain scalar:
///
/// ```
/// use dualnum::Jet;
///
/// let x = Jet::<f64, 3>::variable(0.5);
/// let y = x.sin() * x.exp() + x.max(0.0) + x.powf(1.5) + x.atan2(1.0);
/// assert!(y.derivative(3).is_finite());
/// assert!(x > 0.0 && x == 0.5);
/// ```
impl<T: Float, const K: usize> Jet<T, K> {
    inherent_methods!();
}
