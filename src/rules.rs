//! The rule table: every elementary function once, as its value and its
//! local partial derivatives, generic over `T: Float`.
//!
//! A unary rule returns `(f(x), f'(x))`; a binary rule returns
//! `(f(x, y), ∂f/∂x, ∂f/∂y)`. Rules know nothing about modes: forward mode
//! multiplies the partials into tangents at once ([`Dual::chain`]), reverse
//! mode records them on a tape, and user-defined blocks have the same shape.
//! Because the rules are generic over `T: Float` and `Dual<T, N>: Float`,
//! nesting (second derivatives) needs nothing more.
//!
//! Every rule's value is exactly what plain `T` computes, so a dual's value
//! is bit-for-bit the plain result. Derivatives are written to stay accurate
//! where the obvious formula is not: `tanh' = 1/cosh²` (not `1 − tanh²`,
//! which cancels for |x| > 19), `asinh' = 1/hypot(x, 1)` (no overflow of
//! `x²`), `acosh' = 1/(√(x−1)·√(x+1))`, `x^n` differentiates as
//! `n·x^(n−1)` and never as `n·xⁿ/x`.
//!
//! # Domain policy
//!
//! A rule returns the mathematically honest partial even where it is
//! infinite (√x at 0 gives `+∞`) or undefined (`ln x` at `x < 0` gives NaN).
//! The chain kernels then keep every tangent lane that is exactly zero at
//! zero, so an infinite partial only shows in a lane that actually depends
//! on the input (see [`Dual::chain`]). Where a function has no derivative but
//! a natural subgradient, the rule picks it and says so (`hypot` at (0, 0),
//! `abs` at ±0, ties in `max`/`min`).
//!
//! [`Dual::chain`]: crate::Dual::chain

use num_traits::Float;

#[inline(always)]
fn c<T: Float>(v: f64) -> T {
    // Every constant used here is representable in any Float to its precision.
    T::from(v).unwrap_or_else(T::nan)
}

#[inline(always)]
fn two<T: Float>() -> T {
    T::one() + T::one()
}

/// The derivative `d`, or NaN where the value `v` is NaN: outside a
/// function's real domain (`ln x` at `x < 0`) the derivative is undefined
/// too, not the formula's finite continuation (`1/x`).
#[inline(always)]
fn within<T: Float>(v: T, d: T) -> T {
    if v.is_nan() { v } else { d }
}

// ---------------------------------------------------------------------------
// Arithmetic
// ---------------------------------------------------------------------------

/// `(x + h) + (y + k) = (x + y) + (h + k)`: partials `(1, 1)`.
#[inline(always)]
pub fn add<T: Float>(x: T, y: T) -> (T, T, T) {
    (x + y, T::one(), T::one())
}

/// `(x + h) − (y + k) = (x − y) + (h − k)`: partials `(1, −1)`.
#[inline(always)]
pub fn sub<T: Float>(x: T, y: T) -> (T, T, T) {
    (x - y, T::one(), -T::one())
}

/// `(x + h)(y + k) ≈ xy + y·h + x·k`: partials `(y, x)`.
#[inline(always)]
pub fn mul<T: Float>(x: T, y: T) -> (T, T, T) {
    (x * y, y, x)
}

/// `(x + h)/(y + k) ≈ x/y + h/y − (x/y)·k/y`: partials `(1/y, −q/y)` with
/// `q = x/y`.
///
/// # Domain
/// At `y = 0` both partials are infinite or NaN; zero tangent lanes stay zero.
#[inline(always)]
pub fn div<T: Float>(x: T, y: T) -> (T, T, T) {
    let q = x / y;
    let r = y.recip();
    (q, r, -q * r)
}

/// `x mod y = x − trunc(x/y)·y`: partials `(1, −trunc(x/y))`.
///
/// The quotient is recovered exactly as `(x − x mod y)/y`, rounded to the
/// integer it is, so it is right even where `x/y` rounds across an integer.
/// The jumps where `trunc` changes have derivative zero by convention.
#[inline(always)]
pub fn rem<T: Float>(x: T, y: T) -> (T, T, T) {
    let r = x % y;
    let n = ((x - r) / y).round();
    (r, T::one(), -n)
}

/// `1/(x + h) ≈ 1/x − h/x²`.
///
/// # Domain
/// At `x = ±0` the derivative is `−∞`.
#[inline(always)]
pub fn recip<T: Float>(x: T) -> (T, T) {
    let r = x.recip();
    (r, -(r * r))
}

