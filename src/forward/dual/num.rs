//! The rest of the num-traits surface for `Dual<T, N, SAFE>`, as forwarding lists:
//! `Zero`, `One`, `Num`, `NumCast`, `ToPrimitive`, `FromPrimitive`,
//! `Signed`, `Inv`, `MulAdd`, `MulAddAssign` and `Pow` (integer, float and
//! dual exponents, by value and reference).
//!
//! Conversions *into* a dual give constants; conversions *out of* one read
//! the value.

use num_traits::{
    Float, FromPrimitive, Inv, MulAdd, MulAddAssign, Num, NumCast, One, Pow, Signed, ToPrimitive,
    Zero,
};

use crate::{Dual, tangent};

impl<T: Float, const N: usize, const SAFE: bool> Zero for Dual<T, N, SAFE> {
    #[inline]
    fn zero() -> Self {
        Dual::lift(T::zero())
    }

    /// Structural zero: the value **and every tangent lane** are zero.
    ///
    /// This is stricter than `x == 0` (which compares values only), so an
    /// early exit such as `if x.is_zero() { return zero }` does not silently
    /// drop a derivative that is not zero.
    #[inline]
    fn is_zero(&self) -> bool {
        self.re.is_zero() && tangent::is_zero(&self.eps)
    }
}

impl<T: Float, const N: usize, const SAFE: bool> One for Dual<T, N, SAFE> {
    #[inline]
    fn one() -> Self {
        Dual::lift(T::one())
    }

    /// Structural one, like [`Zero::is_zero`]: the value is one **and every
    /// tangent lane** is zero, so `if x.is_one() { return y }` does not drop
    /// the derivative of `x`.
    #[inline]
    fn is_one(&self) -> bool {
        self.re.is_one() && tangent::is_zero(&self.eps)
    }
}

impl<T: Float, const N: usize, const SAFE: bool> Num for Dual<T, N, SAFE> {
    type FromStrRadixErr = T::FromStrRadixErr;

    /// Parses the value as `T` does; the result is a constant.
    #[inline]
    fn from_str_radix(s: &str, radix: u32) -> Result<Self, Self::FromStrRadixErr> {
        T::from_str_radix(s, radix).map(Dual::lift)
    }
}

impl<T: Float, const N: usize, const SAFE: bool> NumCast for Dual<T, N, SAFE> {
    /// Converts to `T` and makes a constant.
    #[inline]
    fn from<P: ToPrimitive>(n: P) -> Option<Self> {
        <T as NumCast>::from(n).map(Dual::lift)
    }
}

macro_rules! to_prim {
    ($($name:ident -> $t:ty),*) => {$(
        #[inline]
        fn $name(&self) -> Option<$t> {
            self.re.$name()
        }
    )*};
}

/// Reads the value.
impl<T: Float, const N: usize, const SAFE: bool> ToPrimitive for Dual<T, N, SAFE> {
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
            T::$name(n).map(Dual::lift)
        }
    )*};
}

/// Makes a constant.
impl<T: Float + FromPrimitive, const N: usize, const SAFE: bool> FromPrimitive
    for Dual<T, N, SAFE>
{
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
/// at the sign bit of the value, as for the primitive floats.
impl<T: Float, const N: usize, const SAFE: bool> Signed for Dual<T, N, SAFE> {
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
        self.re.is_sign_positive()
    }
    #[inline]
    fn is_negative(&self) -> bool {
        self.re.is_sign_negative()
    }
}

/// `1/x`, as [`Float::recip`].
impl<T: Float, const N: usize, const SAFE: bool> Inv for Dual<T, N, SAFE> {
    type Output = Self;
    #[inline]
    fn inv(self) -> Self {
        self.recip()
    }
}

/// `1/x`, as [`Float::recip`].
impl<T: Float, const N: usize, const SAFE: bool> Inv for &Dual<T, N, SAFE> {
    type Output = Dual<T, N, SAFE>;
    #[inline]
    fn inv(self) -> Dual<T, N, SAFE> {
        self.recip()
    }
}

/// `x·a + b` with one rounding, as [`Float::mul_add`].
impl<T: Float, const N: usize, const SAFE: bool> MulAdd for Dual<T, N, SAFE> {
    type Output = Self;
    #[inline]
    fn mul_add(self, a: Self, b: Self) -> Self {
        Float::mul_add(self, a, b)
    }
}

impl<T: Float, const N: usize, const SAFE: bool> MulAddAssign for Dual<T, N, SAFE> {
    #[inline]
    fn mul_add_assign(&mut self, a: Self, b: Self) {
        *self = Float::mul_add(*self, a, b);
    }
}

macro_rules! pow_int {
    ($($t:ty),*) => {$(
        /// `xⁿ` for an integer `n`, as [`Float::powi`].
        impl<T: Float, const N: usize, const SAFE: bool> Pow<$t> for Dual<T, N, SAFE> {
            type Output = Self;
            #[inline]
            fn pow(self, n: $t) -> Self {
                self.powi(<i32 as From<$t>>::from(n))
            }
        }
        impl<T: Float, const N: usize, const SAFE: bool> Pow<$t> for &Dual<T, N, SAFE> {
            type Output = Dual<T, N, SAFE>;
            #[inline]
            fn pow(self, n: $t) -> Dual<T, N, SAFE> {
                self.powi(<i32 as From<$t>>::from(n))
            }
        }
    )*};
}

pow_int!(i8, u8, i16, u16, i32);

macro_rules! pow_float {
    ($($t:ty),*) => {$(
        /// `x^y` for a constant exponent, as [`Float::powf`].
        impl<const N: usize, const SAFE: bool> Pow<$t> for Dual<$t, N, SAFE> {
            type Output = Self;
            #[inline]
            fn pow(self, y: $t) -> Self {
                self.powf(Dual::lift(y))
            }
        }
    )*};
}

pow_float!(f32, f64);

/// `x^y` with the exponent varying too, as [`Float::powf`].
impl<T: Float, const N: usize, const SAFE: bool> Pow<Dual<T, N, SAFE>> for Dual<T, N, SAFE> {
    type Output = Self;
    #[inline]
    fn pow(self, y: Self) -> Self {
        self.powf(y)
    }
}

impl<T: Float, const N: usize, const SAFE: bool> Pow<&Dual<T, N, SAFE>> for Dual<T, N, SAFE> {
    type Output = Self;
    #[inline]
    fn pow(self, y: &Self) -> Self {
        self.powf(*y)
    }
}

impl<T: Float, const N: usize, const SAFE: bool> Pow<Dual<T, N, SAFE>> for &Dual<T, N, SAFE> {
    type Output = Dual<T, N, SAFE>;
    #[inline]
    fn pow(self, y: Dual<T, N, SAFE>) -> Dual<T, N, SAFE> {
        self.powf(y)
    }
}
