//! Arithmetic operators for `Jet<T, K>`.
//!
//! This file provides, for each of `+ - * / %`:
//! - `Jet op Jet` and `Jet op T`, written once by value below;
//! - every reference combination, by `forward_refs!`;
//! - the assign forms `op=` with a `Jet`, `&Jet`, `T` or `&T` on the right,
//!   by `assign_ops!`;
//! - `f32 op Jet<f32, K>` and `f64 op Jet<f64, K>` (and references), by
//!   `scalar_left!`;
//! - `Jet<T, K> op S`, `S op Jet<T, K>` and `Jet op= S` for a plain
//!   `S = f64, f32` below nested duals (`T: DualOver<S>`), by
//!   `nested_ops!`, with `From<S>` and comparisons with `S` on either side;
//!
//! and unary `-`, `Sum` and `Product`, and `Jet == T`, `Jet < T`.
//!
//! Sums work coefficient by coefficient; products and quotients by the
//! recurrences of `series.rs`; a plain scalar factor scales every
//! coefficient through `Dual`'s tangent kernel.

use core::cmp::Ordering;
use core::iter::{Product, Sum};
use core::ops::{
    Add, AddAssign, Div, DivAssign, Mul, MulAssign, Neg, Rem, RemAssign, Sub, SubAssign,
};

use num_traits::Float;

use super::Jet;
use crate::literal::DualOver;
use crate::{rules, tangent};

// (f + g)ₖ = fₖ + gₖ
impl<T: Float, const K: usize> Add for Jet<T, K> {
    type Output = Self;
    #[inline(always)]
    fn add(self, rhs: Self) -> Self {
        Jet { re: self.re + rhs.re, c: tangent::add(&self.c, &rhs.c) }
    }
}

// f + s changes the value only
impl<T: Float, const K: usize> Add<T> for Jet<T, K> {
    type Output = Self;
    #[inline(always)]
    fn add(self, rhs: T) -> Self {
        Jet { re: self.re + rhs, c: self.c }
    }
}

// (f − g)ₖ = fₖ − gₖ
impl<T: Float, const K: usize> Sub for Jet<T, K> {
    type Output = Self;
    #[inline(always)]
    fn sub(self, rhs: Self) -> Self {
        Jet { re: self.re - rhs.re, c: tangent::sub(&self.c, &rhs.c) }
    }
}

// f − s changes the value only
impl<T: Float, const K: usize> Sub<T> for Jet<T, K> {
    type Output = Self;
    #[inline(always)]
    fn sub(self, rhs: T) -> Self {
        Jet { re: self.re - rhs, c: self.c }
    }
}

// (f·g)ₖ = Σⱼ fⱼ·g_{k−j}
impl<T: Float, const K: usize> Mul for Jet<T, K> {
    type Output = Self;
    #[inline(always)]
    fn mul(self, rhs: Self) -> Self {
        Jet::mul_jet(&self, &rhs)
    }
}

// (f·s)ₖ = s·fₖ
impl<T: Float, const K: usize> Mul<T> for Jet<T, K> {
    type Output = Self;
    #[inline(always)]
    fn mul(self, rhs: T) -> Self {
        self.linear(self.re * rhs, rhs)
    }
}

// h = f/g: hₖ = (fₖ − Σ_{j≥1} gⱼ·h_{k−j})/g₀
impl<T: Float, const K: usize> Div for Jet<T, K> {
    type Output = Self;
    #[inline(always)]
    fn div(self, rhs: Self) -> Self {
        Jet::div_jet(&self, &rhs)
    }
}

// (f/s)ₖ = fₖ·(1/s), as Dual
impl<T: Float, const K: usize> Div<T> for Jet<T, K> {
    type Output = Self;
    #[inline(always)]
    fn div(self, rhs: T) -> Self {
        let (v, da, _) = rules::div(self.re, rhs);
        self.linear(v, da)
    }
}

