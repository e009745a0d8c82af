//! Binomial checkpointing (Griewank's Revolve schedule) for the gradient
//! through a loop `xₖ₊₁ = step(xₖ)`, `k = 0 … l − 1`, followed by a scalar
//! `loss(x_l)`, with a tape no larger than one step.
//!
//! Recording the whole loop holds every step's nodes at once. Instead, the
//! states at a few steps (the *snapshots*) are kept as plain values; each
//! step is recorded alone, from its input state, when its adjoint is
//! needed, and states that are not kept are recomputed by *advancing* (a
//! plain `T` evaluation of `step`) from the nearest snapshot before them.
//!
//! ## The trade-off
//!
//! With `c` snapshots (the initial state `x₀` counts as one, so `c ≥ 1`)
//! and `l` steps, let `r` be the least integer with `β(c, r) ≥ l`, where
//! `β(c, r) = C(c + r, c)`. The schedule advances
//!
//! > `r·l − β(c + 1, r − 1)` steps (`l·(l − 1)/2` for `c = 1`),
//!
//! the least any schedule with `c` snapshots can (Griewank and Walther,
//! *Algorithm 799: Revolve*, 2000), and records each of the `l` steps once.
//! So each step is evaluated at most `r + 1` times, `r` growing like
//! `l^(1/c)`: at `l = 100`, `c = 2` advances 845 steps (8.5 per step),
//! `c = 4` 374, `c = 10` 222, and `c ≥ l` gives `l − 1` (one forward sweep storing
//! every state). Memory: `c` states of `n` values, plus the tape of one
//! step and its adjoints. [`advances`] gives the count for any `l`, `c`.
//!
//! ```
//! use dualnum::{Function, VectorFunction, reverse::checkpoint};
//! use num_traits::Float;
//!
//! /// One explicit Euler step of x' = −x³.
//! struct Euler;
//! impl VectorFunction for Euler {
//!     fn outputs(&self, n: usize) -> usize { n }
//!     fn eval<T: Float>(&self, x: &[T], out: &mut [T]) {
//!         for (o, &v) in out.iter_mut().zip(x) {
//!             *o = v - v * v * v * T::from(0.01).unwrap();
//!         }
//!     }
//! }
//! /// The loss: x₀.
//! struct First;
//! impl Function for First {
//!     fn eval<T: Float>(&self, x: &[T]) -> T { x[0] }
//! }
//! let mut g = [0.0; 2];
//! let (fx, cost) = checkpoint::gradient_of(&Euler, &First, &[1.0, 2.0], 100, 4, &mut g);
//! assert_eq!(cost.advances, checkpoint::advances(100, 4));
//! assert!(cost.snapshots <= 4);
//! // d x₁₀₀ / d x₀ is the product of the steps' derivatives 1 − 0.03·xₖ².
//! let mut x = 1.0f64;
//! let mut d = 1.0;
//! for _ in 0..100 {
//!     d *= 1.0 - 0.03 * x * x;
//!     x -= 0.01 * x * x * x;
//! }
//! assert_eq!(fx, x);
//! assert!((g[0] - d).abs() < 1e-14 && g[1] == 0.0);
//! ```

use alloc::vec;
use alloc::vec::Vec;

use num_traits::Float;

use super::tape::seed_and_sweep;
use super::{Tape, Var};
use crate::{Function, VectorFunction};

/// What a checkpointed gradient cost: plain evaluations of the step
/// (advances), recorded ones, and the most states held at once.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Cost {
    /// Steps evaluated on plain values to recompute states.
    pub advances: usize,
    /// Steps recorded on the tape and swept (each step once).
    pub recorded: usize,
    /// The most states held at once, the initial one included.
    pub snapshots: usize,
}

/// `C(c + r, c)`, saturating.
fn beta(c: usize, r: usize) -> usize {
    let mut b: usize = 1;
    for i in 1..=c.min(r) {
        // C(c + r, i) from C(c + r, i − 1), exact at every step.
        b = b.saturating_mul(c.max(r) + i) / i;
    }
    b
}

/// The least `r` with `β(c, r) ≥ l`.
fn repetitions(l: usize, c: usize) -> usize {
    let mut r = 0;
    while beta(c, r) < l {
        r += 1;
    }
    r
}

