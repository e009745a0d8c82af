//! Record once, replay many times: the recorded operations swept forward at
//! new inputs (values and local partials by the same rules), then backward.
//!
//! This file provides [`Compiled`] (made by [`compile`](super::compile) or
//! [`Compiled::from_tape`]), its [`value`](Compiled::value) and
//! [`gradient`](Compiled::gradient), and [`ReplayError`].

use alloc::vec::Vec;
use core::fmt;

use num_traits::Float;

use super::op::Op;
use super::tape::{Node, Record, Tape, Test, seed_and_sweep};
use super::var::Var;

/// Why a replay was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReplayError {
    /// The replay was given a different number of inputs than recorded.
    InputCount {
        /// Inputs at recording.
        expected: usize,
        /// Inputs given to the replay.
        found: usize,
    },
    /// A comparison (or predicate such as `is_nan`) made on a variable
    /// during recording comes out differently at the new inputs: the
    /// recorded control flow does not hold there, so the recorded operations
    /// are not the function's. Record afresh at these inputs.
    BranchChanged {
        /// Which comparison, counting from 0 in recording order.
        check: usize,
        /// The comparison, e.g. `">"` or `"is_nan"`.
        test: &'static str,
        /// How many operations had been recorded when it was made.
        after_node: usize,
        /// Its outcome at recording (`"true"`, `"false"`, `"Less"`, …).
        recorded: &'static str,
        /// Its outcome at the new inputs.
        now: &'static str,
    },
    /// The recording contains a user-defined block, which is known only by
    /// the value and partials it returned at recording and so cannot be
    /// evaluated at new inputs.
    UserBlock {
        /// The node of the block.
        node: usize,
    },
}

impl fmt::Display for ReplayError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReplayError::InputCount { expected, found } => write!(
                f,
                "replay refused: the function was recorded with {expected} inputs but the replay \
                 was given {found}"
            ),
            ReplayError::BranchChanged { check, test, after_node, recorded, now } => write!(
                f,
                "replay refused: comparison #{check} (`{test}`, made after {after_node} recorded \
                 operations) was {recorded} at recording but is {now} at these inputs, so the \
                 recorded control flow does not hold here; record the function afresh"
            ),
            ReplayError::UserBlock { node } => write!(
                f,
                "replay refused: node {node} is a user-defined block, which cannot be evaluated \
                 at new inputs; record the function afresh"
            ),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for ReplayError {}

/// Where the forward sweep takes its input values from.
pub(crate) enum Inputs<'a, T> {
    /// The values recorded (and the recorded values of blocks).
    Recorded,
    /// New values.
    New(&'a [T]),
}

/// The forward sweep: recomputes the value of every node into `vals` and
/// its local partials into `nodes` (a constant operand's value stays in its
/// slot), then checks every recorded comparison. `blocks` holds the
/// recorded values of user-defined blocks, used with [`Inputs::Recorded`].
pub(crate) fn forward<T: Float>(
    nodes: &mut [Node<T>],
    blocks: &[T],
    checks: &[super::tape::Check<T>],
    inputs: Inputs<'_, T>,
    vals: &mut Vec<T>,
) -> Result<(), ReplayError> {
    if vals.len() != nodes.len() {
        vals.clear();
        vals.resize(nodes.len(), T::zero());
    }
    let (mut bi, mut xi) = (0usize, 0usize);
    let mut pending = (T::zero(), T::zero());
    for k in 1..nodes.len() {
        let n = nodes[k];
        // The value of an operand: a node's, or a constant kept in its slot.
        let operand = |i: u32, slot: T| if i == 0 { slot } else { vals[i as usize] };
        let (v, dl, dr) = match n.op {
            Op::Sink => (T::zero(), T::zero(), T::zero()),
            Op::Input => {
                let v = match inputs {
                    Inputs::Recorded => n.dl,
                    Inputs::New(x) => x[xi],
                };
                xi += 1;
                (v, n.dl, n.dr)
            }
            Op::Link => {
                pending = (operand(n.lhs, n.dl), operand(n.rhs, n.dr));
                (T::zero(), n.dl, n.dr)
            }
            Op::Tern(t) => {
                let l = nodes[n.lhs as usize];
                let z = operand(n.rhs, n.dr);
                let (v, dx, dy, dz) = t.eval(pending.0, pending.1, z);
                let link = &mut nodes[n.lhs as usize];
                link.dl = if l.lhs == 0 { l.dl } else { dx };
                link.dr = if l.rhs == 0 { l.dr } else { dy };
                (v, T::one(), if n.rhs == 0 { z } else { dz })
            }
            Op::BlockLink => (T::zero(), n.dl, n.dr),
            Op::Block => match inputs {
                Inputs::Recorded => {
                    bi += 1;
                    (blocks[bi - 1], n.dl, n.dr)
                }
                Inputs::New(_) => return Err(ReplayError::UserBlock { node: k }),
            },
            // Every unary and binary rule (a unary node's `rhs` is the sink
            // with slot 0, unused).
            op => {
                let (x, y) = (operand(n.lhs, n.dl), operand(n.rhs, n.dr));
                let (v, dx, dy) = op.eval(x, y, n.lhs != 0, n.rhs != 0);
                (v, if n.lhs == 0 { x } else { dx }, if n.rhs == 0 { y } else { dy })
            }
        };
        vals[k] = v;
        nodes[k].dl = dl;
        nodes[k].dr = dr;
    }
    for (i, c) in checks.iter().enumerate() {
        let a = if c.a == 0 { c.ca } else { vals[c.a as usize] };
        let b = if c.b == 0 { c.cb } else { vals[c.b as usize] };
        let now = c.test.eval(a, b);
        if now != c.outcome {
            return Err(ReplayError::BranchChanged {
                check: i,
                test: c.test.label(),
                after_node: c.at as usize - 1,
                recorded: outcome_label(c.test, c.outcome),
                now: outcome_label(c.test, now),
            });
        }
    }
    Ok(())
}

