//! The reverse-mode variable `Var<'t, T>`: a value and the index of the
//! tape node that computed it, or a constant with no tape at all.
//!
//! This file provides the recording helpers every operation goes through
//! (`unary`, `binary`, `ternary`, `block`), the comparisons (`PartialEq`,
//! `PartialOrd`, recorded so a replay can tell when a branch would change),
//! `Default`, `From<T>`, `Debug` and `Display`.

use core::cmp::Ordering;
use core::fmt;

use num_traits::Float;

use super::op::{Op, Tern};
use super::tape::{Check, Node, Tape, Test};

/// A reverse-mode variable: the value of an intermediate result of a
/// computation recorded on a [`Tape`], or a constant.
///
/// `Var<'t, T>` implements [`num_traits::Float`] and every operator that
/// [`Dual`](crate::Dual) does (`+ - * / %` by value and reference, the
/// assign forms, `f64`/`f32` on either side, `Sum`, `Product`), so the same
/// `fn f<T: Float>(x: &[T]) -> T` runs on it unchanged. It is `Copy`: a
/// value, a node index and a reference to the tape.
///
/// Constants (from [`Var::constant`], `Float::zero()`, `NumCast::from`, …)
/// carry no tape, and an operation between constants records nothing.
/// Combining variables of two different tapes panics.
///
/// ```
/// use dualnum::reverse::{Tape, Var};
///
/// let tape = Tape::new();
/// let x = tape.var(3.0);
/// let y = 2.0f64 * x * x + Var::constant(1.0); // records two nodes
/// assert_eq!(y.value(), 19.0);
/// assert_eq!(tape.adjoints(y).wrt(x), 12.0);
/// ```
#[derive(Clone, Copy)]
pub struct Var<'t, T> {
    pub(crate) val: T,
    pub(crate) idx: u32,
    pub(crate) tape: Option<&'t Tape<T>>,
}

impl<'t, T: Float> Var<'t, T> {
    /// A constant: no tape, no derivative.
    #[inline]
    #[must_use]
    pub const fn constant(val: T) -> Self {
        Var { val, idx: 0, tape: None }
    }

    #[inline(always)]
    pub(crate) fn on_tape(val: T, idx: u32, tape: &'t Tape<T>) -> Self {
        Var { val, idx, tape: Some(tape) }
    }

    /// The value.
    ///
    /// On a variable the read is recorded with the value read: what code
    /// does with a plain value (branch on it, make a constant from it) is
    /// invisible to the tape, so a [`Compiled`](super::Compiled) replay at
    /// inputs where this value would differ is refused with
    /// [`ReplayError::ValueRead`](super::ReplayError::ValueRead). Reads made
    /// after the recording was compiled do not count.
    #[inline]
    #[must_use]
    pub fn value(&self) -> T {
        self.read("value")
    }

    /// Returns the value and, on a variable, records that user code read it
    /// through the method `what`.
    #[inline]
    pub(crate) fn read(&self, what: &'static str) -> T {
        if let Some(t) = self.tape {
            t.check(Check {
                a: self.idx,
                b: 0,
                ca: self.val,
                cb: self.val,
                test: Test::Read(what),
                outcome: 1,
                at: 0,
            });
        }
        self.val
    }

    /// True for a constant (no tape).
    #[inline]
    #[must_use]
    pub fn is_constant(&self) -> bool {
        self.tape.is_none()
    }

