//! simba's `ComplexField` for `Dual<T, N, SAFE>`, the trait nalgebra's algorithms
//! are written against: a forwarding list over `num_traits::Float`, whose
//! methods apply the rules of [`rules`](crate::rules). A dual is a real, so
//! `RealField = Self`, the imaginary part is zero and `conjugate` is the
//! identity, exactly as simba does for `f64`.
//!
//! Where simba's default methods branch on `is_zero` (structural for a dual:
//! value *and* tangent zero) a dual could take a different branch than its
//! value would; `to_exp`, `signum`, `sinc`, `sinhc`, `cosc` and `coshc` are
//! therefore overridden to branch on the value, like `f64` does (with `==`,
//! which compares values at every nesting level).

use num_traits::{Float, One, Zero};
use simba::scalar::{ComplexField, RealField};

use crate::Dual;

macro_rules! forward {
    ($($name:ident),*) => {$(
        #[inline]
        fn $name(self) -> Self {
            Float::$name(self)
        }
    )*};
}

/// `Dual<T, N, SAFE>` as a (real) scalar of nalgebra's decompositions.
impl<T: RealField + Float, const N: usize, const SAFE: bool> ComplexField for Dual<T, N, SAFE> {
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
        if self.re >= T::zero() { Self::zero() } else { <Self as RealField>::pi() }
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
        if self.re >= T::zero() { (self, Self::one()) } else { (-self, -Self::one()) }
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

    /// `sin x / x`; at a zero value, the series `1 − x²/6`, which gives the
    /// exact value 1 and the exact first and second derivatives (0, −⅓).
    #[inline]
    fn sinc(self) -> Self {
        if self.re == T::zero() {
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
        if self.re == T::zero() {
            Self::one() + self * self / c(6.0)
        } else {
            Float::sinh(self) / self
        }
    }

    /// `cos x / x`; at a zero value simba's convention for `T` (1), as a
    /// constant.
    #[inline]
    fn cosc(self) -> Self {
        if self.re == T::zero() { Self::one() } else { Float::cos(self) / self }
    }

    /// `cosh x / x`; at a zero value simba's convention for `T` (1), as a
    /// constant.
    #[inline]
    fn coshc(self) -> Self {
        if self.re == T::zero() { Self::one() } else { Float::cosh(self) / self }
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
        Float::is_finite(*self)
    }

    /// `√x` when the value is non-negative, `None` otherwise (as for `f64`).
    #[inline]
    fn try_sqrt(self) -> Option<Self> {
        if self.re >= T::zero() { Some(Float::sqrt(self)) } else { None }
    }
}

/// A small constant of any `T`.
#[inline(always)]
fn c<T: RealField + Float, const N: usize, const SAFE: bool>(v: f64) -> Dual<T, N, SAFE> {
    Dual::lift(<T as simba::scalar::SupersetOf<f64>>::from_subset(&v))
}
