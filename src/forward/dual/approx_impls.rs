//! `approx` comparisons for `Dual<T, N, SAFE>`: `AbsDiffEq`, `RelativeEq` and
//! `UlpsEq`, each requiring the value **and every tangent lane** to agree.
//!
//! The tolerance type is the dual itself (`Epsilon = Self`), because
//! nalgebra's `RealField` demands `RelativeEq<Epsilon = Self>`; only the
//! tolerance's value is used, for the value and for every lane. Pass a
//! tolerance as `Dual::constant(1e-12)` (or `1e-12.into()`).
//!
//! ```
//! use approx::assert_relative_eq;
//! use dualnum::Dual;
//!
//! let x = Dual::new(1.0, [2.0, 3.0]);
//! let y = Dual::new(1.0 + 1e-15, [2.0, 3.0 - 1e-15]);
//! assert_relative_eq!(x, y, max_relative = Dual::constant(1e-12));
//! let far = Dual::new(1.0, [2.0, 3.1]);
//! assert!(!approx::relative_eq!(x, far, max_relative = Dual::constant(1e-12)));
//! ```

use approx::{AbsDiffEq, RelativeEq, UlpsEq};
use num_traits::Float;

use crate::Dual;

impl<T, const N: usize, const SAFE: bool> AbsDiffEq for Dual<T, N, SAFE>
where
    T: AbsDiffEq<Epsilon = T> + Float,
{
    type Epsilon = Self;

    /// `T`'s default tolerance, as a constant.
    #[inline]
    fn default_epsilon() -> Self {
        Dual::lift(T::default_epsilon())
    }

    #[inline]
    fn abs_diff_eq(&self, other: &Self, epsilon: Self) -> bool {
        let e = epsilon.re;
        self.re.abs_diff_eq(&other.re, e)
            && self.eps.iter().zip(&other.eps).all(|(a, b)| a.abs_diff_eq(b, e))
    }
}

impl<T, const N: usize, const SAFE: bool> RelativeEq for Dual<T, N, SAFE>
where
    T: RelativeEq<Epsilon = T> + Float,
{
    #[inline]
    fn default_max_relative() -> Self {
        Dual::lift(T::default_max_relative())
    }

    #[inline]
    fn relative_eq(&self, other: &Self, epsilon: Self, max_relative: Self) -> bool {
        let (e, r) = (epsilon.re, max_relative.re);
        self.re.relative_eq(&other.re, e, r)
            && self.eps.iter().zip(&other.eps).all(|(a, b)| a.relative_eq(b, e, r))
    }
}

impl<T, const N: usize, const SAFE: bool> UlpsEq for Dual<T, N, SAFE>
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
            && self.eps.iter().zip(&other.eps).all(|(a, b)| a.ulps_eq(b, e, max_ulps))
    }
}
