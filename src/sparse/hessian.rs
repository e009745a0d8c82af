//! [`SparseHessian`]: detect and star-colour once, then evaluate Hessians
//! at new points by compressed Hessian-vector products.

use std::vec::Vec;

use nalgebra::{DVector, Scalar};
use nalgebra_sparse::CscMatrix;
use num_traits::Float;

use super::acyclic::Substitution;
use super::check::Check;
use super::colour::{self, Colouring};
use super::jacobian::{Buffers, ColourSets, Scratch, check_len, csc};
use super::{HessianPattern, PatternCheck, SparseError, Tracer};
use crate::reverse::{Tape, Var};
use crate::tangent::all_finite;
use crate::{Dual, Function};

/// A prepared sparse Hessian of `f: Rⁿ → R`: a pattern, its star
/// colouring and (when it has fewer colours) an acyclic one, computed once,
/// with the recovery of each.
///
/// Each evaluation runs reverse mode over forward mode: the inputs are
/// `Dual<T, C>` seeded with one lane per colour, the gradient is taken by
/// [`reverse`](crate::reverse) on them, and lane `c` of `∂f/∂xᵢ` is
/// `(H·s_c)ᵢ`. One recording and one backward sweep give `C` columns of
/// `B` and the gradient; the whole Hessian takes `⌈colours / C⌉` of them.
/// With the star colouring every entry is then copied out of `B` (direct
/// recovery): the diagonal from `B[i, c(i)]`, an off-diagonal `(i, j)`
/// from `B[i, c(j)]` when `i` meets colour `c(j)` only at `j`, else from
/// `B[j, c(i)]`. With the acyclic colouring the off-diagonal entries are
/// solved for along the two-coloured trees (substitution, see
/// [`colour::acyclic_colouring`]), to a few units of rounding of their
/// neighbours. **Fewer passes wins**: each evaluation with `C` lanes uses
/// the colouring that needs fewer passes (the check's extra pass
/// included), the star colouring on a tie ([`substitutes`](Self::substitutes)).
///
/// The closure is generic over the tape's lifetime:
/// `|x| rosenbrock(x)` works as it is for any generic `rosenbrock`.
///
/// ```
/// use dualnum::sparse::SparseHessian;
/// use dualnum::test_functions::{rosenbrock, rosenbrock_hessian};
///
/// let x: Vec<f64> = (0..6).map(|i| 0.3 * i as f64).collect();
/// let sh = SparseHessian::detect(|x| rosenbrock(x), &x)?;
/// assert_eq!(sh.colours(), 2); // acyclic; star colouring needs 3
/// let (fx, grad, h) = sh.hessian::<3, _>(|x| rosenbrock(x), &x)?;
/// let mut want = vec![0.0; 36];
/// rosenbrock_hessian(&x, &mut want);
/// for (i, j, v) in h.triplet_iter() {
///     assert!((v - want[i * 6 + j]).abs() < 1e-12);
/// }
/// # let _ = (fx, grad);
/// # Ok::<(), dualnum::sparse::SparseError>(())
/// ```
#[derive(Clone, Debug)]
pub struct SparseHessian {
    pattern: HessianPattern,
    /// The colourings and their recoveries: the star colouring first, then
    /// an acyclic one if it has fewer colours.
    plans: Vec<Plan>,
    /// The directional check of every evaluation.
    check: Check,
    /// The tape and gradient buffer of the last evaluation, reused.
    scratch: Scratch,
}

/// A colouring and how its compressed product gives the entries.
#[derive(Clone, Debug)]
struct Plan {
    colouring: Colouring,
    recovery: Recovery,
    /// Per row, a bit set of the colours of its entries.
    row_colours: ColourSets,
}

#[derive(Clone, Debug)]
enum Recovery {
    /// For each entry (CSC order), the row of `B` and the colour it is
    /// read from.
    Direct(Vec<(usize, usize)>),
    /// Substitution along the two-coloured trees of an acyclic colouring.
    Substitution(Substitution),
}

