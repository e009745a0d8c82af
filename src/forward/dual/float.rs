//! `num_traits::Float` for `Dual<T, N, SAFE>`: how each shape of the one
//! method list ([`crate::surface`]) is done, no maths here.
//!
//! Every differentiable method applies the rule of the same name in
//! [`rules`](crate::rules) through one of three helpers (`unary`, `binary`,
//! or a selection for piecewise functions). Classification, `integer_decode`
//! and the sign tests look at the value; the constants are constants.

use num_traits::Float;

use crate::surface::float_methods;
use crate::{Dual, rules, tangent};

impl<T: Float, const N: usize, const SAFE: bool> Dual<T, N, SAFE> {
    /// Applies a unary rule `x ↦ (f(x), f'(x))`.
    #[inline(always)]
    fn unary(self, rule: impl FnOnce(T) -> (T, T)) -> Self {
        let (v, d) = rule(self.re);
        self.chain(v, d)
    }

    /// [`unary`](Self::unary) for `sin` and `cos`, whose value and
    /// derivative are `sin x` and `cos x`: the kernel's branch also tests the
    /// value (`tangent::scale_rule`, same numbers), which keeps both libm
    /// calls in one block, where code generation merges them into one
    /// `sincos`.
    #[inline(always)]
    fn unary_sin_cos(self, rule: impl FnOnce(T) -> (T, T)) -> Self {
        let (v, d) = rule(self.re);
        Dual { re: v, eps: tangent::scale_rule::<T, N, SAFE>(v, d, &self.eps) }
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

/// How `Dual` does each shape of [`float_methods!`]: constants are
/// constants, predicates and classification look at the value, and every
/// differentiable method applies the rule of the same name.
macro_rules! dual_float {
    (constant $name:ident) => {
        #[inline]
        fn $name() -> Self {
            Dual::lift(T::$name())
        }
    };
    (predicate $name:ident $code:ident) => {
        #[inline]
        fn $name(self) -> bool {
            self.re.$name()
        }
    };
    (inspect $name:ident -> $ret:ty) => {
        #[inline]
        fn $name(self) -> $ret {
            self.re.$name()
        }
    };
    (unary sin $code:ident $kind:ident) => {
        #[inline]
        fn sin(self) -> Self {
            self.unary_sin_cos(rules::sin)
        }
    };
    (unary cos $code:ident $kind:ident) => {
        #[inline]
        fn cos(self) -> Self {
            self.unary_sin_cos(rules::cos)
        }
    };
    (unary $name:ident $code:ident $kind:ident) => {
        #[inline]
        fn $name(self) -> Self {
            self.unary(rules::$name)
        }
    };
    (binary max $code:ident $kind:ident) => {
        #[inline]
        fn max(self, other: Self) -> Self {
            self.select(other, rules::max)
        }
    };
    (binary min $code:ident $kind:ident) => {
        #[inline]
        fn min(self, other: Self) -> Self {
            self.select(other, rules::min)
        }
    };
    (binary powf $code:ident $kind:ident) => {
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
    };
    (binary log $code:ident $kind:ident) => {
        /// `log_b x`; with a constant base only the `x` partial is applied.
        #[inline]
        fn log(self, base: Self) -> Self {
            let (v, dx, db) = rules::log(self.re, base.re);
            if base.is_constant() {
                self.chain(v, dx)
            } else {
                Dual::chain2(&self, &base, v, dx, db)
            }
        }
    };
    (binary copysign $code:ident $kind:ident) => {
        /// `±x`: the tangent of `x`, negated where the sign was flipped; the
        /// sign argument contributes nothing.
        #[inline]
        fn copysign(self, sign: Self) -> Self {
            let (v, d, _) = rules::copysign(self.re, sign.re);
            self.chain(v, d)
        }
    };
    (binary $name:ident $code:ident $kind:ident) => {
        #[inline]
        fn $name(self, other: Self) -> Self {
            self.binary(other, rules::$name)
        }
    };
    (ternary mul_add $code:ident) => {
        /// `x·a + b` with one rounding in the value (as `Float` promises);
        /// tangent `a·ẋ + x·ȧ + ḃ`.
        #[inline]
        fn mul_add(self, a: Self, b: Self) -> Self {
            let (v, dx, da, _) = rules::mul_add(self.re, a.re, b.re);
            let eps = tangent::lincomb::<T, N, SAFE>(dx, &self.eps, da, &a.eps);
            Dual { re: v, eps: tangent::add(&eps, &b.eps) }
        }
    };
    (ternary clamp $code:ident) => {
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
    };
    (powi) => {
        #[inline]
        fn powi(self, n: i32) -> Self {
            self.unary(|x| rules::powi(x, n))
        }
    };
    (sin_cos) => {
        #[inline]
        fn sin_cos(self) -> (Self, Self) {
            let (s, c) = self.re.sin_cos();
            (self.chain(s, c), self.chain(c, -s))
        }
    };
}

/// Every method of `Float`, each with its derivative; see the rule of the
/// same name in [`rules`](crate::rules) for the formula and its domain
/// policy, and the crate docs for the convention table.
impl<T: Float, const N: usize, const SAFE: bool> Float for Dual<T, N, SAFE> {
    float_methods!(dual_float);
}
