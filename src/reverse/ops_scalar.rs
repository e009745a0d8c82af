//! Plain `f64`/`f32` operands next to a reverse variable over duals:
//! `Var<'t, Dual<f64, C>>` (forward over reverse, as [`super::hvp`] and
//! [`super::hessian`] record) takes `0.5 * x`, `x * 3.0`, `x += 1.0`,
//! `x > 0.0` and `x == 1.0` like any other number of the crate.
//!
//! `ops.rs` gives `Var<'t, T> op T` and, for `T = f64`/`f32`, the scalar on
//! the left. Here, for `S = f64` and `S = f32` and every `T: DualOver<S>`
//! (a dual over `S`, at any depth): `Var op S`, `&Var op S`, `S op Var`,
//! `S op &Var` for `+ - * / %`, `Var op= S`, and the comparisons both ways
//! round. Each lifts the scalar to the constant `T::from_scalar(s)` and
//! applies the operator with `T` on that side, so no rule is written here
//! and a comparison is recorded as every comparison is.
//!
//! Coherence: `impl Mul<T> for Var<'t, T>` and `impl Mul<f64> for
//! Var<'t, T> where T: DualOver<f64>` cannot overlap, because `f64` is not
//! a `DualOver<f64>` (a sealed trait).

use core::cmp::Ordering;
use core::ops::{Add, AddAssign, Div, DivAssign, Mul, MulAssign, Rem, RemAssign, Sub, SubAssign};

use super::Var;
use crate::literal::DualOver;

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