impl Plan {
    fn direct(pattern: &HessianPattern, colouring: Colouring) -> Self {
        let c = colouring.colours();
        let p = pattern.as_jacobian_pattern();
        let unique =
            |i: usize, col: usize| p.row(i).iter().filter(|&&k| k != i && c[k] == col).count() == 1;
        let mut source = Vec::with_capacity(p.nnz());
        for j in 0..p.ncols() {
            for &i in p.col(j) {
                source.push(if i == j || unique(i, c[j]) { (i, c[j]) } else { (j, c[i]) });
            }
        }
        let row_colours = ColourSets::new(p, c, colouring.count());
        Plan { colouring, recovery: Recovery::Direct(source), row_colours }
    }

    fn substitution(pattern: &HessianPattern, colouring: Colouring, s: Substitution) -> Self {
        let p = pattern.as_jacobian_pattern();
        let row_colours = ColourSets::new(p, colouring.colours(), colouring.count());
        Plan { colouring, recovery: Recovery::Substitution(s), row_colours }
    }
}

impl SparseHessian {
    /// Prepares the pattern: star-colours it with
    /// [`colour::star_colouring`] and, when [`colour::acyclic_colouring`]
    /// finds fewer colours, keeps that one too. Each evaluation with `C`
    /// lanes then uses the colouring that takes fewer passes (the check's
    /// extra pass included), the star colouring on a tie: its recovery is
    /// a copy, where the acyclic one substitutes along chains and may round.
    #[must_use]
    pub fn new(pattern: HessianPattern) -> Self {
        let star = colour::star_colouring(&pattern);
        let acyclic = colour::acyclic_colouring(&pattern);
        let mut plans = Vec::with_capacity(2);
        let sub = (acyclic.count() < star.count())
            .then(|| Substitution::plan(&pattern, &acyclic).ok())
            .flatten();
        plans.push(Plan::direct(&pattern, star));
        if let Some(s) = sub {
            plans.push(Plan::substitution(&pattern, acyclic, s));
        }
        Self::prepare(pattern, plans)
    }

    /// Prepares the pattern with a colouring of the caller's: a star
    /// colouring (for example [`colour::distance2_colouring`]) is
    /// recovered directly, any other acyclic colouring by substitution.
    ///
    /// # Errors
    ///
    /// [`SparseError::InvalidColouring`] if the colouring is not acyclic
    /// ([`colour::is_acyclic_colouring`]), naming the row of an entry that
    /// can be read from neither end.
    pub fn with_colouring(
        pattern: HessianPattern,
        colouring: Colouring,
    ) -> Result<Self, SparseError> {
        let plan = match colour::star_conflict(&pattern, &colouring) {
            None => Plan::direct(&pattern, colouring),
            Some((row, a, b)) => match Substitution::plan(&pattern, &colouring) {
                Ok(s) => Plan::substitution(&pattern, colouring, s),
                Err(_) => return Err(SparseError::InvalidColouring { row, columns: (a, b) }),
            },
        };
        Ok(Self::prepare(pattern, vec![plan]))
    }

    fn prepare(pattern: HessianPattern, plans: Vec<Plan>) -> Self {
        let check = Check::new(pattern.as_jacobian_pattern());
        SparseHessian { pattern, plans, check, scratch: Scratch::default() }
    }

    /// The plan an evaluation with `c` lanes uses: the fewest passes, the
    /// first (star) on a tie.
    fn plan(&self, c: usize) -> &Plan {
        let passes = |p: &Plan| self.check.total_passes(p.colouring.count(), c.max(1));
        self.plans
            .iter()
            .fold(&self.plans[0], |best, p| if passes(p) < passes(best) { p } else { best })
    }

    /// The same prepared Hessian with the directional check of each
    /// evaluation set to `check` (see [`PatternCheck`]; here the check
    /// compares one Hessian-vector product with the sparse `H·v`).
    #[must_use]
    pub fn with_pattern_check(mut self, check: PatternCheck) -> Self {
        self.check.mode = check;
        self
    }

