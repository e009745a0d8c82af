//! `approx` comparisons for `Dual<T, N>`: `AbsDiffEq`, `RelativeEq` and
//! `UlpsEq`, each requiring the value **and every tangent lane** to agree.
//!
//! ```
//! use approx::assert_relative_eq;
//! use dualnum::Dual;
//!
//! let x = Dual::new(1.0, [2.0, 3.0]);
//! let y = Dual::new(1.0 + 1e-15, [2.0, 3.0 - 1e-15]);
//! assert_relative_eq!(x, y, max_relative = 1e-12);
//! assert!(!approx::relative_eq!(x, Dual::new(1.0, [2.0, 3.1]), max_relative = 1e-12));
//! ```

use approx::{AbsDiffEq, RelativeEq, UlpsEq};

use crate::Dual;

impl<T, const N: usize> AbsDiffEq for Dual<T, N>
where
    T: AbsDiffEq,
    T::Epsilon: Copy,
{
    type Epsilon = T::Epsilon;

    #[inline]
    fn default_epsilon() -> T::Epsilon {
        T::default_epsilon()
    }

    #[inline]
    fn abs_diff_eq(&self, other: &Self, epsilon: T::Epsilon) -> bool {
        self.re.abs_diff_eq(&other.re, epsilon)
            && self.eps.iter().zip(&other.eps).all(|(a, b)| a.abs_diff_eq(b, epsilon))
    }
}

impl<T, const N: usize> RelativeEq for Dual<T, N>
where
    T: RelativeEq,
    T::Epsilon: Copy,
{
    #[inline]
    fn default_max_relative() -> T::Epsilon {
        T::default_max_relative()
    }

    #[inline]
    fn relative_eq(&self, other: &Self, epsilon: T::Epsilon, max_relative: T::Epsilon) -> bool {
        self.re.relative_eq(&other.re, epsilon, max_relative)
            && self.eps.iter().zip(&other.eps).all(|(a, b)| a.relative_eq(b, epsilon, max_relative))
    }
}

impl<T, const N: usize> UlpsEq for Dual<T, N>
where
    T: UlpsEq,
    T::Epsilon: Copy,
{
    #[inline]
    fn default_max_ulps() -> u32 {
        T::default_max_ulps()
    }

    #[inline]
    fn ulps_eq(&self, other: &Self, epsilon: T::Epsilon, max_ulps: u32) -> bool {
        self.re.ulps_eq(&other.re, epsilon, max_ulps)
            && self.eps.iter().zip(&other.eps).all(|(a, b)| a.ulps_eq(b, epsilon, max_ulps))
    }
}