// f mod g = f − n·g with n = trunc(f₀/g₀) held fixed
impl<T: Float, const K: usize> Rem for Jet<T, K> {
    type Output = Self;
    #[inline(always)]
    fn rem(self, rhs: Self) -> Self {
        let (v, da, db) = rules::rem(self.re, rhs.re);
        Jet::linear2(&self, &rhs, v, da, db)
    }
}

// f mod s changes the value only
impl<T: Float, const K: usize> Rem<T> for Jet<T, K> {
    type Output = Self;
    #[inline(always)]
    fn rem(self, rhs: T) -> Self {
        Jet { re: self.re % rhs, c: self.c }
    }
}

// (−f)ₖ = −fₖ
impl<T: Float, const K: usize> Neg for Jet<T, K> {
    type Output = Self;
    #[inline(always)]
    fn neg(self) -> Self {
        Jet { re: -self.re, c: tangent::neg(&self.c) }
    }
}

impl<T: Float, const K: usize> Neg for &Jet<T, K> {
    type Output = Jet<T, K>;
    #[inline(always)]
    fn neg(self) -> Jet<T, K> {
        -*self
    }
}

// Scalar on the left, written once generically.

#[inline(always)]
fn s_add<T: Float, const K: usize>(s: T, x: Jet<T, K>) -> Jet<T, K> {
    Jet { re: s + x.re, c: x.c }
}

#[inline(always)]
fn s_sub<T: Float, const K: usize>(s: T, x: Jet<T, K>) -> Jet<T, K> {
    Jet { re: s - x.re, c: tangent::neg(&x.c) }
}

#[inline(always)]
fn s_mul<T: Float, const K: usize>(s: T, x: Jet<T, K>) -> Jet<T, K> {
    x.linear(s * x.re, s)
}

#[inline(always)]
fn s_div<T: Float, const K: usize>(s: T, x: Jet<T, K>) -> Jet<T, K> {
    let (v, _, db) = rules::div(s, x.re);
    Jet::over(&x, v, db)
}

#[inline(always)]
fn s_rem<T: Float, const K: usize>(s: T, x: Jet<T, K>) -> Jet<T, K> {
    let (v, _, db) = rules::rem(s, x.re);
    x.linear(v, db)
}

/// The reference forms of a binary operator whose by-value forms exist.
macro_rules! forward_refs {
    ($Op:ident, $op:ident) => {
        impl<T: Float, const K: usize> $Op<&Jet<T, K>> for Jet<T, K> {
            type Output = Jet<T, K>;
            #[inline(always)]
            fn $op(self, rhs: &Jet<T, K>) -> Jet<T, K> {
                $Op::$op(self, *rhs)
            }
        }
        impl<T: Float, const K: usize> $Op<Jet<T, K>> for &Jet<T, K> {
            type Output = Jet<T, K>;
            #[inline(always)]
            fn $op(self, rhs: Jet<T, K>) -> Jet<T, K> {
                $Op::$op(*self, rhs)
            }
        }
        impl<T: Float, const K: usize> $Op<&Jet<T, K>> for &Jet<T, K> {
            type Output = Jet<T, K>;
            #[inline(always)]
            fn $op(self, rhs: &Jet<T, K>) -> Jet<T, K> {
                $Op::$op(*self, *rhs)
            }
        }
        impl<T: Float, const K: usize> $Op<&T> for Jet<T, K> {
            type Output = Jet<T, K>;
            #[inline(always)]
            fn $op(self, rhs: &T) -> Jet<T, K> {
                $Op::$op(self, *rhs)
            }
        }
        impl<T: Float, const K: usize> $Op<T> for &Jet<T, K> {
            type Output = Jet<T, K>;
            #[inline(always)]
            fn $op(self, rhs: T) -> Jet<T, K> {
                $Op::$op(*self, rhs)
            }
        }
        impl<T: Float, const K: usize> $Op<&T> for &Jet<T, K> {
            type Output = Jet<T, K>;
            #[inline(always)]
            fn $op(self, rhs: &T) -> Jet<T, K> {
                $Op::$op(*self, *rhs)
            }
        }
    };
}

