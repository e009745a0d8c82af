//! Plain `f64`/`f32` operands next to a reverse variable: `Var<'t, f64>`
//! (as [`super::gradient`] records) and `Var<'t, Dual<f64, C>>` (forward
//! over reverse, as [`super::hvp`] and [`super::hessian`] record) take
//! `0.5 * x`, `x * 3.0`, `x += 1.0`, `x > 0.0`, `0.0 < x`, `x == 1.0`,
//! `x.max(0.0)` and `x.powf(1.5)` like any other number of the crate.
//!
//! `ops.rs` gives `Var<'t, T> op T` and, for `T = f64`/`f32`, the scalar on
//! the left. Here:
//!
//! - `Var<'t, T> == T` and `Var<'t, T> < T` for every `T`, and `f64 ==
//!   Var<'t, f64>`, `f64 < Var<'t, f64>` (and `f32`) with the scalar on the
//!   left;
//! - for `S = f64` and `S = f32` and every `T: DualOver<S>` (a dual over
//!   `S`, at any depth): `Var op S`, `&Var op S`, `S op Var`, `S op &Var`
//!   for `+ - * / %`, `Var op= S`, the comparisons both ways round, and
//!   `From<S>` (so the inherent two-argument methods, which take
//!   `impl Into<Self>`, accept a plain scalar).
//!
//! Each lifts the scalar to a constant variable (`T::from_scalar(s)` for a
//! dual) and applies the operator or comparison of `ops.rs`/`var.rs`, so
//! no rule is written here, a constant operand records one partial (the
//! other side's), and a comparison is recorded as every comparison is.
//!
//! Coherence: `impl Mul<T> for Var<'t, T>` and `impl Mul<f64> for
//! Var<'t, T> where T: DualOver<f64>` cannot overlap, because `f64` is not
//! a `DualOver<f64>` (a sealed trait).

use core::cmp::Ordering;
use core::ops::{Add, AddAssign, Div, DivAssign, Mul, MulAssign, Rem, RemAssign, Sub, SubAssign};

use num_traits::Float;

use super::Var;
use crate::literal::DualOver;

/// `Var<'t, T> == T` and `Var<'t, T> < T`: the comparison with the constant.
impl<T: Float> PartialEq<T> for Var<'_, T> {
    #[inline]
    fn eq(&self, other: &T) -> bool {
        *self == Var::constant(*other)
    }
}

impl<T: Float> PartialOrd<T> for Var<'_, T> {
    #[inline]
    fn partial_cmp(&self, other: &T) -> Option<Ordering> {
        self.partial_cmp(&Var::constant(*other))
    }
    #[inline]
    fn lt(&self, other: &T) -> bool {
        *self < Var::constant(*other)
    }
    #[inline]
    fn le(&self, other: &T) -> bool {
        *self <= Var::constant(*other)
    }
    #[inline]
    fn gt(&self, other: &T) -> bool {
        *self > Var::constant(*other)
    }
    #[inline]
    fn ge(&self, other: &T) -> bool {
        *self >= Var::constant(*other)
    }
}

/// `f64 == Var<'t, f64>` and `f64 < Var<'t, f64>` (and `f32`).
macro_rules! scalar_left_cmp {
    ($($s:ty),*) => {$(
        impl<'t> PartialEq<Var<'t, $s>> for $s {
            #[inline]
            fn eq(&self, other: &Var<'t, $s>) -> bool {
                Var::constant(*self) == *other
            }
        }
        impl<'t> PartialOrd<Var<'t, $s>> for $s {
            #[inline]
            fn partial_cmp(&self, other: &Var<'t, $s>) -> Option<Ordering> {
                Var::constant(*self).partial_cmp(other)
            }
        }
    )*};
}

scalar_left_cmp!(f64, f32);

