//! Arithmetic operators for `Dual<T, N, SAFE>`.
//!
//! This file provides, for each of `+ - * / %`:
//! - `Dual op Dual` and `Dual op T`, written once by value below;
//! - every reference combination (`&Dual op Dual`, `Dual op &T`, …), by
//!   [`forward_refs!`];
//! - the assign forms `op=` with a `Dual`, `&Dual`, `T` or `&T` right-hand
//!   side, by [`assign_ops!`];
//! - `f32 op Dual<f32, N>` and `f64 op Dual<f64, N>` (and their references),
//!   by [`scalar_left!`];
//!
//! and unary `-` (by value and reference), `Sum` and `Product` over values
//! and references.
//!
//! Only multiplication, division and remainder propagate through a chain
//! kernel; sums and differences add tangents lane by lane.

use core::iter::{Product, Sum};
use core::ops::{
    Add, AddAssign, Div, DivAssign, Mul, MulAssign, Neg, Rem, RemAssign, Sub, SubAssign,
};

use num_traits::Float;

use crate::{Dual, rules, tangent};

// (x + ẋε) + (y + ẏε) = (x + y) + (ẋ + ẏ)ε
impl<T: Float, const N: usize, const SAFE: bool> Add for Dual<T, N, SAFE> {
    type Output = Self;
    #[inline(always)]
    fn add(self, rhs: Self) -> Self {
        Dual { re: self.re + rhs.re, eps: tangent::add(&self.eps, &rhs.eps) }
    }
}

// (x + ẋε) + s = (x + s) + ẋε
impl<T: Float, const N: usize, const SAFE: bool> Add<T> for Dual<T, N, SAFE> {
    type Output = Self;
    #[inline(always)]
    fn add(self, rhs: T) -> Self {
        Dual { re: self.re + rhs, eps: self.eps }
    }
}

// (x + ẋε) − (y + ẏε) = (x − y) + (ẋ − ẏ)ε
impl<T: Float, const N: usize, const SAFE: bool> Sub for Dual<T, N, SAFE> {
    type Output = Self;
    #[inline(always)]
    fn sub(self, rhs: Self) -> Self {
        Dual { re: self.re - rhs.re, eps: tangent::sub(&self.eps, &rhs.eps) }
    }
}

// (x + ẋε) − s = (x − s) + ẋε
impl<T: Float, const N: usize, const SAFE: bool> Sub<T> for Dual<T, N, SAFE> {
    type Output = Self;
    #[inline(always)]
    fn sub(self, rhs: T) -> Self {
        Dual { re: self.re - rhs, eps: self.eps }
    }
}

// (x + ẋε)(y + ẏε) = xy + (y·ẋ + x·ẏ)ε
impl<T: Float, const N: usize, const SAFE: bool> Mul for Dual<T, N, SAFE> {
    type Output = Self;
    #[inline(always)]
    fn mul(self, rhs: Self) -> Self {
        let (v, da, db) = rules::mul(self.re, rhs.re);
        Dual::chain2(&self, &rhs, v, da, db)
    }
}

// (x + ẋε)·s = xs + s·ẋε
impl<T: Float, const N: usize, const SAFE: bool> Mul<T> for Dual<T, N, SAFE> {
    type Output = Self;
    #[inline(always)]
    fn mul(self, rhs: T) -> Self {
        self.chain(self.re * rhs, rhs)
    }
}

// (x + ẋε)/(y + ẏε) = x/y + (ẋ/y − (x/y)·ẏ/y)ε
impl<T: Float, const N: usize, const SAFE: bool> Div for Dual<T, N, SAFE> {
    type Output = Self;
    #[inline(always)]
    fn div(self, rhs: Self) -> Self {
        let (v, da, db) = rules::div(self.re, rhs.re);
        Dual::chain2(&self, &rhs, v, da, db)
    }
}

// (x + ẋε)/s = x/s + (ẋ/s)ε
impl<T: Float, const N: usize, const SAFE: bool> Div<T> for Dual<T, N, SAFE> {
    type Output = Self;
    #[inline(always)]
    fn div(self, rhs: T) -> Self {
        let (v, da, _) = rules::div(self.re, rhs);
        self.chain(v, da)
    }
}

// (x + ẋε) mod (y + ẏε) = (x mod y) + (ẋ − trunc(x/y)·ẏ)ε
impl<T: Float, const N: usize, const SAFE: bool> Rem for Dual<T, N, SAFE> {
    type Output = Self;
    #[inline(always)]
    fn rem(self, rhs: Self) -> Self {
        let (v, da, db) = rules::rem(self.re, rhs.re);
        Dual::chain2(&self, &rhs, v, da, db)
    }
}