/// `op=` with a `Jet`, `&Jet`, `T` or `&T` on the right.
macro_rules! assign_ops {
    ($OpAssign:ident, $op_assign:ident, $Op:ident, $op:ident) => {
        impl<T: Float, const K: usize> $OpAssign for Jet<T, K> {
            #[inline(always)]
            fn $op_assign(&mut self, rhs: Self) {
                *self = $Op::$op(*self, rhs);
            }
        }
        impl<T: Float, const K: usize> $OpAssign<&Jet<T, K>> for Jet<T, K> {
            #[inline(always)]
            fn $op_assign(&mut self, rhs: &Self) {
                *self = $Op::$op(*self, *rhs);
            }
        }
        impl<T: Float, const K: usize> $OpAssign<T> for Jet<T, K> {
            #[inline(always)]
            fn $op_assign(&mut self, rhs: T) {
                *self = $Op::$op(*self, rhs);
            }
        }
        impl<T: Float, const K: usize> $OpAssign<&T> for Jet<T, K> {
            #[inline(always)]
            fn $op_assign(&mut self, rhs: &T) {
                *self = $Op::$op(*self, *rhs);
            }
        }
    };
}

/// `s op Jet<s, K>` for a primitive float `s`, by value and reference.
macro_rules! scalar_left {
    ($s:ty: $($Op:ident $op:ident $f:ident),*) => {$(
        impl<const K: usize> $Op<Jet<$s, K>> for $s {
            type Output = Jet<$s, K>;
            #[inline(always)]
            fn $op(self, rhs: Jet<$s, K>) -> Jet<$s, K> {
                $f(self, rhs)
            }
        }
        impl<const K: usize> $Op<&Jet<$s, K>> for $s {
            type Output = Jet<$s, K>;
            #[inline(always)]
            fn $op(self, rhs: &Jet<$s, K>) -> Jet<$s, K> {
                $f(self, *rhs)
            }
        }
        impl<const K: usize> $Op<Jet<$s, K>> for &$s {
            type Output = Jet<$s, K>;
            #[inline(always)]
            fn $op(self, rhs: Jet<$s, K>) -> Jet<$s, K> {
                $f(*self, rhs)
            }
        }
        impl<const K: usize> $Op<&Jet<$s, K>> for &$s {
            type Output = Jet<$s, K>;
            #[inline(always)]
            fn $op(self, rhs: &Jet<$s, K>) -> Jet<$s, K> {
                $f(*self, *rhs)
            }
        }
    )*};
}

forward_refs!(Add, add);
forward_refs!(Sub, sub);
forward_refs!(Mul, mul);
forward_refs!(Div, div);
forward_refs!(Rem, rem);

assign_ops!(AddAssign, add_assign, Add, add);
assign_ops!(SubAssign, sub_assign, Sub, sub);
assign_ops!(MulAssign, mul_assign, Mul, mul);
assign_ops!(DivAssign, div_assign, Div, div);
assign_ops!(RemAssign, rem_assign, Rem, rem);

scalar_left!(f64: Add add s_add, Sub sub s_sub, Mul mul s_mul, Div div s_div, Rem rem s_rem);
scalar_left!(f32: Add add s_add, Sub sub s_sub, Mul mul s_mul, Div div s_div, Rem rem s_rem);

/// `Jet<T, K> op S`, `S op Jet<T, K>` and `Jet op= S` where the scalar
/// one level down is a dual over `S` (`T: DualOver<S>`): the scalar is
/// lifted to the constant `T::from_scalar(s)`.
macro_rules! nested_ops {
    ($s:ty: $($Op:ident $op:ident $OpAssign:ident $op_assign:ident $f:ident),*) => {$(
        impl<T: DualOver<$s>, const K: usize> $Op<$s> for Jet<T, K> {
            type Output = Self;
            #[inline(always)]
            fn $op(self, rhs: $s) -> Self {
                $Op::$op(self, T::from_scalar(rhs))
            }
        }
        impl<T: DualOver<$s>, const K: usize> $Op<Jet<T, K>> for $s {
            type Output = Jet<T, K>;
            #[inline(always)]
            fn $op(self, rhs: Jet<T, K>) -> Jet<T, K> {
                $f(T::from_scalar(self), rhs)
            }
        }
        impl<T: DualOver<$s>, const K: usize> $OpAssign<$s> for Jet<T, K> {
            #[inline(always)]
            fn $op_assign(&mut self, rhs: $s) {
                *self = $Op::$op(*self, T::from_scalar(rhs));
            }
        }
    )*};
}

