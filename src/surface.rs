//! The num-traits surface of every number type in the crate, written once.
//!
//! `Dual` (forward mode), `Var` (reverse mode) and the sparsity `Tracer`
//! each implement `num_traits::Float` and its companions by forwarding
//! every method to their own machinery. *Which* methods exist, their
//! shapes, and what kind of derivative each one has are listed here once;
//! a number type supplies only *how* each shape is done. Adding a method
//! is one line in [`float_methods!`] (or [`to_primitive_methods!`]), and
//! every number type that does not say otherwise gets it through its rule
//! for that shape.
//!
//! - [`float_methods!`]`(m)` calls the macro `m` once per method of
//!   `Float`, inside the type's `impl Float`. Each call starts with the
//!   shape (`constant`, `predicate`, `inspect`, `unary`, `binary`,
//!   `ternary`, `powi`, `sin_cos`), then the method's name, its op code
//!   in the reverse tape (`Op::Sin`, …) and, for one- and two-argument
//!   functions, the structure of its derivative (used by sparsity
//!   detection): `flat` (zero almost everywhere), `linear` (a constant
//!   ±1 or a scale almost everywhere), `nonlinear`, `joint` (nonlinear in
//!   both arguments), `first` (depends on the first argument only).
//!   A type writes one macro with an arm per shape, and arms for single
//!   methods it treats specially placed before the general one.
//! - [`to_primitive_methods!`]`(m)` does the same for `ToPrimitive` (`m` may be
//!   a path).
//! - [`num_surface!`] writes out the remaining traits, which need nothing
//!   from the number type but the small [`Surface`] trait: `Zero`, `One`,
//!   `Num`, `NumCast`, `ToPrimitive`, `FromPrimitive`, `FloatConst`,
//!   `Signed`, `Inv`, `MulAdd`, `MulAddAssign` and `Pow` (integer, float
//!   and same-type exponents, by value and by reference).

use num_traits::Float;

/// What [`num_surface!`] needs from a number type.
pub(crate) trait Surface: Copy {
    /// The plain floating-point type underneath (for nested duals, the
    /// next level down).
    type Scalar: Float;

    /// A constant of this type: no derivative, nothing recorded.
    fn lift(x: Self::Scalar) -> Self;

