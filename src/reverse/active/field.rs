//! simba's `ComplexField` and `RealField` for `Active<T>`, the traits
//! nalgebra's algorithms are written against: forwarding lists over
//! `num_traits::Float` (whose methods record the rules of
//! [`rules`](crate::rules)), the same lists as the dual's in
//! `src/linalg/`. An active variable is a real, so `RealField = Self`, the
//! imaginary part is zero and `conjugate` is the identity, as simba does
//! for `f64`.
//!
//! Where simba's default methods branch on `is_zero` (structural: a
//! constant zero) they are overridden to branch on the value, like `f64`
//! does: `to_exp`, `signum`, `sinc`, `sinhc`, `cosc`, `coshc`. Sign tests
//! and the ordering-based selections (`max`, `min`, `clamp`) look at values;
//! constants are constants.

use num_traits::{Float, One, Zero};
use simba::scalar::{ComplexField, RealField, SupersetOf};

use super::Active;
use super::local::ActiveScalar;

macro_rules! forward {
    ($($name:ident),*) => {$(
        #[inline]
        #[track_caller]
        fn $name(self) -> Self {
            Float::$name(self)
        }
    )*};
}

/// `Active<T>` as a (real) scalar of nalgebra's decompositions.
///
/// # Panics
///
/// A method with a variable operand panics if it does not belong to the
/// recording running on this thread (see [`Active`]).
impl<T: ActiveScalar> ComplexField for Active<T> {
    type RealField = Self;

    forward!(
        floor, ceil, round, trunc, fract, recip, sin, cos, tan, asin, acos, atan, sinh, cosh, tanh,
        asinh, acosh, atanh, log2, log10, ln, ln_1p, sqrt, exp, exp2, exp_m1, cbrt
    );

    #[inline]
    fn from_real(re: Self) -> Self {
        re
    }

    #[inline]
    fn real(self) -> Self {
        self
    }

    #[inline]
    fn imaginary(self) -> Self {
        Self::zero()
    }

    /// `|x|`.
    #[inline]
    fn modulus(self) -> Self {
        Float::abs(self)
    }

    /// `x·x`.
    #[inline]
    fn modulus_squared(self) -> Self {
        self * self
    }

    /// `0` or `π` by the sign of the value, a constant.
    #[inline]
    fn argument(self) -> Self {
        if self.val >= T::zero() { Self::zero() } else { <Self as RealField>::pi() }
    }

    /// `|x|`.
    #[inline]
    fn norm1(self) -> Self {
        Float::abs(self)
    }

    #[inline]
    fn scale(self, factor: Self) -> Self {
        self * factor
    }

    #[inline]
    fn unscale(self, factor: Self) -> Self {
        self / factor
    }

    /// `(|x|, ±1)` by the sign of the value, as for `f64`; the unit factor is
    /// a constant.
    #[inline]
    fn to_exp(self) -> (Self, Self) {
        if self.val >= T::zero() { (self, Self::one()) } else { (-self, -Self::one()) }
    }

    #[inline]
    fn signum(self) -> Self {
        Float::signum(self)
    }

    #[inline]
    fn mul_add(self, a: Self, b: Self) -> Self {
        Float::mul_add(self, a, b)
    }

    #[inline]
    fn abs(self) -> Self {
        Float::abs(self)
    }

    #[inline]
    fn hypot(self, other: Self) -> Self {
        Float::hypot(self, other)
    }

    #[inline]
    fn conjugate(self) -> Self {
        self
    }

    #[inline]
    fn sin_cos(self) -> (Self, Self) {
        Float::sin_cos(self)
    }

    /// `sin x / x`; at a zero value, the series `1 − x²/6` (exact value and
    /// first derivative 0).
    #[inline]
    fn sinc(self) -> Self {
        if self.val == T::zero() {
            Self::one() - self * self / c(6.0)
        } else {
            Float::sin(self) / self
        }
    }

    /// `sinh x / x`; at a zero value, the series `1 + x²/6` (as [`sinc`]).
    ///
    /// [`sinc`]: ComplexField::sinc
    #[inline]
    fn sinhc(self) -> Self {
        if self.val == T::zero() {
            Self::one() + self * self / c(6.0)
        } else {
            Float::sinh(self) / self
        }
    }

    /// `cos x / x`; at a zero value simba's convention for `T` (1), as a
    /// constant.
    #[inline]
    fn cosc(self) -> Self {
        if self.val == T::zero() { Self::one() } else { Float::cos(self) / self }
    }

    /// `cosh x / x`; at a zero value simba's convention for `T` (1), as a
    /// constant.
    #[inline]
    fn coshc(self) -> Self {
        if self.val == T::zero() { Self::one() } else { Float::cosh(self) / self }
    }

    #[inline]
    fn log(self, base: Self) -> Self {
        Float::log(self, base)
    }

    #[inline]
    fn powi(self, n: i32) -> Self {
        Float::powi(self, n)
    }

    #[inline]
    fn powf(self, n: Self) -> Self {
        Float::powf(self, n)
    }

    #[inline]
    fn powc(self, n: Self) -> Self {
        Float::powf(self, n)
    }

    /// Looks at the value.
    #[inline]
    fn is_finite(&self) -> bool {
        Float::is_finite(self.val)
    }

    /// `√x` when the value is non-negative, `None` otherwise (as for `f64`).
    #[inline]
    fn try_sqrt(self) -> Option<Self> {
        if self.val >= T::zero() { Some(Float::sqrt(self)) } else { None }
    }
}

/// A small constant.
#[inline(always)]
fn c<T: ActiveScalar>(v: f64) -> Active<T> {
    Active::constant(<T as SupersetOf<f64>>::from_subset(&v))
}

macro_rules! constant {
    ($($name:ident),*) => {$(
        #[inline]
        fn $name() -> Self {
            Active::constant(<T as RealField>::$name())
        }
    )*};
}

/// `Active<T>` is a real field: a forwarding list over `Float`.
impl<T: ActiveScalar> RealField for Active<T> {
    #[inline]
    fn is_sign_positive(&self) -> bool {
        Float::is_sign_positive(self.val)
    }

    #[inline]
    fn is_sign_negative(&self) -> bool {
        Float::is_sign_negative(self.val)
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
        <T as RealField>::min_value().map(Active::constant)
    }

    /// `T`'s bound, as a constant.
    #[inline]
    fn max_value() -> Option<Self> {
        <T as RealField>::max_value().map(Active::constant)
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
