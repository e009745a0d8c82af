//! Record once, replay many times: the recorded operations swept forward at
//! new inputs (values and local partials by the same rules), then backward.
//!
//! This file provides [`Compiled`] (made by [`compile`](super::compile) or
//! [`Compiled::from_tape`]), its [`value`](Compiled::value) and
//! [`gradient`](Compiled::gradient), and [`ReplayError`]; the compiled
//! program itself and its sweeps are in `program.rs`.

use alloc::vec::Vec;
use core::fmt;

use num_traits::Float;

use super::op::Op;
use super::program::{Program, read_of};
use super::tape::{Node, Tape, Test};
use super::var::Var;

/// Why a replay was refused.
///
/// A replay returns `Ok` only where the recorded operations are provably
/// the ones the function would perform at the new inputs: every
/// comparison and predicate made on a variable comes out as recorded, and
/// every value user code read from a variable is the same bit pattern. Any
/// other way the code can learn about a variable's value goes through one
/// of those.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
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
    /// User code read a variable's value during recording (`value()`,
    /// `to_f64()`, `NumCast`, formatting, `integer_decode`), and at the new
    /// inputs that value is different. What the code did with the plain
    /// value (a branch, a constant computed from it) is not on the tape, so
    /// the recorded operations may not be the function's here. Record
    /// afresh, or keep the computation on variables (comparisons on them
    /// are recorded and checked).
    ValueRead {
        /// Which check, counting comparisons and reads from 0 in recording
        /// order.
        check: usize,
        /// The method that read the value, e.g. `"to_f64"`.
        read: &'static str,
        /// How many operations had been recorded when it was read.
        after_node: usize,
    },
    /// An output (or a recorded check) depends on a user-defined block,
    /// which is known only by the value and partials it returned at
    /// recording and so cannot be evaluated at new inputs.
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
            ReplayError::ValueRead { check, read, after_node } => write!(
                f,
                "replay refused: check #{check}: user code read a variable's value with \
                 `{read}` after {after_node} recorded operations, and that value is different at \
                 these inputs; what the code did with the plain value is not recorded, so the \
                 recorded operations may not be the function's here; record the function \
                 afresh, or compare variables instead of reading their values"
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

/// Refuses a replay whose recorded checks do not hold at the values of the
/// last forward sweep.
fn check_all<T: Float>(prog: &Program<T>) -> Result<(), ReplayError> {
    let Some((i, c, now)) = prog.failed_check() else {
        return Ok(());
    };
    let after_node = c.at as usize - 1;
    Err(match read_of(c) {
        Some(read) => ReplayError::ValueRead { check: i, read, after_node },
        None => ReplayError::BranchChanged {
            check: i,
            test: c.test.label(),
            after_node,
            recorded: outcome_label(c.test, c.outcome),
            now: outcome_label(c.test, now),
        },
    })
}

/// The checks shared by every replay entry point: input count, user
/// blocks, then the forward sweep and the recorded checks.
pub(crate) fn replay_forward<T: Float>(prog: &mut Program<T>, x: &[T]) -> Result<(), ReplayError> {
    let expected = prog.inputs;
    if x.len() != expected {
        return Err(ReplayError::InputCount { expected, found: x.len() });
    }
    if let Some(node) = prog.block {
        return Err(ReplayError::UserBlock { node });
    }
    prog.forward(x);
    check_all(prog)
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
/// The forward sweep re-evaluates every recorded operation the output
/// depends on, by the same rule functions as recording and forward mode;
/// the backward sweep then gives the gradient. Replays allocate nothing
/// once the buffers have grown.
///
/// # What a replay guarantees
///
/// A replay returns `Ok` only where the recorded operations are the ones
/// the function performs at the new inputs, as far as the tape can see:
/// every comparison and predicate made on a variable comes out as recorded
/// ([`ReplayError::BranchChanged`] otherwise), and every value user code
/// read out of a variable (`value()`, `to_f64()`, `NumCast`, formatting)
/// is the same bit pattern ([`ReplayError::ValueRead`] otherwise). Every
/// check made before the recording was compiled counts, also those made
/// after the output was computed (which output is returned can depend on
/// them); so compile before printing the output. Then:
///
/// - the **value** is bit-for-bit what a fresh recording (and plain `T`)
///   gives;
/// - the **gradient** sums the same terms as a fresh recording's, in
///   another order: it can differ in the last bits, by at most
///   `2·γ_K·Σ|path products|` per component (`γ_K = K·ε/(1 − K·ε)`, `K`
///   three times the number of recorded operations), i.e. the rounding
///   bound of the sum itself.
///
/// What the tape cannot see it cannot check: state outside the inputs
/// (globals, interior mutability, a random number generator) is frozen at
/// its recorded values.
///
/// # How it runs
///
/// At creation the operations are sorted into batches of one rule each
/// (by dependency level), renumbered in execution order, and each batch
/// runs as one loop with its rule inlined: one dispatch per batch instead
/// of per operation. `+`, `−` and `·` store no partials (the backward
/// sweep takes a product's partials from its operands' values), and an
/// accumulation (`s = s + tᵢ`) keeps its running value and adjoint in a
/// register. The module docs give the measured cost
/// (`bench/benches/reverse_interleaved.rs`).
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
    prog: Program<T>,
    /// For [`gradient_sum`](Self::gradient_sum): the number of fixed
    /// inputs and the batches that depend on them alone.
    fixed: Option<(usize, Vec<bool>)>,
}

impl<T: Float> Compiled<T> {
    /// Wraps a program, its buffers warmed for the first replay.
    fn new(mut prog: Program<T>) -> Self {
        prog.warm();
        Compiled { prog, fixed: None }
    }

    /// Compiles the recording held by `rec` for the output `(node, value)`.
    pub(crate) fn from_record(rec: &super::tape::Record<T>, y: (u32, T)) -> Self {
        Compiled::new(Program::build(rec, &[y]))
    }

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
        Compiled::new(Program::build(&rec, &[(y.idx, y.val)]))
    }

    /// The number of inputs the recording expects.
    #[inline]
    #[must_use]
    pub fn inputs(&self) -> usize {
        self.prog.inputs
    }

    /// The number of operations recorded (inputs included); a replay runs
    /// those the output depends on.
    #[inline]
    #[must_use]
    pub fn len(&self) -> usize {
        self.prog.recorded
    }

    /// True when nothing was recorded (the output is a constant).
    #[inline]
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The number of comparisons, predicates and value reads whose outcome
    /// every replay checks.
    #[inline]
    #[must_use]
    pub fn comparisons(&self) -> usize {
        self.prog.checks()
    }

    /// The value at `x`, by a forward sweep.
    ///
    /// # Errors
    ///
    /// [`ReplayError::InputCount`] if `x.len()` differs from the recording's
    /// input count, [`ReplayError::UserBlock`] if the output depends on a
    /// user-defined block, [`ReplayError::BranchChanged`] if a recorded
    /// comparison comes out differently at `x`, [`ReplayError::ValueRead`]
    /// if a value read during recording is different at `x`.
    pub fn value(&mut self, x: &[T]) -> Result<T, ReplayError> {
        replay_forward(&mut self.prog, x)?;
        Ok(self.prog.vals[self.prog.outputs[0] as usize])
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
        let fx = self.value(x)?;
        self.prog.backward(&[T::one()], grad);
        Ok(fx)
    }

    /// The sum of the recorded function over terms that share their first
    /// inputs, `Σᵢ f(p ++ vᵢ)` for `i` in `0..terms`, and its gradient with
    /// respect to the shared inputs `p` (written to `grad`), at a per-term
    /// cost proportional to what changes between terms.
    ///
    /// `fixed` holds `p`, the first `fixed.len()` inputs; `varying(i, v)`
    /// writes term `i`'s other inputs `vᵢ` into `v` (of length
    /// `inputs() − fixed.len()`, holding the previous term's values). The
    /// typical use is a loss summed over data points, recorded once as a
    /// function of the parameters followed by one point.
    ///
    /// What is computed from `p` alone (say `exp(qⱼ)` of a parameter) runs
    /// forward once per call, not once per term, and its adjoints from all
    /// terms are swept back to `p` once after the last term; no term copies
    /// `p` in, clears its adjoints or copies its gradient out. The result is
    /// the sum of [`gradient`](Self::gradient)'s over the terms up to the
    /// order in which each adjoint's contributions are added; the value is
    /// `f(p ++ v₀) + f(p ++ v₁) + …` summed from zero in term order, bit
    /// for bit. NaN-safe as [`gradient`](Self::gradient): if a NaN reaches
    /// the gradient, every term is replayed again with the safe products.
    ///
    /// ```
    /// use dualnum::reverse;
    ///
    /// // Least squares over points (t, y): Σ (a·t + b − y)², one term recorded.
    /// let mut term = reverse::compile(|z| (z[0] * z[2] + z[1] - z[3]).powi(2), &[0.0; 4]);
    /// let data = [(0.0, 1.0), (1.0, 3.5), (2.0, 4.5)];
    /// let mut g = [0.0; 2];
    /// let loss = term
    ///     .gradient_sum(&[2.0, 1.0], data.len(), |i, v| v.copy_from_slice(&[data[i].0, data[i].1]), &mut g)
    ///     .unwrap();
    /// // residuals 0, −0.5, 0.5
    /// assert_eq!(loss, 0.5);
    /// assert_eq!(g, [2.0 * (-0.5 * 1.0 + 0.5 * 2.0), 2.0 * (-0.5 + 0.5)]);
    /// ```
    ///
    /// # Errors
    ///
    /// [`ReplayError::InputCount`] if `fixed` is longer than the recording's
    /// inputs; the others as [`value`](Self::value), for the first term at
    /// which a recorded check fails (the error does not say which term:
    /// [`value`](Self::value) at each finds it). `grad` is left unchanged
    /// on error.
    ///
    /// # Panics
    ///
    /// If `grad.len() != fixed.len()`.
    #[track_caller]
    pub fn gradient_sum<V>(
        &mut self,
        fixed: &[T],
        terms: usize,
        mut varying: V,
        grad: &mut [T],
    ) -> Result<T, ReplayError>
    where
        V: FnMut(usize, &mut [T]),
    {
        assert_eq!(
            grad.len(),
            fixed.len(),
            "Compiled::gradient_sum: {} fixed inputs but a gradient slice of length {}; the \
             gradient is with respect to the fixed inputs only",
            fixed.len(),
            grad.len()
        );
        let (inputs, nf) = (self.prog.inputs, fixed.len());
        if nf > inputs {
            return Err(ReplayError::InputCount { expected: inputs, found: nf });
        }
        if let Some(node) = self.prog.block {
            return Err(ReplayError::UserBlock { node });
        }
        let part = match self.fixed.take() {
            Some((n, part)) if n == nf => part,
            _ => self.prog.fixed_part(nf),
        };
        let out = self.sum_passes(&part, fixed, terms, &mut varying, grad);
        self.fixed = Some((nf, part));
        out
    }

    /// [`gradient_sum`](Self::gradient_sum)'s sweeps: a plain pass, and a
    /// NaN-safe one if the plain pass left a NaN in the gradient.
    fn sum_passes<V: FnMut(usize, &mut [T])>(
        &mut self,
        part: &[bool],
        fixed: &[T],
        terms: usize,
        varying: &mut V,
        grad: &mut [T],
    ) -> Result<T, ReplayError> {
        let (prog, nf) = (&mut self.prog, fixed.len());
        let mut total = T::zero();
        for safe in [false, true] {
            prog.inputs_mut()[..nf].copy_from_slice(fixed);
            prog.forward_part(part, true);
            prog.begin_sum();
            total = T::zero();
            for i in 0..terms {
                varying(i, &mut prog.inputs_mut()[nf..]);
                prog.forward_part(part, false);
                check_all(prog)?;
                total = total + prog.vals[prog.outputs[0] as usize];
                if safe {
                    prog.backward_term::<true>(part, nf, T::one());
                } else {
                    prog.backward_term::<false>(part, nf, T::one());
                }
            }
            let nan = if safe {
                prog.end_sum::<true>(part, grad)
            } else {
                prog.end_sum::<false>(part, grad)
            };
            if !nan {
                break;
            }
        }
        Ok(total)
    }
}