/// `x·y + z` with one rounding: partials `(y, x, 1)`.
#[inline(always)]
pub fn mul_add<T: Float>(x: T, y: T, z: T) -> (T, T, T, T) {
    (x.mul_add(y, z), y, x, T::one())
}

// ---------------------------------------------------------------------------
// Powers and roots
// ---------------------------------------------------------------------------

/// `(x + h)ⁿ ≈ xⁿ + n·xⁿ⁻¹·h`.
///
/// # Domain
/// The derivative is computed as `n·xⁿ⁻¹`, never `n·xⁿ/x`: it is finite
/// where only `xⁿ` overflows (`x²` at 1e200 has derivative 2e200) and at
/// `x = 0`. `n = 0` has derivative exactly 0, also at `x = 0`.
#[inline(always)]
pub fn powi<T: Float>(x: T, n: i32) -> (T, T) {
    let v = x.powi(n);
    let d = match n {
        0 => T::zero(),
        1 => T::one(),
        2 => two::<T>() * x,
        i32::MIN => c::<T>(n as f64) * x.powi(n / 2) * x.powi(n / 2 - 1),
        _ => c::<T>(n as f64) * x.powi(n - 1),
    };
    (v, d)
}

/// `(x + h)^y ≈ x^y + y·x^(y−1)·h`: the exponent held constant.
///
/// # Domain
/// `y·x^(y−1)` is used as it stands, so `x^2.0` at 0 has derivative 0,
/// `(−2)^3.0` has derivative 12, and `x^0.5` at 0 has `+∞`. `y = 0` has
/// derivative exactly 0.
#[inline(always)]
pub fn powf_base<T: Float>(x: T, y: T) -> (T, T) {
    let v = x.powf(y);
    let d = if y.is_zero() {
        T::zero()
    } else if (y - T::one()).is_zero() {
        // Structural, not `y == 1`: a nested dual whose value is 1 but whose
        // tangent is not must take the general formula, or its higher
        // derivatives lose the exponent's variation.
        T::one()
    } else {
        y * x.powf(y - T::one())
    };
    (v, d)
}

/// `x^y` with both varying: partials `(y·x^(y−1), x^y·ln x)`.
///
/// # Domain
/// The base partial is [`powf_base`]'s. The exponent partial `x^y·ln x` is
/// 0 at `x = 0` for `y > 0` (the limit; `0·(−∞)` is not left to IEEE), and
/// NaN for `x < 0` (a negative base has no real power nearby): in a lane
/// where the exponent's tangent is zero it is dropped, so a constant
/// exponent never produces NaN.
#[inline(always)]
pub fn powf<T: Float>(x: T, y: T) -> (T, T, T) {
    let (v, dx) = powf_base(x, y);
    let dy = if x.is_zero() && y > T::zero() { T::zero() } else { v * x.ln() };
    (v, dx, dy)
}

/// `√(x + h) ≈ √x + h/(2√x)`.
///
/// # Domain
/// At `x = ±0` the derivative is `+∞` (`√−0 = −0`, hence `|√x|` below);
/// below 0 the value and derivative are NaN.
#[inline(always)]
pub fn sqrt<T: Float>(x: T) -> (T, T) {
    let s = x.sqrt();
    (s, (two::<T>() * s.abs()).recip())
}

/// `∛(x + h) ≈ ∛x + h/(3∛x²)`.
///
/// # Domain
/// At `x = 0` the derivative is `+∞`.
#[inline(always)]
pub fn cbrt<T: Float>(x: T) -> (T, T) {
    let s = x.cbrt();
    (s, (c::<T>(3.0) * s * s).recip())
}

/// `hypot(x, y) = √(x² + y²)`: partials `(x/h, y/h)`.
///
/// # Domain
/// At `(0, 0)`, where the cone has no derivative, both partials are 0: a
/// valid subgradient, and what a norm needs so that `‖0‖` does not poison a
/// gradient. Computed as `x/h`, so it does not overflow where `x²` would.
#[inline(always)]
pub fn hypot<T: Float>(x: T, y: T) -> (T, T, T) {
    let h = x.hypot(y);
    if h.is_zero() { (h, T::zero(), T::zero()) } else { (h, x / h, y / h) }
}

// ---------------------------------------------------------------------------
// Exponentials and logarithms
// ---------------------------------------------------------------------------

