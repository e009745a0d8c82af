//! simba's `RealField` for `Dual<T, N, SAFE>`: a forwarding list over
//! `num_traits::Float` (whose methods apply the rules of
//! [`rules`](crate::rules)) and `T`'s constants.
//!
//! Sign tests and the ordering-based selections (`max`, `min`, `clamp`) look
//! at values, as everywhere in the crate; constants have a zero tangent.

use num_traits::Float;
use simba::scalar::RealField;

use crate::Dual;

macro_rules! constant {
    ($($name:ident),*) => {$(
        #[inline]
        fn $name() -> Self {
            Dual::lift(<T as RealField>::$name())
        }
    )*};
}

/// `Dual<T, N, SAFE>` is a real field whenever `T` is; in particular
/// `Dual<Dual<f64, M>, N>` is one too (nesting for second derivatives).
impl<T: RealField + Float, const N: usize, const SAFE: bool> RealField for Dual<T, N, SAFE> {
    #[inline]
    fn is_sign_positive(&self) -> bool {
        Float::is_sign_positive(*self)
    }

    #[inline]
    fn is_sign_negative(&self) -> bool {
        Float::is_sign_negative(*self)
    }

    #[inline]
    fn copysign(self, sign: Self) -> Self {
        Float::copysign(self, sign)
    }

    #[inline]
    fn max(self, other: Self) -> Self {
        Float::max(self, other)
    }

    #[inline]
    fn min(self, other: Self) -> Self {
        Float::min(self, other)
    }

    #[inline]
    fn clamp(self, min: Self, max: Self) -> Self {
        Float::clamp(self, min, max)
    }

    #[inline]
    fn atan2(self, other: Self) -> Self {
        Float::atan2(self, other)
    }

    /// `T`'s bound (as simba defines it for `T`), as a constant.
    #[inline]
    fn min_value() -> Option<Self> {
        <T as RealField>::min_value().map(Dual::lift)
    }

    /// `T`'s bound, as a constant.
    #[inline]
    fn max_value() -> Option<Self> {
        <T as RealField>::max_value().map(Dual::lift)
    }

    constant!(
        pi,
        two_pi,
        frac_pi_2,
        frac_pi_3,
        frac_pi_4,
        frac_pi_6,
        frac_pi_8,
        frac_1_pi,
        frac_2_pi,
        frac_2_sqrt_pi,
        e,
        log2_e,
        log10_e,
        ln_2,
        ln_10
    );
}
