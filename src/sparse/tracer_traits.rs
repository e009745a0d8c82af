//! Operators and the num-traits surface for [`Tracer`]: forwarding lists,
//! each entry naming the value `T` computes and the dependence it records
//! (the table in `Tracer`'s docs).
//!
//! Provides: `Neg`; `Add Sub Mul Div Rem` by value, with `T` on the right,
//! and their assign forms; `Sum`, `Product`; `PartialEq`, `PartialOrd`
//! (value, counted); `Zero`, `One`, `Num`, `NumCast`, `ToPrimitive`
//! (counted); `Float`.

use core::cmp::Ordering;
use core::iter::{Product, Sum};
use core::num::FpCategory;
use core::ops::SubAssign;
use core::ops::{Add, AddAssign, Div, DivAssign, Mul, MulAssign, Neg, Rem, RemAssign, Sub};

use num_traits::{Float, Num, NumCast, One, ToPrimitive, Zero};

use super::Tracer;
use super::record::Kind;

impl<T: Float> Neg for Tracer<T> {
    type Output = Self;
    #[inline]
    fn neg(self) -> Self {
        self.same(-self.value)
    }
}

macro_rules! binop {
    ($Tr:ident, $f:ident, $TrA:ident, $fa:ident, $kind:ident) => {
        impl<T: Float> $Tr for Tracer<T> {
            type Output = Self;
            #[inline]
            #[track_caller]
            fn $f(self, o: Self) -> Self {
                self.binary(o, self.value.$f(o.value), Kind::$kind)
            }
        }
        impl<T: Float> $Tr<T> for Tracer<T> {
            type Output = Self;
            #[inline]
            #[track_caller]
            fn $f(self, o: T) -> Self {
                self.$f(Tracer::constant(o))
            }
        }
        impl<T: Float> $TrA for Tracer<T> {
            #[inline]
            #[track_caller]
            fn $fa(&mut self, o: Self) {
                *self = (*self).$f(o);
            }
        }
        impl<T: Float> $TrA<T> for Tracer<T> {
            #[inline]
            #[track_caller]
            fn $fa(&mut self, o: T) {
                *self = (*self).$f(o);
            }
        }
    };
}

binop!(Add, add, AddAssign, add_assign, Linear);
binop!(Sub, sub, SubAssign, sub_assign, Linear);
binop!(Mul, mul, MulAssign, mul_assign, Mul);
binop!(Div, div, DivAssign, div_assign, Div);
// a % b = a − trunc(a/b)·b: piecewise linear in both.
binop!(Rem, rem, RemAssign, rem_assign, Linear);

impl<T: Float> Sum for Tracer<T> {
    fn sum<I: Iterator<Item = Self>>(iter: I) -> Self {
        iter.fold(Self::zero(), |s, x| s + x)
    }
}

impl<T: Float> Product for Tracer<T> {
    fn product<I: Iterator<Item = Self>>(iter: I) -> Self {
        iter.fold(Self::one(), |s, x| s * x)
    }
}

impl<T: Float> PartialEq for Tracer<T> {
    /// Compares the values; counted when either depends on the inputs.
    #[track_caller]
    fn eq(&self, o: &Self) -> bool {
        self.look();
        o.look();
        self.value == o.value
    }
}

impl<T: Float> PartialOrd for Tracer<T> {
    /// Compares the values; counted when either depends on the inputs.
    #[track_caller]
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        self.look();
        o.look();
        self.value.partial_cmp(&o.value)
    }
}

impl<T: Float> Zero for Tracer<T> {
    fn zero() -> Self {
        Tracer::constant(T::zero())
    }
    /// The value is zero; counted when it depends on the inputs.
    fn is_zero(&self) -> bool {
        self.look();
        self.value.is_zero()
    }
}

impl<T: Float> One for Tracer<T> {
    fn one() -> Self {
        Tracer::constant(T::one())
    }
}

impl<T: Float> Num for Tracer<T> {
    type FromStrRadixErr = T::FromStrRadixErr;
    fn from_str_radix(s: &str, radix: u32) -> Result<Self, Self::FromStrRadixErr> {
        T::from_str_radix(s, radix).map(Tracer::constant)
    }
}