/// `e^(x + h) ≈ eˣ + eˣ·h`.
#[inline(always)]
pub fn exp<T: Float>(x: T) -> (T, T) {
    let v = x.exp();
    (v, v)
}

/// `2^(x + h) ≈ 2ˣ + 2ˣ·ln 2·h`.
#[inline(always)]
pub fn exp2<T: Float>(x: T) -> (T, T) {
    let v = x.exp2();
    (v, v * c(core::f64::consts::LN_2))
}

/// `e^(x + h) − 1 ≈ (eˣ − 1) + eˣ·h`.
#[inline(always)]
pub fn exp_m1<T: Float>(x: T) -> (T, T) {
    (x.exp_m1(), x.exp())
}

/// `ln(x + h) ≈ ln x + h/x`.
///
/// # Domain
/// At `x = 0` the derivative is `+∞`; below 0 the value and derivative are
/// NaN.
#[inline(always)]
pub fn ln<T: Float>(x: T) -> (T, T) {
    let v = x.ln();
    (v, within(v, x.recip()))
}

/// `log₂(x + h) ≈ log₂ x + h/(x·ln 2)`.
#[inline(always)]
pub fn log2<T: Float>(x: T) -> (T, T) {
    let v = x.log2();
    (v, within(v, (x * c(core::f64::consts::LN_2)).recip()))
}

/// `log₁₀(x + h) ≈ log₁₀ x + h/(x·ln 10)`.
#[inline(always)]
pub fn log10<T: Float>(x: T) -> (T, T) {
    let v = x.log10();
    (v, within(v, (x * c(core::f64::consts::LN_10)).recip()))
}

/// `ln(1 + x + h) ≈ ln(1 + x) + h/(1 + x)`.
#[inline(always)]
pub fn ln_1p<T: Float>(x: T) -> (T, T) {
    let v = x.ln_1p();
    (v, within(v, (T::one() + x).recip()))
}

/// `log_b x = ln x / ln b`: partials `(1/(x·ln b), −log_b x/(b·ln b))`.
///
/// # Domain
/// As [`ln`] in each argument; the base partial is dropped where the base's
/// tangent is zero.
#[inline(always)]
pub fn log<T: Float>(x: T, b: T) -> (T, T, T) {
    let v = x.log(b);
    let lb = b.ln();
    (v, within(v, (x * lb).recip()), -v / (b * lb))
}

// ---------------------------------------------------------------------------
// Trigonometric
// ---------------------------------------------------------------------------

/// `sin(x + h) ≈ sin x + cos x·h`.
#[inline(always)]
pub fn sin<T: Float>(x: T) -> (T, T) {
    x.sin_cos()
}

/// `cos(x + h) ≈ cos x − sin x·h`.
#[inline(always)]
pub fn cos<T: Float>(x: T) -> (T, T) {
    let (s, c) = x.sin_cos();
    (c, -s)
}

/// `tan(x + h) ≈ tan x + (1 + tan² x)·h`.
#[inline(always)]
pub fn tan<T: Float>(x: T) -> (T, T) {
    let t = x.tan();
    (t, T::one() + t * t)
}

/// `asin(x + h) ≈ asin x + h/√((1 − x)(1 + x))`.
///
/// # Domain
/// At `x = ±1` the derivative is `+∞`; outside `[−1, 1]` NaN.
#[inline(always)]
pub fn asin<T: Float>(x: T) -> (T, T) {
    (x.asin(), ((T::one() - x) * (T::one() + x)).sqrt().recip())
}

/// `acos(x + h) ≈ acos x − h/√((1 − x)(1 + x))`.
///
/// # Domain
/// At `x = ±1` the derivative is `−∞`; outside `[−1, 1]` NaN.
#[inline(always)]
pub fn acos<T: Float>(x: T) -> (T, T) {
    (x.acos(), -((T::one() - x) * (T::one() + x)).sqrt().recip())
}

/// `atan(x + h) ≈ atan x + h/(1 + x²)`.
#[inline(always)]
pub fn atan<T: Float>(x: T) -> (T, T) {
    (x.atan(), (T::one() + x * x).recip())
}

/// `atan2(y, x)`: partials `(x/r², −y/r²)` with `r = hypot(x, y)`, computed
/// as `(x/r)/r` so that `r²` cannot overflow.
///
/// # Domain
/// At `(0, 0)` the partials are NaN (the angle has no limit there); lanes
/// where both tangents are zero stay zero.
#[inline(always)]
pub fn atan2<T: Float>(y: T, x: T) -> (T, T, T) {
    let r = x.hypot(y);
    (y.atan2(x), x / r / r, -(y / r) / r)
}

