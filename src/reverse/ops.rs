//! Arithmetic operators for `Var<'t, T>`.
//!
//! This file provides, for each of `+ - * / %`:
//! - `Var op Var` and `Var op T`, each a binary rule of [`crate::rules`]
//!   recorded on the tape (a constant operand records only its value);
//! - every reference combination (`&Var op Var`, `Var op &T`, …);
//! - the assign forms `op=` with a `Var`, `&Var`, `T` or `&T` right-hand side;
//! - `f32 op Var<f32>` and `f64 op Var<f64>` (and their references);
//!
//! and unary `-` (by value and reference), `Sum` and `Product` over values
//! and references.

use core::iter::{Product, Sum};
use core::ops::{
    Add, AddAssign, Div, DivAssign, Mul, MulAssign, Neg, Rem, RemAssign, Sub, SubAssign,
};

use num_traits::Float;

use super::Var;
use super::op::Op;

/// `Var op Var` and `Var op T` by value, each one recorded binary rule.
macro_rules! by_value {
    ($($Op:ident $op:ident $Code:ident),*) => {$(
        impl<'t, T: Float> $Op for Var<'t, T> {
            type Output = Self;
            #[inline(always)]
            #[track_caller]
            fn $op(self, rhs: Self) -> Self {
                self.binary(rhs, Op::$Code)
            }
        }
        impl<'t, T: Float> $Op<T> for Var<'t, T> {
            type Output = Self;
            #[inline(always)]
            fn $op(self, rhs: T) -> Self {
                self.binary(Var::constant(rhs), Op::$Code)
            }
        }
    )*};
}

by_value!(Add add Add, Sub sub Sub, Mul mul Mul, Div div Div, Rem rem Rem);

// −x: the sign flip, partial −1.
impl<'t, T: Float> Neg for Var<'t, T> {
    type Output = Self;
    #[inline(always)]
    fn neg(self) -> Self {
        self.unary(Op::Neg)
    }
}

impl<'t, T: Float> Neg for &Var<'t, T> {
    type Output = Var<'t, T>;
    #[inline(always)]
    fn neg(self) -> Var<'t, T> {
        -*self
    }
}

/// The reference forms of a binary operator whose by-value forms exist.
macro_rules! forward_refs {
    ($($Op:ident $op:ident),*) => {$(
        impl<'t, T: Float> $Op<&Var<'t, T>> for Var<'t, T> {
            type Output = Var<'t, T>;
            #[inline(always)]
            #[track_caller]
            fn $op(self, rhs: &Var<'t, T>) -> Var<'t, T> {
                $Op::$op(self, *rhs)
            }
        }
        impl<'t, T: Float> $Op<Var<'t, T>> for &Var<'t, T> {
            type Output = Var<'t, T>;
            #[inline(always)]
            #[track_caller]
            fn $op(self, rhs: Var<'t, T>) -> Var<'t, T> {
                $Op::$op(*self, rhs)
            }
        }
        impl<'t, T: Float> $Op<&Var<'t, T>> for &Var<'t, T> {
            type Output = Var<'t, T>;
            #[inline(always)]
            #[track_caller]
            fn $op(self, rhs: &Var<'t, T>) -> Var<'t, T> {
                $Op::$op(*self, *rhs)
            }
        }
        impl<'t, T: Float> $Op<&T> for Var<'t, T> {
            type Output = Var<'t, T>;
            #[inline(always)]
            fn $op(self, rhs: &T) -> Var<'t, T> {
                $Op::$op(self, *rhs)
            }
        }
        impl<'t, T: Float> $Op<T> for &Var<'t, T> {
            type Output = Var<'t, T>;
            #[inline(always)]
            fn $op(self, rhs: T) -> Var<'t, T> {
                $Op::$op(*self, rhs)
            }
        }
        impl<'t, T: Float> $Op<&T> for &Var<'t, T> {
            type Output = Var<'t, T>;
            #[inline(always)]
            fn $op(self, rhs: &T) -> Var<'t, T> {
                $Op::$op(*self, *rhs)
            }
        }
    )*};
}