// (x + ẋε) mod s = (x mod s) + ẋε
impl<T: Float, const N: usize, const SAFE: bool> Rem<T> for Dual<T, N, SAFE> {
    type Output = Self;
    #[inline(always)]
    fn rem(self, rhs: T) -> Self {
        Dual { re: self.re % rhs, eps: self.eps }
    }
}

// −(x + ẋε) = −x − ẋε
impl<T: Float, const N: usize, const SAFE: bool> Neg for Dual<T, N, SAFE> {
    type Output = Self;
    #[inline(always)]
    fn neg(self) -> Self {
        Dual { re: -self.re, eps: tangent::neg(&self.eps) }
    }
}

impl<T: Float, const N: usize, const SAFE: bool> Neg for &Dual<T, N, SAFE> {
    type Output = Dual<T, N, SAFE>;
    #[inline(always)]
    fn neg(self) -> Dual<T, N, SAFE> {
        -*self
    }
}

// Scalar on the left, written once generically and instantiated for f32 and
// f64 by `scalar_left!` (coherence forbids `impl Mul<Dual<T, N, SAFE>> for T`).

#[inline(always)]
pub(crate) fn s_add<T: Float, const N: usize, const SAFE: bool>(
    s: T,
    x: Dual<T, N, SAFE>,
) -> Dual<T, N, SAFE> {
    Dual { re: s + x.re, eps: x.eps }
}

#[inline(always)]
pub(crate) fn s_sub<T: Float, const N: usize, const SAFE: bool>(
    s: T,
    x: Dual<T, N, SAFE>,
) -> Dual<T, N, SAFE> {
    Dual { re: s - x.re, eps: tangent::neg(&x.eps) }
}

#[inline(always)]
pub(crate) fn s_mul<T: Float, const N: usize, const SAFE: bool>(
    s: T,
    x: Dual<T, N, SAFE>,
) -> Dual<T, N, SAFE> {
    x.chain(s * x.re, s)
}

#[inline(always)]
pub(crate) fn s_div<T: Float, const N: usize, const SAFE: bool>(
    s: T,
    x: Dual<T, N, SAFE>,
) -> Dual<T, N, SAFE> {
    let (v, _, db) = rules::div(s, x.re);
    x.chain(v, db)
}

#[inline(always)]
pub(crate) fn s_rem<T: Float, const N: usize, const SAFE: bool>(
    s: T,
    x: Dual<T, N, SAFE>,
) -> Dual<T, N, SAFE> {
    let (v, _, db) = rules::rem(s, x.re);
    x.chain(v, db)
}

/// The reference forms of a binary operator whose by-value forms exist.
macro_rules! forward_refs {
    ($Op:ident, $op:ident) => {
        impl<T: Float, const N: usize, const SAFE: bool> $Op<&Dual<T, N, SAFE>>
            for Dual<T, N, SAFE>
        {
            type Output = Dual<T, N, SAFE>;
            #[inline(always)]
            fn $op(self, rhs: &Dual<T, N, SAFE>) -> Dual<T, N, SAFE> {
                $Op::$op(self, *rhs)
            }
        }
        impl<T: Float, const N: usize, const SAFE: bool> $Op<Dual<T, N, SAFE>>
            for &Dual<T, N, SAFE>
        {
            type Output = Dual<T, N, SAFE>;
            #[inline(always)]
            fn $op(self, rhs: Dual<T, N, SAFE>) -> Dual<T, N, SAFE> {
                $Op::$op(*self, rhs)
            }
        }
        impl<T: Float, const N: usize, const SAFE: bool> $Op<&Dual<T, N, SAFE>>
            for &Dual<T, N, SAFE>
        {
            type Output = Dual<T, N, SAFE>;
            #[inline(always)]
            fn $op(self, rhs: &Dual<T, N, SAFE>) -> Dual<T, N, SAFE> {
                $Op::$op(*self, *rhs)
            }
        }
        impl<T: Float, const N: usize, const SAFE: bool> $Op<&T> for Dual<T, N, SAFE> {
            type Output = Dual<T, N, SAFE>;
            #[inline(always)]
            fn $op(self, rhs: &T) -> Dual<T, N, SAFE> {
                $Op::$op(self, *rhs)
            }
        }
        impl<T: Float, const N: usize, const SAFE: bool> $Op<T> for &Dual<T, N, SAFE> {
            type Output = Dual<T, N, SAFE>;
            #[inline(always)]
            fn $op(self, rhs: T) -> Dual<T, N, SAFE> {
                $Op::$op(*self, rhs)
            }
        }
        impl<T: Float, const N: usize, const SAFE: bool> $Op<&T> for &Dual<T, N, SAFE> {
            type Output = Dual<T, N, SAFE>;
            #[inline(always)]
            fn $op(self, rhs: &T) -> Dual<T, N, SAFE> {
                $Op::$op(*self, *rhs)
            }
        }
    };
}