// ---------------------------------------------------------------------------
// Hyperbolic
// ---------------------------------------------------------------------------

/// `sinh(x + h) ≈ sinh x + cosh x·h`.
#[inline(always)]
pub fn sinh<T: Float>(x: T) -> (T, T) {
    (x.sinh(), x.cosh())
}

/// `cosh(x + h) ≈ cosh x + sinh x·h`.
#[inline(always)]
pub fn cosh<T: Float>(x: T) -> (T, T) {
    (x.cosh(), x.sinh())
}

/// `tanh(x + h) ≈ tanh x + h/cosh² x`; `1 − tanh²` would cancel to 0 for
/// `|x| > 19` in f64.
#[inline(always)]
pub fn tanh<T: Float>(x: T) -> (T, T) {
    let c = x.cosh();
    (x.tanh(), (c * c).recip())
}

/// `asinh(x + h) ≈ asinh x + h/√(x² + 1)`, computed as `1/hypot(x, 1)`.
#[inline(always)]
pub fn asinh<T: Float>(x: T) -> (T, T) {
    (x.asinh(), x.hypot(T::one()).recip())
}

/// `acosh(x + h) ≈ acosh x + h/(√(x − 1)·√(x + 1))`.
///
/// # Domain
/// At `x = 1` the derivative is `+∞`; below 1 NaN.
#[inline(always)]
pub fn acosh<T: Float>(x: T) -> (T, T) {
    (x.acosh(), ((x - T::one()).sqrt() * (x + T::one()).sqrt()).recip())
}

/// `atanh(x + h) ≈ atanh x + h/((1 − x)(1 + x))`.
///
/// # Domain
/// At `x = ±1` the derivative is `+∞`; outside `[−1, 1]` NaN.
#[inline(always)]
pub fn atanh<T: Float>(x: T) -> (T, T) {
    let v = x.atanh();
    (v, within(v, ((T::one() - x) * (T::one() + x)).recip()))
}

// ---------------------------------------------------------------------------
// Piecewise: sign, rounding, extrema
// ---------------------------------------------------------------------------

/// `|x|`: derivative `+1` where the sign bit of `x` is clear (`x > 0` and
/// `x = +0`), `−1` where it is set (`x < 0` and `x = −0`).
#[inline(always)]
pub fn abs<T: Float>(x: T) -> (T, T) {
    let d = if x.is_sign_negative() { -T::one() } else { T::one() };
    (x.abs(), d)
}

/// `signum(x)`: derivative 0 everywhere (the jump at 0 is not a derivative).
#[inline(always)]
pub fn signum<T: Float>(x: T) -> (T, T) {
    (x.signum(), T::zero())
}

/// `copysign(x, s) = ±x`: partials `(±1, 0)`, the sign being the one that
/// was applied to `x`.
#[inline(always)]
pub fn copysign<T: Float>(x: T, s: T) -> (T, T, T) {
    let d = if x.is_sign_negative() == s.is_sign_negative() { T::one() } else { -T::one() };
    (x.copysign(s), d, T::zero())
}

/// `floor`: derivative 0 (also at the jumps).
#[inline(always)]
pub fn floor<T: Float>(x: T) -> (T, T) {
    (x.floor(), T::zero())
}

/// `ceil`: derivative 0 (also at the jumps).
#[inline(always)]
pub fn ceil<T: Float>(x: T) -> (T, T) {
    (x.ceil(), T::zero())
}

/// `round`: derivative 0 (also at the jumps).
#[inline(always)]
pub fn round<T: Float>(x: T) -> (T, T) {
    (x.round(), T::zero())
}

/// `trunc`: derivative 0 (also at the jumps).
#[inline(always)]
pub fn trunc<T: Float>(x: T) -> (T, T) {
    (x.trunc(), T::zero())
}

/// `fract(x) = x − trunc(x)`: derivative 1 (the jumps are not derivatives).
#[inline(always)]
pub fn fract<T: Float>(x: T) -> (T, T) {
    (x.fract(), T::one())
}

/// `max(x, y)`: partials `(1, 0)` where `x` is larger, `(0, 1)` where `y` is,
/// and `(½, ½)` at a tie (independent of argument order, and the average of
/// the two one-sided choices). A NaN argument is ignored, as by `T::max`.
#[inline(always)]
pub fn max<T: Float>(x: T, y: T) -> (T, T, T) {
    let (dx, dy) = pick(x, y);
    (x.max(y), dx, dy)
}

