//! The Taylor-coefficient recurrences: how each operation maps the
//! coefficients of its arguments to those of its result.
//!
//! Notation: `fₖ` is the coefficient of `tᵏ` of the argument (`f.at(k)`;
//! `f₀` the value, `fₖ = f.c[k − 1]` for `k ≥ 1`), `hₖ` that of the result.
//! Every function below fills the value from the rule of
//! [`rules`](crate::rules) and the first coefficient through `Dual`'s own
//! chain kernels ([`tangent::scale`], [`tangent::lincomb`] at width 1), so
//! that an order-1 jet is bit-for-bit a `Dual<T, 1>`; the coefficients
//! `k ≥ 2` come from the recurrences:
//!
//! | result | relation | recurrence for `k ≥ 2` |
//! |---|---|---|
//! | `f·g` | Cauchy product | `hₖ = Σ_{j=0..k} fⱼ·g_{k−j}` |
//! | `f/g` | `h·g = f` | `hₖ = (fₖ − Σ_{j=1..k} gⱼ·h_{k−j}) / g₀` |
//! | `√f` | `h² = f` | `hₖ = (fₖ − Σ_{j=1..k−1} hⱼ·h_{k−j}) / 2h₀` |
//! | `f^α` | `f·h′ = α·f′·h` | `hₖ = Σ_{j=1..k} (αj − k + j)·fⱼ·h_{k−j} / (k·f₀)` |
//! | `e^{λf}` | `h′ = λ·f′·h` | `hₖ = (λ/k)·Σ_{j=1..k} j·fⱼ·h_{k−j}` |
//! | `sin f`, `cos f` | `s′ = f′·c`, `c′ = −f′·s` | `sₖ = (1/k)·Σ_{j=1..k} j·fⱼ·c_{k−j}`, likewise `cₖ` |
//! | `tan f` | `h′ = f′·(1 + h²)` | as `sin`, with `u = 1 + h²` built alongside |
//! | `h′·w = σf′` | divide and integrate | `hₖ = (σk·fₖ − Σ_{j=1..k−1} j·hⱼ·w_{k−j}) / (k·w₀)` |
//!
//! `w` is itself a jet: `√(1 − f²)` for `asin`, `1 + f²` for `atan`, `f`
//! for `ln`, `1 + f` for `ln_1p`, and so on.
//!
//! # NaN safety
//!
//! Each recurrence takes a flag `safe`. The fast path (`safe = false`) is
//! the plain formula. Where a product or quotient meets a zero coefficient
//! next to an infinite one (`0·∞`, `0/0`), it gives NaN; every operation
//! runs through [`guarded`], which redoes the recurrence with `safe = true`
//! if any coefficient came out NaN. The safe recurrence keeps a product with
//! an exactly-zero factor, and a quotient with an exactly-zero numerator,
//! exactly zero: a coefficient that does not depend on the input stays 0.

use num_traits::Float;

use super::Jet;
use crate::{rules, tangent};

/// `a·b`; on the safe path exactly zero when either factor is zero.
#[inline(always)]
fn m<T: Float>(safe: bool, a: T, b: T) -> T {
    if safe && (a.is_zero() || b.is_zero()) { T::neg_zero() } else { a * b }
}

/// `n/d`; on the safe path exactly zero when the numerator is zero.
#[inline(always)]
fn q<T: Float>(safe: bool, n: T, d: T) -> T {
    if safe && n.is_zero() { T::neg_zero() } else { n / d }
}

/// The integer `j` in `T`.
#[inline(always)]
fn int<T: Float>(j: usize) -> T {
    T::from(j).unwrap_or_else(T::nan)
}

/// `d·ḟ` for the first coefficient, through `Dual<T, 1>`'s kernel.
#[inline(always)]
pub(crate) fn chain1<T: Float>(d: T, f1: T) -> T {
    tangent::scale::<T, 1, true>(d, &[f1])[0]
}

/// `a·ḟ + b·ġ` for the first coefficient, through `Dual<T, 1>`'s kernel.
#[inline(always)]
pub(crate) fn chain2<T: Float>(a: T, f1: T, b: T, g1: T) -> T {
    tangent::lincomb::<T, 1, true>(a, &[f1], b, &[g1])[0]
}

/// Runs `body(false)`, and `body(true)` instead if a coefficient came out
/// NaN (see the module docs).
#[inline(always)]
pub(crate) fn guarded<T: Float, const K: usize>(body: impl Fn(bool) -> Jet<T, K>) -> Jet<T, K> {
    let r = body(false);
    if r.has_nan() { body(true) } else { r }
}

impl<T: Float, const K: usize> Jet<T, K> {
    /// A jet with value `v` and first coefficient `c1`, the rest to be
    /// filled.
    #[inline(always)]
    fn start(v: T, c1: T) -> Self {
        let mut h = Jet::lift(v);
        h.c[0] = c1;
        h
    }