macro_rules! nested_ops {
    ($s:ty: $($Op:ident $op:ident $OpAssign:ident $op_assign:ident),*) => {$(
        impl<'t, T: DualOver<$s>> $Op<$s> for Var<'t, T> {
            type Output = Self;
            #[inline(always)]
            #[track_caller]
            fn $op(self, rhs: $s) -> Self {
                $Op::$op(self, T::from_scalar(rhs))
            }
        }
        impl<'t, T: DualOver<$s>> $Op<$s> for &Var<'t, T> {
            type Output = Var<'t, T>;
            #[inline(always)]
            #[track_caller]
            fn $op(self, rhs: $s) -> Var<'t, T> {
                $Op::$op(*self, T::from_scalar(rhs))
            }
        }
        impl<'t, T: DualOver<$s>> $Op<Var<'t, T>> for $s {
            type Output = Var<'t, T>;
            #[inline(always)]
            #[track_caller]
            fn $op(self, rhs: Var<'t, T>) -> Var<'t, T> {
                $Op::$op(Var::constant(T::from_scalar(self)), rhs)
            }
        }
        impl<'t, T: DualOver<$s>> $Op<&Var<'t, T>> for $s {
            type Output = Var<'t, T>;
            #[inline(always)]
            #[track_caller]
            fn $op(self, rhs: &Var<'t, T>) -> Var<'t, T> {
                $Op::$op(Var::constant(T::from_scalar(self)), *rhs)
            }
        }
        impl<'t, T: DualOver<$s>> $OpAssign<$s> for Var<'t, T> {
            #[inline(always)]
            #[track_caller]
            fn $op_assign(&mut self, rhs: $s) {
                *self = $Op::$op(*self, T::from_scalar(rhs));
            }
        }
    )*};
}

macro_rules! nested_cmp {
    ($($s:ty),*) => {$(
        impl<'t, T: DualOver<$s>> From<$s> for Var<'t, T> {
            /// The constant with value `s` (zero tangents at every level).
            #[inline]
            fn from(s: $s) -> Self {
                Var::constant(T::from_scalar(s))
            }
        }
        impl<'t, T: DualOver<$s>> PartialEq<$s> for Var<'t, T> {
            #[inline]
            fn eq(&self, other: &$s) -> bool {
                *self == Var::constant(T::from_scalar(*other))
            }
        }
        impl<'t, T: DualOver<$s>> PartialOrd<$s> for Var<'t, T> {
            #[inline]
            fn partial_cmp(&self, other: &$s) -> Option<Ordering> {
                self.partial_cmp(&Var::constant(T::from_scalar(*other)))
            }
        }
        impl<'t, T: DualOver<$s>> PartialEq<Var<'t, T>> for $s {
            #[inline]
            fn eq(&self, other: &Var<'t, T>) -> bool {
                Var::constant(T::from_scalar(*self)) == *other
            }
        }
        impl<'t, T: DualOver<$s>> PartialOrd<Var<'t, T>> for $s {
            #[inline]
            fn partial_cmp(&self, other: &Var<'t, T>) -> Option<Ordering> {
                Var::constant(T::from_scalar(*self)).partial_cmp(other)
            }
        }
    )*};
}

nested_ops!(f64:
    Add add AddAssign add_assign, Sub sub SubAssign sub_assign, Mul mul MulAssign mul_assign,
    Div div DivAssign div_assign, Rem rem RemAssign rem_assign);
nested_ops!(f32:
    Add add AddAssign add_assign, Sub sub SubAssign sub_assign, Mul mul MulAssign mul_assign,
    Div div DivAssign div_assign, Rem rem RemAssign rem_assign);
nested_cmp!(f64, f32);

#[cfg(test)]
mod tests {
    use crate::Dual;
    use crate::reverse::Tape;

    #[test]
    fn a_scalar_is_its_constant() {
        let tape = Tape::new();
        let x = tape.var(Dual::<f64, 1>::new(2.0, [1.0]));
        let c = crate::reverse::Var::constant(Dual::<f64, 1>::new(3.0, [0.0]));
        let pairs = [
            (x * 3.0, x * c),
            (3.0 * x, c * x),
            (x + 3.0, x + c),
            (3.0 - x, c - x),
            (x / 3.0, x / c),
            (3.0 % x, c % x),
        ];
        for (a, b) in pairs {
            assert_eq!(a.value().re, b.value().re);
            assert_eq!(a.value().eps, b.value().eps);
        }
        let mut y = x;
        y *= 3.0;
        y -= 1.0;
        assert_eq!(y.value().re, 5.0);
        assert!(x > 1.0);
        assert!(x < 3.0);
        assert!(x == 2.0);
        assert!(2.0 == x);
        assert!(1.0 < x);
        assert!(x != 2.5);
    }
}