/// `min(x, y)`: partials `(1, 0)` where `x` is smaller, `(0, 1)` where `y`
/// is, and `(½, ½)` at a tie. A NaN argument is ignored, as by `T::min`.
#[inline(always)]
pub fn min<T: Float>(x: T, y: T) -> (T, T, T) {
    // min(x, y) = −max(−x, −y): the smaller argument is the larger negative.
    let (dx, dy) = pick(-x, -y);
    (x.min(y), dx, dy)
}

/// Partials of the larger of `x`, `y` (ties averaged, NaN ignored).
#[inline(always)]
fn pick<T: Float>(x: T, y: T) -> (T, T) {
    if x > y || y.is_nan() {
        (T::one(), T::zero())
    } else if x < y || x.is_nan() {
        (T::zero(), T::one())
    } else {
        let h = c(0.5);
        (h, h)
    }
}

/// `clamp(x, lo, hi)`: partials `(1, 0, 0)` for `lo ≤ x ≤ hi` (the closed
/// interval: at `x = lo` or `x = hi` the input passes through), `(0, 1, 0)`
/// below and `(0, 0, 1)` above.
#[inline(always)]
pub fn clamp<T: Float>(x: T, lo: T, hi: T) -> (T, T, T, T) {
    let v = x.clamp(lo, hi);
    if x < lo {
        (v, T::zero(), T::one(), T::zero())
    } else if x > hi {
        (v, T::zero(), T::zero(), T::one())
    } else {
        (v, T::one(), T::zero(), T::zero())
    }
}

/// The positive difference `max(x − y, 0)`: partials `(1, −1)` for `x > y`,
/// `(0, 0)` for `x ≤ y` (the tie takes the zero branch, as the value does).
#[inline(always)]
#[allow(deprecated)]
pub fn abs_sub<T: Float>(x: T, y: T) -> (T, T, T) {
    if x > y { (x.abs_sub(y), T::one(), -T::one()) } else { (x.abs_sub(y), T::zero(), T::zero()) }
}

// ---------------------------------------------------------------------------
// Angle conversion
// ---------------------------------------------------------------------------

/// `to_degrees(x + h) = to_degrees(x) + (180/π)·h`.
#[inline(always)]
pub fn to_degrees<T: Float>(x: T) -> (T, T) {
    (x.to_degrees(), c(180.0 / core::f64::consts::PI))
}

/// `to_radians(x + h) = to_radians(x) + (π/180)·h`.
#[inline(always)]
pub fn to_radians<T: Float>(x: T) -> (T, T) {
    (x.to_radians(), c(core::f64::consts::PI / 180.0))
}

// ---------------------------------------------------------------------------
// Second order
// ---------------------------------------------------------------------------

/// The same rules with their second derivatives, for the second-order
/// number [`Dual2`](crate::Dual2).
///
/// A unary rule returns `(f, f', f'')`; a binary rule returns
/// `(f, ∂ₓf, ∂ᵧf, ∂ₓₓf, ∂ₓᵧf, ∂ᵧᵧf)`. Each one starts from the first-order
/// rule of the same name in the parent module, so the value and the first
/// derivatives are bit-for-bit those of [`Dual`](crate::Dual), and adds only
/// the second derivatives, written, like the first, where they cannot
/// overflow or cancel needlessly (`sqrt'' = −2·(sqrt')³`, `tanh'' =
/// −2·tanh·tanh'`). The domain policy is the first-order one: the honest
/// value even where it is infinite or NaN, and the number's chain kernel
/// keeps every term whose tangent factor is exactly zero at zero.
///
/// Piecewise functions (`abs`, `floor`, `max`, `clamp`, …) are linear on
/// each piece and have second derivative 0; the number selects their pieces
/// itself, as [`Dual`](crate::Dual) does.
pub mod second {
    use num_traits::Float;

    use super::{c, two, within};

    /// A rule whose second derivative is 0: `(f, f', 0)`.
    #[inline(always)]
    fn linear<T: Float>((v, d): (T, T)) -> (T, T, T) {
        (v, d, T::zero())
    }

    // ---- arithmetic