    /// The tape this variable was recorded on, `None` for a constant.
    #[inline]
    #[must_use]
    pub fn tape(&self) -> Option<&'t Tape<T>> {
        self.tape
    }

    /// Applies a unary rule, recording one node unless `self` is constant.
    #[inline(always)]
    pub(crate) fn unary(self, op: Op) -> Self {
        let (v, d, _) = op.eval(self.val, self.val, true, false);
        self.record1(v, d, op)
    }

    /// Records a node with one varying operand.
    #[inline(always)]
    pub(crate) fn record1(self, v: T, d: T, op: Op) -> Self {
        match self.tape {
            None => Var::constant(v),
            Some(t) => {
                let node = Node { dl: d, dr: T::zero(), lhs: self.idx, rhs: 0, op };
                Var::on_tape(v, t.push(node), t)
            }
        }
    }

    /// Applies a binary rule, recording one node unless both operands are
    /// constant. A constant operand has index 0 (the sink) and its value in
    /// its partial's slot, which a replay reads back (the backward sweep
    /// never adds into the sink).
    #[inline(always)]
    #[track_caller]
    pub(crate) fn binary(self, other: Self, op: Op) -> Self {
        match (self.tape, other.tape) {
            (None, None) => Var::constant(op.eval(self.val, other.val, false, false).0),
            (Some(t), None) => {
                let (v, dx, _) = op.eval(self.val, other.val, true, false);
                let node = Node { dl: dx, dr: other.val, lhs: self.idx, rhs: 0, op };
                Var::on_tape(v, t.push(node), t)
            }
            (None, Some(t)) => {
                let (v, _, dy) = op.eval(self.val, other.val, false, true);
                let node = Node { dl: self.val, dr: dy, lhs: 0, rhs: other.idx, op };
                Var::on_tape(v, t.push(node), t)
            }
            (Some(t), Some(u)) => {
                same_tape(t, u);
                let (v, dx, dy) = op.eval(self.val, other.val, true, true);
                let node = Node { dl: dx, dr: dy, lhs: self.idx, rhs: other.idx, op };
                Var::on_tape(v, t.push(node), t)
            }
        }
    }

    /// Applies a ternary rule as two nodes: a link holding the first two
    /// operands and the result holding the third (constants as in
    /// [`binary`](Self::binary)).
    #[track_caller]
    pub(crate) fn ternary(self, y: Self, z: Self, op: Tern) -> Self {
        let (v, dx, dy, dz) = op.eval(self.val, y.val, z.val);
        let Some(t) = common_tape(&[self, y, z]) else {
            return Var::constant(v);
        };
        let slot = |a: &Self, d: T| if a.tape.is_some() { d } else { a.val };
        let link =
            Node { dl: slot(&self, dx), dr: slot(&y, dy), lhs: self.idx, rhs: y.idx, op: Op::Link };
        let l = t.push(link);
        let node = Node { dl: T::one(), dr: slot(&z, dz), lhs: l, rhs: z.idx, op: Op::Tern(op) };
        Var::on_tape(v, t.push(node), t)
    }

    /// Records a user-defined block with value `v` and partials `d`: one
    /// node for up to two varying inputs, otherwise a chain of weighted sums
    /// (each link adds one more input), so the backward sweep stays a loop
    /// over binary nodes.
    #[track_caller]
    pub(crate) fn block<const K: usize>(x: &[Self; K], v: T, d: &[T; K]) -> Self {
        let Some(t) = common_tape(x) else {
            return Var::constant(v);
        };
        // A user's partials may be zero: the sweep tests adjoints.
        t.selects();
        let mut prev: Option<(u32, T)> = None;
        let mut last = 0;
        let count = x.iter().filter(|a| a.tape.is_some()).count();
        let mut seen = 0;
        for (a, &da) in x.iter().zip(d) {
            if a.tape.is_none() {
                continue;
            }
            seen += 1;
            match prev {
                None if count == 1 => {
                    let node = Node { dl: da, dr: T::zero(), lhs: a.idx, rhs: 0, op: Op::Block };
                    last = t.push_with_const(node, v);
                }
                None => prev = Some((a.idx, da)),
                Some((p, dp)) => {
                    let op = if seen == count { Op::Block } else { Op::BlockLink };
                    let node = Node { dl: dp, dr: da, lhs: p, rhs: a.idx, op };
                    last = if seen == count { t.push_with_const(node, v) } else { t.push(node) };
                    prev = Some((last, T::one()));
                }
            }
        }
        Var::on_tape(v, last, t)
    }

    /// Marks the tape of the first variable among `xs` as holding an
    /// operation that selects (see [`Op::selects`]). Called by the
    /// selecting methods before they record, with the op code as a
    /// constant of its own: testing the code inside [`binary`](Self::binary)
    /// made LLVM store every node's op code as four pieces (+3 stores a
    /// node, Rosenbrock's recording 152.9k -> 176.9k instructions).
    #[inline(always)]
    pub(crate) fn mark_selects(xs: &[Self]) {
        if let Some(t) = xs.iter().find_map(|v| v.tape) {
            t.selects();
        }
    }

    /// Records a comparison or predicate with its outcome (a constant
    /// operand is stored by value; two constants record nothing).
    #[inline]
    pub(crate) fn test(self, other: Self, test: Test) -> u8 {
        let outcome = test.eval(self.val, other.val);
        if let Some(t) = self.tape.or(other.tape) {
            t.check(Check {
                a: self.idx,
                b: other.idx,
                ca: self.val,
                cb: other.val,
                test,
                outcome,
                at: 0,
            });
        }
        outcome
    }
}