/// The number of steps the binomial schedule advances (evaluates on
/// plain values) to reverse `steps` steps with `snapshots` states held:
/// `r·l − β(c + 1, r − 1)`, the fewest possible (see the module notes).
///
/// ```
/// use dualnum::reverse::checkpoint::advances;
///
/// assert_eq!(advances(100, 1), 4950); // l·(l − 1)/2: from x₀ every time
/// assert_eq!(advances(100, 100), 99); // one forward sweep storing all
/// assert_eq!(advances(100, 4), 374);
/// ```
///
/// # Panics
///
/// If `snapshots` is zero.
#[must_use]
pub fn advances(steps: usize, snapshots: usize) -> usize {
    assert!(snapshots >= 1, "checkpoint::advances: at least one snapshot (the initial state)");
    let (l, c) = (steps, snapshots);
    if l <= 1 {
        return 0;
    }
    if c == 1 {
        return l * (l - 1) / 2;
    }
    let r = repetitions(l, c);
    r * l - if r == 0 { 0 } else { beta(c + 1, r - 1) }
}

/// The first checkpoint's offset in a range of `l ≥ 2` steps with `c ≥ 2`
/// snapshots: the smallest the binomial bounds allow, which keeps the
/// count at [`advances`] (checked against exhaustive search in the tests).
fn split(l: usize, c: usize) -> usize {
    let r = repetitions(l, c);
    let right = l.saturating_sub(beta(c - 1, r));
    let left = if r >= 2 { beta(c, r - 2) } else { 1 };
    right.max(left).clamp(1, l - 1)
}

struct Run<'a, T, S: ?Sized, L: ?Sized> {
    step: &'a S,
    loss: &'a L,
    steps: usize,
    n: usize,
    tape: Tape<T>,
    adj: Vec<T>,
    cost: Cost,
    held: usize,
    value: T,
}

impl<T: Float, S: VectorFunction + ?Sized, L: Function + ?Sized> Run<'_, T, S, L> {
    /// Advances `x` by `k` steps on plain values.
    fn advance(&mut self, x: &mut Vec<T>, k: usize) {
        let mut next = vec![T::zero(); self.n];
        for _ in 0..k {
            self.step.eval(x, &mut next);
            core::mem::swap(x, &mut next);
        }
        self.cost.advances += k;
    }

    /// Reverses the `l` steps from `a` (state `x`, held), with `c`
    /// snapshots free including `x`'s: `w` holds the adjoint of the state
    /// at `a + l` on entry (unless that is the last state, whose adjoint
    /// the loss gives) and that of the state at `a` on return.
    fn reverse(&mut self, a: usize, l: usize, c: usize, x: &[T], w: &mut [T]) {
        if l == 1 {
            self.record_step(a, x, w);
        } else if c == 1 {
            for j in (0..l).rev() {
                let mut y = x.to_vec();
                self.advance(&mut y, j);
                self.record_step(a + j, &y, w);
            }
        } else {
            let m = split(l, c);
            let mut y = x.to_vec();
            self.advance(&mut y, m);
            self.held += 1;
            self.cost.snapshots = self.cost.snapshots.max(self.held);
            self.reverse(a + m, l - m, c - 1, &y, w);
            self.held -= 1;
            drop(y);
            self.reverse(a, m, c, x, w);
        }
    }

    /// Records step `k` from state `x` and sweeps it: `w` becomes the
    /// adjoint of `x`. For the last step, the loss is recorded too.
    fn record_step(&mut self, k: usize, x: &[T], w: &mut [T]) {
        let (step, loss, n, last) = (self.step, self.loss, self.n, k + 1 == self.steps);
        self.tape.clear();
        let tape = &self.tape;
        let xs = tape.vars(x);
        let mut out = vec![Var::constant(T::zero()); n];
        step.eval(&xs, &mut out);
        let seeds: Vec<(u32, T)> = if last {
            let y = loss.eval(&out);
            assert!(tape.owns(&y), "checkpoint::gradient_of: the loss belongs to another tape");
            self.value = y.val;
            vec![(y.idx, T::one())]
        } else {
            for o in &out {
                assert!(
                    tape.owns(o),
                    "checkpoint::gradient_of: a step output belongs to another tape"
                );
            }
            out.iter().zip(w.iter()).map(|(o, &wi)| (o.idx, wi)).collect()
        };
        let adj = &mut self.adj;
        tape.with_nodes(|nodes| seed_and_sweep(nodes, adj, &seeds));
        for (i, wi) in w.iter_mut().enumerate() {
            *wi = adj.get(i + 1).copied().unwrap_or_else(T::zero);
        }
        self.cost.recorded += 1;
    }
}

