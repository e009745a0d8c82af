//! simba's `ComplexField` and `RealField`, the traits nalgebra's algorithms
//! are written against, as one forwarding list for every number type of the
//! crate that is a real scalar of nalgebra (`Dual`, `reverse::Active`): each
//! method forwards to the `num_traits::Float` method of the same name, which
//! applies (or records) the rule of [`rules`](crate::rules). A number of
//! this crate is a real, so `RealField = Self`, the imaginary part is zero
//! and `conjugate` is the identity, exactly as simba does for `f64`.
//!
//! Where simba's default methods branch on `is_zero` (structural here: a
//! constant zero), a dual or a variable could take a different branch than
//! its value would; `to_exp`, `signum`, `sinc`, `sinhc`, `cosc` and `coshc`
//! therefore branch on the value, like `f64` does. Sign tests and the
//! ordering-based selections (`max`, `min`, `clamp`) look at values;
//! constants (`pi`, the bounds) are constants. The value is read through
//! [`Surface::peek`](crate::surface::Surface::peek), so nothing is recorded.
//!
//! Use inside `impl ComplexField for X { type RealField = Self; complex_field_methods!(); }`
//! and `impl RealField for X { real_field_methods!(); }`, for a type with
//! `num_traits::Float` and [`Surface`](crate::surface::Surface) whose scalar
//! is a simba `RealField`.

/// `fn name(self) -> Self { Float::name(self) }` for each name.
macro_rules! __forward_float {
    ($($name:ident),*) => {$(
        #[inline]
        #[track_caller]
        fn $name(self) -> Self {
            num_traits::Float::$name(self)
        }
    )*};
}

/// A small constant of `Self` from an `f64` literal.
macro_rules! __small {
    ($v:expr) => {
        <Self as $crate::surface::Surface>::lift(
            <<Self as $crate::surface::Surface>::Scalar as simba::scalar::SupersetOf<f64>>::from_subset(
                &$v,
            ),
        )
    };
}

/// simba's `RealField` constants, as constants.
macro_rules! __real_constants {
    ($($name:ident),*) => {$(
        #[inline]
        fn $name() -> Self {
            <Self as $crate::surface::Surface>::lift(
                <<Self as $crate::surface::Surface>::Scalar as simba::scalar::RealField>::$name(),
            )
        }
    )*};
}