    /// The value, as user code reads it through the method `what` (a
    /// `Var` records the read, so that a replay can tell when it would
    /// differ).
    fn read_value(&self, what: &'static str) -> Self::Scalar;

    /// The value without any record: for the structural tests below.
    fn peek(&self) -> Self::Scalar;

    /// `true` if the number is a constant (no derivative at all).
    fn is_constant(&self) -> bool;
}

/// Calls `$m!` once per method of `num_traits::Float`, grouped by shape;
/// see the module docs.
macro_rules! float_methods {
    ($m:ident) => {
        $m!(constant nan);
        $m!(constant infinity);
        $m!(constant neg_infinity);
        $m!(constant neg_zero);
        $m!(constant min_value);
        $m!(constant min_positive_value);
        $m!(constant epsilon);
        $m!(constant max_value);

        $m!(predicate is_nan IsNan);
        $m!(predicate is_infinite IsInfinite);
        $m!(predicate is_finite IsFinite);
        $m!(predicate is_normal IsNormal);
        $m!(predicate is_subnormal IsSubnormal);
        $m!(predicate is_sign_positive IsSignPositive);
        $m!(predicate is_sign_negative IsSignNegative);

        $m!(inspect classify -> core::num::FpCategory);
        $m!(inspect integer_decode -> (u64, i16, i8));

        $m!(unary floor Floor flat);
        $m!(unary ceil Ceil flat);
        $m!(unary round Round flat);
        $m!(unary trunc Trunc flat);
        $m!(unary signum Signum flat);
        $m!(unary fract Fract linear);
        $m!(unary abs Abs linear);
        $m!(unary to_degrees ToDegrees linear);
        $m!(unary to_radians ToRadians linear);
        $m!(unary recip Recip nonlinear);
        $m!(unary sqrt Sqrt nonlinear);
        $m!(unary cbrt Cbrt nonlinear);
        $m!(unary exp Exp nonlinear);
        $m!(unary exp2 Exp2 nonlinear);
        $m!(unary exp_m1 ExpM1 nonlinear);
        $m!(unary ln Ln nonlinear);
        $m!(unary log2 Log2 nonlinear);
        $m!(unary log10 Log10 nonlinear);
        $m!(unary ln_1p Ln1p nonlinear);
        $m!(unary sin Sin nonlinear);
        $m!(unary cos Cos nonlinear);
        $m!(unary tan Tan nonlinear);
        $m!(unary asin Asin nonlinear);
        $m!(unary acos Acos nonlinear);
        $m!(unary atan Atan nonlinear);
        $m!(unary sinh Sinh nonlinear);
        $m!(unary cosh Cosh nonlinear);
        $m!(unary tanh Tanh nonlinear);
        $m!(unary asinh Asinh nonlinear);
        $m!(unary acosh Acosh nonlinear);
        $m!(unary atanh Atanh nonlinear);

        $m!(binary hypot Hypot joint);
        $m!(binary atan2 Atan2 joint);
        $m!(binary powf Powf joint);
        $m!(binary log Log joint);
        $m!(binary max Max linear);
        $m!(binary min Min linear);
        $m!(binary abs_sub AbsSub linear);
        $m!(binary copysign Copysign first);

        $m!(ternary mul_add MulAdd);
        $m!(ternary clamp Clamp);

        $m!(powi);
        $m!(sin_cos);
    };
}

/// Calls `$m!(name -> type)` once per method of `num_traits::ToPrimitive`.
macro_rules! to_primitive_methods {
    ($($m:tt)+) => {
        $($m)+!(to_i64 -> i64);
        $($m)+!(to_u64 -> u64);
        $($m)+!(to_isize -> isize);
        $($m)+!(to_i8 -> i8);
        $($m)+!(to_i16 -> i16);
        $($m)+!(to_i32 -> i32);
        $($m)+!(to_i128 -> i128);
        $($m)+!(to_usize -> usize);
        $($m)+!(to_u8 -> u8);
        $($m)+!(to_u16 -> u16);
        $($m)+!(to_u32 -> u32);
        $($m)+!(to_u128 -> u128);
        $($m)+!(to_f32 -> f32);
        $($m)+!(to_f64 -> f64);
    };
}

/// The rest of the num-traits surface for a type implementing
/// [`Surface`]:
///
/// ```text
/// num_surface! {
///     impl[T: Float, const N: usize, const SAFE: bool] Dual<T, N, SAFE>, scalar T;
///     floats[const N: usize, const SAFE: bool] Dual<f32, N, SAFE>, Dual<f64, N, SAFE>;
/// }
/// ```
///
/// `impl[…]` gives the generics and the type, with the name of its scalar
/// parameter; `floats[…]` the same type over `f32` and `f64`, for
/// `Pow<f32>` and `Pow<f64>` (which cannot be one generic impl beside
/// `Pow<i32>`).
macro_rules! num_surface {
    (
        impl[$($g:tt)*] $ty:ty, scalar $t:ident;
        floats[$($fg:tt)*] $ty32:ty, $ty64:ty;
    ) => {
        impl<$($g)*> num_traits::Zero for $ty {
            #[inline]
            fn zero() -> Self {
                <Self as $crate::surface::Surface>::lift(<$t as num_traits::Zero>::zero())
            }

            /// A constant zero (a derivative that is not zero is not).
            #[inline]
            fn is_zero(&self) -> bool {
                num_traits::Zero::is_zero(&$crate::surface::Surface::peek(self))
                    && $crate::surface::Surface::is_constant(self)
            }
        }

        impl<$($g)*> num_traits::One for $ty {
            #[inline]
            fn one() -> Self {
                <Self as $crate::surface::Surface>::lift(<$t as num_traits::One>::one())
            }

            /// A constant one.
            #[inline]
            fn is_one(&self) -> bool {
                <$t as num_traits::One>::is_one(&$crate::surface::Surface::peek(self))
                    && $crate::surface::Surface::is_constant(self)
            }
        }

        impl<$($g)*> num_traits::Num for $ty {
            type FromStrRadixErr = <$t as num_traits::Num>::FromStrRadixErr;

            /// Parses a constant.
            #[inline]
            fn from_str_radix(s: &str, radix: u32) -> Result<Self, Self::FromStrRadixErr> {
                <$t as num_traits::Num>::from_str_radix(s, radix)
                    .map(<Self as $crate::surface::Surface>::lift)
            }
        }

        impl<$($g)*> num_traits::NumCast for $ty {
            /// A constant.
            #[inline]
            fn from<P: num_traits::ToPrimitive>(n: P) -> Option<Self> {
                <$t as num_traits::NumCast>::from(n).map(<Self as $crate::surface::Surface>::lift)
            }
        }

        impl<$($g)*> num_traits::ToPrimitive for $ty {
            $crate::surface::to_primitive_methods!($crate::surface::__to_primitive_by_read);
        }

        $crate::surface::num_extras! {
            impl[$($g)*] $ty, scalar $t;
            floats[$($fg)*] $ty32, $ty64;
        }
    };
}

/// The part of [`num_surface!`] that needs only `Float` and
/// [`Surface::lift`]: `FromPrimitive`, `FloatConst`, `Signed`, `Inv`,
/// `MulAdd`, `MulAddAssign` and `Pow`; for a type (the sparsity tracer)
/// that keeps its own `Zero`, `One`, `Num`, `NumCast` and `ToPrimitive`.
macro_rules! num_extras {
    (
        impl[$($g:tt)*] $ty:ty, scalar $t:ident;
        floats[$($fg:tt)*] $ty32:ty, $ty64:ty;
    ) => {
        impl<$($g)*> num_traits::FromPrimitive for $ty
        where
            $t: num_traits::FromPrimitive,
        {
            $crate::surface::from_primitive_methods!();
        }

        /// The mathematical constants, as constants.
        #[allow(non_snake_case)]
        impl<$($g)*> num_traits::FloatConst for $ty
        where
            $t: num_traits::FloatConst,
        {
            $crate::surface::float_consts!(
                E, FRAC_1_PI, FRAC_1_SQRT_2, FRAC_2_PI, FRAC_2_SQRT_PI, FRAC_PI_2, FRAC_PI_3,
                FRAC_PI_4, FRAC_PI_6, FRAC_PI_8, LN_10, LN_2, LOG10_E, LOG2_E, PI, SQRT_2,
                TAU, LOG10_2, LOG2_10
            );
        }

        impl<$($g)*> num_traits::Signed for $ty {
            #[inline]
            fn abs(&self) -> Self {
                num_traits::Float::abs(*self)
            }
            #[inline]
            fn abs_sub(&self, other: &Self) -> Self {
                num_traits::Float::abs_sub(*self, *other)
            }
            #[inline]
            fn signum(&self) -> Self {
                num_traits::Float::signum(*self)
            }
            #[inline]
            fn is_positive(&self) -> bool {
                num_traits::Float::is_sign_positive(*self)
            }
            #[inline]
            fn is_negative(&self) -> bool {
                num_traits::Float::is_sign_negative(*self)
            }
        }

        impl<$($g)*> num_traits::Inv for $ty {
            type Output = Self;
            #[inline]
            fn inv(self) -> Self {
                num_traits::Float::recip(self)
            }
        }

        impl<$($g)*> num_traits::Inv for &$ty {
            type Output = $ty;
            #[inline]
            fn inv(self) -> $ty {
                num_traits::Float::recip(*self)
            }
        }

        impl<$($g)*> num_traits::MulAdd for $ty {
            type Output = Self;
            #[inline]
            fn mul_add(self, a: Self, b: Self) -> Self {
                num_traits::Float::mul_add(self, a, b)
            }
        }

        impl<$($g)*> num_traits::MulAddAssign for $ty {
            #[inline]
            fn mul_add_assign(&mut self, a: Self, b: Self) {
                *self = num_traits::Float::mul_add(*self, a, b);
            }
        }

        $crate::surface::pow_int!([$($g)*] $ty; i8, u8, i16, u16, i32);

        impl<$($fg)*> num_traits::Pow<f32> for $ty32 {
            type Output = Self;
            #[inline]
            fn pow(self, y: f32) -> Self {
                num_traits::Float::powf(self, <Self as $crate::surface::Surface>::lift(y))
            }
        }

        impl<$($fg)*> num_traits::Pow<f64> for $ty64 {
            type Output = Self;
            #[inline]
            fn pow(self, y: f64) -> Self {
                num_traits::Float::powf(self, <Self as $crate::surface::Surface>::lift(y))
            }
        }

        impl<$($g)*> num_traits::Pow<$ty> for $ty {
            type Output = Self;
            #[inline]
            fn pow(self, y: Self) -> Self {
                num_traits::Float::powf(self, y)
            }
        }

        impl<$($g)*> num_traits::Pow<&$ty> for $ty {
            type Output = Self;
            #[inline]
            fn pow(self, y: &Self) -> Self {
                num_traits::Float::powf(self, *y)
            }
        }

        impl<$($g)*> num_traits::Pow<$ty> for &$ty {
            type Output = $ty;
            #[inline]
            fn pow(self, y: $ty) -> $ty {
                num_traits::Float::powf(*self, y)
            }
        }
    };
}

/// `ToPrimitive` through [`Surface::read_value`].
macro_rules! __to_primitive_by_read {
    ($name:ident -> $ret:ty) => {
        #[inline]
        fn $name(&self) -> Option<$ret> {
            num_traits::ToPrimitive::$name(&$crate::surface::Surface::read_value(
                self,
                stringify!($name),
            ))
        }
    };
}

/// `FromPrimitive`: a constant.
macro_rules! from_primitive_methods {
    () => {
        $crate::surface::from_primitive_methods!(
            from_i64(i64), from_u64(u64), from_isize(isize), from_i8(i8), from_i16(i16),
            from_i32(i32), from_i128(i128), from_usize(usize), from_u8(u8), from_u16(u16),
            from_u32(u32), from_u128(u128), from_f32(f32), from_f64(f64)
        );
    };
    ($($name:ident($arg:ty)),*) => {$(
        #[inline]
        fn $name(n: $arg) -> Option<Self> {
            <<Self as $crate::surface::Surface>::Scalar as num_traits::FromPrimitive>::$name(n)
                .map(<Self as $crate::surface::Surface>::lift)
        }
    )*};
}

/// `FloatConst`: constants.
macro_rules! float_consts {
    ($($name:ident),*) => {$(
        #[inline]
        fn $name() -> Self {
            <Self as $crate::surface::Surface>::lift(
                <<Self as $crate::surface::Surface>::Scalar as num_traits::FloatConst>::$name(),
            )
        }
    )*};
}

/// `Pow<integer>` by value and by reference, through `powi`.
macro_rules! pow_int {
    (@one [$($g:tt)*] $ty:ty; $int:ty) => {
        impl<$($g)*> num_traits::Pow<$int> for $ty {
            type Output = Self;
            #[inline]
            fn pow(self, n: $int) -> Self {
                num_traits::Float::powi(self, <i32 as From<$int>>::from(n))
            }
        }
        impl<$($g)*> num_traits::Pow<$int> for &$ty {
            type Output = $ty;
            #[inline]
            fn pow(self, n: $int) -> $ty {
                num_traits::Float::powi(*self, <i32 as From<$int>>::from(n))
            }
        }
    };
    ($g:tt $ty:ty; $($int:ty),*) => {$(
        $crate::surface::pow_int!(@one $g $ty; $int);
    )*};
}

macro_rules! __inherent_unary {
    ($($name:ident: $what:literal),* $(,)?) => {$(
        #[doc = concat!($what, " (as [`num_traits::Float::", stringify!($name), "`]).")]
        #[inline(always)]
        #[must_use]
        #[track_caller]
        pub fn $name(self) -> Self {
            <Self as num_traits::Float>::$name(self)
        }
    )*};
}

macro_rules! __inherent_binary {
    ($($name:ident($arg:ident): $what:literal),* $(,)?) => {$(
        #[doc = concat!(
            $what, " (as [`num_traits::Float::", stringify!($name), "`]); `", stringify!($arg),
            "` may be a number of this type or a plain scalar."
        )]
        #[inline(always)]
        #[must_use]
        #[track_caller]
        pub fn $name(self, $arg: impl Into<Self>) -> Self {
            <Self as num_traits::Float>::$name(self, $arg.into())
        }
    )*};
}

