//! Arithmetic operators for `Dual2<T, N>`.
//!
//! This file provides, for each of `+ - * / %`:
//! - `Dual2 op Dual2` and `Dual2 op T`, written once by value below;
//! - the reference combinations and the assign forms (with a `Dual2`,
//!   `&Dual2`, `T` or `&T` on the right), by small macros;
//! - `f32 op Dual2<f32, N>` and `f64 op Dual2<f64, N>`;
//!
//! and unary `-`, `Sum`, `Product`, and the comparisons with a plain `T` on
//! either side (values only). Products and quotients go through the
//! kernels of `mod.rs` with the partials of [`rules`](crate::rules).

use core::cmp::Ordering;
use core::iter::{Product, Sum};
use core::ops::{
    Add, AddAssign, Div, DivAssign, Mul, MulAssign, Neg, Rem, RemAssign, Sub, SubAssign,
};

use num_traits::Float;

use super::Dual2;
use crate::rules;

// (a + ȧ + ä) + (b + ḃ + b̈) = (a + b) + (ȧ + ḃ) + (ä + b̈)
impl<T: Float, const N: usize> Add for Dual2<T, N> {
    type Output = Self;
    #[inline(always)]
    fn add(self, rhs: Self) -> Self {
        Dual2::add_parts(&self, &rhs, self.re + rhs.re)
    }
}

// x + s: the derivatives of x
impl<T: Float, const N: usize> Add<T> for Dual2<T, N> {
    type Output = Self;
    #[inline(always)]
    fn add(self, rhs: T) -> Self {
        self.with_value(self.re + rhs)
    }
}

// (a + ȧ + ä) − (b + ḃ + b̈) = (a − b) + (ȧ − ḃ) + (ä − b̈)
impl<T: Float, const N: usize> Sub for Dual2<T, N> {
    type Output = Self;
    #[inline(always)]
    fn sub(self, rhs: Self) -> Self {
        Dual2::sub_parts(&self, &rhs, self.re - rhs.re)
    }
}

// x − s: the derivatives of x
impl<T: Float, const N: usize> Sub<T> for Dual2<T, N> {
    type Output = Self;
    #[inline(always)]
    fn sub(self, rhs: T) -> Self {
        self.with_value(self.re - rhs)
    }
}

// x·y: gradient y·ẋ + x·ẏ, Hessian y·ẍ + x·ÿ + ẋẏᵀ + ẏẋᵀ
impl<T: Float, const N: usize> Mul for Dual2<T, N> {
    type Output = Self;
    #[inline(always)]
    fn mul(self, rhs: Self) -> Self {
        let (v, _, _) = rules::mul(self.re, rhs.re);
        Dual2::mul2(&self, &rhs, v)
    }
}

// x·s: gradient s·ẋ, Hessian s·ẍ
impl<T: Float, const N: usize> Mul<T> for Dual2<T, N> {
    type Output = Self;
    #[inline(always)]
    fn mul(self, rhs: T) -> Self {
        self.scale(self.re * rhs, rhs)
    }
}

// x/y: partials (1/y, −x/y²), second (0, −1/y², 2x/y³)
impl<T: Float, const N: usize> Div for Dual2<T, N> {
    type Output = Self;
    #[inline(always)]
    fn div(self, rhs: Self) -> Self {
        Dual2::chain2(&self, &rhs, rules::second::div(self.re, rhs.re))
    }
}

// x/s: gradient ẋ/s, Hessian ẍ/s (as multiplication by 1/s, like Dual)
impl<T: Float, const N: usize> Div<T> for Dual2<T, N> {
    type Output = Self;
    #[inline(always)]
    fn div(self, rhs: T) -> Self {
        let (v, da, _) = rules::div(self.re, rhs);
        self.scale(v, da)
    }
}

// x mod y = x − trunc(x/y)·y: linear, partials (1, −trunc(x/y))
impl<T: Float, const N: usize> Rem for Dual2<T, N> {
    type Output = Self;
    #[inline(always)]
    fn rem(self, rhs: Self) -> Self {
        let (v, da, db) = rules::rem(self.re, rhs.re);
        Dual2::lincomb(&self, &rhs, v, da, db)
    }
}