/// The methods of simba's `ComplexField` (after `type RealField = Self;`).
macro_rules! complex_field_methods {
    () => {
        $crate::linalg_surface::__forward_float!(
            floor, ceil, round, trunc, fract, recip, sin, cos, tan, asin, acos, atan, sinh, cosh,
            tanh, asinh, acosh, atanh, log2, log10, ln, ln_1p, sqrt, exp, exp2, exp_m1, cbrt
        );

        #[inline]
        #[track_caller]
        fn from_real(re: Self) -> Self {
            re
        }

        #[inline]
        #[track_caller]
        fn real(self) -> Self {
            self
        }

        #[inline]
        #[track_caller]
        fn imaginary(self) -> Self {
            <Self as num_traits::Zero>::zero()
        }

        /// `|x|`.
        #[inline]
        #[track_caller]
        fn modulus(self) -> Self {
            num_traits::Float::abs(self)
        }

        /// `x·x`.
        #[inline]
        #[track_caller]
        fn modulus_squared(self) -> Self {
            self * self
        }

        /// `0` or `π` by the sign of the value, a constant.
        #[inline]
        #[track_caller]
        fn argument(self) -> Self {
            if $crate::surface::Surface::peek(&self)
                >= <<Self as $crate::surface::Surface>::Scalar as num_traits::Zero>::zero()
            {
                <Self as num_traits::Zero>::zero()
            } else {
                <Self as simba::scalar::RealField>::pi()
            }
        }

        /// `|x|`.
        #[inline]
        #[track_caller]
        fn norm1(self) -> Self {
            num_traits::Float::abs(self)
        }

        #[inline]
        #[track_caller]
        fn scale(self, factor: Self) -> Self {
            self * factor
        }

        #[inline]
        #[track_caller]
        fn unscale(self, factor: Self) -> Self {
            self / factor
        }

        /// `(|x|, ±1)` by the sign of the value, as for `f64`; the unit factor is
        /// a constant.
        #[inline]
        #[track_caller]
        fn to_exp(self) -> (Self, Self) {
            if $crate::surface::Surface::peek(&self)
                >= <<Self as $crate::surface::Surface>::Scalar as num_traits::Zero>::zero()
            {
                (self, <Self as num_traits::One>::one())
            } else {
                (-self, -<Self as num_traits::One>::one())
            }
        }

        #[inline]
        #[track_caller]
        fn signum(self) -> Self {
            num_traits::Float::signum(self)
        }

        #[inline]
        #[track_caller]
        fn mul_add(self, a: Self, b: Self) -> Self {
            num_traits::Float::mul_add(self, a, b)
        }

        #[inline]
        #[track_caller]
        fn abs(self) -> Self {
            num_traits::Float::abs(self)
        }

        #[inline]
        #[track_caller]
        fn hypot(self, other: Self) -> Self {
            num_traits::Float::hypot(self, other)
        }

        #[inline]
        #[track_caller]
        fn conjugate(self) -> Self {
            self
        }

        #[inline]
        #[track_caller]
        fn sin_cos(self) -> (Self, Self) {
            num_traits::Float::sin_cos(self)
        }

        /// `sin x / x`; at a zero value, the series `1 − x²/6`, which gives the
        /// exact value 1 and the exact first and second derivatives (0, −⅓)
        /// (a reverse variable carries the first).
        #[inline]
        #[track_caller]
        fn sinc(self) -> Self {
            if $crate::surface::Surface::peek(&self)
                == <<Self as $crate::surface::Surface>::Scalar as num_traits::Zero>::zero()
            {
                <Self as num_traits::One>::one()
                    - self * self / $crate::linalg_surface::__small!(6.0)
            } else {
                num_traits::Float::sin(self) / self
            }
        }

        /// `sinh x / x`; at a zero value, the series `1 + x²/6` (as [`sinc`]).
        ///
        /// [`sinc`]: simba::scalar::ComplexField::sinc
        #[inline]
        #[track_caller]
        fn sinhc(self) -> Self {
            if $crate::surface::Surface::peek(&self)
                == <<Self as $crate::surface::Surface>::Scalar as num_traits::Zero>::zero()
            {
                <Self as num_traits::One>::one()
                    + self * self / $crate::linalg_surface::__small!(6.0)
            } else {
                num_traits::Float::sinh(self) / self
            }
        }

        /// `cos x / x`; at a zero value simba's convention for `T` (1), as a
        /// constant.
        #[inline]
        #[track_caller]
        fn cosc(self) -> Self {
            if $crate::surface::Surface::peek(&self)
                == <<Self as $crate::surface::Surface>::Scalar as num_traits::Zero>::zero()
            {
                <Self as num_traits::One>::one()
            } else {
                num_traits::Float::cos(self) / self
            }
        }

        /// `cosh x / x`; at a zero value simba's convention for `T` (1), as a
        /// constant.
        #[inline]
        #[track_caller]
        fn coshc(self) -> Self {
            if $crate::surface::Surface::peek(&self)
                == <<Self as $crate::surface::Surface>::Scalar as num_traits::Zero>::zero()
            {
                <Self as num_traits::One>::one()
            } else {
                num_traits::Float::cosh(self) / self
            }
        }

        #[inline]
        #[track_caller]
        fn log(self, base: Self) -> Self {
            num_traits::Float::log(self, base)
        }

        #[inline]
        #[track_caller]
        fn powi(self, n: i32) -> Self {
            num_traits::Float::powi(self, n)
        }

        #[inline]
        #[track_caller]
        fn powf(self, n: Self) -> Self {
            num_traits::Float::powf(self, n)
        }

        #[inline]
        #[track_caller]
        fn powc(self, n: Self) -> Self {
            num_traits::Float::powf(self, n)
        }

        /// Looks at the value.
        #[inline]
        #[track_caller]
        fn is_finite(&self) -> bool {
            num_traits::Float::is_finite(*self)
        }

        /// `√x` when the value is non-negative, `None` otherwise (as for `f64`).
        #[inline]
        #[track_caller]
        fn try_sqrt(self) -> Option<Self> {
            if $crate::surface::Surface::peek(&self)
                >= <<Self as $crate::surface::Surface>::Scalar as num_traits::Zero>::zero()
            {
                Some(num_traits::Float::sqrt(self))
            } else {
                None
            }
        }
    };
}

