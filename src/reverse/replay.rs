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
use super::tape::{Check, Node, Record, Tape, Test};
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
                "replay refused: node {node} is a user-defined block, and a recording keeps \
                 only the block's partials, not the block itself, so it cannot be replayed \
                 (not even at the recorded inputs); record the function afresh with \
                 reverse::gradient or Tape::gradient"
            ),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for ReplayError {}

/// The forward sweep at the recorded point, for traces: recomputes the
/// value of every node into `vals` by the same rules (inputs and
/// user-defined blocks give their recorded values, `blocks` holding the
/// latter in order).
pub(crate) fn recorded_values<T: Float>(nodes: &[Node<T>], blocks: &[T], vals: &mut Vec<T>) {
    vals.clear();
    vals.resize(nodes.len(), T::zero());
    let mut bi = 0;
    let mut pending = (T::zero(), T::zero());
    for (k, n) in nodes.iter().enumerate().skip(1) {
        // The value of an operand: a node's, or a constant kept in its slot.
        let operand = |i: u32, slot: T| if i == 0 { slot } else { vals[i as usize] };
        vals[k] = match n.op {
            Op::Sink | Op::BlockLink => T::zero(),
            Op::Input => n.dl,
            Op::Link => {
                pending = (operand(n.lhs, n.dl), operand(n.rhs, n.dr));
                T::zero()
            }
            Op::Tern(t) => t.eval(pending.0, pending.1, operand(n.rhs, n.dr)).0,
            Op::Block => {
                bi += 1;
                blocks[bi - 1]
            }
            op => {
                let (x, y) = (operand(n.lhs, n.dl), operand(n.rhs, n.dr));
                op.eval(x, y, n.lhs != 0, n.rhs != 0).0
            }
        };
    }
}