// x mod s: the derivatives of x
impl<T: Float, const N: usize> Rem<T> for Dual2<T, N> {
    type Output = Self;
    #[inline(always)]
    fn rem(self, rhs: T) -> Self {
        self.with_value(self.re % rhs)
    }
}

// −x: every part negated
impl<T: Float, const N: usize> Neg for Dual2<T, N> {
    type Output = Self;
    #[inline(always)]
    fn neg(self) -> Self {
        self.neg_parts(-self.re)
    }
}

impl<T: Float, const N: usize> Neg for &Dual2<T, N> {
    type Output = Dual2<T, N>;
    #[inline(always)]
    fn neg(self) -> Dual2<T, N> {
        -*self
    }
}

// Scalar on the left, once generically, instantiated for f32 and f64.

#[inline(always)]
fn s_add<T: Float, const N: usize>(s: T, x: Dual2<T, N>) -> Dual2<T, N> {
    x.with_value(s + x.re)
}

#[inline(always)]
fn s_sub<T: Float, const N: usize>(s: T, x: Dual2<T, N>) -> Dual2<T, N> {
    x.neg_parts(s - x.re)
}

#[inline(always)]
fn s_mul<T: Float, const N: usize>(s: T, x: Dual2<T, N>) -> Dual2<T, N> {
    x.scale(s * x.re, s)
}

#[inline(always)]
fn s_div<T: Float, const N: usize>(s: T, x: Dual2<T, N>) -> Dual2<T, N> {
    let (v, _, db, _, _, dbb) = rules::second::div(s, x.re);
    x.chain(v, db, dbb)
}

#[inline(always)]
fn s_rem<T: Float, const N: usize>(s: T, x: Dual2<T, N>) -> Dual2<T, N> {
    let (v, _, db) = rules::rem(s, x.re);
    x.scale(v, db)
}

/// The reference forms of a binary operator whose by-value forms exist,
/// and its assign forms.
macro_rules! refs_and_assign {
    ($($Op:ident $op:ident $OpAssign:ident $op_assign:ident),*) => {$(
        impl<T: Float, const N: usize> $Op<&Dual2<T, N>> for Dual2<T, N> {
            type Output = Dual2<T, N>;
            #[inline(always)]
            fn $op(self, rhs: &Dual2<T, N>) -> Dual2<T, N> {
                $Op::$op(self, *rhs)
            }
        }
        impl<T: Float, const N: usize> $Op<Dual2<T, N>> for &Dual2<T, N> {
            type Output = Dual2<T, N>;
            #[inline(always)]
            fn $op(self, rhs: Dual2<T, N>) -> Dual2<T, N> {
                $Op::$op(*self, rhs)
            }
        }
        impl<T: Float, const N: usize> $Op<&Dual2<T, N>> for &Dual2<T, N> {
            type Output = Dual2<T, N>;
            #[inline(always)]
            fn $op(self, rhs: &Dual2<T, N>) -> Dual2<T, N> {
                $Op::$op(*self, *rhs)
            }
        }
        impl<T: Float, const N: usize> $Op<&T> for Dual2<T, N> {
            type Output = Dual2<T, N>;
            #[inline(always)]
            fn $op(self, rhs: &T) -> Dual2<T, N> {
                $Op::$op(self, *rhs)
            }
        }
        impl<T: Float, const N: usize> $Op<T> for &Dual2<T, N> {
            type Output = Dual2<T, N>;
            #[inline(always)]
            fn $op(self, rhs: T) -> Dual2<T, N> {
                $Op::$op(*self, rhs)
            }
        }
        impl<T: Float, const N: usize> $OpAssign for Dual2<T, N> {
            #[inline(always)]
            fn $op_assign(&mut self, rhs: Self) {
                *self = $Op::$op(*self, rhs);
            }
        }
        impl<T: Float, const N: usize> $OpAssign<&Dual2<T, N>> for Dual2<T, N> {
            #[inline(always)]
            fn $op_assign(&mut self, rhs: &Self) {
                *self = $Op::$op(*self, *rhs);
            }
        }
        impl<T: Float, const N: usize> $OpAssign<T> for Dual2<T, N> {
            #[inline(always)]
            fn $op_assign(&mut self, rhs: T) {
                *self = $Op::$op(*self, rhs);
            }
        }
        impl<T: Float, const N: usize> $OpAssign<&T> for Dual2<T, N> {
            #[inline(always)]
            fn $op_assign(&mut self, rhs: &T) {
                *self = $Op::$op(*self, *rhs);
            }
        }
    )*};
}