/// `op=` with a `Dual`, `&Dual`, `T` or `&T` on the right, via the binary op.
macro_rules! assign_ops {
    ($OpAssign:ident, $op_assign:ident, $Op:ident, $op:ident) => {
        impl<T: Float, const N: usize, const SAFE: bool> $OpAssign for Dual<T, N, SAFE> {
            #[inline(always)]
            fn $op_assign(&mut self, rhs: Self) {
                *self = $Op::$op(*self, rhs);
            }
        }
        impl<T: Float, const N: usize, const SAFE: bool> $OpAssign<&Dual<T, N, SAFE>>
            for Dual<T, N, SAFE>
        {
            #[inline(always)]
            fn $op_assign(&mut self, rhs: &Self) {
                *self = $Op::$op(*self, *rhs);
            }
        }
        impl<T: Float, const N: usize, const SAFE: bool> $OpAssign<T> for Dual<T, N, SAFE> {
            #[inline(always)]
            fn $op_assign(&mut self, rhs: T) {
                *self = $Op::$op(*self, rhs);
            }
        }
        impl<T: Float, const N: usize, const SAFE: bool> $OpAssign<&T> for Dual<T, N, SAFE> {
            #[inline(always)]
            fn $op_assign(&mut self, rhs: &T) {
                *self = $Op::$op(*self, *rhs);
            }
        }
    };
}

/// `s op Dual<s, N>` for a primitive float `s`, by value and reference.
macro_rules! scalar_left {
    ($s:ty: $($Op:ident $op:ident $f:ident),*) => {$(
        impl<const N: usize, const SAFE: bool> $Op<Dual<$s, N, SAFE>> for $s {
            type Output = Dual<$s, N, SAFE>;
            #[inline(always)]
            fn $op(self, rhs: Dual<$s, N, SAFE>) -> Dual<$s, N, SAFE> {
                $f(self, rhs)
            }
        }
        impl<const N: usize, const SAFE: bool> $Op<&Dual<$s, N, SAFE>> for $s {
            type Output = Dual<$s, N, SAFE>;
            #[inline(always)]
            fn $op(self, rhs: &Dual<$s, N, SAFE>) -> Dual<$s, N, SAFE> {
                $f(self, *rhs)
            }
        }
        impl<const N: usize, const SAFE: bool> $Op<Dual<$s, N, SAFE>> for &$s {
            type Output = Dual<$s, N, SAFE>;
            #[inline(always)]
            fn $op(self, rhs: Dual<$s, N, SAFE>) -> Dual<$s, N, SAFE> {
                $f(*self, rhs)
            }
        }
        impl<const N: usize, const SAFE: bool> $Op<&Dual<$s, N, SAFE>> for &$s {
            type Output = Dual<$s, N, SAFE>;
            #[inline(always)]
            fn $op(self, rhs: &Dual<$s, N, SAFE>) -> Dual<$s, N, SAFE> {
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

// Sums start from −0, the additive identity that keeps the sign of a sum of
// negative zeros, as `Sum for f32/f64` does: the value stays bit-for-bit.
impl<T: Float, const N: usize, const SAFE: bool> Sum for Dual<T, N, SAFE> {
    #[inline(always)]
    fn sum<I: Iterator<Item = Self>>(iter: I) -> Self {
        iter.fold(Dual::lift(T::neg_zero()), |acc, x| acc + x)
    }
}

impl<'a, T: Float, const N: usize, const SAFE: bool> Sum<&'a Dual<T, N, SAFE>>
    for Dual<T, N, SAFE>
{
    #[inline(always)]
    fn sum<I: Iterator<Item = &'a Self>>(iter: I) -> Self {
        iter.fold(Dual::lift(T::neg_zero()), |acc, x| acc + *x)
    }
}

impl<T: Float, const N: usize, const SAFE: bool> Product for Dual<T, N, SAFE> {
    #[inline(always)]
    fn product<I: Iterator<Item = Self>>(iter: I) -> Self {
        iter.fold(Dual::lift(T::one()), |acc, x| acc * x)
    }
}

impl<'a, T: Float, const N: usize, const SAFE: bool> Product<&'a Dual<T, N, SAFE>>
    for Dual<T, N, SAFE>
{
    #[inline(always)]
    fn product<I: Iterator<Item = &'a Self>>(iter: I) -> Self {
        iter.fold(Dual::lift(T::one()), |acc, x| acc * *x)
    }
}
