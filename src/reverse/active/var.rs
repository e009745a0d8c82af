//! The active variable `Active<T>`: a value, the index of the node that
//! computed it on this thread's tape, and the generation of the recording
//! it belongs to; or a constant (generation 0, no node).
//!
//! This file provides the recording helpers every operation goes through
//! (`unary`, `record1`, `binary`, `ternary`), the comparisons (`PartialEq`,
//! `PartialOrd`, with `Active` or `T` on the right, and `f32`/`f64` on the
//! left), `Default`, `From<T>`, `Debug` and `Display`.

use core::cmp::Ordering;
use core::fmt;

use super::local::{self, ActiveScalar};
use crate::reverse::op::{Op, Tern};
use crate::reverse::tape::Node;

/// A reverse-mode variable that is an nalgebra scalar: `Copy`, `'static`,
/// `Send` and `Sync`, recorded on a thread-local tape.
///
/// `Active<T>` (for `T` = `f32` or `f64`) implements
/// [`num_traits::Float`] and the operators of [`Var`](crate::reverse::Var),
/// and also simba's `ComplexField` and `RealField`, so nalgebra's matrix
/// algebra (`determinant`, `try_inverse`, `lu`, `cholesky`, norms, …) runs
/// on it and is recorded. It holds no reference: the value, a node index
/// and a recording generation (24 bytes for `f64`).
///
/// Variables exist inside the closure given to a driver of
/// [`reverse::active`](crate::reverse::active), which records on this
/// thread's tape and sweeps it backward. Constants (from
/// [`Active::constant`], `Float::zero()`, `NumCast::from`, `nalgebra::convert`)
/// carry no node and work anywhere; an operation between constants records
/// nothing.
///
/// ```
/// use dualnum::reverse::{Active, active};
///
/// let (y, g) = active::gradient(|x| 2.0 * x[0] * x[1] + Active::constant(1.0), &[3.0, 4.0]);
/// assert_eq!(y, 25.0);
/// assert_eq!(g.as_slice(), &[8.0, 6.0]);
/// ```
///
/// # Panics
///
/// An operation that records (any arithmetic or elementary function with a
/// variable operand) panics if a variable operand does not belong to the
/// recording running on this thread: one kept from an earlier driver call,
/// one sent to another thread, or one used after its driver returned.
/// Reading a value ([`value`](Self::value), comparisons, formatting) never
/// panics.
#[derive(Clone, Copy)]
pub struct Active<T> {
    pub(crate) val: T,
    pub(crate) idx: u32,
    pub(crate) generation: u64,
}

impl<T: ActiveScalar> Active<T> {
    /// A constant: no node, no derivative, usable anywhere.
    ///
    /// ```
    /// use dualnum::reverse::Active;
    ///
    /// let c = Active::constant(2.0f64);
    /// assert!(c.is_constant());
    /// assert_eq!((c * c).value(), 4.0); // constants need no recording
    /// ```
    #[inline]
    #[must_use]
    pub const fn constant(val: T) -> Self {
        Active { val, idx: 0, generation: 0 }
    }

    #[inline]
    pub(crate) fn on_tape(val: T, idx: u32, generation: u64) -> Self {
        Active { val, idx, generation }
    }

    /// The value (no check: a value can be read anywhere, also after the
    /// recording ended).
    ///
    /// ```
    /// use dualnum::reverse::Active;
    ///
    /// assert_eq!(Active::constant(1.5f32).value(), 1.5);
    /// ```
    #[inline]
    #[must_use]
    pub fn value(&self) -> T {
        self.val
    }

    /// True for a constant (no node).
    ///
    /// ```
    /// use dualnum::reverse::{Active, active};
    ///
    /// let _ = active::gradient(
    ///     |x| {
    ///         assert!(!x[0].is_constant() && Active::constant(1.0).is_constant());
    ///         x[0]
    ///     },
    ///     &[2.0f64],
    /// );
    /// ```
    #[inline]
    #[must_use]
    pub fn is_constant(&self) -> bool {
        self.generation == 0
    }

    /// The number of the recording this variable belongs to, `None` for a
    /// constant. Every recording in the process gets its own number.
    ///
    /// ```
    /// use dualnum::reverse::{Active, active};
    ///
    /// let mut seen = Vec::new();
    /// for _ in 0..2 {
    ///     let _ = active::gradient(
    ///         |x| {
    ///             seen.push(x[0].recording().unwrap());
    ///             x[0]
    ///         },
    ///         &[1.0f64],
    ///     );
    /// }
    /// assert_ne!(seen[0], seen[1]);
    /// assert_eq!(Active::constant(1.0f64).recording(), None);
    /// ```
    #[inline]
    #[must_use]
    pub fn recording(&self) -> Option<u64> {
        (self.generation != 0).then_some(self.generation)
    }

    /// Applies a unary rule, recording one node unless `self` is constant.
    #[inline]
    #[track_caller]
    pub(crate) fn unary(self, op: Op) -> Self {
        let (v, d, _) = op.eval(self.val, self.val, true, false);
        self.record1(v, d, op)
    }

