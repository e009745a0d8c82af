//! `num_traits::Float` and `FloatConst` for `Active<T>`: forwarding lists
//! over the rule table, no maths here.
//!
//! Every differentiable method records the rule of the same name in
//! [`crate::rules`] through the op codes `Var` uses, exactly as forward mode
//! applies it. The predicates look at the value (nothing is recorded: an
//! `Active` recording is never replayed); the constants are constants.

use core::num::FpCategory;

use num_traits::{Float, FloatConst};

use super::Active;
use super::local::ActiveScalar;
use crate::reverse::op::{Op, Tern};

macro_rules! constant {
    ($($name:ident),*) => {$(
        #[inline]
        fn $name() -> Self {
            Active::constant(<T as Float>::$name())
        }
    )*};
}

macro_rules! predicate {
    ($($name:ident),*) => {$(
        #[inline]
        fn $name(self) -> bool {
            Float::$name(self.val)
        }
    )*};
}

macro_rules! unary {
    ($($name:ident => $code:ident),*) => {$(
        #[inline(always)]
        #[track_caller]
        fn $name(self) -> Self {
            self.unary(Op::$code)
        }
    )*};
}

macro_rules! binary {
    ($($name:ident => $code:ident),*) => {$(
        #[inline(always)]
        #[track_caller]
        fn $name(self, other: Self) -> Self {
            self.binary(other, Op::$code)
        }
    )*};
}

/// Every method of `Float`, each recording its rule; see the rule of the
/// same name in [`crate::rules`] for the formula and its domain policy.
///
/// # Panics
///
/// A method with a variable operand panics if it does not belong to the
/// recording running on this thread (see [`Active`]).
impl<T: ActiveScalar> Float for Active<T> {
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

    predicate!(
        is_nan,
        is_infinite,
        is_finite,
        is_normal,
        is_subnormal,
        is_sign_positive,
        is_sign_negative
    );

    #[inline]
    fn classify(self) -> FpCategory {
        Float::classify(self.val)
    }

    /// Reads the value.
    #[inline]
    fn integer_decode(self) -> (u64, i16, i8) {
        Float::integer_decode(self.val)
    }

    unary!(
        floor => Floor, ceil => Ceil, round => Round, trunc => Trunc, fract => Fract,
        abs => Abs, signum => Signum, recip => Recip, sqrt => Sqrt, cbrt => Cbrt,
        exp => Exp, exp2 => Exp2, exp_m1 => ExpM1, ln => Ln, log2 => Log2, log10 => Log10,
        ln_1p => Ln1p, sin => Sin, cos => Cos, tan => Tan, asin => Asin, acos => Acos,
        atan => Atan, sinh => Sinh, cosh => Cosh, tanh => Tanh, asinh => Asinh,
        acosh => Acosh, atanh => Atanh, to_degrees => ToDegrees, to_radians => ToRadians
    );

    binary!(
        hypot => Hypot, atan2 => Atan2, abs_sub => AbsSub, max => Max, min => Min,
        powf => Powf, log => Log, copysign => Copysign
    );

    /// `x·a + b` with one rounding in the value, as `Float` promises.
    #[inline]
    #[track_caller]
    fn mul_add(self, a: Self, b: Self) -> Self {
        self.ternary(a, b, Tern::MulAdd)
    }

    /// The input passes through on the closed interval `[lo, hi]`.
    #[inline]
    #[track_caller]
    fn clamp(self, lo: Self, hi: Self) -> Self {
        self.ternary(lo, hi, Tern::Clamp)
    }

    #[inline]
    #[track_caller]
    fn powi(self, n: i32) -> Self {
        let (v, d) = crate::rules::powi(self.val, n);
        self.record1(v, d, Op::Powi(n))
    }

    #[inline]
    #[track_caller]
    fn sin_cos(self) -> (Self, Self) {
        (self.unary(Op::Sin), self.unary(Op::Cos))
    }
}

macro_rules! float_const {
    ($($name:ident),*) => {$(
        #[inline]
        #[allow(non_snake_case)]
        fn $name() -> Self {
            Active::constant(<T as FloatConst>::$name())
        }
    )*};
}

/// The mathematical constants, as constants (no node).
impl<T: ActiveScalar> FloatConst for Active<T> {
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