    /// `x/y`: `∂ₓₓ = 0`, `∂ₓᵧ = −1/y²`, `∂ᵧᵧ = 2x/y³`, as `−r²` and `2q·r²`
    /// with `q = x/y`, `r = 1/y`.
    #[inline(always)]
    pub fn div<T: Float>(x: T, y: T) -> (T, T, T, T, T, T) {
        let (q, r, dy) = super::div(x, y);
        let rr = r * r;
        (q, r, dy, T::zero(), -rr, two::<T>() * q * rr)
    }

    /// `1/x`: `(1/x)'' = 2/x³`, as `2r³`.
    #[inline(always)]
    pub fn recip<T: Float>(x: T) -> (T, T, T) {
        let (r, d) = super::recip(x);
        (r, d, two::<T>() * r * r * r)
    }

    // ---- powers and roots

    /// `(xⁿ)'' = n(n − 1)·xⁿ⁻²`, exactly 0 for `n ∈ {0, 1}` and 2 for
    /// `n = 2`, also at `x = 0`.
    #[inline(always)]
    pub fn powi<T: Float>(x: T, n: i32) -> (T, T, T) {
        let (v, d) = super::powi(x, n);
        let d2 = match n {
            0 | 1 => T::zero(),
            2 => two(),
            _ => {
                // n − 2 overflows i32 near i32::MIN: split the power.
                let (h, k) = (n / 2 - 1, n - n / 2 - 1);
                c::<T>(n as f64) * c::<T>(n as f64 - 1.0) * x.powi(h) * x.powi(k)
            }
        };
        (v, d, d2)
    }

    /// `(x^y)''` in `x` with `y` constant: `y(y − 1)·x^(y−2)`; exactly 0
    /// for `y ∈ {0, 1}` and 2 for `y = 2`.
    ///
    /// # Domain
    /// As the first derivative: `x^1.5` at 0 has `f'' = +∞`, `x^3.0` at 0
    /// has 0.
    #[inline(always)]
    pub fn powf_base<T: Float>(x: T, y: T) -> (T, T, T) {
        let (v, d) = super::powf_base(x, y);
        // Structural tests, as in the first derivative.
        let d2 = if y.is_zero() || (y - T::one()).is_zero() {
            T::zero()
        } else if (y - two()).is_zero() {
            two()
        } else {
            y * (y - T::one()) * x.powf(y - two())
        };
        (v, d, d2)
    }

    /// `x^y` with both varying: `∂ₓₓ = y(y − 1)x^(y−2)`,
    /// `∂ₓᵧ = x^(y−1)(1 + y·ln x)`, `∂ᵧᵧ = x^y·ln² x`.
    ///
    /// # Domain
    /// At `x = 0` with `y > 0` the exponent terms are their limits where
    /// those exist: `∂ᵧᵧ = 0`, and `∂ₓᵧ = 0` for `y > 1`.
    #[inline(always)]
    pub fn powf<T: Float>(x: T, y: T) -> (T, T, T, T, T, T) {
        let (v, dx, dy) = super::powf(x, y);
        let (_, _, dxx) = powf_base(x, y);
        let at_zero = x.is_zero() && y > T::zero();
        let l = x.ln();
        let dyy = if at_zero { T::zero() } else { dy * l };
        let dxy = if at_zero && y > T::one() {
            T::zero()
        } else {
            x.powf(y - T::one()) * (T::one() + y * l)
        };
        (v, dx, dy, dxx, dxy, dyy)
    }

    /// `√x'' = −1/(4x^(3/2))`, as `−2·(√x')³`.
    ///
    /// # Domain
    /// At `x = ±0` it is `−∞`.
    #[inline(always)]
    pub fn sqrt<T: Float>(x: T) -> (T, T, T) {
        let (s, d) = super::sqrt(x);
        (s, d, -two::<T>() * d * d * d)
    }

    /// `∛x'' = −2/(9x^(5/3))`, as `−2·(∛x')²/∛x`.
    #[inline(always)]
    pub fn cbrt<T: Float>(x: T) -> (T, T, T) {
        let (s, d) = super::cbrt(x);
        (s, d, -two::<T>() * d * d / s)
    }

    /// `hypot(x, y) = h`: `∂ₓₓ = y²/h³`, `∂ₓᵧ = −xy/h³`, `∂ᵧᵧ = x²/h³`, as
    /// products of `x/h` and `y/h` divided by `h`.
    ///
    /// # Domain
    /// At `(0, 0)` the second partials are 0, as the first.
    #[inline(always)]
    pub fn hypot<T: Float>(x: T, y: T) -> (T, T, T, T, T, T) {
        let (h, u, w) = super::hypot(x, y);
        if h.is_zero() {
            let z = T::zero();
            (h, u, w, z, z, z)
        } else {
            (h, u, w, w * w / h, -(u * w) / h, u * u / h)
        }
    }