    /// The directional check each evaluation makes.
    #[must_use]
    pub fn pattern_check(&self) -> PatternCheck {
        self.check.mode
    }

    /// Detects the pattern ([`HessianPattern::detect`]) and prepares it.
    ///
    /// # Errors
    ///
    /// As [`HessianPattern::detect`].
    pub fn detect<T: Float>(
        f: impl FnMut(&[Tracer<T>]) -> Tracer<T>,
        x: &[T],
    ) -> Result<Self, SparseError> {
        HessianPattern::detect(f, x).map(Self::new)
    }

    /// The pattern.
    #[must_use]
    pub fn pattern(&self) -> &HessianPattern {
        &self.pattern
    }

    /// The colouring with the fewest colours: the acyclic one when it
    /// beats the star colouring, else the star colouring.
    #[must_use]
    pub fn colouring(&self) -> &Colouring {
        &self.plans[self.plans.len() - 1].colouring
    }

    /// The number of colours of [`colouring`](Self::colouring).
    #[must_use]
    pub fn colours(&self) -> usize {
        self.colouring().count()
    }

    /// Whether an evaluation with `c` lanes recovers the entries by
    /// substitution (the acyclic colouring takes fewer passes there) rather
    /// than by copying (the star colouring).
    #[must_use]
    pub fn substitutes(&self, c: usize) -> bool {
        matches!(self.plan(c).recovery, Recovery::Substitution(_))
    }

    /// The number of recordings and sweeps with `c` lanes, the check's
    /// extra one included: `⌈colours / c⌉` of the colouring used at `c`,
    /// plus one when the check finds no spare lane.
    #[must_use]
    pub fn passes(&self, c: usize) -> usize {
        self.check.total_passes(self.plan(c).colouring.count(), c.max(1))
    }