/// Writes `∇ₓ₀ loss(x_l)` to `grad`, where `xₖ₊₁ = step(xₖ)` for `l =
/// steps` steps, holding at most `snapshots` states (`x₀` included) and
/// one step's tape; returns `loss(x_l)` and what the schedule cost. The
/// count of advances is [`advances`]`(steps, snapshots)`; see the module
/// notes for the trade-off.
///
/// The value is bit-for-bit the plain loop's; the gradient is the same
/// as that of the whole loop recorded on one tape (each step's sweep is
/// the same sweep, seeded with the adjoint the later steps gave).
///
/// # Panics
///
/// If `snapshots` is zero, `grad.len() != x0.len()`, `step` does not map
/// `n` values to `n` (`step.outputs(n) != n`), or an output belongs to
/// another tape.
#[track_caller]
pub fn gradient_of<T, S, L>(
    step: &S,
    loss: &L,
    x0: &[T],
    steps: usize,
    snapshots: usize,
    grad: &mut [T],
) -> (T, Cost)
where
    T: Float,
    S: VectorFunction + ?Sized,
    L: Function + ?Sized,
{
    let n = x0.len();
    assert!(snapshots >= 1, "checkpoint::gradient_of: at least one snapshot (the initial state)");
    assert_eq!(
        grad.len(),
        n,
        "checkpoint::gradient_of: {n} inputs but a gradient slice of length {}",
        grad.len()
    );
    assert_eq!(
        step.outputs(n),
        n,
        "checkpoint::gradient_of: the step maps {n} values to {}; it must map a state to a \
         state of the same size",
        step.outputs(n)
    );
    if steps == 0 {
        let mut tape = Tape::new();
        return (tape.gradient_of(loss, x0, grad), Cost { snapshots: 1, ..Cost::default() });
    }
    let mut run = Run {
        step,
        loss,
        steps,
        n,
        tape: Tape::new(),
        adj: Vec::new(),
        cost: Cost { snapshots: 1, ..Cost::default() },
        held: 1,
        value: T::zero(),
    };
    grad.fill(T::zero());
    run.reverse(0, steps, snapshots, x0, grad);
    (run.value, run.cost)
}

#[cfg(test)]
mod tests {
    use super::{advances, split};

    /// The fewest advances any schedule can make, by exhaustive search.
    fn best(
        l: usize,
        c: usize,
        memo: &mut std::collections::HashMap<(usize, usize), usize>,
    ) -> usize {
        if l <= 1 {
            return 0;
        }
        if c == 1 {
            return l * (l - 1) / 2;
        }
        if let Some(&v) = memo.get(&(l, c)) {
            return v;
        }
        let v = (1..l).map(|m| m + best(l - m, c - 1, memo) + best(m, c, memo)).min().unwrap();
        memo.insert((l, c), v);
        v
    }

    /// The advances of the schedule `split` makes.
    fn scheduled(l: usize, c: usize) -> usize {
        if l <= 1 {
            0
        } else if c == 1 {
            l * (l - 1) / 2
        } else {
            let m = split(l, c);
            m + scheduled(l - m, c - 1) + scheduled(m, c)
        }
    }

    #[test]
    fn the_schedule_and_the_formula_are_optimal() {
        let mut memo = std::collections::HashMap::new();
        // Smaller under Miri, which runs the search a thousand times slower.
        let (lmax, cmax) = if cfg!(miri) { (24, 5) } else { (90, 8) };
        for l in 1..lmax {
            for c in 1..cmax {
                let b = best(l, c, &mut memo);
                assert_eq!(advances(l, c), b, "formula, l = {l}, c = {c}");
                assert_eq!(scheduled(l, c), b, "schedule, l = {l}, c = {c}");
            }
        }
    }
}