/// `From<S>` and comparisons with a plain `S` for jets of nested duals,
/// and comparisons with `S` on the left at every depth.
macro_rules! nested_scalar {
    ($($s:ty),*) => {$(
        nested_ops!($s:
            Add add AddAssign add_assign s_add,
            Sub sub SubAssign sub_assign s_sub,
            Mul mul MulAssign mul_assign s_mul,
            Div div DivAssign div_assign s_div,
            Rem rem RemAssign rem_assign s_rem
        );

        /// The constant with value `s`.
        impl<T: DualOver<$s>, const K: usize> From<$s> for Jet<T, K> {
            #[inline(always)]
            fn from(s: $s) -> Self {
                Jet::lift(T::from_scalar(s))
            }
        }

        /// Compares the value with a plain scalar.
        impl<T: DualOver<$s>, const K: usize> PartialEq<$s> for Jet<T, K> {
            #[inline]
            fn eq(&self, other: &$s) -> bool {
                self.re == T::from_scalar(*other)
            }
        }

        /// Orders by the value against a plain scalar.
        impl<T: DualOver<$s>, const K: usize> PartialOrd<$s> for Jet<T, K> {
            #[inline]
            fn partial_cmp(&self, other: &$s) -> Option<Ordering> {
                self.re.partial_cmp(&T::from_scalar(*other))
            }
        }

        /// Compares a plain scalar with the value.
        impl<const K: usize> PartialEq<Jet<$s, K>> for $s {
            #[inline]
            fn eq(&self, other: &Jet<$s, K>) -> bool {
                *self == other.re
            }
        }

        /// Orders a plain scalar against the value.
        impl<const K: usize> PartialOrd<Jet<$s, K>> for $s {
            #[inline]
            fn partial_cmp(&self, other: &Jet<$s, K>) -> Option<Ordering> {
                self.partial_cmp(&other.re)
            }
        }
    )*};
}

nested_scalar!(f64, f32);

/// Compares the value with a scalar of the level below: `x == 1.0` for
/// `x: Jet<f64, K>`.
impl<T: Float, const K: usize> PartialEq<T> for Jet<T, K> {
    #[inline]
    fn eq(&self, other: &T) -> bool {
        self.re == *other
    }
}

/// Orders by the value against a scalar of the level below.
impl<T: Float, const K: usize> PartialOrd<T> for Jet<T, K> {
    #[inline]
    fn partial_cmp(&self, other: &T) -> Option<Ordering> {
        self.re.partial_cmp(other)
    }
}

// Sums start from −0, as `Sum for f64` does.
impl<T: Float, const K: usize> Sum for Jet<T, K> {
    #[inline]
    fn sum<I: Iterator<Item = Self>>(iter: I) -> Self {
        iter.fold(Jet::lift(T::neg_zero()), |acc, x| acc + x)
    }
}

impl<'a, T: Float, const K: usize> Sum<&'a Jet<T, K>> for Jet<T, K> {
    #[inline]
    fn sum<I: Iterator<Item = &'a Self>>(iter: I) -> Self {
        iter.fold(Jet::lift(T::neg_zero()), |acc, x| acc + *x)
    }
}

impl<T: Float, const K: usize> Product for Jet<T, K> {
    #[inline]
    fn product<I: Iterator<Item = Self>>(iter: I) -> Self {
        iter.fold(Jet::lift(T::one()), |acc, x| acc * x)
    }
}

impl<'a, T: Float, const K: usize> Product<&'a Jet<T, K>> for Jet<T, K> {
    #[inline]
    fn product<I: Iterator<Item = &'a Self>>(iter: I) -> Self {
        iter.fold(Jet::lift(T::one()), |acc, x| acc * *x)
    }
}