    /// The value, gradient and Hessian (CSC, both triangles) of `f` at `x`.
    ///
    /// Each pass records `f` on `Dual<T, C>` (the NaN-safe kernels); a
    /// [`Function`] object can take the faster
    /// [`hessian_of`](Self::hessian_of).
    ///
    /// # Errors
    ///
    /// [`SparseError::InputLength`] if `x` is not `n` long;
    /// [`SparseError::OutsidePattern`] if a compressed product has a
    /// non-zero where the pattern allows none;
    /// [`SparseError::PatternChanged`] if the directional check fails.
    pub fn hessian<const C: usize, T>(
        &self,
        mut f: impl for<'t> FnMut(&[Var<'t, Dual<T, C>>]) -> Var<'t, Dual<T, C>>,
        x: &[T],
    ) -> Result<(T, DVector<T>, CscMatrix<T>), SparseError>
    where
        T: Float + Scalar + Send,
    {
        const { assert!(C > 0, "the number of lanes C must be at least 1") };
        let n = self.pattern.n();
        check_len(SparseError::InputLength { expected: n, got: x.len() })?;
        let plan = self.plan(C);
        let mut work = self.scratch.take::<HessWork<T, C>>();
        let mut out = self.output(plan, &mut work.d);
        let mut result = Ok(());
        for pass in 0..self.check.total_passes(plan.colouring.count(), C) {
            let y = work.safe.run(plan, &self.check, x, pass, |xs| f(xs));
            result = self.take_pass(plan, pass, y, &work.safe.grad, &mut out);
            if result.is_err() {
                break;
            }
        }
        let result = result.and_then(|()| self.finish(plan, out, &mut work.acc));
        self.scratch.put(work);
        result
    }

    /// [`hessian`](Self::hessian) for a [`Function`] object, on the checked
    /// fast path: each pass records `f` on policy-free
    /// [`Unchecked`](crate::Unchecked) duals, tests the value, gradient and
    /// lanes once for finiteness, and runs that pass again on the NaN-safe
    /// `Dual<T, C>` only if some component is not finite (see
    /// [`function`](crate::function) for when the two can differ).
    ///
    /// ```
    /// use dualnum::Function;
    /// use dualnum::sparse::SparseHessian;
    /// use dualnum::test_functions::rosenbrock;
    /// use num_traits::Float;
    ///
    /// struct Rosenbrock;
    /// impl Function for Rosenbrock {
    ///     fn eval<T: Float>(&self, x: &[T]) -> T {
    ///         rosenbrock(x)
    ///     }
    /// }
    /// let x: Vec<f64> = (0..50).map(|i| 0.1 * i as f64).collect();
    /// let sh = SparseHessian::detect(|x| rosenbrock(x), &x)?;
    /// let (fx, g, h) = sh.hessian_of::<4, _>(&Rosenbrock, &x)?;
    /// let (fx2, g2, h2) = sh.hessian::<4, _>(|x| rosenbrock(x), &x)?;
    /// assert_eq!((fx, g), (fx2, g2));
    /// assert_eq!(h.values(), h2.values());
    /// # Ok::<(), dualnum::sparse::SparseError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`hessian`](Self::hessian).
    pub fn hessian_of<const C: usize, T>(
        &self,
        f: &(impl Function + ?Sized),
        x: &[T],
    ) -> Result<(T, DVector<T>, CscMatrix<T>), SparseError>
    where
        T: Float + Scalar + Send,
    {
        const { assert!(C > 0, "the number of lanes C must be at least 1") };
        let n = self.pattern.n();
        check_len(SparseError::InputLength { expected: n, got: x.len() })?;
        let plan = self.plan(C);
        let mut work = self.scratch.take::<HessWork<T, C>>();
        let mut out = self.output(plan, &mut work.d);
        let mut result = Ok(());
        for pass in 0..self.check.total_passes(plan.colouring.count(), C) {
            let y = work.fast.run(plan, &self.check, x, pass, |xs| f.eval(xs));
            result = if finite(&y) && work.fast.grad.iter().all(finite) {
                self.take_pass(plan, pass, y, &work.fast.grad, &mut out)
            } else {
                // the rare pass with a non-finite component, NaN-safe
                let y = work.safe.run(plan, &self.check, x, pass, |xs| f.eval(xs));
                self.take_pass(plan, pass, y, &work.safe.grad, &mut out)
            };
            if result.is_err() {
                break;
            }
        }
        let result = result.and_then(|()| self.finish(plan, out, &mut work.acc));
        self.scratch.put(work);
        result
    }

    /// The empty result of an evaluation with `plan`, and the direction's
    /// lane buffer `d` (borrowed from the scratch).
    fn output<T: Float + Scalar>(&self, plan: &Plan, d: &mut Vec<T>) -> Out<T> {
        let p = self.pattern.as_jacobian_pattern();
        let n = p.ncols();
        let r = match plan.recovery {
            Recovery::Direct(_) => Vec::new(),
            Recovery::Substitution(_) => vec![T::zero(); n * plan.colouring.count()],
        };
        Out {
            fx: T::zero(),
            g: DVector::zeros(n),
            values: vec![T::zero(); p.nnz()],
            r,
            d: core::mem::take(d),
        }
    }

    /// Takes one pass's value, gradient and lanes (`B`'s columns
    /// `pass·C ..`): the value and gradient from the first, the check of
    /// the lanes that must be zero, the entries (copied, or kept for the
    /// substitution) and the direction's lane.
    fn take_pass<const C: usize, T: Float + Scalar, const S: bool>(
        &self,
        plan: &Plan,
        pass: usize,
        y: Dual<T, C, S>,
        grad: &[Dual<T, C, S>],
        out: &mut Out<T>,
    ) -> Result<(), SparseError> {
        let lo = pass * C;
        let lane = self.check.lane(plan.colouring.count(), pass, C);
        if pass == 0 {
            out.fx = y.re;
            for (gi, d) in out.g.iter_mut().zip(grad) {
                // `+ 0`: an exact −0 comes out as +0
                *gi = d.re + T::zero();
            }
        }
        if let Some((row, colour)) = plan.row_colours.first_stray(grad, lo, lane) {
            let c = plan.colouring.colours();
            let columns = (0..c.len()).filter(|&j| c[j] == colour).take(8).collect();
            return Err(SparseError::OutsidePattern { row, colour, columns });
        }
        match &plan.recovery {
            Recovery::Direct(source) => {
                for (v, &(i, c)) in out.values.iter_mut().zip(source) {
                    let l = c.wrapping_sub(lo);
                    if l < C {
                        *v = grad[i].eps[l] + T::zero();
                    }
                }
            }
            Recovery::Substitution(_) => {
                let k = plan.colouring.count();
                let hi = k.min(lo + C);
                if lo < hi {
                    for (row, d) in out.r.chunks_exact_mut(k).zip(grad) {
                        row[lo..hi].copy_from_slice(&d.eps[..hi - lo]);
                    }
                }
            }
        }
        if let Some(l) = lane {
            out.d.clear();
            out.d.extend(grad.iter().map(|gi| gi.eps[l]));
        }
        Ok(())
    }

    /// The substitution (if any), the directional check and the matrix.
    fn finish<T: Float + Scalar>(
        &self,
        plan: &Plan,
        mut out: Out<T>,
        acc: &mut Vec<T>,
    ) -> Result<(T, DVector<T>, CscMatrix<T>), SparseError> {
        if let Recovery::Substitution(s) = &plan.recovery {
            s.solve(&mut out.r, &mut out.values);
        }
        let p = self.pattern.as_jacobian_pattern();
        self.check.verify(p, &out.values, &out.d, acc)?;
        Ok((out.fx, out.g, csc(p, out.values)))
    }
}

