//! Helpers shared by the integration tests: random points for quickcheck,
//! domains to map them into, tolerant comparisons, and a central difference.
#![allow(dead_code)]

use quickcheck::{Arbitrary, Gen};

/// A uniformly random number in `[0, 1]`, to be mapped into a domain.
///
/// quickcheck's own `f64` generator produces NaN, infinities and huge values
/// on purpose; the derivative checks want points inside each function's
/// domain instead, so they draw `Unit`s and map them with [`Dom::at`].
#[derive(Clone, Copy, Debug)]
pub struct Unit(pub f64);

impl Arbitrary for Unit {
    fn arbitrary(g: &mut Gen) -> Self {
        // 53 random bits give every representable step of [0, 1).
        let bits = u64::arbitrary(g) >> 11;
        Unit(bits as f64 / (1u64 << 53) as f64)
    }
}

/// A domain to sample from.
#[derive(Clone, Copy, Debug)]
pub enum Dom {
    /// Uniform on `[lo, hi]`.
    Lin(f64, f64),
    /// Log-uniform on `[lo, hi]`, `0 < lo < hi`: every decade equally likely.
    Log(f64, f64),
    /// `±[lo, hi]`, log-uniform magnitude, either sign: keeps away from 0.
    Sym(f64, f64),
}

impl Dom {
    /// Maps `u ∈ [0, 1]` into the domain.
    pub fn at(self, u: f64) -> f64 {
        match self {
            Dom::Lin(lo, hi) => lo + (hi - lo) * u,
            Dom::Log(lo, hi) => (lo * (hi / lo).powf(u)).clamp(lo, hi),
            Dom::Sym(lo, hi) => {
                let m = Dom::Log(lo, hi).at((2.0 * u).fract());
                if u < 0.5 { -m } else { m }
            }
        }
    }
}

/// `|got − want| ≤ rel·|want|`; with `rel = 0` the two must be equal.
pub fn close(got: f64, want: f64, rel: f64) -> bool {
    if rel == 0.0 { got == want } else { (got - want).abs() <= rel * want.abs() }
}

/// Asserts `close`, naming the quantity in the message.
#[track_caller]
pub fn assert_close(what: &str, got: f64, want: f64, rel: f64) {
    assert!(
        close(got, want, rel),
        "{what}: got {got:e}, want {want:e} (relative tolerance {rel:e})"
    );
}

/// The step of a central difference, `ε^(1/3)` scaled to the argument: it
/// balances the `h²` truncation error against the `ε/h` rounding error.
pub fn fd_step(x: f64) -> f64 {
    f64::EPSILON.cbrt() * x.abs().max(1.0)
}

/// Outcome of a central difference at one point.
pub enum Fd {
    /// The central difference and the rounding noise it carries.
    Smooth { slope: f64, noise: f64 },
    /// The one-sided differences disagree: a kink or jump lies within one
    /// step, where no difference quotient approximates the derivative.
    Kink,
}

/// Central difference of `f` at `x` with step [`fd_step`].
pub fn central_difference(f: impl Fn(f64) -> f64, x: f64) -> Fd {
    let h = fd_step(x);
    let (xp, xm) = (x + h, x - h);
    let (fp, f0, fm) = (f(xp), f(x), f(xm));
    let forward = (fp - f0) / (xp - x);
    let backward = (f0 - fm) / (x - xm);
    if (forward - backward).abs() > 1e-2 * (forward.abs() + backward.abs()) + 1e-2 {
        return Fd::Kink;
    }
    let step = xp - xm;
    Fd::Smooth { slope: (fp - fm) / step, noise: 8.0 * f64::EPSILON * (fp.abs() + fm.abs()) / step }
}