/// The methods of simba's `RealField`.
macro_rules! real_field_methods {
    () => {
        #[inline]
        #[track_caller]
        fn is_sign_positive(&self) -> bool {
            num_traits::Float::is_sign_positive(*self)
        }

        #[inline]
        #[track_caller]
        fn is_sign_negative(&self) -> bool {
            num_traits::Float::is_sign_negative(*self)
        }

        #[inline]
        #[track_caller]
        fn copysign(self, sign: Self) -> Self {
            num_traits::Float::copysign(self, sign)
        }

        #[inline]
        #[track_caller]
        fn max(self, other: Self) -> Self {
            num_traits::Float::max(self, other)
        }

        #[inline]
        #[track_caller]
        fn min(self, other: Self) -> Self {
            num_traits::Float::min(self, other)
        }

        #[inline]
        #[track_caller]
        fn clamp(self, min: Self, max: Self) -> Self {
            num_traits::Float::clamp(self, min, max)
        }

        #[inline]
        #[track_caller]
        fn atan2(self, other: Self) -> Self {
            num_traits::Float::atan2(self, other)
        }

        /// The scalar's bound (as simba defines it), as a constant.
        #[inline]
        #[track_caller]
        fn min_value() -> Option<Self> {
            <<Self as $crate::surface::Surface>::Scalar as simba::scalar::RealField>::min_value()
                .map(<Self as $crate::surface::Surface>::lift)
        }

        /// The scalar's bound, as a constant.
        #[inline]
        #[track_caller]
        fn max_value() -> Option<Self> {
            <<Self as $crate::surface::Surface>::Scalar as simba::scalar::RealField>::max_value()
                .map(<Self as $crate::surface::Surface>::lift)
        }

        $crate::linalg_surface::__real_constants!(
            pi,
            two_pi,
            frac_pi_2,
            frac_pi_3,
            frac_pi_4,
            frac_pi_6,
            frac_pi_8,
            frac_1_pi,
            frac_2_pi,
            frac_2_sqrt_pi,
            e,
            log2_e,
            log10_e,
            ln_2,
            ln_10
        );
    };
}

/// simba's `SimdValue` for a scalar: one lane, whose element is itself.
macro_rules! simd_value_scalar {
    () => {
        const LANES: usize = 1;
        type Element = Self;
        type SimdBool = bool;

        #[inline(always)]
        fn splat(val: Self) -> Self {
            val
        }

        #[inline(always)]
        fn extract(&self, _: usize) -> Self {
            *self
        }

        #[inline(always)]
        unsafe fn extract_unchecked(&self, _: usize) -> Self {
            *self
        }

        #[inline(always)]
        fn replace(&mut self, _: usize, val: Self) {
            *self = val;
        }

        #[inline(always)]
        unsafe fn replace_unchecked(&mut self, _: usize, val: Self) {
            *self = val;
        }

        #[inline(always)]
        fn select(self, cond: bool, other: Self) -> Self {
            if cond { self } else { other }
        }
    };
}

/// simba's inclusions for a number type over `T: Float`: the identity
/// (`X ⊂ X`) and `f32, f64 ⊂ X`, where a real lifts to the constant of the
/// same value (`$lift`) and converting back reads the value (`re`). The
/// type's own generic parameters after `T` come in brackets:
/// `scalar_subsets!([const N: usize] Dual2<T, N>, Dual2::constant)`.
macro_rules! scalar_subsets {
    ([$($g:tt)*] $ty:ty, $lift:path) => {
        /// The identity inclusion.
        impl<T: Float, $($g)*> SubsetOf<$ty> for $ty {
            #[inline(always)]
            fn to_superset(&self) -> Self {
                *self
            }

            #[inline(always)]
            fn from_superset_unchecked(element: &Self) -> Self {
                *element
            }

            #[inline(always)]
            fn is_in_subset(_: &Self) -> bool {
                true
            }
        }
        $crate::linalg_surface::scalar_subsets!(@real [$($g)*] $ty, $lift, f32);
        $crate::linalg_surface::scalar_subsets!(@real [$($g)*] $ty, $lift, f64);
    };
    (@real [$($g:tt)*] $ty:ty, $lift:path, $s:ty) => {
        /// A real number is the constant of the same value; converting back
        /// reads the value and drops the rest.
        impl<T: Float + SupersetOf<$s>, $($g)*> SubsetOf<$ty> for $s {
            #[inline]
            fn to_superset(&self) -> $ty {
                $lift(T::from_subset(self))
            }

            #[inline]
            fn from_superset_unchecked(element: &$ty) -> $s {
                element.re.to_subset_unchecked()
            }

            #[inline]
            fn is_in_subset(element: &$ty) -> bool {
                element.re.is_in_subset()
            }
        }
    };
}

pub(crate) use {
    __forward_float, __real_constants, __small, complex_field_methods, real_field_methods,
    scalar_subsets, simd_value_scalar,
};
