//! The rest of the num-traits surface for `Var<'t, T>`, as forwarding lists:
//! `Zero`, `One`, `Num`, `NumCast`, `ToPrimitive`, `FromPrimitive`,
//! `Signed`, `Inv`, `MulAdd`, `MulAddAssign` and `Pow`.
//!
//! Conversions *into* a variable give constants (no tape needed);
//! conversions *out of* one read the value, and on a variable that read is
//! recorded (see [`Var::value`]).

use num_traits::{
    Float, FromPrimitive, Inv, MulAdd, MulAddAssign, Num, NumCast, One, Pow, Signed, ToPrimitive,
    Zero,
};

use super::Var;

impl<T: Float> Zero for Var<'_, T> {
    #[inline]
    fn zero() -> Self {
        Var::constant(T::zero())
    }

    /// Structural zero: a constant whose value is zero. A variable is never
    /// structurally zero (as a [`Dual`](crate::Dual) with a non-zero
    /// tangent is not), so an early exit on `is_zero` cannot drop a
    /// derivative, and nothing needs recording.
    #[inline]
    fn is_zero(&self) -> bool {
        self.tape.is_none() && self.val.is_zero()
    }
}

impl<T: Float> One for Var<'_, T> {
    #[inline]
    fn one() -> Self {
        Var::constant(T::one())
    }

    /// Structural one: a constant whose value is one (not recorded), as
    /// [`is_zero`](Zero::is_zero).
    #[inline]
    fn is_one(&self) -> bool {
        self.tape.is_none() && self.val.is_one()
    }
}

impl<T: Float> Num for Var<'_, T> {
    type FromStrRadixErr = T::FromStrRadixErr;

    /// Parses the value as `T` does; the result is a constant.
    #[inline]
    fn from_str_radix(s: &str, radix: u32) -> Result<Self, Self::FromStrRadixErr> {
        T::from_str_radix(s, radix).map(Var::constant)
    }
}

impl<T: Float> NumCast for Var<'_, T> {
    /// Converts to `T` and makes a constant.
    #[inline]
    fn from<P: ToPrimitive>(n: P) -> Option<Self> {
        <T as NumCast>::from(n).map(Var::constant)
    }
}

macro_rules! to_prim {
    ($($name:ident -> $t:ty),*) => {$(
        #[inline]
        fn $name(&self) -> Option<$t> {
            self.read(stringify!($name)).$name()
        }
    )*};
}

/// Reads the value; on a variable the read is recorded, so a replay where
/// the value read would differ is refused (see [`Var::value`]).
impl<T: Float> ToPrimitive for Var<'_, T> {
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
            T::$name(n).map(Var::constant)
        }
    )*};
}

/// Makes a constant.
impl<T: Float + FromPrimitive> FromPrimitive for Var<'_, T> {
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
/// at the sign bit of the value and are recorded like the `Float`
/// predicates.
impl<T: Float> Signed for Var<'_, T> {
    #[inline]
    fn abs(&self) -> Self {
        Float::abs(*self)
    }
    #[inline]
    fn abs_sub(&self, other: &Self) -> Self {
        Float::abs_sub(*self, *other)
    }
    #[inline]
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
impl<T: Float> Inv for Var<'_, T> {
    type Output = Self;
    #[inline]
    fn inv(self) -> Self {
        self.recip()
    }
}

/// `x·a + b` with one rounding, as [`Float::mul_add`].
impl<T: Float> MulAdd for Var<'_, T> {
    type Output = Self;
    #[inline]
    fn mul_add(self, a: Self, b: Self) -> Self {
        Float::mul_add(self, a, b)
    }
}

impl<T: Float> MulAddAssign for Var<'_, T> {
    #[inline]
    fn mul_add_assign(&mut self, a: Self, b: Self) {
        *self = Float::mul_add(*self, a, b);
    }
}

macro_rules! pow_int {
    ($($t:ty),*) => {$(
        /// `xⁿ` for an integer `n`, as [`Float::powi`].
        impl<T: Float> Pow<$t> for Var<'_, T> {
            type Output = Self;
            #[inline]
            fn pow(self, n: $t) -> Self {
                self.powi(<i32 as From<$t>>::from(n))
            }
        }
    )*};
}

pow_int!(i8, u8, i16, u16, i32);

macro_rules! pow_float {
    ($($t:ty),*) => {$(
        /// `x^y` for a constant exponent, as [`Float::powf`].
        impl<'t> Pow<$t> for Var<'t, $t> {
            type Output = Self;
            #[inline]
            fn pow(self, y: $t) -> Self {
                self.powf(Var::constant(y))
            }
        }
    )*};
}

pow_float!(f32, f64);

/// `x^y` with the exponent varying too, as [`Float::powf`].
impl<'t, T: Float> Pow<Var<'t, T>> for Var<'t, T> {
    type Output = Self;
    #[inline]
    fn pow(self, y: Self) -> Self {
        self.powf(y)
    }
}