    // ---- exponentials and logarithms

    /// `(eˣ)'' = eˣ`.
    #[inline(always)]
    pub fn exp<T: Float>(x: T) -> (T, T, T) {
        let (v, d) = super::exp(x);
        (v, d, v)
    }

    /// `(2ˣ)'' = 2ˣ·ln² 2`.
    #[inline(always)]
    pub fn exp2<T: Float>(x: T) -> (T, T, T) {
        let (v, d) = super::exp2(x);
        (v, d, d * c(core::f64::consts::LN_2))
    }

    /// `(eˣ − 1)'' = eˣ`.
    #[inline(always)]
    pub fn exp_m1<T: Float>(x: T) -> (T, T, T) {
        let (v, d) = super::exp_m1(x);
        (v, d, d)
    }

    /// `ln'' = −1/x²`, as `−(ln')²`; NaN below 0 as the first derivative.
    #[inline(always)]
    pub fn ln<T: Float>(x: T) -> (T, T, T) {
        let (v, d) = super::ln(x);
        (v, d, -(d * d))
    }

    /// `log₂'' = −1/(x²·ln 2)`, as `−log₂'/x`.
    #[inline(always)]
    pub fn log2<T: Float>(x: T) -> (T, T, T) {
        let (v, d) = super::log2(x);
        (v, d, within(v, -d / x))
    }

    /// `log₁₀'' = −1/(x²·ln 10)`, as `−log₁₀'/x`.
    #[inline(always)]
    pub fn log10<T: Float>(x: T) -> (T, T, T) {
        let (v, d) = super::log10(x);
        (v, d, within(v, -d / x))
    }

    /// `ln(1 + x)'' = −1/(1 + x)²`, as `−(ln_1p')²`.
    #[inline(always)]
    pub fn ln_1p<T: Float>(x: T) -> (T, T, T) {
        let (v, d) = super::ln_1p(x);
        (v, d, -(d * d))
    }

    /// `log_b x = ln x/ln b`, with `s = 1/(b·ln b)`: `∂ₓₓ = −∂ₓ/x`,
    /// `∂ₓ_b = −∂ₓ·s`, `∂_bb = log_b x·(ln b + 2)·s²`.
    #[inline(always)]
    pub fn log<T: Float>(x: T, b: T) -> (T, T, T, T, T, T) {
        let (v, dx, db) = super::log(x, b);
        let lb = b.ln();
        let s = (b * lb).recip();
        (v, dx, db, within(v, -dx / x), -dx * s, v * (lb + two()) * s * s)
    }

    // ---- trigonometric

    /// `sin'' = −sin`.
    #[inline(always)]
    pub fn sin<T: Float>(x: T) -> (T, T, T) {
        let (s, c) = super::sin(x);
        (s, c, -s)
    }

    /// `cos'' = −cos`.
    #[inline(always)]
    pub fn cos<T: Float>(x: T) -> (T, T, T) {
        let (c, d) = super::cos(x);
        (c, d, -c)
    }

    /// `tan'' = 2·tan·tan'`.
    #[inline(always)]
    pub fn tan<T: Float>(x: T) -> (T, T, T) {
        let (t, d) = super::tan(x);
        (t, d, two::<T>() * t * d)
    }

    /// `asin'' = x/(1 − x²)^(3/2)`, as `x·(asin')³`.
    #[inline(always)]
    pub fn asin<T: Float>(x: T) -> (T, T, T) {
        let (v, d) = super::asin(x);
        (v, d, x * d * d * d)
    }

    /// `acos'' = −x/(1 − x²)^(3/2)`, as `x·(acos')³`.
    #[inline(always)]
    pub fn acos<T: Float>(x: T) -> (T, T, T) {
        let (v, d) = super::acos(x);
        (v, d, x * d * d * d)
    }

    /// `atan'' = −2x/(1 + x²)²`, as `−2x·(atan')²`.
    #[inline(always)]
    pub fn atan<T: Float>(x: T) -> (T, T, T) {
        let (v, d) = super::atan(x);
        (v, d, -two::<T>() * x * d * d)
    }