forward_refs!(Add add, Sub sub, Mul mul, Div div, Rem rem);

/// `op=` with a `Var`, `&Var`, `T` or `&T` on the right, via the binary op.
macro_rules! assign_ops {
    ($($OpAssign:ident $op_assign:ident $Op:ident $op:ident),*) => {$(
        impl<'t, T: Float> $OpAssign for Var<'t, T> {
            #[inline(always)]
            #[track_caller]
            fn $op_assign(&mut self, rhs: Self) {
                *self = $Op::$op(*self, rhs);
            }
        }
        impl<'t, T: Float> $OpAssign<&Var<'t, T>> for Var<'t, T> {
            #[inline(always)]
            #[track_caller]
            fn $op_assign(&mut self, rhs: &Self) {
                *self = $Op::$op(*self, *rhs);
            }
        }
        impl<'t, T: Float> $OpAssign<T> for Var<'t, T> {
            #[inline(always)]
            fn $op_assign(&mut self, rhs: T) {
                *self = $Op::$op(*self, rhs);
            }
        }
        impl<'t, T: Float> $OpAssign<&T> for Var<'t, T> {
            #[inline(always)]
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

/// `s op Var<s>` for a primitive float `s`, by value and reference: the
/// binary rule with a constant on the left.
macro_rules! scalar_left {
    ($s:ty: $($Op:ident $op:ident $Code:ident),*) => {$(
        impl<'t> $Op<Var<'t, $s>> for $s {
            type Output = Var<'t, $s>;
            #[inline(always)]
            fn $op(self, rhs: Var<'t, $s>) -> Var<'t, $s> {
                Var::constant(self).binary(rhs, Op::$Code)
            }
        }
        impl<'t> $Op<&Var<'t, $s>> for $s {
            type Output = Var<'t, $s>;
            #[inline(always)]
            fn $op(self, rhs: &Var<'t, $s>) -> Var<'t, $s> {
                Var::constant(self).binary(*rhs, Op::$Code)
            }
        }
        impl<'t> $Op<Var<'t, $s>> for &$s {
            type Output = Var<'t, $s>;
            #[inline(always)]
            fn $op(self, rhs: Var<'t, $s>) -> Var<'t, $s> {
                Var::constant(*self).binary(rhs, Op::$Code)
            }
        }
        impl<'t> $Op<&Var<'t, $s>> for &$s {
            type Output = Var<'t, $s>;
            #[inline(always)]
            fn $op(self, rhs: &Var<'t, $s>) -> Var<'t, $s> {
                Var::constant(*self).binary(*rhs, Op::$Code)
            }
        }
    )*};
}

scalar_left!(f64: Add add Add, Sub sub Sub, Mul mul Mul, Div div Div, Rem rem Rem);
scalar_left!(f32: Add add Add, Sub sub Sub, Mul mul Mul, Div div Div, Rem rem Rem);

impl<'t, T: Float> Sum for Var<'t, T> {
    #[inline(always)]
    fn sum<I: Iterator<Item = Self>>(iter: I) -> Self {
        iter.fold(Var::constant(T::zero()), |acc, x| acc + x)
    }
}

impl<'a, 't: 'a, T: Float> Sum<&'a Var<'t, T>> for Var<'t, T> {
    #[inline(always)]
    fn sum<I: Iterator<Item = &'a Self>>(iter: I) -> Self {
        iter.fold(Var::constant(T::zero()), |acc, x| acc + *x)
    }
}

impl<'t, T: Float> Product for Var<'t, T> {
    #[inline(always)]
    fn product<I: Iterator<Item = Self>>(iter: I) -> Self {
        iter.fold(Var::constant(T::one()), |acc, x| acc * x)
    }
}

impl<'a, 't: 'a, T: Float> Product<&'a Var<'t, T>> for Var<'t, T> {
    #[inline(always)]
    fn product<I: Iterator<Item = &'a Self>>(iter: I) -> Self {
        iter.fold(Var::constant(T::one()), |acc, x| acc * *x)
    }
}