/// Checks every recorded comparison against the values of a sweep.
fn check_all<T: Float>(checks: &[Check<T>], vals: &[T]) -> Result<(), ReplayError> {
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

/// One step of a replay's forward sweep: node `k` computes `op` on the
/// values at `a` and `b` (node values, or constants pooled after them).
#[derive(Clone, Copy, Debug)]
struct Instr {
    k: u32,
    a: u32,
    b: u32,
    op: Op,
    a_var: bool,
    b_var: bool,
}

/// The replay's backward program, one entry per node in separate arrays
/// (inputs and the sink have zero partials): where its operands' values
/// live (a node, a pooled constant, or a zero slot of its own for an input
/// or the missing operand of a unary rule) and
/// its local partials, written by the forward sweep. The adjoints go to the
/// same indices; those added into constants and the zero slot are never
/// read, so no branch asks whether an operand varies.
#[derive(Clone, Debug)]
struct Backward<T> {
    a: Vec<u32>,
    b: Vec<u32>,
    dl: Vec<T>,
    dr: Vec<T>,
}

impl<T: Float> Backward<T> {
    /// The backward sweep from node `top` (seeded with 1) into `adj`: the
    /// same arithmetic in the same order as the tape's sweep
    /// (`seed_and_sweep` in `tape.rs`, whose comments explain the carried
    /// adjoint and the NaN-safe fallback), so replays and fresh recordings
    /// agree bit for bit.
    fn sweep(&self, top: usize, len: usize, adj: &mut Vec<T>) {
        let seed = |adj: &mut Vec<T>| {
            adj.clear();
            adj.resize(len, T::zero());
            adj[top] = T::one();
        };
        seed(adj);
        if self.sweep_fast(top, adj) {
            seed(adj);
            self.sweep_safe(top, adj);
        }
    }

    /// The plain sweep; true if an adjoint came out NaN, checked in one pass
    /// after the loop (each `adj[k]` is final once node `k` is done), which
    /// decides the same as the tape's test per node.
    #[inline]
    fn sweep_fast(&self, top: usize, adj: &mut [T]) -> bool {
        let n = top + 1;
        let (a, b, dl, dr) = (&self.a[..n], &self.b[..n], &self.dl[..n], &self.dr[..n]);
        let mut carry = T::zero();
        for k in (1..n).rev() {
            let g = adj[k] + carry;
            adj[k] = g;
            let (tl, tr) = (g * dl[k], g * dr[k]);
            let (a, b, prev) = (a[k], b[k], k as u32 - 1);
            carry = T::zero();
            if a == prev {
                carry = tl;
            } else {
                adj[a as usize] = adj[a as usize] + tl;
            }
            if b == prev {
                carry = carry + tr;
            } else {
                adj[b as usize] = adj[b as usize] + tr;
            }
        }
        adj[1..n].iter().fold(false, |nan, a| nan | a.is_nan())
    }

    /// The NaN-safe sweep: skips nodes whose adjoint is zero and drops
    /// terms with a zero factor.
    #[cold]
    fn sweep_safe(&self, top: usize, adj: &mut [T]) {
        let term = |a: T, d: T| if a.is_zero() || d.is_zero() { T::zero() } else { a * d };
        for k in (1..=top).rev() {
            let g = adj[k];
            if g.is_zero() {
                continue;
            }
            let (a, b) = (self.a[k] as usize, self.b[k] as usize);
            adj[a] = adj[a] + term(g, self.dl[k]);
            adj[b] = adj[b] + term(g, self.dr[k]);
        }
    }
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
/// At creation the recording is turned into a list of steps whose operands
/// all index one value array (constants pooled after the node values), so
/// the forward sweep is one dispatch on the op code per node and no
/// branch on where an operand lives; it writes values and partials into
/// flat arrays, and the backward sweep runs over those (adjoints of
/// constants go to slots nobody reads, so it does not branch on them
/// either). A replay costs about as much as a fresh recording (it skips
/// the closure but dispatches per node; see `benches/reverse.rs`): its
/// point is re-evaluation where the closure is not at hand, with the
/// control flow checked.
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
    /// The forward sweep's steps, inputs excluded.
    prog: Vec<Instr>,
    /// The backward sweep's program.
    back: Backward<T>,
    /// The first node of a user-defined block, if any (not replayable).
    block: Option<usize>,
    /// Node values, then a zero, then the pooled constants and zero slots.
    vals: Vec<T>,
    inputs: Vec<u32>,
    output: u32,
    constant_output: T,
    /// Adjoints, indexed as `vals`.
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
        let nodes = &rec.nodes;
        let zero = nodes.len();
        let mut vals = alloc::vec![T::zero(); nodes.len() + 1];
        let mut operand = |i: u32, slot: T| {
            if i != 0 {
                i
            } else {
                vals.push(slot);
                (vals.len() - 1) as u32
            }
        };
        let (mut prog, mut inputs, mut block) = (Vec::new(), Vec::new(), None);
        let mut back = Backward {
            a: alloc::vec![zero as u32; zero],
            b: alloc::vec![zero as u32; zero],
            dl: alloc::vec![T::zero(); zero],
            dr: alloc::vec![T::zero(); zero],
        };
        for (k, n) in nodes.iter().enumerate().skip(1) {
            let (a, b) = match n.op {
                Op::Sink => continue,
                Op::Input => {
                    // Zero partials, and a slot of its own for them to go to
                    // (a shared one would chain every input's additions).
                    let own = operand(0, T::zero());
                    (back.a[k], back.b[k]) = (own, own);
                    inputs.push(k as u32);
                    continue;
                }
                Op::Block | Op::BlockLink => {
                    block = block.or(Some(k));
                    continue;
                }
                Op::Tern(_) => (n.lhs, operand(n.rhs, n.dr)),
                op if op.is_binary() || op == Op::Link => {
                    (operand(n.lhs, n.dl), operand(n.rhs, n.dr))
                }
                _ => (n.lhs, operand(0, T::zero())),
            };
            let (a_var, b_var) = (n.lhs != 0, n.rhs != 0);
            prog.push(Instr { k: k as u32, a, b, op: n.op, a_var, b_var });
            (back.a[k], back.b[k]) = (a, b);
        }
        let adj = Vec::with_capacity(vals.len());
        Compiled {
            rec,
            prog,
            back,
            block,
            vals,
            inputs,
            output: y.idx,
            constant_output: y.val,
            adj,
        }
    }

    /// The number of inputs the recording expects.
    #[inline]
    #[must_use]
    pub fn inputs(&self) -> usize {
        self.inputs.len()
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
        if self.output == 0 {
            grad.fill(T::zero());
        } else {
            self.back.sweep(self.output as usize, self.vals.len(), &mut self.adj);
            for (g, &k) in grad.iter_mut().zip(&self.inputs) {
                *g = if k <= self.output { self.adj[k as usize] } else { T::zero() };
            }
        }
        Ok(fx)
    }

    fn sweep(&mut self, x: &[T]) -> Result<T, ReplayError> {
        let expected = self.inputs.len();
        if x.len() != expected {
            return Err(ReplayError::InputCount { expected, found: x.len() });
        }
        if let Some(node) = self.block {
            return Err(ReplayError::UserBlock { node });
        }
        let (vals, back) = (&mut self.vals, &mut self.back);
        for (&k, &xi) in self.inputs.iter().zip(x) {
            vals[k as usize] = xi;
        }
        let mut pending = (T::zero(), T::zero());
        for ins in &self.prog {
            let (x, y, k) = (vals[ins.a as usize], vals[ins.b as usize], ins.k as usize);
            let (v, dl, dr) = match ins.op {
                Op::Link => {
                    pending = (x, y);
                    continue;
                }
                Op::Tern(t) => {
                    let link = ins.a as usize;
                    let (v, dx, dy, dz) = t.eval(pending.0, pending.1, y);
                    back.dl[link] = dx;
                    back.dr[link] = dy;
                    (v, T::one(), if ins.b_var { dz } else { T::zero() })
                }
                op => op.eval(x, y, ins.a_var, ins.b_var),
            };
            vals[k] = v;
            back.dl[k] = dl;
            back.dr[k] = dr;
        }
        check_all(&self.rec.checks, vals)?;
        Ok(if self.output == 0 { self.constant_output } else { vals[self.output as usize] })
    }
}
