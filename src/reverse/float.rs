//! `num_traits::Float` and `FloatConst` for `Var<'t, T>`: forwarding lists
//! over the rule table, no maths here.
//!
//! Every differentiable method records the rule of the same name in
//! [`crate::rules`] (through the op codes of `op.rs`, which replays use
//! too), exactly as forward mode applies it. The predicates look at the
//! value and, on a variable, are recorded like comparisons so that a replay
//! notices when one would come out differently; the constants are constants.

use core::num::FpCategory;

use num_traits::{Float, FloatConst};

use super::Var;
use super::op::{Op, Tern};
use super::tape::Test;

macro_rules! constant {
    ($($name:ident),*) => {$(
        #[inline]
        fn $name() -> Self {
            Var::constant(T::$name())
        }
    )*};
}

macro_rules! predicate {
    ($($name:ident => $test:ident),*) => {$(
        #[inline]
        fn $name(self) -> bool {
            self.test(self, Test::$test) == 1
        }
    )*};
}

macro_rules! unary {
    ($($name:ident => $code:ident),*) => {$(
        #[inline(always)]
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
impl<T: Float> Float for Var<'_, T> {
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
        is_nan => IsNan, is_infinite => IsInfinite, is_finite => IsFinite,
        is_normal => IsNormal, is_subnormal => IsSubnormal,
        is_sign_positive => IsSignPositive, is_sign_negative => IsSignNegative
    );

    #[inline]
    fn classify(self) -> FpCategory {
        match self.test(self, Test::Classify) {
            0 => FpCategory::Nan,
            1 => FpCategory::Infinite,
            2 => FpCategory::Zero,
            3 => FpCategory::Subnormal,
            _ => FpCategory::Normal,
        }
    }

    /// Reads the value; on a variable the read is recorded (see
    /// [`Var::value`]).
    #[inline]
    fn integer_decode(self) -> (u64, i16, i8) {
        self.read("integer_decode").integer_decode()
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
    fn powi(self, n: i32) -> Self {
        let (v, d) = crate::rules::powi(self.val, n);
        self.record1(v, d, Op::Powi(n))
    }

    #[inline]
    fn sin_cos(self) -> (Self, Self) {
        (self.unary(Op::Sin), self.unary(Op::Cos))
    }
}

macro_rules! float_const {
    ($($name:ident),*) => {$(
        #[inline]
        #[allow(non_snake_case)]
        fn $name() -> Self {
            Var::constant(T::$name())
        }
    )*};
}

/// The mathematical constants, as constants (no tape).
impl<T: Float + FloatConst> FloatConst for Var<'_, T> {
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
