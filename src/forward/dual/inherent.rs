//! The elementary functions as inherent methods of `Dual`, so that
//! `x.sin()` on a concrete dual needs no trait import and stays unambiguous
//! when both [`num_traits::Float`] and nalgebra's `ComplexField` are in
//! scope (both define `sin`, `abs`, `powf`, … for `Dual`; an inherent
//! method is found before either).
//!
//! Every method here forwards to the [`Float`] method of the same name,
//! which applies the rule of [`rules`](crate::rules): no maths in this
//! file. Generic `T: Float` code never sees these methods (a type
//! parameter has no inherent methods), so it behaves exactly as before.
//!
//! The second argument of the two-argument methods (`max`, `min`, `powf`,
//! `atan2`, `hypot`, `log`, `copysign`, `clamp`, `mul_add`) is
//! `impl Into<Self>`: a dual, or a plain scalar (`x.max(0.0)`,
//! `x.powf(1.5)`) lifted to a constant, at any nesting depth.

use core::num::FpCategory;

use num_traits::Float;

use crate::Dual;

macro_rules! unary {
    ($($name:ident: $what:literal),* $(,)?) => {$(
        #[doc = concat!($what, " (as [`Float::", stringify!($name), "`]).")]
        #[inline(always)]
        #[must_use]
        pub fn $name(self) -> Self {
            <Self as Float>::$name(self)
        }
    )*};
}

macro_rules! binary {
    ($($name:ident($arg:ident): $what:literal),* $(,)?) => {$(
        #[doc = concat!(
            $what, " (as [`Float::", stringify!($name), "`]); `", stringify!($arg),
            "` may be a dual or a plain scalar."
        )]
        #[inline(always)]
        #[must_use]
        pub fn $name(self, $arg: impl Into<Self>) -> Self {
            <Self as Float>::$name(self, $arg.into())
        }
    )*};
}

macro_rules! predicate {
    ($($name:ident: $what:literal),* $(,)?) => {$(
        #[doc = concat!($what, " (as [`Float::", stringify!($name), "`], on the value).")]
        #[inline(always)]
        #[must_use]
        pub fn $name(self) -> bool {
            <Self as Float>::$name(self)
        }
    )*};
}

/// # Elementary functions
///
/// The methods of [`Float`] with the same derivatives, callable without
/// importing the trait:
///
/// ```
/// use dualnum::Dual;
///
/// let x = Dual::<f64, 1>::variable(0.5, 0);
/// let y = x.sin() * x.exp() + x.max(0.0) + x.powf(1.5) + x.atan2(1.0) + x.hypot(2.0);
/// assert!(y.partial(0).is_finite());
/// assert!(x > 0.0 && x == 0.5 && 1.0 > x);
/// ```
impl<T: Float, const N: usize, const SAFE: bool> Dual<T, N, SAFE> {
    unary!(
        floor: "The largest integer not above the value; derivative 0",
        ceil: "The smallest integer not below the value; derivative 0",
        round: "The nearest integer, half away from zero; derivative 0",
        trunc: "The integer part; derivative 0",
        fract: "The fractional part; derivative 1",
        abs: "`|x|`; derivative `±1`, the sign bit of a zero deciding",
        signum: "The sign; derivative 0",
        recip: "`1/x`",
        sqrt: "`√x`",
        cbrt: "`∛x`",
        exp: "`eˣ`",
        exp2: "`2ˣ`",
        exp_m1: "`eˣ − 1`, accurate near 0",
        ln: "The natural logarithm",
        log2: "The base-2 logarithm",
        log10: "The base-10 logarithm",
        ln_1p: "`ln(1 + x)`, accurate near 0",
        sin: "The sine",
        cos: "The cosine",
        tan: "The tangent",
        asin: "The arcsine",
        acos: "The arccosine",
        atan: "The arctangent",
        sinh: "The hyperbolic sine",
        cosh: "The hyperbolic cosine",
        tanh: "The hyperbolic tangent",
        asinh: "The inverse hyperbolic sine",
        acosh: "The inverse hyperbolic cosine",
        atanh: "The inverse hyperbolic tangent",
        to_degrees: "Radians to degrees",
        to_radians: "Degrees to radians",
    );

    binary!(
        max(other): "The larger of the two values, with its tangent (averaged at a tie)",
        min(other): "The smaller of the two values, with its tangent (averaged at a tie)",
        powf(n): "`xⁿ`; a constant exponent contributes no `ln x` term",
        log(base): "The logarithm to `base`",
        hypot(other): "`√(x² + y²)` without overflow",
        atan2(other): "The four-quadrant arctangent of `self / other`",
        copysign(sign): "`|x|` with the sign of `sign`",
    );

    predicate!(
        is_nan: "True if the value is NaN",
        is_infinite: "True if the value is infinite",
        is_finite: "True if the value is neither infinite nor NaN",
        is_normal: "True if the value is neither zero, infinite, subnormal nor NaN",
        is_sign_positive: "True if the value has a positive sign bit",
        is_sign_negative: "True if the value has a negative sign bit",
    );

    /// `xⁿ` for an integer `n`, derivative `n·xⁿ⁻¹` (as [`Float::powi`]).
    #[inline(always)]
    #[must_use]
    pub fn powi(self, n: i32) -> Self {
        <Self as Float>::powi(self, n)
    }

    /// `(sin x, cos x)` in one call (as [`Float::sin_cos`]).
    #[inline(always)]
    #[must_use]
    pub fn sin_cos(self) -> (Self, Self) {
        <Self as Float>::sin_cos(self)
    }

    /// `self·a + b` with one rounding in the value (as [`Float::mul_add`]);
    /// `a` and `b` may be duals or plain scalars.
    #[inline(always)]
    #[must_use]
    pub fn mul_add(self, a: impl Into<Self>, b: impl Into<Self>) -> Self {
        <Self as Float>::mul_add(self, a.into(), b.into())
    }

    /// The value restricted to `[lo, hi]`, the bound that was hit passing
    /// its tangent (as [`Float::clamp`]); the bounds may be duals or plain
    /// scalars.
    #[inline(always)]
    #[must_use]
    pub fn clamp(self, lo: impl Into<Self>, hi: impl Into<Self>) -> Self {
        <Self as Float>::clamp(self, lo.into(), hi.into())
    }

    /// The floating-point category of the value (as [`Float::classify`]).
    #[inline(always)]
    #[must_use]
    pub fn classify(self) -> FpCategory {
        <Self as Float>::classify(self)
    }
}
