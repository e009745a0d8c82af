//! `num_traits::Float` and the rest of num-traits for `Dual2<T, N>`: how
//! each shape of the one method list ([`crate::surface`]) is done, no maths
//! here. Every differentiable method applies the second-order rule of the
//! same name in [`rules::second`](crate::rules::second) through one of the
//! kernels of `mod.rs`; the piecewise functions select the chosen piece's
//! derivatives whole, as `Dual` does. Also the inherent methods (`x.sin()`
//! with no import) from the shared list.

use num_traits::Float;

use super::Dual2;
use crate::rules;
use crate::rules::second;
use crate::surface::{Surface, float_methods, inherent_methods, num_surface};

impl<T: Float, const N: usize> Dual2<T, N> {
    /// Applies a unary rule `x ↦ (f, f', f'')`.
    #[inline(always)]
    fn unary(self, rule: impl FnOnce(T) -> (T, T, T)) -> Self {
        let (v, d1, d2) = rule(self.re);
        self.chain(v, d1, d2)
    }

    /// For piecewise rules whose partials are `(1, 0)`, `(0, 1)` or
    /// `(½, ½)`: copies the chosen derivatives exactly, averaging at a tie.
    #[inline(always)]
    fn select(self, other: Self, rule: impl FnOnce(T, T) -> (T, T, T)) -> Self {
        let (v, da, db) = rule(self.re, other.re);
        if db.is_zero() {
            self.with_value(v)
        } else if da.is_zero() {
            other.with_value(v)
        } else {
            Dual2::lincomb(&self, &other, v, da, db)
        }
    }
}

/// How `Dual2` does each shape of [`float_methods!`].
macro_rules! dual2_float {
    (constant $name:ident) => {
        #[inline]
        fn $name() -> Self {
            Dual2::constant(T::$name())
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
    (unary $name:ident $code:ident $kind:ident) => {
        #[inline]
        fn $name(self) -> Self {
            self.unary(second::$name)
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
        /// `x^y`; with a constant exponent the `ln x` terms are not computed,
        /// so a negative or zero base is fine.
        #[inline]
        fn powf(self, n: Self) -> Self {
            if n.is_constant() {
                self.unary(|x| second::powf_base(x, n.re))
            } else {
                Dual2::chain2(&self, &n, second::powf(self.re, n.re))
            }
        }
    };
    (binary log $code:ident $kind:ident) => {
        /// `log_b x`; with a constant base only the `x` partials are applied.
        #[inline]
        fn log(self, base: Self) -> Self {
            let r = second::log(self.re, base.re);
            if base.is_constant() {
                self.chain(r.0, r.1, r.3)
            } else {
                Dual2::chain2(&self, &base, r)
            }
        }
    };
    (binary copysign $code:ident $kind:ident) => {
        /// `±x`: the derivatives of `x`, negated where the sign was flipped.
        #[inline]
        fn copysign(self, sign: Self) -> Self {
            let (v, d, _) = rules::copysign(self.re, sign.re);
            self.scale(v, d)
        }
    };
    (binary $name:ident $code:ident $kind:ident) => {
        #[inline]
        fn $name(self, other: Self) -> Self {
            Dual2::chain2(&self, &other, second::$name(self.re, other.re))
        }
    };
    (ternary mul_add $code:ident) => {
        /// `x·a + b` with one rounding in the value; derivatives of the
        /// product plus those of `b`.
        #[inline]
        fn mul_add(self, a: Self, b: Self) -> Self {
            let (v, _, _, _) = rules::mul_add(self.re, a.re, b.re);
            let p = Dual2::mul2(&self, &a, v);
            Dual2::add_parts(&p, &b, v)
        }
    };
    (ternary clamp $code:ident) => {
        /// The input passes through on `[lo, hi]`; outside it, the bound hit.
        #[inline]
        fn clamp(self, lo: Self, hi: Self) -> Self {
            let (v, dx, dlo, _) = rules::clamp(self.re, lo.re, hi.re);
            if !dx.is_zero() {
                self.with_value(v)
            } else if !dlo.is_zero() {
                lo.with_value(v)
            } else {
                hi.with_value(v)
            }
        }
    };
    (powi) => {
        #[inline]
        fn powi(self, n: i32) -> Self {
            self.unary(|x| second::powi(x, n))
        }
    };
    (sin_cos) => {
        #[inline]
        fn sin_cos(self) -> (Self, Self) {
            let (s, c) = self.re.sin_cos();
            (self.chain(s, c, -s), self.chain(c, -s, -c))
        }
    };
}

/// Every method of `Float`, each with its first and second derivatives; see
/// the rules of the same name in [`rules`](crate::rules) and
/// [`rules::second`](crate::rules::second).
impl<T: Float, const N: usize> Float for Dual2<T, N> {
    float_methods!(dual2_float);
}

impl<T: Float, const N: usize> Surface for Dual2<T, N> {
    type Scalar = T;

    #[inline(always)]
    fn lift(x: T) -> Self {
        Dual2::constant(x)
    }

    #[inline(always)]
    fn read_value(&self, _what: &'static str) -> T {
        self.re
    }

    #[inline(always)]
    fn peek(&self) -> T {
        self.re
    }

    #[inline(always)]
    fn is_constant(&self) -> bool {
        Dual2::is_constant(self)
    }
}

num_surface! {
    impl[T: Float, const N: usize] Dual2<T, N>, scalar T;
    floats[const N: usize] Dual2<f32, N>, Dual2<f64, N>;
}

/// # Elementary functions
///
/// The methods of [`Float`] with the same derivatives, callable without
/// importing the trait; the second argument may be a plain scalar.
///
/// ```
/// use dualnum::Dual2;
///
/// let x = Dual2::<f64, 1>::variable(0.5, 0);
/// let y = x.sin() * x.exp() + x.max(0.0) + x.powf(1.5) + x.hypot(2.0);
/// assert!(y.partial2(0, 0).is_finite());
/// ```
impl<T: Float, const N: usize> Dual2<T, N> {
    inherent_methods!();
}