refs_and_assign!(
    Add add AddAssign add_assign,
    Sub sub SubAssign sub_assign,
    Mul mul MulAssign mul_assign,
    Div div DivAssign div_assign,
    Rem rem RemAssign rem_assign
);

/// `s op Dual2<s, N>` for a primitive float `s`, by value and reference,
/// and the comparisons with `s` on the left.
macro_rules! scalar_left {
    ($($s:ty),*) => {$(
        scalar_left!(@op $s: Add add s_add, Sub sub s_sub, Mul mul s_mul, Div div s_div, Rem rem s_rem);

        /// Compares a plain scalar with the value.
        impl<const N: usize> PartialEq<Dual2<$s, N>> for $s {
            #[inline]
            fn eq(&self, other: &Dual2<$s, N>) -> bool {
                *self == other.re
            }
        }

        /// Orders a plain scalar against the value.
        impl<const N: usize> PartialOrd<Dual2<$s, N>> for $s {
            #[inline]
            fn partial_cmp(&self, other: &Dual2<$s, N>) -> Option<Ordering> {
                self.partial_cmp(&other.re)
            }
        }
    )*};
    (@op $s:ty: $($Op:ident $op:ident $f:ident),*) => {$(
        impl<const N: usize> $Op<Dual2<$s, N>> for $s {
            type Output = Dual2<$s, N>;
            #[inline(always)]
            fn $op(self, rhs: Dual2<$s, N>) -> Dual2<$s, N> {
                $f(self, rhs)
            }
        }
        impl<const N: usize> $Op<&Dual2<$s, N>> for $s {
            type Output = Dual2<$s, N>;
            #[inline(always)]
            fn $op(self, rhs: &Dual2<$s, N>) -> Dual2<$s, N> {
                $f(self, *rhs)
            }
        }
        impl<const N: usize> $Op<Dual2<$s, N>> for &$s {
            type Output = Dual2<$s, N>;
            #[inline(always)]
            fn $op(self, rhs: Dual2<$s, N>) -> Dual2<$s, N> {
                $f(*self, rhs)
            }
        }
    )*};
}

scalar_left!(f64, f32);

/// Compares the value with a plain scalar: `x == 1.0`.
impl<T: Float, const N: usize> PartialEq<T> for Dual2<T, N> {
    #[inline]
    fn eq(&self, other: &T) -> bool {
        self.re == *other
    }
}

/// Orders the value against a plain scalar: `x > 0.0`.
impl<T: Float, const N: usize> PartialOrd<T> for Dual2<T, N> {
    #[inline]
    fn partial_cmp(&self, other: &T) -> Option<Ordering> {
        self.re.partial_cmp(other)
    }
}

// Sums start from −0, as `Sum for f64` does: the value stays bit-for-bit.
impl<T: Float, const N: usize> Sum for Dual2<T, N> {
    #[inline]
    fn sum<I: Iterator<Item = Self>>(iter: I) -> Self {
        iter.fold(Dual2::constant(T::neg_zero()), |acc, x| acc + x)
    }
}

impl<'a, T: Float, const N: usize> Sum<&'a Dual2<T, N>> for Dual2<T, N> {
    #[inline]
    fn sum<I: Iterator<Item = &'a Self>>(iter: I) -> Self {
        iter.fold(Dual2::constant(T::neg_zero()), |acc, x| acc + *x)
    }
}

impl<T: Float, const N: usize> Product for Dual2<T, N> {
    #[inline]
    fn product<I: Iterator<Item = Self>>(iter: I) -> Self {
        iter.fold(Dual2::constant(T::one()), |acc, x| acc * x)
    }
}

impl<'a, T: Float, const N: usize> Product<&'a Dual2<T, N>> for Dual2<T, N> {
    #[inline]
    fn product<I: Iterator<Item = &'a Self>>(iter: I) -> Self {
        iter.fold(Dual2::constant(T::one()), |acc, x| acc * *x)
    }
}
