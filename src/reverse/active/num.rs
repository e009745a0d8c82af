//! The rest of the num-traits surface for `Active<T>`, as forwarding lists:
//! `Zero`, `One`, `Num`, `NumCast`, `ToPrimitive`, `FromPrimitive`,
//! `Signed`, `Inv`, `MulAdd`, `MulAddAssign` and `Pow`.
//!
//! Conversions *into* an active variable give constants (no recording
//! needed); conversions *out of* one read the value.

use num_traits::{
    Float, FromPrimitive, Inv, MulAdd, MulAddAssign, Num, NumCast, One, Pow, Signed, ToPrimitive,
    Zero,
};

use super::Active;
use super::local::ActiveScalar;

impl<T: ActiveScalar> Zero for Active<T> {
    #[inline]
    fn zero() -> Self {
        Active::constant(T::zero())
    }

    /// Structural zero: a constant whose value is zero. A variable is never
    /// structurally zero (as a [`Dual`](crate::Dual) with a non-zero
    /// tangent is not), so an early exit on `is_zero` cannot drop a
    /// derivative.
    #[inline]
    fn is_zero(&self) -> bool {
        self.generation == 0 && self.val.is_zero()
    }
}

impl<T: ActiveScalar> One for Active<T> {
    #[inline]
    fn one() -> Self {
        Active::constant(T::one())
    }

    /// Structural one: a constant whose value is one, as
    /// [`is_zero`](Zero::is_zero).
    #[inline]
    fn is_one(&self) -> bool {
        self.generation == 0 && self.val.is_one()
    }
}

impl<T: ActiveScalar> Num for Active<T> {
    type FromStrRadixErr = <T as Num>::FromStrRadixErr;

    /// Parses the value as `T` does; the result is a constant.
    #[inline]
    fn from_str_radix(s: &str, radix: u32) -> Result<Self, Self::FromStrRadixErr> {
        <T as Num>::from_str_radix(s, radix).map(Active::constant)
    }
}

impl<T: ActiveScalar> NumCast for Active<T> {
    /// Converts to `T` and makes a constant.
    #[inline]
    fn from<P: ToPrimitive>(n: P) -> Option<Self> {
        <T as NumCast>::from(n).map(Active::constant)
    }
}

macro_rules! to_prim {
    ($($name:ident -> $t:ty),*) => {$(
        #[inline]
        fn $name(&self) -> Option<$t> {
            self.val.$name()
        }
    )*};
}

/// Reads the value.
impl<T: ActiveScalar> ToPrimitive for Active<T> {
    to_prim!(
        to_i64 -> i64, to_u64 -> u64, to_isize -> isize, to_i8 -> i8, to_i16 -> i16,
        to_i32 -> i32, to_i128 -> i128, to_usize -> usize, to_u8 -> u8, to_u16 -> u16,
        to_u32 -> u32, to_u128 -> u128, to_f32 -> f32, to_f64 -> f64
    );
}

macro_rules! from_prim {
    ($($name:ident($t:ty)),*) => {$(
        #[inline]
        fn $name(n: $t) -> Option<Self> {
            <T as FromPrimitive>::$name(n).map(Active::constant)
        }
    )*};
}

/// Makes a constant.
impl<T: ActiveScalar> FromPrimitive for Active<T> {
    from_prim!(
        from_i64(i64),
        from_u64(u64),
        from_isize(isize),
        from_i8(i8),
        from_i16(i16),
        from_i32(i32),
        from_i128(i128),
        from_usize(usize),
        from_u8(u8),
        from_u16(u16),
        from_u32(u32),
        from_u128(u128),
        from_f32(f32),
        from_f64(f64)
    );
}

/// As `Float`'s methods of the same names; `is_positive`/`is_negative` look
/// at the sign bit of the value.
impl<T: ActiveScalar> Signed for Active<T> {
    #[inline]
    #[track_caller]
    fn abs(&self) -> Self {
        Float::abs(*self)
    }
    #[inline]
    #[track_caller]
    fn abs_sub(&self, other: &Self) -> Self {
        Float::abs_sub(*self, *other)
    }
    #[inline]
    #[track_caller]
    fn signum(&self) -> Self {
        Float::signum(*self)
    }
    #[inline]
    fn is_positive(&self) -> bool {
        Float::is_sign_positive(*self)
    }
    #[inline]
    fn is_negative(&self) -> bool {
        Float::is_sign_negative(*self)
    }
}

/// `1/x`, as [`Float::recip`].
impl<T: ActiveScalar> Inv for Active<T> {
    type Output = Self;
    #[inline]
    #[track_caller]
    fn inv(self) -> Self {
        Float::recip(self)
    }
}

/// `x·a + b` with one rounding, as [`Float::mul_add`].
impl<T: ActiveScalar> MulAdd for Active<T> {
    type Output = Self;
    #[inline]
    #[track_caller]
    fn mul_add(self, a: Self, b: Self) -> Self {
        Float::mul_add(self, a, b)
    }
}

impl<T: ActiveScalar> MulAddAssign for Active<T> {
    #[inline]
    #[track_caller]
    fn mul_add_assign(&mut self, a: Self, b: Self) {
        *self = Float::mul_add(*self, a, b);
    }
}

macro_rules! pow_int {
    ($($t:ty),*) => {$(
        /// `xⁿ` for an integer `n`, as [`Float::powi`].
        impl<T: ActiveScalar> Pow<$t> for Active<T> {
            type Output = Self;
            #[inline]
            #[track_caller]
            fn pow(self, n: $t) -> Self {
                Float::powi(self, <i32 as From<$t>>::from(n))
            }
        }
    )*};
}

pow_int!(i8, u8, i16, u16, i32);

macro_rules! pow_float {
    ($($t:ty),*) => {$(
        /// `x^y` for a constant exponent, as [`Float::powf`].
        impl Pow<$t> for Active<$t> {
            type Output = Self;
            #[inline]
            #[track_caller]
            fn pow(self, y: $t) -> Self {
                Float::powf(self, Active::constant(y))
            }
        }
    )*};
}

pow_float!(f32, f64);

/// `x^y` with the exponent varying too, as [`Float::powf`].
impl<T: ActiveScalar> Pow<Active<T>> for Active<T> {
    type Output = Self;
    #[inline]
    #[track_caller]
    fn pow(self, y: Self) -> Self {
        Float::powf(self, y)
    }
}