/// The tape shared by the varying operands, `None` if all are constants.
///
/// # Panics
///
/// If two operands come from different tapes.
#[inline]
#[track_caller]
fn common_tape<'t, T>(xs: &[Var<'t, T>]) -> Option<&'t Tape<T>> {
    let mut tape: Option<&'t Tape<T>> = None;
    for a in xs {
        if let Some(u) = a.tape {
            match tape {
                None => tape = Some(u),
                Some(t) => same_tape(t, u),
            }
        }
    }
    tape
}

#[inline(always)]
#[track_caller]
fn same_tape<T>(t: &Tape<T>, u: &Tape<T>) {
    if !core::ptr::eq(t, u) {
        different_tapes()
    }
}

#[cold]
#[inline(never)]
#[track_caller]
fn different_tapes() -> ! {
    panic!(
        "reverse::Var: an operation combines variables recorded on two different tapes; \
         make all inputs of one computation with the same Tape"
    )
}

impl<T: Float> Default for Var<'_, T> {
    /// The constant zero.
    #[inline]
    fn default() -> Self {
        Var::constant(T::zero())
    }
}

impl<T: Float> From<T> for Var<'_, T> {
    /// The constant with value `x`.
    #[inline]
    fn from(x: T) -> Self {
        Var::constant(x)
    }
}

/// Equality looks at values only, as for [`Dual`](crate::Dual); on a
/// variable the comparison and its outcome are recorded for replays.
impl<T: Float> PartialEq for Var<'_, T> {
    #[inline]
    fn eq(&self, other: &Self) -> bool {
        self.test(*other, Test::Eq) == 1
    }
    #[allow(clippy::partialeq_ne_impl)]
    #[inline]
    fn ne(&self, other: &Self) -> bool {
        self.test(*other, Test::Ne) == 1
    }
}

/// Ordering looks at values only; each comparison on a variable and its
/// outcome are recorded, so a replay at inputs where it comes out
/// differently is refused.
impl<T: Float> PartialOrd for Var<'_, T> {
    #[inline]
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        match self.test(*other, Test::PartialCmp) {
            0 => Some(Ordering::Less),
            1 => Some(Ordering::Equal),
            2 => Some(Ordering::Greater),
            _ => None,
        }
    }
    #[inline]
    fn lt(&self, other: &Self) -> bool {
        self.test(*other, Test::Lt) == 1
    }
    #[inline]
    fn le(&self, other: &Self) -> bool {
        self.test(*other, Test::Le) == 1
    }
    #[inline]
    fn gt(&self, other: &Self) -> bool {
        self.test(*other, Test::Gt) == 1
    }
    #[inline]
    fn ge(&self, other: &Self) -> bool {
        self.test(*other, Test::Ge) == 1
    }
}

/// Shows the value and the node; a read of the value, recorded as
/// [`Var::value`] is.
impl<T: Float + fmt::Debug> fmt::Debug for Var<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let v = self.read("Debug");
        if self.tape.is_some() {
            write!(f, "Var({v:?} @ node {})", self.idx)
        } else {
            write!(f, "Var({v:?}, constant)")
        }
    }
}

/// Formats the value as `T` does (precision and other flags included); a
/// read of the value, recorded as [`Var::value`] is.
impl<T: Float + fmt::Display> fmt::Display for Var<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.read("Display"), f)
    }
}