impl<T: Float> NumCast for Tracer<T> {
    fn from<P: ToPrimitive>(n: P) -> Option<Self> {
        T::from(n).map(Tracer::constant)
    }
}

macro_rules! to_prim {
    ($($name:ident -> $t:ty),*) => {$(
        #[track_caller]
        fn $name(&self) -> Option<$t> {
            self.look();
            self.value.$name()
        }
    )*};
}

impl<T: Float> ToPrimitive for Tracer<T> {
    to_prim!(to_i64 -> i64, to_u64 -> u64, to_i128 -> i128, to_u128 -> u128,
             to_f32 -> f32, to_f64 -> f64);
}

macro_rules! constant {
    ($($name:ident),*) => {$(
        fn $name() -> Self {
            Tracer::constant(T::$name())
        }
    )*};
}

macro_rules! predicate {
    ($($name:ident),*) => {$(
        #[track_caller]
        fn $name(self) -> bool {
            self.look();
            self.value.$name()
        }
    )*};
}

macro_rules! with {
    ($how:ident: $($name:ident),*) => {$(
        #[inline]
        #[track_caller]
        fn $name(self) -> Self {
            self.$how(self.value.$name())
        }
    )*};
}

macro_rules! joint {
    ($($name:ident),*) => {$(
        #[inline]
        #[track_caller]
        fn $name(self, o: Self) -> Self {
            self.binary(o, self.value.$name(o.value), Kind::Joint)
        }
    )*};
}

macro_rules! linear2 {
    ($($name:ident),*) => {$(
        #[inline]
        #[track_caller]
        fn $name(self, o: Self) -> Self {
            self.binary(o, self.value.$name(o.value), Kind::Linear)
        }
    )*};
}

impl<T: Float> Float for Tracer<T> {
    constant!(
        nan,
        infinity,
        neg_infinity,
        neg_zero,
        min_value,
        min_positive_value,
        epsilon,
        max_value
    );
    predicate!(
        is_nan,
        is_infinite,
        is_finite,
        is_normal,
        is_subnormal,
        is_sign_positive,
        is_sign_negative
    );

    #[track_caller]
    fn classify(self) -> FpCategory {
        self.look();
        self.value.classify()
    }

    // Derivative zero almost everywhere: the result is a constant.
    fn floor(self) -> Self {
        Tracer::constant(self.value.floor())
    }
    fn ceil(self) -> Self {
        Tracer::constant(self.value.ceil())
    }
    fn round(self) -> Self {
        Tracer::constant(self.value.round())
    }
    fn trunc(self) -> Self {
        Tracer::constant(self.value.trunc())
    }
    fn signum(self) -> Self {
        Tracer::constant(self.value.signum())
    }

    // Linear (almost everywhere) in the one operand.
    with!(same: fract, abs, to_degrees, to_radians);

    // Nonlinear in the one operand.
    with!(unary: recip, sqrt, exp, exp2, ln, log2, log10, cbrt, sin, cos, tan, asin, acos,
          atan, exp_m1, ln_1p, sinh, cosh, tanh, asinh, acosh, atanh);

    joint!(powf, log, hypot, atan2);
    linear2!(max, min, abs_sub);

    #[track_caller]
    fn powi(self, n: i32) -> Self {
        match n {
            0 => Tracer::constant(self.value.powi(0)),
            1 => self.same(self.value.powi(1)),
            _ => self.unary(self.value.powi(n)),
        }
    }

    #[track_caller]
    fn mul_add(self, a: Self, b: Self) -> Self {
        let ab = self.binary(a, self.value * a.value, Kind::Mul);
        ab.binary(b, self.value.mul_add(a.value, b.value), Kind::Linear)
    }

    #[track_caller]
    fn clamp(self, lo: Self, hi: Self) -> Self {
        let v = self.value.clamp(lo.value, hi.value);
        self.binary(lo, v, Kind::Linear).binary(hi, v, Kind::Linear)
    }

    #[track_caller]
    fn copysign(self, sign: Self) -> Self {
        self.same(self.value.copysign(sign.value))
    }

    #[track_caller]
    fn sin_cos(self) -> (Self, Self) {
        let (s, c) = self.value.sin_cos();
        let y = self.unary(s);
        (y, y.same(c))
    }

    fn integer_decode(self) -> (u64, i16, i8) {
        self.value.integer_decode()
    }
}