    /// `atan2(y, x)` with `u = x/r`, `w = y/r`, `r = hypot(x, y)`:
    /// `∂ᵧᵧ = −2uw/r²`, `∂ᵧₓ = (w² − u²)/r²`, `∂ₓₓ = 2uw/r²`, each divided
    /// by `r` twice so that `r²` cannot overflow.
    ///
    /// # Domain
    /// At `(0, 0)` NaN, as the first partials.
    #[inline(always)]
    pub fn atan2<T: Float>(y: T, x: T) -> (T, T, T, T, T, T) {
        let (v, dy, dx) = super::atan2(y, x);
        let r = x.hypot(y);
        let (u, w) = (x / r, y / r);
        let uw = two::<T>() * u * w / r / r;
        (v, dy, dx, -uw, (w - u) * (w + u) / r / r, uw)
    }

    // ---- hyperbolic

    /// `sinh'' = sinh`.
    #[inline(always)]
    pub fn sinh<T: Float>(x: T) -> (T, T, T) {
        let (v, d) = super::sinh(x);
        (v, d, v)
    }

    /// `cosh'' = cosh`.
    #[inline(always)]
    pub fn cosh<T: Float>(x: T) -> (T, T, T) {
        let (v, d) = super::cosh(x);
        (v, d, v)
    }

    /// `tanh'' = −2·tanh·tanh'`.
    #[inline(always)]
    pub fn tanh<T: Float>(x: T) -> (T, T, T) {
        let (t, d) = super::tanh(x);
        (t, d, -two::<T>() * t * d)
    }

    /// `asinh'' = −x/(x² + 1)^(3/2)`, as `−x·(asinh')³`.
    #[inline(always)]
    pub fn asinh<T: Float>(x: T) -> (T, T, T) {
        let (v, d) = super::asinh(x);
        (v, d, -x * d * d * d)
    }

    /// `acosh'' = −x/(x² − 1)^(3/2)`, as `−x·(acosh')³`.
    #[inline(always)]
    pub fn acosh<T: Float>(x: T) -> (T, T, T) {
        let (v, d) = super::acosh(x);
        (v, d, -x * d * d * d)
    }

    /// `atanh'' = 2x/(1 − x²)²`, as `2x·(atanh')²`.
    #[inline(always)]
    pub fn atanh<T: Float>(x: T) -> (T, T, T) {
        let (v, d) = super::atanh(x);
        (v, d, two::<T>() * x * d * d)
    }

    // ---- piecewise linear and angle conversion: second derivative 0

    /// `|x|''= 0`.
    #[inline(always)]
    pub fn abs<T: Float>(x: T) -> (T, T, T) {
        linear(super::abs(x))
    }

    /// `signum'' = 0`.
    #[inline(always)]
    pub fn signum<T: Float>(x: T) -> (T, T, T) {
        linear(super::signum(x))
    }

    /// `floor'' = 0`.
    #[inline(always)]
    pub fn floor<T: Float>(x: T) -> (T, T, T) {
        linear(super::floor(x))
    }

    /// `ceil'' = 0`.
    #[inline(always)]
    pub fn ceil<T: Float>(x: T) -> (T, T, T) {
        linear(super::ceil(x))
    }

    /// `round'' = 0`.
    #[inline(always)]
    pub fn round<T: Float>(x: T) -> (T, T, T) {
        linear(super::round(x))
    }

    /// `trunc'' = 0`.
    #[inline(always)]
    pub fn trunc<T: Float>(x: T) -> (T, T, T) {
        linear(super::trunc(x))
    }

    /// `fract'' = 0`.
    #[inline(always)]
    pub fn fract<T: Float>(x: T) -> (T, T, T) {
        linear(super::fract(x))
    }

    /// `to_degrees'' = 0`.
    #[inline(always)]
    pub fn to_degrees<T: Float>(x: T) -> (T, T, T) {
        linear(super::to_degrees(x))
    }

    /// `to_radians'' = 0`.
    #[inline(always)]
    pub fn to_radians<T: Float>(x: T) -> (T, T, T) {
        linear(super::to_radians(x))
    }

    /// The positive difference: linear on each side, every second partial 0.
    #[inline(always)]
    pub fn abs_sub<T: Float>(x: T, y: T) -> (T, T, T, T, T, T) {
        let (v, dx, dy) = super::abs_sub(x, y);
        let z = T::zero();
        (v, dx, dy, z, z, z)
    }
}
