//! `num_traits::Float` for `Var<'t, T>`: how each shape of the one method
//! list ([`crate::surface`]) is recorded, no maths here.
//!
//! Every differentiable method records the rule of the same name in
//! [`crate::rules`] (through the op codes of `op.rs`, which replays use
//! too), exactly as forward mode applies it. The predicates look at the
//! value and, on a variable, are recorded like comparisons so that a replay
//! notices when one would come out differently; the constants are constants.

use core::num::FpCategory;

use num_traits::Float;

use super::Var;
use super::op::{Op, Tern};
use super::tape::Test;
use crate::surface::float_methods;

/// How `Var` does each shape of [`float_methods!`]: constants are
/// constants, predicates are recorded tests, and every differentiable
/// method records its op code (the rule of the same name).
macro_rules! var_float {
    (constant $name:ident) => {
        #[inline]
        fn $name() -> Self {
            Var::constant(T::$name())
        }
    };
    (predicate $name:ident $code:ident) => {
        #[inline]
        fn $name(self) -> bool {
            self.test(self, Test::$code) == 1
        }
    };
    (inspect classify -> $ret:ty) => {
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
    };
    (inspect $name:ident -> $ret:ty) => {
        /// Reads the value; on a variable the read is recorded (see
        /// [`Var::value`]).
        #[inline]
        fn $name(self) -> $ret {
            self.read(stringify!($name)).$name()
        }
    };
    // The rules that select (`Op::selects`) mark the tape first, so that
    // its sweep tests for nodes the output does not depend on.
    (unary $name:ident $code:ident $kind:ident) => {
        #[inline(always)]
        #[track_caller]
        fn $name(self) -> Self {
            if const { Op::$code.selects() } {
                Var::mark_selects(&[self]);
            }
            self.unary(Op::$code)
        }
    };
    (binary $name:ident $code:ident $kind:ident) => {
        #[inline(always)]
        #[track_caller]
        fn $name(self, other: Self) -> Self {
            if const { Op::$code.selects() } {
                Var::mark_selects(&[self, other]);
            }
            self.binary(other, Op::$code)
        }
    };
    (ternary clamp $code:ident) => {
        /// The input passes through on the closed interval `[lo, hi]`.
        #[inline]
        #[track_caller]
        fn clamp(self, lo: Self, hi: Self) -> Self {
            Var::mark_selects(&[self, lo, hi]);
            self.ternary(lo, hi, Tern::$code)
        }
    };
    ($($rest:tt)*) => {
        recorded_float!($($rest)*);
    };
}

/// The shapes every reverse variable records the same way, through its
/// `unary`, `binary`, `ternary` and `record1` (`Var` here, `Active` in
/// `active/float.rs`): each differentiable method records its op code, the
/// rule of the same name in [`crate::rules`].
macro_rules! recorded_float {
    (unary $name:ident $code:ident $kind:ident) => {
        #[inline(always)]
        #[track_caller]
        fn $name(self) -> Self {
            self.unary($crate::reverse::op::Op::$code)
        }
    };
    (binary $name:ident $code:ident $kind:ident) => {
        #[inline(always)]
        #[track_caller]
        fn $name(self, other: Self) -> Self {
            self.binary(other, $crate::reverse::op::Op::$code)
        }
    };
    (ternary mul_add $code:ident) => {
        /// `x·a + b` with one rounding in the value, as `Float` promises.
        #[inline]
        #[track_caller]
        fn mul_add(self, a: Self, b: Self) -> Self {
            self.ternary(a, b, $crate::reverse::op::Tern::$code)
        }
    };
    (ternary clamp $code:ident) => {
        /// The input passes through on the closed interval `[lo, hi]`.
        #[inline]
        #[track_caller]
        fn clamp(self, lo: Self, hi: Self) -> Self {
            self.ternary(lo, hi, $crate::reverse::op::Tern::$code)
        }
    };
    (powi) => {
        #[inline]
        #[track_caller]
        fn powi(self, n: i32) -> Self {
            let (v, d) = $crate::rules::powi(self.val, n);
            self.record1(v, d, $crate::reverse::op::Op::Powi(n))
        }
    };
    (sin_cos) => {
        #[inline]
        #[track_caller]
        fn sin_cos(self) -> (Self, Self) {
            (self.unary($crate::reverse::op::Op::Sin), self.unary($crate::reverse::op::Op::Cos))
        }
    };
}

// For `active/float.rs` (feature `std`).
#[cfg(feature = "std")]
pub(crate) use recorded_float;

/// Every method of `Float`, each recording its rule; see the rule of the
/// same name in [`crate::rules`] for the formula and its domain policy.
impl<T: Float> Float for Var<'_, T> {
    float_methods!(var_float);
}
