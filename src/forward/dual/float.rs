//! `num_traits::Float` and `FloatConst` for `Dual<T, N, SAFE>`: forwarding lists
//! over the rule table, no maths here.
//!
//! Every differentiable method applies the rule of the same name in
//! [`rules`](crate::rules) through one of three helpers (`unary`, `binary`,
//! or a selection for piecewise functions). Classification, `integer_decode`
//! and the sign tests look at the value; the constants are constants.

use core::num::FpCategory;

use num_traits::{Float, FloatConst};

use crate::{Dual, rules, tangent};

impl<T: Float, const N: usize, const SAFE: bool> Dual<T, N, SAFE> {
    /// Applies a unary rule `x ↦ (f(x), f'(x))`.
    #[inline(always)]
    fn unary(self, rule: impl FnOnce(T) -> (T, T)) -> Self {
        let (v, d) = rule(self.re);
        self.chain(v, d)
    }

    /// Applies a binary rule `(x, y) ↦ (f, ∂f/∂x, ∂f/∂y)`.
    #[inline(always)]
    fn binary(self, other: Self, rule: impl FnOnce(T, T) -> (T, T, T)) -> Self {
        let (v, da, db) = rule(self.re, other.re);
        Dual::chain2(&self, &other, v, da, db)
    }

    /// For piecewise rules whose partials are `(1, 0)`, `(0, 1)` or `(½, ½)`:
    /// copies the chosen tangent exactly, averaging only at a tie.
    #[inline(always)]
    fn select(self, other: Self, rule: impl FnOnce(T, T) -> (T, T, T)) -> Self {
        let (v, da, db) = rule(self.re, other.re);
        let eps = if db.is_zero() {
            self.eps
        } else if da.is_zero() {
            other.eps
        } else {
            tangent::lincomb::<T, N, SAFE>(da, &self.eps, db, &other.eps)
        };
        Dual { re: v, eps }
    }
}

macro_rules! constant {
    ($($name:ident),*) => {$(
        #[inline]
        fn $name() -> Self {
            Dual::lift(T::$name())
        }
    )*};
}

macro_rules! on_value {
    ($($name:ident -> $ret:ty),*) => {$(
        #[inline]
        fn $name(self) -> $ret {
            self.re.$name()
        }
    )*};
}

macro_rules! unary {
    ($($name:ident),*) => {$(
        #[inline]
        fn $name(self) -> Self {
            self.unary(rules::$name)
        }
    )*};
}

macro_rules! binary {
    ($($name:ident),*) => {$(
        #[inline]
        fn $name(self, other: Self) -> Self {
            self.binary(other, rules::$name)
        }
    )*};
}

/// Every method of `Float`, each with its derivative; see the rule of the
/// same name in [`rules`](crate::rules) for the formula and its domain
/// policy, and the crate docs for the convention table.
impl<T: Float, const N: usize, const SAFE: bool> Float for Dual<T, N, SAFE> {
    constant!(
        nan,
        infinity,
        neg_infinity,
        neg_zero,
        min_value,
        min_positive_value,
        epsilon,
        max_value
    );

    on_value!(
        is_nan -> bool, is_infinite -> bool, is_finite -> bool, is_normal -> bool,
        is_subnormal -> bool, classify -> FpCategory, is_sign_positive -> bool,
        is_sign_negative -> bool, integer_decode -> (u64, i16, i8)
    );

    unary!(
        floor, ceil, round, trunc, fract, abs, signum, recip, sqrt, cbrt, exp, exp2, exp_m1, ln,
        log2, log10, ln_1p, sin, cos, tan, asin, acos, atan, sinh, cosh, tanh, asinh, acosh, atanh,
        to_degrees, to_radians
    );

    binary!(hypot, atan2, abs_sub);

    /// `x·a + b` with one rounding in the value (as `Float` promises);
    /// tangent `a·ẋ + x·ȧ + ḃ`.
    #[inline]
    fn mul_add(self, a: Self, b: Self) -> Self {
        let (v, dx, da, _) = rules::mul_add(self.re, a.re, b.re);
        let eps = tangent::lincomb::<T, N, SAFE>(dx, &self.eps, da, &a.eps);
        Dual { re: v, eps: tangent::add(&eps, &b.eps) }
    }

    #[inline]
    fn powi(self, n: i32) -> Self {
        self.unary(|x| rules::powi(x, n))
    }

    /// `x^y`; with a constant exponent (zero tangent) the `ln x` term is not
    /// even computed, so a negative or zero base is fine.
    #[inline]
    fn powf(self, n: Self) -> Self {
        if n.is_constant() {
            self.unary(|x| rules::powf_base(x, n.re))
        } else {
            self.binary(n, rules::powf)
        }
    }

    /// `log_b x`; with a constant base only the `x` partial is applied.
    #[inline]
    fn log(self, base: Self) -> Self {
        let (v, dx, db) = rules::log(self.re, base.re);
        if base.is_constant() { self.chain(v, dx) } else { Dual::chain2(&self, &base, v, dx, db) }
    }

    #[inline]
    fn sin_cos(self) -> (Self, Self) {
        let (s, c) = self.re.sin_cos();
        (self.chain(s, c), self.chain(c, -s))
    }

    #[inline]
    fn max(self, other: Self) -> Self {
        self.select(other, rules::max)
    }

    #[inline]
    fn min(self, other: Self) -> Self {
        self.select(other, rules::min)
    }

    /// The input passes through on the closed interval `[lo, hi]`; outside
    /// it, the bound that was hit does.
    #[inline]
    fn clamp(self, lo: Self, hi: Self) -> Self {
        let (v, dx, dlo, _) = rules::clamp(self.re, lo.re, hi.re);
        let eps = if !dx.is_zero() {
            self.eps
        } else if !dlo.is_zero() {
            lo.eps
        } else {
            hi.eps
        };
        Dual { re: v, eps }
    }

    /// `±x`: the tangent of `x`, negated where the sign was flipped; the
    /// sign argument contributes nothing.
    #[inline]
    fn copysign(self, sign: Self) -> Self {
        let (v, d, _) = rules::copysign(self.re, sign.re);
        self.chain(v, d)
    }
}

macro_rules! float_const {
    ($($name:ident),*) => {$(
        #[inline]
        #[allow(non_snake_case)]
        fn $name() -> Self {
            Dual::lift(T::$name())
        }
    )*};
}

/// The mathematical constants, as constants (zero tangent).
impl<T: Float + FloatConst, const N: usize, const SAFE: bool> FloatConst for Dual<T, N, SAFE> {
    float_const!(
        E,
        FRAC_1_PI,
        FRAC_1_SQRT_2,
        FRAC_2_PI,
        FRAC_2_SQRT_PI,
        FRAC_PI_2,
        FRAC_PI_3,
        FRAC_PI_4,
        FRAC_PI_6,
        FRAC_PI_8,
        LN_10,
        LN_2,
        LOG10_E,
        LOG2_E,
        PI,
        SQRT_2,
        TAU,
        LOG10_2,
        LOG2_10
    );
}
