//! Plain `f64`/`f32` operands next to duals of any nesting depth.
//!
//! `ops.rs` gives `Dual<T, N> op T` for the scalar one level down, and
//! `f64 op Dual<f64, N>` (and `f32`) on the left. This file adds, for
//! `S = f64` and `S = f32`:
//!
//! - `Dual<T, N> op S` and `&Dual<T, N> op S`, `S op Dual<T, N>` and
//!   `S op &Dual<T, N>` for each of `+ - * / %`, and `Dual<T, N> op= S`,
//!   where `T: DualOver<S>` (so `Dual<Dual<S, M>, N>` and deeper);
//! - `From<S>` for the same nested duals (depth 1 has `From<T>`);
//! - `Dual == S`, `Dual < S` (`PartialEq`, `PartialOrd`) at every depth,
//!   and `S == Dual`, `S < Dual` with the scalar on the left;
//! - `Dual<T, N> == T` and `Dual<T, N> < T` for the scalar one level down.
//!
//! Each nested form lifts the scalar to the constant
//! [`T::from_scalar(s)`](DualOver::from_scalar) and applies the operator of
//! `ops.rs` with `T` on that side, so `x * 3.0` computes exactly what
//! generic code computes for `x * lit(3.0)`: no rule is written here.
//! Comparisons look at values only, as everywhere.
//!
//! Coherence: `impl Mul<T> for Dual<T, N>` and `impl Mul<f64> for
//! Dual<T, N> where T: DualOver<f64>` cannot overlap, because `f64` is not
//! a `DualOver<f64>` (a sealed trait of this crate).

use core::cmp::Ordering;
use core::ops::{Add, AddAssign, Div, DivAssign, Mul, MulAssign, Rem, RemAssign, Sub, SubAssign};

use num_traits::Float;

use super::ops::{s_add, s_div, s_mul, s_rem, s_sub};
use crate::Dual;
use crate::literal::DualOver;

/// `Dual<T, N> op S`, `&Dual op S`, `S op Dual`, `S op &Dual` and
/// `Dual op= S` for `T: DualOver<S>`.
macro_rules! nested_ops {
    ($s:ty: $($Op:ident $op:ident $OpAssign:ident $op_assign:ident $f:ident),*) => {$(
        impl<T: DualOver<$s>, const N: usize, const SAFE: bool> $Op<$s> for Dual<T, N, SAFE> {
            type Output = Self;
            #[inline(always)]
            fn $op(self, rhs: $s) -> Self {
                $Op::$op(self, T::from_scalar(rhs))
            }
        }
        impl<T: DualOver<$s>, const N: usize, const SAFE: bool> $Op<$s> for &Dual<T, N, SAFE> {
            type Output = Dual<T, N, SAFE>;
            #[inline(always)]
            fn $op(self, rhs: $s) -> Dual<T, N, SAFE> {
                $Op::$op(*self, T::from_scalar(rhs))
            }
        }
        impl<T: DualOver<$s>, const N: usize, const SAFE: bool> $Op<Dual<T, N, SAFE>> for $s {
            type Output = Dual<T, N, SAFE>;
            #[inline(always)]
            fn $op(self, rhs: Dual<T, N, SAFE>) -> Dual<T, N, SAFE> {
                $f(T::from_scalar(self), rhs)
            }
        }
        impl<T: DualOver<$s>, const N: usize, const SAFE: bool> $Op<&Dual<T, N, SAFE>> for $s {
            type Output = Dual<T, N, SAFE>;
            #[inline(always)]
            fn $op(self, rhs: &Dual<T, N, SAFE>) -> Dual<T, N, SAFE> {
                $f(T::from_scalar(self), *rhs)
            }
        }
        impl<T: DualOver<$s>, const N: usize, const SAFE: bool> $OpAssign<$s>
            for Dual<T, N, SAFE>
        {
            #[inline(always)]
            fn $op_assign(&mut self, rhs: $s) {
                *self = $Op::$op(*self, T::from_scalar(rhs));
            }
        }
    )*};
}

/// `From<S>` and the comparisons with a plain `S` for nested duals, and the
/// comparisons with `S` on the left at every depth.
macro_rules! nested_scalar {
    ($($s:ty),*) => {$(
        nested_ops!($s:
            Add add AddAssign add_assign s_add,
            Sub sub SubAssign sub_assign s_sub,
            Mul mul MulAssign mul_assign s_mul,
            Div div DivAssign div_assign s_div,
            Rem rem RemAssign rem_assign s_rem
        );

        /// The constant with value `s` (zero tangents at every level).
        impl<T: DualOver<$s>, const N: usize, const SAFE: bool> From<$s> for Dual<T, N, SAFE> {
            #[inline(always)]
            fn from(s: $s) -> Self {
                Dual::lift(T::from_scalar(s))
            }
        }

        /// Compares the value with a plain scalar.
        impl<T: DualOver<$s>, const N: usize, const SAFE: bool> PartialEq<$s>
            for Dual<T, N, SAFE>
        {
            #[inline]
            fn eq(&self, other: &$s) -> bool {
                self.re == T::from_scalar(*other)
            }
        }

        /// Orders by the value against a plain scalar.
        impl<T: DualOver<$s>, const N: usize, const SAFE: bool> PartialOrd<$s>
            for Dual<T, N, SAFE>
        {
            #[inline]
            fn partial_cmp(&self, other: &$s) -> Option<Ordering> {
                self.re.partial_cmp(&T::from_scalar(*other))
            }
        }

        /// Compares a plain scalar with the value.
        impl<T: DualOver<$s>, const N: usize, const SAFE: bool> PartialEq<Dual<T, N, SAFE>>
            for $s
        {
            #[inline]
            fn eq(&self, other: &Dual<T, N, SAFE>) -> bool {
                T::from_scalar(*self) == other.re
            }
        }

        /// Orders a plain scalar against the value.
        impl<T: DualOver<$s>, const N: usize, const SAFE: bool> PartialOrd<Dual<T, N, SAFE>>
            for $s
        {
            #[inline]
            fn partial_cmp(&self, other: &Dual<T, N, SAFE>) -> Option<Ordering> {
                T::from_scalar(*self).partial_cmp(&other.re)
            }
        }

        /// Compares a plain scalar with the value.
        impl<const N: usize, const SAFE: bool> PartialEq<Dual<$s, N, SAFE>> for $s {
            #[inline]
            fn eq(&self, other: &Dual<$s, N, SAFE>) -> bool {
                *self == other.re
            }
        }

        /// Orders a plain scalar against the value.
        impl<const N: usize, const SAFE: bool> PartialOrd<Dual<$s, N, SAFE>> for $s {
            #[inline]
            fn partial_cmp(&self, other: &Dual<$s, N, SAFE>) -> Option<Ordering> {
                self.partial_cmp(&other.re)
            }
        }
    )*};
}

nested_scalar!(f64, f32);

/// Compares the value with a scalar of the level below: `x == 1.0` for
/// `x: Dual<f64, N>`. Values only, as `Dual == Dual`.
impl<T: Float, const N: usize, const SAFE: bool> PartialEq<T> for Dual<T, N, SAFE> {
    #[inline]
    fn eq(&self, other: &T) -> bool {
        self.re == *other
    }
}

/// Orders by the value against a scalar of the level below: `x > 0.0` for
/// `x: Dual<f64, N>`.
impl<T: Float, const N: usize, const SAFE: bool> PartialOrd<T> for Dual<T, N, SAFE> {
    #[inline]
    fn partial_cmp(&self, other: &T) -> Option<Ordering> {
        self.re.partial_cmp(other)
    }
}