/// True when the value and every lane are finite.
#[inline(always)]
fn finite<T: Float, const C: usize, const S: bool>(y: &Dual<T, C, S>) -> bool {
    y.eps.iter().fold(all_finite(y.re), |ok, &e| ok & all_finite(e))
}

/// One evaluation's results on their way out.
struct Out<T: Scalar> {
    fx: T,
    g: DVector<T>,
    values: Vec<T>,
    /// `B = H·S` row by row, for the substitution.
    r: Vec<T>,
    /// The direction's lane of the gradient.
    d: Vec<T>,
}

/// The tape, gradient and seeded inputs of passes on `Dual<T, C, S>`.
struct Lanes<T, const C: usize, const S: bool> {
    tape: Tape<Dual<T, C, S>>,
    grad: Vec<Dual<T, C, S>>,
    seeds: Buffers<T, C, S>,
}

impl<T: Float, const C: usize, const S: bool> Lanes<T, C, S> {
    /// Seeds pass `pass` of `plan`, records `f` and sweeps back: the
    /// gradient into `grad`; returns the value.
    fn run(
        &mut self,
        plan: &Plan,
        check: &Check,
        x: &[T],
        pass: usize,
        f: impl for<'t> FnOnce(&[Var<'t, Dual<T, C, S>>]) -> Var<'t, Dual<T, C, S>>,
    ) -> Dual<T, C, S> {
        let k = plan.colouring.count();
        let lane = check.lane(k, pass, C);
        self.seeds.seed(x, plan.colouring.colours(), pass, lane, check);
        self.grad.resize(x.len(), Dual { re: T::zero(), eps: [T::zero(); C] });
        self.tape.gradient(f, &self.seeds.xd, &mut self.grad)
    }
}

impl<T: Float, const C: usize, const S: bool> Default for Lanes<T, C, S> {
    fn default() -> Self {
        Lanes { tape: Tape::default(), grad: Vec::new(), seeds: Buffers::default() }
    }
}

/// What a Hessian evaluation keeps for the next: the passes' buffers
/// (policy-free and NaN-safe), the direction's lane and the check's sums.
struct HessWork<T, const C: usize> {
    fast: Lanes<T, C, false>,
    safe: Lanes<T, C, true>,
    d: Vec<T>,
    acc: Vec<T>,
}

impl<T: Float, const C: usize> Default for HessWork<T, C> {
    fn default() -> Self {
        HessWork { fast: Lanes::default(), safe: Lanes::default(), d: Vec::new(), acc: Vec::new() }
    }
}
