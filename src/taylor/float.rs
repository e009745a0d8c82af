//! `num_traits::Float` for `Jet<T, K>`: each method of the shared list
//! ([`crate::surface`]) mapped to its rule (value and first coefficient)
//! and its recurrence (the higher coefficients, in `series.rs`).
//!
//! Piecewise and linear methods (`abs`, `signum`, `floor`, `max`, `clamp`,
//! `copysign`, `to_degrees`, …) scale or select whole coefficient arrays
//! through `Dual`'s tangent kernels, so their conventions at ties and
//! kinks are exactly `Dual`'s. Predicates and classification look at the
//! value.

use num_traits::Float;

use super::Jet;
use super::series::{chain1, chain2};
use crate::rules;
use crate::surface::float_methods;

/// `T` from an `f64` constant that every float type represents.
#[inline(always)]
fn cst<T: Float>(v: f64) -> T {
    T::from(v).unwrap_or_else(T::nan)
}

impl<T: Float, const K: usize> Jet<T, K> {
    /// Applies a rule that is linear in its argument (derivative a
    /// constant, higher derivatives zero).
    #[inline(always)]
    fn lin(self, rule: impl FnOnce(T) -> (T, T)) -> Self {
        let (v, d) = rule(self.re);
        self.linear(v, d)
    }

    /// For piecewise rules whose partials are `(1, 0)`, `(0, 1)` or
    /// `(½, ½)`: the chosen jet exactly, averaged only at a tie (as `Dual`).
    #[inline(always)]
    fn select(self, other: Self, rule: impl FnOnce(T, T) -> (T, T, T)) -> Self {
        let (v, da, db) = rule(self.re, other.re);
        if db.is_zero() {
            Jet { re: v, c: self.c }
        } else if da.is_zero() {
            Jet { re: v, c: other.c }
        } else {
            Jet::linear2(&self, &other, v, da, db)
        }
    }

    /// `h′·w(f) = σ·f′` for a jet `w`, through the rule `(v, d)`.
    #[inline(always)]
    fn by_quotient(self, (v, d): (T, T), w: Self, sigma: T) -> Self {
        Jet::divide_integrate(&self, &w, sigma, v, chain1(d, self.c[0]))
    }

    /// `ln f` scaled: `h′·(λf) = f′`, through the rule `(v, d)`.
    #[inline(always)]
    fn log_like(self, (v, d): (T, T), lambda: T) -> Self {
        let w = self.linear(self.re * lambda, lambda);
        self.by_quotient((v, d), w, T::one())
    }

    /// `x^y` for a constant exponent `y`.
    #[inline(always)]
    fn powf_const(self, y: T) -> Self {
        let (v, d) = rules::powf_base(self.re, y);
        let c1 = chain1(d, self.c[0]);
        // An integral exponent by products: exact polynomials stay exact
        // (x^2.0 at 0 is t², not 0/0).
        if y == y.round() && y.abs() <= cst(1024.0) {
            let n = y.to_i32().unwrap_or(0);
            let mut h = self.powu(n.unsigned_abs());
            if n < 0 {
                h = h.recip_jet();
            }
            h.re = v;
            h.c[0] = c1;
            h
        } else {
            Jet::power(&self, y, v, c1)
        }
    }

    /// `1/f`.
    #[inline(always)]
    fn recip_jet(self) -> Self {
        let (v, d) = rules::recip(self.re);
        Jet::over(&self, v, d)
    }

    /// `sin f` and `cos f` together.
    #[inline(always)]
    fn sc(self) -> (Self, Self) {
        let (s, c) = self.re.sin_cos();
        let f1 = self.c[0];
        Jet::sin_cos_like(&self, (s, chain1(c, f1)), (c, chain1(-s, f1)), false)
    }

    /// `sinh f` and `cosh f` together.
    #[inline(always)]
    fn sch(self) -> (Self, Self) {
        let (s, ds) = rules::sinh(self.re);
        let (c, dc) = rules::cosh(self.re);
        let f1 = self.c[0];
        Jet::sin_cos_like(&self, (s, chain1(ds, f1)), (c, chain1(dc, f1)), true)
    }
}