    /// Applies a rule that is linear in its argument: every coefficient
    /// scaled by `d` (`abs`, `signum`, `floor`, `to_degrees`, `x·s`, …).
    #[inline(always)]
    pub(crate) fn linear(&self, v: T, d: T) -> Self {
        Jet { re: v, c: tangent::scale::<T, K, true>(d, &self.c) }
    }

    /// `a·f + b·g` coefficient by coefficient above the value.
    #[inline(always)]
    pub(crate) fn linear2(f: &Self, g: &Self, v: T, a: T, b: T) -> Self {
        Jet { re: v, c: tangent::lincomb::<T, K, true>(a, &f.c, b, &g.c) }
    }

    /// The truncated Cauchy product `f·g` (coefficients `k ≥ 2` only; the
    /// caller supplies value and first coefficient).
    #[inline(always)]
    fn cauchy(safe: bool, f: &Self, g: &Self, v: T, c1: T) -> Self {
        let mut h = Self::start(v, c1);
        for k in 2..=K {
            let mut s = m(safe, f.re, g.c[k - 1]);
            for j in 1..k {
                s = s + m(safe, f.c[j - 1], g.c[k - j - 1]);
            }
            h.c[k - 1] = s + m(safe, f.c[k - 1], g.re);
        }
        h
    }

    /// `f·g`.
    #[inline(always)]
    pub(crate) fn mul_jet(f: &Self, g: &Self) -> Self {
        let (v, da, db) = rules::mul(f.re, g.re);
        let c1 = chain2(da, f.c[0], db, g.c[0]);
        guarded(|safe| Self::cauchy(safe, f, g, v, c1))
    }

    /// `f/g`.
    #[inline(always)]
    pub(crate) fn div_jet(f: &Self, g: &Self) -> Self {
        let (v, da, db) = rules::div(f.re, g.re);
        let c1 = chain2(da, f.c[0], db, g.c[0]);
        guarded(|safe| {
            let mut h = Self::start(v, c1);
            for k in 2..=K {
                let mut s = f.c[k - 1];
                for j in 1..=k {
                    s = s - m(safe, g.c[j - 1], h.at(k - j));
                }
                h.c[k - 1] = q(safe, s, g.re);
            }
            h
        })
    }

    /// `s/g` for a constant `s` with value `v` and first-coefficient
    /// derivative `d`: `h·g = s`.
    #[inline(always)]
    pub(crate) fn over(g: &Self, v: T, d: T) -> Self {
        let c1 = chain1(d, g.c[0]);
        guarded(|safe| {
            let mut h = Self::start(v, c1);
            for k in 2..=K {
                let mut s = T::neg_zero();
                for j in 1..=k {
                    s = s - m(safe, g.c[j - 1], h.at(k - j));
                }
                h.c[k - 1] = q(safe, s, g.re);
            }
            h
        })
    }

    /// `√f` with value `v` and first coefficient `c1`: `h² = f`.
    #[inline(always)]
    pub(crate) fn sqrt_jet(f: &Self, v: T, c1: T) -> Self {
        guarded(|safe| {
            let mut h = Self::start(v, c1);
            let two_h0 = (v + v).abs();
            for k in 2..=K {
                let mut s = f.c[k - 1];
                for j in 1..k {
                    s = s - m(safe, h.c[j - 1], h.c[k - j - 1]);
                }
                h.c[k - 1] = q(safe, s, two_h0);
            }
            h
        })
    }

    /// `f^α` with value `v` and first coefficient `c1`: `f·h′ = α·f′·h`.
    #[inline(always)]
    pub(crate) fn power(f: &Self, alpha: T, v: T, c1: T) -> Self {
        guarded(|safe| {
            let mut h = Self::start(v, c1);
            for k in 2..=K {
                let mut s = T::neg_zero();
                for j in 1..=k {
                    let w = alpha * int(j) - int(k - j);
                    s = s + m(safe, w, m(safe, f.c[j - 1], h.at(k - j)));
                }
                h.c[k - 1] = q(safe, s, int::<T>(k) * f.re);
            }
            h
        })
    }

    /// `e^{λf}`-like: `h′ = λ·f′·h`, value `v`, first coefficient `c1`.
    #[inline(always)]
    pub(crate) fn exp_like(f: &Self, lambda: T, v: T, c1: T) -> Self {
        guarded(|safe| {
            let mut h = Self::start(v, c1);
            for k in 2..=K {
                let mut s = T::neg_zero();
                for j in 1..=k {
                    s = s + m(safe, int::<T>(j) * f.c[j - 1], h.at(k - j));
                }
                h.c[k - 1] = m(safe, s, lambda / int(k));
            }
            h
        })
    }

    /// `h′·w = σ·f′` for a known jet `w` and a sign `σ = ±1`, value `v`,
    /// first coefficient `c1`.
    #[inline(always)]
    pub(crate) fn divide_integrate(f: &Self, w: &Self, sigma: T, v: T, c1: T) -> Self {
        guarded(|safe| {
            let mut h = Self::start(v, c1);
            for k in 2..=K {
                let mut s = sigma * int::<T>(k) * f.c[k - 1];
                for j in 1..k {
                    s = s - m(safe, int::<T>(j) * h.c[j - 1], w.c[k - j - 1]);
                }
                h.c[k - 1] = q(safe, s, int::<T>(k) * w.re);
            }
            h
        })
    }

