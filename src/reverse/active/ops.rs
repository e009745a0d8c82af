//! Arithmetic operators for `Active<T>`.
//!
//! This file provides, for each of `+ - * / %`:
//! - `Active op Active` and `Active op T`, each a binary rule of
//!   [`crate::rules`] recorded on this thread's tape (a constant operand
//!   records only its value);
//! - every reference combination (`&Active op Active`, `Active op &T`, …);
//! - the assign forms `op=` with an `Active`, `&Active`, `T` or `&T`
//!   right-hand side;
//! - `f32 op Active<f32>` and `f64 op Active<f64>` (and their references);
//!
//! and unary `-` (by value and reference), `Sum` and `Product` over values
//! and references.
//!
//! # Panics
//!
//! Each operator with a variable operand panics if that variable does not
//! belong to the recording running on this thread (see
//! [`Active`](super::Active)).

use core::iter::{Product, Sum};
use core::ops::{
    Add, AddAssign, Div, DivAssign, Mul, MulAssign, Neg, Rem, RemAssign, Sub, SubAssign,
};

use super::Active;
use super::local::ActiveScalar;
use crate::reverse::op::Op;

/// `Active op Active` and `Active op T` by value, each one recorded binary
/// rule.
macro_rules! by_value {
    ($($Op:ident $op:ident $Code:ident),*) => {$(
        impl<T: ActiveScalar> $Op for Active<T> {
            type Output = Self;
            #[inline(always)]
            #[track_caller]
            fn $op(self, rhs: Self) -> Self {
                self.binary(rhs, Op::$Code)
            }
        }
        impl<T: ActiveScalar> $Op<T> for Active<T> {
            type Output = Self;
            #[inline(always)]
            #[track_caller]
            fn $op(self, rhs: T) -> Self {
                self.binary(Active::constant(rhs), Op::$Code)
            }
        }
    )*};
}

by_value!(Add add Add, Sub sub Sub, Mul mul Mul, Div div Div, Rem rem Rem);

// −x: the sign flip, partial −1.
impl<T: ActiveScalar> Neg for Active<T> {
    type Output = Self;
    #[inline(always)]
    #[track_caller]
    fn neg(self) -> Self {
        self.unary(Op::Neg)
    }
}

impl<T: ActiveScalar> Neg for &Active<T> {
    type Output = Active<T>;
    #[inline(always)]
    #[track_caller]
    fn neg(self) -> Active<T> {
        -*self
    }
}

/// The reference forms of a binary operator whose by-value forms exist.
macro_rules! forward_refs {
    ($($Op:ident $op:ident),*) => {$(
        impl<T: ActiveScalar> $Op<&Active<T>> for Active<T> {
            type Output = Active<T>;
            #[inline(always)]
            #[track_caller]
            fn $op(self, rhs: &Active<T>) -> Active<T> {
                $Op::$op(self, *rhs)
            }
        }
        impl<T: ActiveScalar> $Op<Active<T>> for &Active<T> {
            type Output = Active<T>;
            #[inline(always)]
            #[track_caller]
            fn $op(self, rhs: Active<T>) -> Active<T> {
                $Op::$op(*self, rhs)
            }
        }
        impl<T: ActiveScalar> $Op<&Active<T>> for &Active<T> {
            type Output = Active<T>;
            #[inline(always)]
            #[track_caller]
            fn $op(self, rhs: &Active<T>) -> Active<T> {
                $Op::$op(*self, *rhs)
            }
        }
        impl<T: ActiveScalar> $Op<&T> for Active<T> {
            type Output = Active<T>;
            #[inline(always)]
            #[track_caller]
            fn $op(self, rhs: &T) -> Active<T> {
                $Op::$op(self, *rhs)
            }
        }
        impl<T: ActiveScalar> $Op<T> for &Active<T> {
            type Output = Active<T>;
            #[inline(always)]
            #[track_caller]
            fn $op(self, rhs: T) -> Active<T> {
                $Op::$op(*self, rhs)
            }
        }
        impl<T: ActiveScalar> $Op<&T> for &Active<T> {
            type Output = Active<T>;
            #[inline(always)]
            #[track_caller]
            fn $op(self, rhs: &T) -> Active<T> {
                $Op::$op(*self, *rhs)
            }
        }
    )*};
}

