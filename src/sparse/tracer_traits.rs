//! Operators and the num-traits surface for [`Tracer`]: forwarding lists,
//! each entry naming the value `T` computes and the dependence it records
//! (the table in `Tracer`'s docs).
//!
//! Provides: `Neg`; `Add Sub Mul Div Rem` by value, with `T` on the right,
//! and their assign forms; `Sum`, `Product`; `PartialEq`, `PartialOrd`
//! (value, counted); `Zero`, `One`, `Num`, `NumCast`, `ToPrimitive`
//! (counted); `Float`; and, through the shared `num_extras!`,
//! `FromPrimitive`, `FloatConst`, `Signed`, `Inv`, `MulAdd`, `Pow`.

use core::cmp::Ordering;
use core::iter::{Product, Sum};
use core::ops::SubAssign;
use core::ops::{Add, AddAssign, Div, DivAssign, Mul, MulAssign, Neg, Rem, RemAssign, Sub};

use num_traits::{Float, Num, NumCast, One, ToPrimitive, Zero};

use super::Tracer;
use super::record::Kind;
use crate::surface::{Surface, float_methods, num_extras, to_primitive_methods};

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

/// `ToPrimitive` reads the value: counted when it depends on the inputs.
macro_rules! tracer_to_primitive {
    ($name:ident -> $t:ty) => {
        #[track_caller]
        fn $name(&self) -> Option<$t> {
            self.look();
            self.value.$name()
        }
    };
}

impl<T: Float> ToPrimitive for Tracer<T> {
    to_primitive_methods!(tracer_to_primitive);
}

/// How the tracer does each shape of the one method list
/// ([`crate::surface`]): the value is computed as usual, and the result
/// depends on the operands according to the kind of derivative the list
/// gives the method (`flat`: a constant; `linear`: the operand's pattern,
/// no second-order term; `nonlinear`, `joint`: a nonlinear dependence;
/// `first`: the first operand only).
macro_rules! tracer_float {
    (constant $name:ident) => {
        fn $name() -> Self {
            Tracer::constant(T::$name())
        }
    };
    (predicate $name:ident $code:ident) => {
        #[track_caller]
        fn $name(self) -> bool {
            self.look();
            self.value.$name()
        }
    };
    (inspect classify -> $ret:ty) => {
        #[track_caller]
        fn classify(self) -> $ret {
            self.look();
            self.value.classify()
        }
    };
    (inspect $name:ident -> $ret:ty) => {
        fn $name(self) -> $ret {
            self.value.$name()
        }
    };
    // Derivative zero almost everywhere: the result is a constant.
    (unary $name:ident $code:ident flat) => {
        fn $name(self) -> Self {
            Tracer::constant(self.value.$name())
        }
    };
    // Linear (almost everywhere) in the one operand.
    (unary $name:ident $code:ident linear) => {
        #[inline]
        #[track_caller]
        fn $name(self) -> Self {
            self.same(self.value.$name())
        }
    };
    (unary $name:ident $code:ident nonlinear) => {
        #[inline]
        #[track_caller]
        fn $name(self) -> Self {
            self.unary(self.value.$name())
        }
    };
    (binary $name:ident $code:ident joint) => {
        #[inline]
        #[track_caller]
        fn $name(self, o: Self) -> Self {
            self.binary(o, self.value.$name(o.value), Kind::Joint)
        }
    };
    (binary $name:ident $code:ident linear) => {
        #[inline]
        #[track_caller]
        fn $name(self, o: Self) -> Self {
            self.binary(o, self.value.$name(o.value), Kind::Linear)
        }
    };
    (binary $name:ident $code:ident first) => {
        #[track_caller]
        fn $name(self, o: Self) -> Self {
            self.same(self.value.$name(o.value))
        }
    };
    (ternary mul_add $code:ident) => {
        #[track_caller]
        fn mul_add(self, a: Self, b: Self) -> Self {
            let ab = self.binary(a, self.value * a.value, Kind::Mul);
            ab.binary(b, self.value.mul_add(a.value, b.value), Kind::Linear)
        }
    };
    (ternary clamp $code:ident) => {
        #[track_caller]
        fn clamp(self, lo: Self, hi: Self) -> Self {
            let v = self.value.clamp(lo.value, hi.value);
            self.binary(lo, v, Kind::Linear).binary(hi, v, Kind::Linear)
        }
    };
    (powi) => {
        #[track_caller]
        fn powi(self, n: i32) -> Self {
            match n {
                0 => Tracer::constant(self.value.powi(0)),
                1 => self.same(self.value.powi(1)),
                _ => self.unary(self.value.powi(n)),
            }
        }
    };
    (sin_cos) => {
        #[track_caller]
        fn sin_cos(self) -> (Self, Self) {
            let (s, c) = self.value.sin_cos();
            let y = self.unary(s);
            (y, y.same(c))
        }
    };
}

impl<T: Float> Float for Tracer<T> {
    float_methods!(tracer_float);
}

impl<T: Float> Surface for Tracer<T> {
    type Scalar = T;

    #[inline]
    fn lift(x: T) -> Self {
        Tracer::constant(x)
    }

    #[inline]
    #[track_caller]
    fn read_value(&self, _what: &'static str) -> T {
        self.look();
        self.value
    }

    #[inline]
    fn peek(&self) -> T {
        self.value
    }

    #[inline]
    fn is_constant(&self) -> bool {
        Tracer::is_constant(self)
    }
}

// `FromPrimitive`, `FloatConst`, `Signed`, `Inv`, `MulAdd` and `Pow` as the
// other number types have them, so a function bounded by any of them can be
// traced; each goes through the `Float` method above that records it.
num_extras! {
    impl[T: Float] Tracer<T>, scalar T;
    floats[] Tracer<f32>, Tracer<f64>;
}
