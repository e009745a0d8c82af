//! Comparisons and predicates made on variables, recorded with their
//! outcomes so that a replay can tell when the recorded control flow no
//! longer holds (as CppAD's `compare_change` does), and every read of a
//! variable's value by user code (`value()`, `to_f64()`, formatting, …),
//! recorded with the value read, so that a replay can tell when what the
//! code saw would be different.

use num_traits::Float;

/// A comparison or a predicate made on a variable, with its outcome.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Check<T> {
    /// The operands' node indices (0 for a constant, whose value is below).
    pub(crate) a: u32,
    pub(crate) b: u32,
    pub(crate) ca: T,
    pub(crate) cb: T,
    pub(crate) test: Test,
    pub(crate) outcome: u8,
    /// The number of nodes recorded when the check was made.
    pub(crate) at: u32,
}

/// What a [`Check`] tested.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Test {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    PartialCmp,
    IsNan,
    IsInfinite,
    IsFinite,
    IsNormal,
    IsSubnormal,
    IsSignPositive,
    IsSignNegative,
    Classify,
    /// The value was read by the named method; the check holds while the
    /// value is the same bit pattern (`ca` holds it).
    Read(&'static str),
}

impl Test {
    /// Evaluates the test on values, as a small code (booleans 0/1;
    /// orderings −1, 0, 1 as 0, 1, 2 and no order as 3; categories by
    /// declaration order).
    #[inline]
    pub(crate) fn eval<T: Float>(self, x: T, y: T) -> u8 {
        use core::cmp::Ordering;
        use core::num::FpCategory;
        match self {
            Test::Eq => (x == y) as u8,
            Test::Ne => (x != y) as u8,
            Test::Lt => (x < y) as u8,
            Test::Le => (x <= y) as u8,
            Test::Gt => (x > y) as u8,
            Test::Ge => (x >= y) as u8,
            Test::PartialCmp => match x.partial_cmp(&y) {
                Some(Ordering::Less) => 0,
                Some(Ordering::Equal) => 1,
                Some(Ordering::Greater) => 2,
                None => 3,
            },
            Test::IsNan => x.is_nan() as u8,
            Test::IsInfinite => x.is_infinite() as u8,
            Test::IsFinite => x.is_finite() as u8,
            Test::IsNormal => x.is_normal() as u8,
            Test::IsSubnormal => (x.classify() == FpCategory::Subnormal) as u8,
            Test::IsSignPositive => x.is_sign_positive() as u8,
            Test::IsSignNegative => x.is_sign_negative() as u8,
            Test::Classify => match x.classify() {
                FpCategory::Nan => 0,
                FpCategory::Infinite => 1,
                FpCategory::Zero => 2,
                FpCategory::Subnormal => 3,
                FpCategory::Normal => 4,
            },
            // The same value, sign of zero included (`y` is the value read).
            Test::Read(_) => (x.integer_decode() == y.integer_decode()) as u8,
        }
    }

    /// How the test reads in a message.
    pub(crate) fn label(self) -> &'static str {
        match self {
            Test::Eq => "==",
            Test::Ne => "!=",
            Test::Lt => "<",
            Test::Le => "<=",
            Test::Gt => ">",
            Test::Ge => ">=",
            Test::PartialCmp => "partial_cmp",
            Test::IsNan => "is_nan",
            Test::IsInfinite => "is_infinite",
            Test::IsFinite => "is_finite",
            Test::IsNormal => "is_normal",
            Test::IsSubnormal => "is_subnormal",
            Test::IsSignPositive => "is_sign_positive",
            Test::IsSignNegative => "is_sign_negative",
            Test::Classify => "classify",
            Test::Read(what) => what,
        }
    }
}