    /// Records a node with one varying operand, `self`.
    #[inline]
    #[track_caller]
    pub(crate) fn record1(self, v: T, d: T, op: Op) -> Self {
        if self.generation == 0 {
            return Active::constant(v);
        }
        let node = Node { dl: d, dr: T::zero(), lhs: self.idx, rhs: 0, op };
        Active::on_tape(v, local::push(self.generation, node), self.generation)
    }

    /// Applies a binary rule, recording one node unless both operands are
    /// constant; a constant operand is stored as `Var`'s are (index 0, its
    /// value in its partial's slot).
    #[inline]
    #[track_caller]
    pub(crate) fn binary(self, other: Self, op: Op) -> Self {
        match (self.generation, other.generation) {
            (0, 0) => Active::constant(op.eval(self.val, other.val, false, false).0),
            (g, 0) => {
                let (v, dx, _) = op.eval(self.val, other.val, true, false);
                let node = Node { dl: dx, dr: other.val, lhs: self.idx, rhs: 0, op };
                Active::on_tape(v, local::push(g, node), g)
            }
            (0, h) => {
                let (v, _, dy) = op.eval(self.val, other.val, false, true);
                let node = Node { dl: self.val, dr: dy, lhs: 0, rhs: other.idx, op };
                Active::on_tape(v, local::push(h, node), h)
            }
            (g, h) => {
                let (v, dx, dy) = op.eval(self.val, other.val, true, true);
                let node = Node { dl: dx, dr: dy, lhs: self.idx, rhs: other.idx, op };
                Active::on_tape(v, local::push2(g, h, node), g)
            }
        }
    }

    /// Applies a ternary rule as two nodes, as `Var` does: a link holding
    /// the first two operands, then the result holding the third.
    #[track_caller]
    pub(crate) fn ternary(self, y: Self, z: Self, op: Tern) -> Self {
        let (v, dx, dy, dz) = op.eval(self.val, y.val, z.val);
        let Some(g) = [self, y, z].iter().map(|a| a.generation).find(|&g| g != 0) else {
            return Active::constant(v);
        };
        // Each varying operand is checked against the running recording (a
        // constant one stands in as `g`, which is checked too).
        let gen_of = |a: &Self| if a.generation != 0 { a.generation } else { g };
        let slot = |a: &Self, d: T| if a.generation != 0 { d } else { a.val };
        let link =
            Node { dl: slot(&self, dx), dr: slot(&y, dy), lhs: self.idx, rhs: y.idx, op: Op::Link };
        let l = local::push2(gen_of(&self), gen_of(&y), link);
        let node = Node { dl: T::one(), dr: slot(&z, dz), lhs: l, rhs: z.idx, op: Op::Tern(op) };
        Active::on_tape(v, local::push2(g, gen_of(&z), node), g)
    }
}

impl<T: ActiveScalar> Default for Active<T> {
    /// The constant zero.
    #[inline]
    fn default() -> Self {
        Active::constant(T::zero())
    }
}

impl<T: ActiveScalar> From<T> for Active<T> {
    /// The constant with value `x`.
    #[inline]
    fn from(x: T) -> Self {
        Active::constant(x)
    }
}

/// Equality looks at values only, as for [`Dual`](crate::Dual); nothing is
/// recorded.
impl<T: ActiveScalar> PartialEq for Active<T> {
    #[inline]
    fn eq(&self, other: &Self) -> bool {
        self.val == other.val
    }
}

/// Ordering looks at values only; nothing is recorded.
impl<T: ActiveScalar> PartialOrd for Active<T> {
    #[inline]
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        self.val.partial_cmp(&other.val)
    }
}

/// `x == 0.5`: the value against a plain scalar.
impl<T: ActiveScalar> PartialEq<T> for Active<T> {
    #[inline]
    fn eq(&self, other: &T) -> bool {
        self.val == *other
    }
}

/// `x < 0.5`: the value against a plain scalar.
impl<T: ActiveScalar> PartialOrd<T> for Active<T> {
    #[inline]
    fn partial_cmp(&self, other: &T) -> Option<Ordering> {
        self.val.partial_cmp(other)
    }
}

/// `0.5 == x` and `0.5 < x` for a primitive float on the left.
macro_rules! scalar_left_cmp {
    ($($s:ty),*) => {$(
        impl PartialEq<Active<$s>> for $s {
            #[inline]
            fn eq(&self, other: &Active<$s>) -> bool {
                *self == other.val
            }
        }
        impl PartialOrd<Active<$s>> for $s {
            #[inline]
            fn partial_cmp(&self, other: &Active<$s>) -> Option<Ordering> {
                self.partial_cmp(&other.val)
            }
        }
    )*};
}

scalar_left_cmp!(f32, f64);

/// Shows the value and the node (or that it is a constant).
impl<T: ActiveScalar> fmt::Debug for Active<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.generation == 0 {
            write!(f, "Active({:?}, constant)", self.val)
        } else {
            write!(
                f,
                "Active({:?} @ node {} of recording #{})",
                self.val, self.idx, self.generation
            )
        }
    }
}

/// Formats the value as `T` does (precision and other flags included).
impl<T: ActiveScalar> fmt::Display for Active<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.val, f)
    }
}
