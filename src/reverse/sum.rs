//! The gradient of a sum of terms with a tape no larger than one term:
//! record a term, sweep it into the inputs' adjoints, forget it, record the
//! next ([`Tape::gradient_sum`], [`gradient_sum`]).
//!
//! A loss `Σᵢ fᵢ(x)` over `m` data points recorded as one computation
//! holds every term's nodes at once (a Gaussian mixture over 1,000 points
//! in 64 dimensions: hundreds of millions of nodes). Its gradient is the
//! sum of the terms' gradients, so each term can be recorded, swept and
//! dropped in turn: the inputs are recorded once and kept, each term's
//! nodes go above them, and their adjoints accumulate across terms. Peak
//! memory is the inputs plus the largest term; the work is the same as
//! one recording and one sweep of the whole sum.

use nalgebra::{DVector, Scalar};
use num_traits::Float;

use super::tape::{Record, sweep_term};
use super::{Tape, Var};

impl<T: Float> Tape<T> {
    /// Writes `∇ Σᵢ f(i, x)` (`i` in `0..terms`) to `grad` and returns the
    /// sum, recording one term at a time: the tape never holds more than
    /// the inputs and one term's operations, and keeps that memory for the
    /// next call.
    ///
    /// The value is `f(0, x) + f(1, x) + …` summed in order from zero, bit
    /// for bit what plain `T` gives. The gradient equals the gradient of
    /// the whole sum recorded at once up to the order in which each
    /// input's terms are added. NaN-safe as [`gradient`](Self::gradient):
    /// if a NaN reaches the gradient, every term is recorded and swept
    /// again with the safe products.
    ///
    /// ```
    /// use dualnum::reverse::Tape;
    ///
    /// // Least squares over data points (tᵢ, yᵢ): Σ (a·tᵢ + b − yᵢ)².
    /// let data: Vec<(f64, f64)> = (0..100).map(|i| (i as f64, 2.0 * i as f64 + 1.0)).collect();
    /// let mut tape = Tape::new();
    /// let mut g = [0.0; 2];
    /// let loss = tape.gradient_sum(
    ///     |i, p| {
    ///         let r = p[0] * data[i].0 + p[1] - data[i].1;
    ///         r * r
    ///     },
    ///     data.len(),
    ///     &[2.0, 1.0],
    ///     &mut g,
    /// );
    /// assert_eq!((loss, g), (0.0, [0.0, 0.0]));
    /// assert!(tape.len() <= 2 + 4); // the inputs and one term
    /// ```
    ///
    /// # Panics
    ///
    /// If `grad.len() != x.len()`, or a term is a variable of another tape.
    #[track_caller]
    pub fn gradient_sum<F>(&mut self, mut f: F, terms: usize, x: &[T], grad: &mut [T]) -> T
    where
        F: for<'t> FnMut(usize, &[Var<'t, T>]) -> Var<'t, T>,
    {
        assert_eq!(
            grad.len(),
            x.len(),
            "Tape::gradient_sum: {} inputs but a gradient slice of length {}",
            x.len(),
            grad.len()
        );
        let keep = x.len() + 1;
        let mut adj = core::mem::take(&mut self.adj.buf);
        adj.clear();
        adj.resize(keep, T::zero());
        let mut total = T::zero();
        for pass in 0..2 {
            self.clear();
            let this: &Self = self;
            let xs = this.vars(x);
            for i in 0..terms {
                let y = f(i, &xs);
                assert!(this.owns(&y), "Tape::gradient_sum: term {i} belongs to another tape");
                if pass == 0 {
                    total = total + y.val;
                }
                // The term's variables cannot outlive the call of `f` (they
                // are branded with its lifetime), so only the inputs are
                // still in use here: dropping the term's nodes is safe.
                let top = y.idx as usize;
                this.with_nodes(|nodes| {
                    if adj.len() < nodes.len() {
                        adj.resize(nodes.len(), T::zero());
                    }
                    if pass == 0 {
                        sweep_term::<T, false>(nodes, &mut adj, top, keep);
                    } else {
                        sweep_term::<T, true>(nodes, &mut adj, top, keep);
                    }
                });
                this.with(|r| forget_term(r, keep));
            }
            if pass == 1 || !adj[1..keep].iter().any(|a| a.is_nan()) {
                break;
            }
            adj[..keep].fill(T::zero());
        }
        grad.copy_from_slice(&adj[1..keep]);
        self.adj.buf = adj;
        // Its slots hold the terms' partial adjoints.
        self.adj.clean = false;
        total
    }
}

/// Drops every node above the inputs (and the term's checks and block
/// values, which only replays and traces read).
fn forget_term<T: Float>(r: &mut Record<T>, keep: usize) {
    r.nodes.truncate(keep);
    r.consts.clear();
    r.checks.clear();
    r.inputs = keep as u32 - 1;
}

/// `(Σᵢ f(i, x), ∇ Σᵢ f(i, x))` for `i` in `0..terms`, one term on the
/// tape at a time: see [`Tape::gradient_sum`].
///
/// ```
/// use dualnum::reverse;
///
/// let (s, g) = reverse::gradient_sum(|i, x| x[i % 2] * x[i % 2], 3, &[1.0, 2.0]);
/// assert_eq!((s, g.as_slice()), (6.0, &[4.0, 4.0][..]));
/// ```
///
/// # Panics
///
/// If a term is a variable of another tape.
#[must_use]
#[track_caller]
pub fn gradient_sum<T, F>(f: F, terms: usize, x: &[T]) -> (T, DVector<T>)
where
    T: Float + Scalar,
    F: for<'t> FnMut(usize, &[Var<'t, T>]) -> Var<'t, T>,
{
    let mut tape = Tape::new();
    let mut g = DVector::from_element(x.len(), T::zero());
    let fx = tape.gradient_sum(f, terms, x, g.as_mut_slice());
    (fx, g)
}