/// How `Jet` does each shape of [`float_methods!`].
macro_rules! jet_float {
    (constant $name:ident) => {
        #[inline]
        fn $name() -> Self {
            Jet::lift(T::$name())
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
    // Derivative a constant (0 or ±1 or a scale): every coefficient scaled.
    (unary floor $code:ident $kind:ident) => { jet_float!(@lin floor); };
    (unary ceil $code:ident $kind:ident) => { jet_float!(@lin ceil); };
    (unary round $code:ident $kind:ident) => { jet_float!(@lin round); };
    (unary trunc $code:ident $kind:ident) => { jet_float!(@lin trunc); };
    (unary signum $code:ident $kind:ident) => { jet_float!(@lin signum); };
    (unary fract $code:ident $kind:ident) => { jet_float!(@lin fract); };
    (unary abs $code:ident $kind:ident) => { jet_float!(@lin abs); };
    (unary to_degrees $code:ident $kind:ident) => { jet_float!(@lin to_degrees); };
    (unary to_radians $code:ident $kind:ident) => { jet_float!(@lin to_radians); };
    (@lin $name:ident) => {
        #[inline]
        fn $name(self) -> Self {
            self.lin(rules::$name)
        }
    };
    (unary recip $code:ident $kind:ident) => {
        #[inline]
        fn recip(self) -> Self {
            self.recip_jet()
        }
    };
    (unary sqrt $code:ident $kind:ident) => {
        /// `h² = f`.
        #[inline]
        fn sqrt(self) -> Self {
            let (v, d) = rules::sqrt(self.re);
            Jet::sqrt_jet(&self, v, chain1(d, self.c[0]))
        }
    };
    (unary cbrt $code:ident $kind:ident) => {
        /// `f·h′ = ⅓·f′·h`.
        #[inline]
        fn cbrt(self) -> Self {
            let (v, d) = rules::cbrt(self.re);
            Jet::power(&self, cst(1.0 / 3.0), v, chain1(d, self.c[0]))
        }
    };
    (unary exp $code:ident $kind:ident) => {
        /// `h′ = f′·h`.
        #[inline]
        fn exp(self) -> Self {
            let (v, d) = rules::exp(self.re);
            Jet::exp_like(&self, T::one(), v, chain1(d, self.c[0]))
        }
    };
    (unary exp2 $code:ident $kind:ident) => {
        /// `h′ = ln 2·f′·h`.
        #[inline]
        fn exp2(self) -> Self {
            let (v, d) = rules::exp2(self.re);
            Jet::exp_like(&self, cst(core::f64::consts::LN_2), v, chain1(d, self.c[0]))
        }
    };
    (unary exp_m1 $code:ident $kind:ident) => {
        /// `eᶠ − 1`: the coefficients of `eᶠ` above the value.
        #[inline]
        fn exp_m1(self) -> Self {
            let (v, d) = rules::exp_m1(self.re);
            let mut h = Jet::exp_like(&self, T::one(), d, chain1(d, self.c[0]));
            h.re = v;
            h
        }
    };
    (unary ln $code:ident $kind:ident) => {
        /// `h′·f = f′`.
        #[inline]
        fn ln(self) -> Self {
            self.log_like(rules::ln(self.re), T::one())
        }
    };
    (unary log2 $code:ident $kind:ident) => {
        /// `h′·(ln 2·f) = f′`.
        #[inline]
        fn log2(self) -> Self {
            self.log_like(rules::log2(self.re), cst(core::f64::consts::LN_2))
        }
    };
    (unary log10 $code:ident $kind:ident) => {
        /// `h′·(ln 10·f) = f′`.
        #[inline]
        fn log10(self) -> Self {
            self.log_like(rules::log10(self.re), cst(core::f64::consts::LN_10))
        }
    };
    (unary ln_1p $code:ident $kind:ident) => {
        /// `h′·(1 + f) = f′`.
        #[inline]
        fn ln_1p(self) -> Self {
            let w = self + Jet::lift(T::one());
            self.by_quotient(rules::ln_1p(self.re), w, T::one())
        }
    };
    (unary sin $code:ident $kind:ident) => {
        /// `s′ = f′·cos f`, `c′ = −f′·sin f`, together.
        #[inline]
        fn sin(self) -> Self {
            self.sc().0
        }
    };
    (unary cos $code:ident $kind:ident) => {
        /// With `sin`, as `sin`.
        #[inline]
        fn cos(self) -> Self {
            self.sc().1
        }
    };
    (unary tan $code:ident $kind:ident) => {
        /// `h′ = f′·(1 + h²)`.
        #[inline]
        fn tan(self) -> Self {
            let (v, d) = rules::tan(self.re);
            Jet::tan_like(&self, T::one(), v, chain1(d, self.c[0]), d)
        }
    };
    (unary asin $code:ident $kind:ident) => {
        /// `h′·√(1 − f²) = f′`.
        #[inline]
        fn asin(self) -> Self {
            let one = Jet::lift(T::one());
            let w = ((one - self) * (one + self)).sqrt();
            self.by_quotient(rules::asin(self.re), w, T::one())
        }
    };
    (unary acos $code:ident $kind:ident) => {
        /// `h′·√(1 − f²) = −f′`.
        #[inline]
        fn acos(self) -> Self {
            let one = Jet::lift(T::one());
            let w = ((one - self) * (one + self)).sqrt();
            self.by_quotient(rules::acos(self.re), w, -T::one())
        }
    };
    (unary atan $code:ident $kind:ident) => {
        /// `h′·(1 + f²) = f′`.
        #[inline]
        fn atan(self) -> Self {
            let w = Jet::lift(T::one()) + self * self;
            self.by_quotient(rules::atan(self.re), w, T::one())
        }
    };
    (unary sinh $code:ident $kind:ident) => {
        /// `s′ = f′·cosh f`, `c′ = f′·sinh f`, together.
        #[inline]
        fn sinh(self) -> Self {
            self.sch().0
        }
    };
    (unary cosh $code:ident $kind:ident) => {
        /// With `sinh`, as `sinh`.
        #[inline]
        fn cosh(self) -> Self {
            self.sch().1
        }
    };
    (unary tanh $code:ident $kind:ident) => {
        /// `h′ = f′·(1 − h²)`.
        #[inline]
        fn tanh(self) -> Self {
            let (v, d) = rules::tanh(self.re);
            Jet::tan_like(&self, -T::one(), v, chain1(d, self.c[0]), d)
        }
    };
    (unary asinh $code:ident $kind:ident) => {
        /// `h′·√(1 + f²) = f′`.
        #[inline]
        fn asinh(self) -> Self {
            let w = self.hypot(Jet::lift(T::one()));
            self.by_quotient(rules::asinh(self.re), w, T::one())
        }
    };
    (unary acosh $code:ident $kind:ident) => {
        /// `h′·√(f − 1)·√(f + 1) = f′`.
        #[inline]
        fn acosh(self) -> Self {
            let one = Jet::lift(T::one());
            let w = (self - one).sqrt() * (self + one).sqrt();
            self.by_quotient(rules::acosh(self.re), w, T::one())
        }
    };
    (unary atanh $code:ident $kind:ident) => {
        /// `h′·(1 − f)(1 + f) = f′`.
        #[inline]
        fn atanh(self) -> Self {
            let one = Jet::lift(T::one());
            let w = (one - self) * (one + self);
            self.by_quotient(rules::atanh(self.re), w, T::one())
        }
    };
    (binary hypot $code:ident $kind:ident) => {
        /// `h² = f² + g²`.
        #[inline]
        fn hypot(self, other: Self) -> Self {
            let (v, da, db) = rules::hypot(self.re, other.re);
            Jet::hypot_jet(&self, &other, v, chain2(da, self.c[0], db, other.c[0]))
        }
    };
    (binary atan2 $code:ident $kind:ident) => {
        /// `h′·(x² + y²) = x·y′ − y·x′`.
        #[inline]
        fn atan2(self, other: Self) -> Self {
            let (v, da, db) = rules::atan2(self.re, other.re);
            Jet::atan2_jet(&self, &other, v, chain2(da, self.c[0], db, other.c[0]))
        }
    };
    (binary powf $code:ident $kind:ident) => {
        /// `x^y`: a constant exponent by products (integral) or the power
        /// recurrence; otherwise `exp(y·ln x)`. A constant base 0 with a
        /// positive exponent is the constant 0, as `Dual`'s `∂/∂y = 0`.
        #[inline]
        fn powf(self, y: Self) -> Self {
            if y.is_constant() {
                return self.powf_const(y.re);
            }
            let (v, dx, dy) = rules::powf(self.re, y.re);
            let c1 = chain2(dx, self.c[0], dy, y.c[0]);
            if self.is_constant() && self.re.is_zero() && y.re > T::zero() {
                return Jet::linear2(&self, &y, v, dx, dy);
            }
            let mut h = (y * self.ln()).exp();
            h.re = v;
            h.c[0] = c1;
            h
        }
    };
    (binary log $code:ident $kind:ident) => {
        /// `ln x / ln b`; with a constant base, `h′·(ln b·x) = x′`.
        #[inline]
        fn log(self, base: Self) -> Self {
            let (v, dx, db) = rules::log(self.re, base.re);
            if base.is_constant() {
                self.log_like((v, dx), base.re.ln())
            } else {
                let mut h = self.ln() / base.ln();
                h.re = v;
                h.c[0] = chain2(dx, self.c[0], db, base.c[0]);
                h
            }
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
    (binary copysign $code:ident $kind:ident) => {
        /// `±x`: every coefficient negated where the sign was flipped.
        #[inline]
        fn copysign(self, sign: Self) -> Self {
            let (v, d, _) = rules::copysign(self.re, sign.re);
            self.linear(v, d)
        }
    };
    (binary abs_sub $code:ident $kind:ident) => {
        /// `x − y` where `x > y`, else the constant 0.
        #[inline]
        fn abs_sub(self, other: Self) -> Self {
            let (v, da, db) = rules::abs_sub(self.re, other.re);
            Jet::linear2(&self, &other, v, da, db)
        }
    };
    (ternary mul_add $code:ident) => {
        /// `x·a + b`, the value with one rounding.
        #[inline]
        fn mul_add(self, a: Self, b: Self) -> Self {
            let (v, dx, da, _) = rules::mul_add(self.re, a.re, b.re);
            let c1 = chain2(dx, self.c[0], da, a.c[0]) + b.c[0];
            let mut h = self * a + b;
            h.re = v;
            h.c[0] = c1;
            h
        }
    };
    (ternary clamp $code:ident) => {
        /// The input passes through on `[lo, hi]`; outside, the bound hit.
        #[inline]
        fn clamp(self, lo: Self, hi: Self) -> Self {
            let (v, dx, dlo, _) = rules::clamp(self.re, lo.re, hi.re);
            let c = if !dx.is_zero() {
                self.c
            } else if !dlo.is_zero() {
                lo.c
            } else {
                hi.c
            };
            Jet { re: v, c }
        }
    };
    (powi) => {
        /// `fⁿ` by repeated squaring (and a reciprocal for `n < 0`).
        #[inline]
        fn powi(self, n: i32) -> Self {
            let (v, d) = rules::powi(self.re, n);
            let mut h = self.powu(n.unsigned_abs());
            if n < 0 {
                h = h.recip_jet();
            }
            h.re = v;
            h.c[0] = chain1(d, self.c[0]);
            h
        }
    };
    (sin_cos) => {
        #[inline]
        fn sin_cos(self) -> (Self, Self) {
            self.sc()
        }
    };
}

/// Every method of `Float`, each with its Taylor coefficients; see the
/// rule of the same name in [`rules`](crate::rules) for the first-order
/// formula and the domain policy, and `series.rs` for the recurrences.
impl<T: Float, const K: usize> Float for Jet<T, K> {
    float_methods!(jet_float);
}