forward_refs!(Add add, Sub sub, Mul mul, Div div, Rem rem);

/// `op=` with an `Active`, `&Active`, `T` or `&T` on the right, via the
/// binary op.
macro_rules! assign_ops {
    ($($OpAssign:ident $op_assign:ident $Op:ident $op:ident),*) => {$(
        impl<T: ActiveScalar> $OpAssign for Active<T> {
            #[inline(always)]
            #[track_caller]
            fn $op_assign(&mut self, rhs: Self) {
                *self = $Op::$op(*self, rhs);
            }
        }
        impl<T: ActiveScalar> $OpAssign<&Active<T>> for Active<T> {
            #[inline(always)]
            #[track_caller]
            fn $op_assign(&mut self, rhs: &Self) {
                *self = $Op::$op(*self, *rhs);
            }
        }
        impl<T: ActiveScalar> $OpAssign<T> for Active<T> {
            #[inline(always)]
            #[track_caller]
            fn $op_assign(&mut self, rhs: T) {
                *self = $Op::$op(*self, rhs);
            }
        }
        impl<T: ActiveScalar> $OpAssign<&T> for Active<T> {
            #[inline(always)]
            #[track_caller]
            fn $op_assign(&mut self, rhs: &T) {
                *self = $Op::$op(*self, *rhs);
            }
        }
    )*};
}

assign_ops!(
    AddAssign add_assign Add add,
    SubAssign sub_assign Sub sub,
    MulAssign mul_assign Mul mul,
    DivAssign div_assign Div div,
    RemAssign rem_assign Rem rem
);

/// `s op Active<s>` for a primitive float `s`, by value and reference: the
/// binary rule with a constant on the left.
macro_rules! scalar_left {
    ($s:ty: $($Op:ident $op:ident $Code:ident),*) => {$(
        impl $Op<Active<$s>> for $s {
            type Output = Active<$s>;
            #[inline(always)]
            #[track_caller]
            fn $op(self, rhs: Active<$s>) -> Active<$s> {
                Active::constant(self).binary(rhs, Op::$Code)
            }
        }
        impl $Op<&Active<$s>> for $s {
            type Output = Active<$s>;
            #[inline(always)]
            #[track_caller]
            fn $op(self, rhs: &Active<$s>) -> Active<$s> {
                Active::constant(self).binary(*rhs, Op::$Code)
            }
        }
        impl $Op<Active<$s>> for &$s {
            type Output = Active<$s>;
            #[inline(always)]
            #[track_caller]
            fn $op(self, rhs: Active<$s>) -> Active<$s> {
                Active::constant(*self).binary(rhs, Op::$Code)
            }
        }
        impl $Op<&Active<$s>> for &$s {
            type Output = Active<$s>;
            #[inline(always)]
            #[track_caller]
            fn $op(self, rhs: &Active<$s>) -> Active<$s> {
                Active::constant(*self).binary(*rhs, Op::$Code)
            }
        }
    )*};
}

scalar_left!(f64: Add add Add, Sub sub Sub, Mul mul Mul, Div div Div, Rem rem Rem);
scalar_left!(f32: Add add Add, Sub sub Sub, Mul mul Mul, Div div Div, Rem rem Rem);

impl<T: ActiveScalar> Sum for Active<T> {
    #[inline(always)]
    fn sum<I: Iterator<Item = Self>>(iter: I) -> Self {
        iter.fold(Active::constant(T::zero()), |acc, x| acc + x)
    }
}

impl<'a, T: ActiveScalar> Sum<&'a Active<T>> for Active<T> {
    #[inline(always)]
    fn sum<I: Iterator<Item = &'a Self>>(iter: I) -> Self {
        iter.fold(Active::constant(T::zero()), |acc, x| acc + *x)
    }
}

impl<T: ActiveScalar> Product for Active<T> {
    #[inline(always)]
    fn product<I: Iterator<Item = Self>>(iter: I) -> Self {
        iter.fold(Active::constant(T::one()), |acc, x| acc * x)
    }
}

impl<'a, T: ActiveScalar> Product<&'a Active<T>> for Active<T> {
    #[inline(always)]
    fn product<I: Iterator<Item = &'a Self>>(iter: I) -> Self {
        iter.fold(Active::constant(T::one()), |acc, x| acc * *x)
    }
}
