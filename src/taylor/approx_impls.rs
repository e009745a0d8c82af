//! `approx` comparisons for `Jet<T, K>`: `AbsDiffEq`, `RelativeEq` and
//! `UlpsEq`, each requiring the value **and every tangent lane** to agree.
//!
//! The tolerance type is the jet itself (`Epsilon = Self`), because
//! nalgebra's `RealField` demands `RelativeEq<Epsilon = Self>`; only the
//! tolerance's value is used, for the value and for every coefficient. Pass a
//! tolerance as `Jet::constant(1e-12)` (or `1e-12.into()`).
//!
//! ```
//! use approx::assert_relative_eq;
//! use dualnum::Jet;
//!
//! let x = Jet::new(1.0, [2.0, 3.0]);
//! let y = Jet::new(1.0 + 1e-15, [2.0, 3.0 - 1e-15]);
//! assert_relative_eq!(x, y, max_relative = Jet::constant(1e-12));
//! assert!(!approx::relative_eq!(x, Jet::new(1.0, [2.0, 3.1]), max_relative = Jet::constant(1e-12)));
//! ```

use approx::{AbsDiffEq, RelativeEq, UlpsEq};
use num_traits::Float;

use super::Jet;

impl<T, const K: usize> AbsDiffEq for Jet<T, K>
where
    T: AbsDiffEq<Epsilon = T> + Float,
{
    type Epsilon = Self;

    /// `T`'s default tolerance, as a constant.
    #[inline]
    fn default_epsilon() -> Self {
        Jet::lift(T::default_epsilon())
    }

    #[inline]
    fn abs_diff_eq(&self, other: &Self, epsilon: Self) -> bool {
        let e = epsilon.re;
        self.re.abs_diff_eq(&other.re, e)
            && self.c.iter().zip(&other.c).all(|(a, b)| a.abs_diff_eq(b, e))
    }
}

impl<T, const K: usize> RelativeEq for Jet<T, K>
where
    T: RelativeEq<Epsilon = T> + Float,
{
    #[inline]
    fn default_max_relative() -> Self {
        Jet::lift(T::default_max_relative())
    }

    #[inline]
    fn relative_eq(&self, other: &Self, epsilon: Self, max_relative: Self) -> bool {
        let (e, r) = (epsilon.re, max_relative.re);
        self.re.relative_eq(&other.re, e, r)
            && self.c.iter().zip(&other.c).all(|(a, b)| a.relative_eq(b, e, r))
    }
}

impl<T, const K: usize> UlpsEq for Jet<T, K>
where
    T: UlpsEq<Epsilon = T> + Float,
{
    #[inline]
    fn default_max_ulps() -> u32 {
        T::default_max_ulps()
    }

    #[inline]
    fn ulps_eq(&self, other: &Self, epsilon: Self, max_ulps: u32) -> bool {
        let e = epsilon.re;
        self.re.ulps_eq(&other.re, e, max_ulps)
            && self.c.iter().zip(&other.c).all(|(a, b)| a.ulps_eq(b, e, max_ulps))
    }
}