fn outcome_label(test: Test, code: u8) -> &'static str {
    match (test, code) {
        (Test::PartialCmp, 0) => "Less",
        (Test::PartialCmp, 1) => "Equal",
        (Test::PartialCmp, 2) => "Greater",
        (Test::PartialCmp, _) => "unordered",
        (Test::Classify, 0) => "Nan",
        (Test::Classify, 1) => "Infinite",
        (Test::Classify, 2) => "Zero",
        (Test::Classify, 3) => "Subnormal",
        (Test::Classify, _) => "Normal",
        (_, 0) => "false",
        _ => "true",
    }
}

/// A recorded function `Rⁿ → R`, replayed at new inputs without calling
/// the original code again: the lecture's "compile the graph".
///
/// The forward sweep re-evaluates every recorded operation by the same rule
/// functions as recording and forward mode; the backward sweep is the
/// tape's. Control flow is frozen at recording: every comparison made on a
/// variable was recorded with its outcome, and a replay where one comes out
/// differently returns [`ReplayError::BranchChanged`] instead of a wrong
/// gradient. Replays allocate nothing once the buffers have grown.
///
/// A replay is not faster than a fresh recording: it dispatches on each
/// node's op code and stores every value and partial, while a recording
/// runs the compiled, inlined closure (see `benches/reverse.rs`). Use it to
/// re-evaluate where the closure is not at hand, with its control flow
/// checked.
///
/// ```
/// use dualnum::reverse;
/// use dualnum::test_functions::rosenbrock;
///
/// let mut f = reverse::compile(|x| rosenbrock(x), &[0.5, 0.5, 0.5]);
/// let mut g = [0.0; 3];
/// let fx = f.gradient(&[1.0, 1.0, 1.0], &mut g).unwrap();
/// assert_eq!((fx, g), (0.0, [0.0; 3])); // the minimum
/// assert!(f.gradient(&[1.0, 1.0], &mut g[..2]).is_err()); // wrong input count
/// ```
#[derive(Clone, Debug)]
pub struct Compiled<T> {
    rec: Record<T>,
    inputs: Vec<u32>,
    output: u32,
    constant_output: T,
    vals: Vec<T>,
    adj: Vec<T>,
}

impl<T: Float> Compiled<T> {
    /// Freezes what `tape` recorded, with `y` as the output.
    ///
    /// # Panics
    ///
    /// If `y` belongs to another tape.
    #[must_use]
    #[track_caller]
    pub fn from_tape(tape: &Tape<T>, y: Var<'_, T>) -> Self {
        assert!(tape.owns(&y), "Compiled::from_tape: the output belongs to another tape");
        let rec = tape.snapshot();
        let inputs = rec.nodes.iter().enumerate().filter(|(_, n)| n.op == Op::Input);
        let inputs = inputs.map(|(k, _)| k as u32).collect();
        Compiled {
            rec,
            inputs,
            output: y.idx,
            constant_output: y.val,
            vals: Vec::new(),
            adj: Vec::new(),
        }
    }

    /// The number of inputs the recording expects.
    #[inline]
    #[must_use]
    pub fn inputs(&self) -> usize {
        self.rec.inputs as usize
    }

    /// The number of recorded operations replayed per call (inputs included).
    #[inline]
    #[must_use]
    pub fn len(&self) -> usize {
        self.rec.nodes.len() - 1
    }

    /// True when nothing was recorded (the output is a constant).
    #[inline]
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The number of comparisons whose outcome every replay checks.
    #[inline]
    #[must_use]
    pub fn comparisons(&self) -> usize {
        self.rec.checks.len()
    }

    /// The value at `x`, by a forward sweep.
    ///
    /// # Errors
    ///
    /// [`ReplayError::InputCount`] if `x.len()` differs from the recording's
    /// input count, [`ReplayError::BranchChanged`] if a recorded comparison
    /// comes out differently at `x`, [`ReplayError::UserBlock`] if the
    /// recording contains a user-defined block.
    pub fn value(&mut self, x: &[T]) -> Result<T, ReplayError> {
        self.sweep(x)
    }

    /// The value and gradient at `x` (gradient written to `grad`), by one
    /// forward and one backward sweep.
    ///
    /// # Errors
    ///
    /// As [`value`](Self::value); `grad` is left unchanged on error.
    ///
    /// # Panics
    ///
    /// If `grad.len() != x.len()`.
    #[track_caller]
    pub fn gradient(&mut self, x: &[T], grad: &mut [T]) -> Result<T, ReplayError> {
        assert_eq!(
            grad.len(),
            x.len(),
            "Compiled::gradient: {} inputs but a gradient slice of length {}",
            x.len(),
            grad.len()
        );
        let fx = self.sweep(x)?;
        seed_and_sweep(&self.rec.nodes, &mut self.adj, &[(self.output, T::one())]);
        for (g, &k) in grad.iter_mut().zip(&self.inputs) {
            *g = self.adj.get(k as usize).copied().unwrap_or_else(T::zero);
        }
        Ok(fx)
    }

    fn sweep(&mut self, x: &[T]) -> Result<T, ReplayError> {
        let expected = self.rec.inputs as usize;
        if x.len() != expected {
            return Err(ReplayError::InputCount { expected, found: x.len() });
        }
        let r = &mut self.rec;
        forward(&mut r.nodes, &r.consts, &r.checks, Inputs::New(x), &mut self.vals)?;
        Ok(if self.output == 0 { self.constant_output } else { self.vals[self.output as usize] })
    }
}