    /// `(sin f, cos f)` (`hyperbolic`: `(sinh f, cosh f)`) from the values
    /// and first coefficients: `s′ = f′·c`, `c′ = ∓f′·s`.
    #[inline(always)]
    pub(crate) fn sin_cos_like(
        f: &Self,
        (s0, s1): (T, T),
        (c0, c1): (T, T),
        hyperbolic: bool,
    ) -> (Self, Self) {
        let body = |safe: bool| {
            let mut s = Self::start(s0, s1);
            let mut c = Self::start(c0, c1);
            for k in 2..=K {
                let mut ss = T::neg_zero();
                let mut cs = T::neg_zero();
                for j in 1..=k {
                    let jf = int::<T>(j) * f.c[j - 1];
                    ss = ss + m(safe, jf, c.at(k - j));
                    cs = cs + m(safe, jf, s.at(k - j));
                }
                let kf = int::<T>(k);
                s.c[k - 1] = q(safe, ss, kf);
                c.c[k - 1] = if hyperbolic { q(safe, cs, kf) } else { -q(safe, cs, kf) };
            }
            (s, c)
        };
        let r = body(false);
        if r.0.has_nan() || r.1.has_nan() { body(true) } else { r }
    }

    /// `h′ = f′·(1 + σh²)`: `tan` (`σ = 1`) and `tanh` (`σ = −1`), from
    /// the value, first coefficient and `u₀ = 1 + σh₀²` (the rule's
    /// derivative).
    #[inline(always)]
    pub(crate) fn tan_like(f: &Self, sigma: T, v: T, c1: T, u0: T) -> Self {
        guarded(|safe| {
            let mut h = Self::start(v, c1);
            // u = 1 + σh², kept as [u₀, …, u_{K−1}].
            let mut u = [T::neg_zero(); K];
            u[0] = u0;
            for k in 1..=K {
                if k >= 2 {
                    let mut s = T::neg_zero();
                    for j in 1..=k {
                        s = s + m(safe, int::<T>(j) * f.c[j - 1], u[k - j]);
                    }
                    h.c[k - 1] = q(safe, s, int(k));
                }
                if k < K {
                    let mut p = T::neg_zero();
                    for j in 0..=k {
                        p = p + m(safe, h.at(j), h.at(k - j));
                    }
                    u[k] = sigma * p;
                }
            }
            h
        })
    }

    /// `√(f² + g²)`: `h² = f² + g²`, value and first coefficient given.
    #[inline(always)]
    pub(crate) fn hypot_jet(f: &Self, g: &Self, v: T, c1: T) -> Self {
        guarded(|safe| {
            let mut h = Self::start(v, c1);
            let two_h0 = v + v;
            for k in 2..=K {
                let mut s = T::neg_zero();
                for j in 0..=k {
                    s = s + m(safe, f.at(j), f.at(k - j)) + m(safe, g.at(j), g.at(k - j));
                }
                for j in 1..k {
                    s = s - m(safe, h.c[j - 1], h.c[k - j - 1]);
                }
                h.c[k - 1] = q(safe, s, two_h0);
            }
            h
        })
    }

    /// `atan2(y, x)`: `h′·(x² + y²) = x·y′ − y·x′`, value and first
    /// coefficient given.
    #[inline(always)]
    pub(crate) fn atan2_jet(y: &Self, x: &Self, v: T, c1: T) -> Self {
        let w = Self::mul_jet(x, x) + Self::mul_jet(y, y);
        guarded(|safe| {
            let mut h = Self::start(v, c1);
            for k in 2..=K {
                // r_{k−1}: the coefficient of t^{k−1} in x·y′ − y·x′.
                let mut s = T::neg_zero();
                for j in 0..k {
                    let d = int::<T>(k - j);
                    s = s + m(safe, x.at(j), d * y.c[k - j - 1])
                        - m(safe, y.at(j), d * x.c[k - j - 1]);
                }
                for j in 1..k {
                    s = s - m(safe, int::<T>(j) * h.c[j - 1], w.c[k - j - 1]);
                }
                h.c[k - 1] = q(safe, s, int::<T>(k) * w.re);
            }
            h
        })
    }

    /// `fⁿ` by repeated squaring (no division, so exact polynomials stay
    /// exact at 0), `n ≥ 0`.
    #[inline]
    pub(crate) fn powu(self, mut n: u32) -> Self {
        let mut acc = Jet::lift(T::one());
        let mut base = self;
        let mut first = true;
        while n > 0 {
            if n & 1 == 1 {
                acc = if first { base } else { Self::mul_jet(&acc, &base) };
                first = false;
            }
            n >>= 1;
            if n > 0 {
                base = Self::mul_jet(&base, &base);
            }
        }
        acc
    }
}