macro_rules! __inherent_predicate {
    ($($name:ident: $what:literal),* $(,)?) => {$(
        #[doc = concat!($what, " (as [`num_traits::Float::", stringify!($name), "`], on the value).")]
        #[inline(always)]
        #[must_use]
        #[track_caller]
        pub fn $name(self) -> bool {
            <Self as num_traits::Float>::$name(self)
        }
    )*};
}

/// The elementary functions as inherent methods, forwarding to the `Float`
/// method of the same name: expands inside an inherent `impl` block of a
/// number type (`Dual`, `Var`). With them `x.sin()` on a concrete number
/// needs no trait import and stays unambiguous when both
/// `num_traits::Float` and nalgebra's `ComplexField` are in scope; the
/// second argument of the two-argument methods is `impl Into<Self>`, so a
/// plain scalar works there (`x.max(0.0)`, `x.powf(1.5)`).
macro_rules! inherent_methods {
    () => {
        $crate::surface::__inherent_unary!(
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

        $crate::surface::__inherent_binary!(
            max(other): "The larger of the two values, with its derivative (averaged at a tie)",
            min(other): "The smaller of the two values, with its derivative (averaged at a tie)",
            powf(n): "`xⁿ`; a constant exponent contributes no `ln x` term",
            log(base): "The logarithm to `base`",
            hypot(other): "`√(x² + y²)` without overflow",
            atan2(other): "The four-quadrant arctangent of `self / other`",
            copysign(sign): "`|x|` with the sign of `sign`",
        );

        $crate::surface::__inherent_predicate!(
            is_nan: "True if the value is NaN",
            is_infinite: "True if the value is infinite",
            is_finite: "True if the value is neither infinite nor NaN",
            is_normal: "True if the value is neither zero, infinite, subnormal nor NaN",
            is_sign_positive: "True if the value has a positive sign bit",
            is_sign_negative: "True if the value has a negative sign bit",
        );

        /// `xⁿ` for an integer `n`, derivative `n·xⁿ⁻¹` (as [`num_traits::Float::powi`]).
        #[inline(always)]
        #[must_use]
        #[track_caller]
        pub fn powi(self, n: i32) -> Self {
            <Self as num_traits::Float>::powi(self, n)
        }

        /// `(sin x, cos x)` in one call (as [`num_traits::Float::sin_cos`]).
        #[inline(always)]
        #[must_use]
        #[track_caller]
        pub fn sin_cos(self) -> (Self, Self) {
            <Self as num_traits::Float>::sin_cos(self)
        }

        /// `self·a + b` with one rounding in the value (as [`num_traits::Float::mul_add`]);
        /// `a` and `b` may be numbers of this type or plain scalars.
        #[inline(always)]
        #[must_use]
        #[track_caller]
        pub fn mul_add(self, a: impl Into<Self>, b: impl Into<Self>) -> Self {
            <Self as num_traits::Float>::mul_add(self, a.into(), b.into())
        }

        /// The value restricted to `[lo, hi]`, the bound that was hit passing
        /// its derivative (as [`num_traits::Float::clamp`]); the bounds may be
        /// numbers of this type or plain scalars.
        #[inline(always)]
        #[must_use]
        #[track_caller]
        pub fn clamp(self, lo: impl Into<Self>, hi: impl Into<Self>) -> Self {
            <Self as num_traits::Float>::clamp(self, lo.into(), hi.into())
        }

        /// The floating-point category of the value (as [`num_traits::Float::classify`]).
        #[inline(always)]
        #[must_use]
        #[track_caller]
        pub fn classify(self) -> core::num::FpCategory {
            <Self as num_traits::Float>::classify(self)
        }
    };
}

pub(crate) use {
    __inherent_binary, __inherent_predicate, __inherent_unary, __to_primitive_by_read,
    float_consts, float_methods, from_primitive_methods, inherent_methods, num_extras, num_surface,
    pow_int, to_primitive_methods,
};
