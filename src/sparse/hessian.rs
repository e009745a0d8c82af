//! [`SparseHessian`]: detect and star-colour once, then evaluate Hessians
//! at new points by compressed Hessian-vector products.

use std::vec::Vec;

use nalgebra::{DVector, Scalar};
use nalgebra_sparse::CscMatrix;
use nalgebra_sparse::pattern::SparsityPattern;
use num_traits::Float;

use super::acyclic::{RowMajor, Substitution};
use super::check::Check;
use super::colour::{self, Colouring};
use super::jacobian::{Buffers, ColourSets, Scratch, all_finite, check_len, csc};
use super::{HessianPattern, PatternCheck, SparseError, Tracer};
use crate::reverse::{Tape, Var};
use crate::{Dual, Function, tangent};

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
    pub(super) check: Check,
    /// The CSC pattern of the result, built once (each result clones it).
    csc: SparsityPattern,
    /// The tape and gradient buffer of the last evaluation, reused.
    scratch: Scratch,
}

/// A colouring and how its compressed product gives the entries.
#[derive(Clone, Debug)]
pub(super) struct Plan {
    colouring: Colouring,
    /// The lane each vertex is seeded in (`NONE`: not seeded, a neutral
    /// vertex), `0..count`.
    seed: Vec<usize>,
    /// The number of lanes.
    count: usize,
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

/// No lane: a neutral vertex, not seeded.
const NONE: usize = usize::MAX;

impl Plan {
    /// Direct recovery of a star colouring, with neutral-colour
    /// post-processing: each entry is read from one of its ends, and a
    /// vertex that no entry is read through (no diagonal entry, and every
    /// entry of its column read at the other end) is not seeded at all.
    /// Unseeding a vertex only drops terms from the compressed products,
    /// so every read stays unique; a colour left with no seeded vertex
    /// disappears and the others are renumbered in order. (An arrowhead
    /// without its diagonal, `f = x₀·Σxᵢ`: the star colouring has 2
    /// colours and only the hub's is read, so 1 lane.)
    fn direct(pattern: &HessianPattern, colouring: Colouring) -> Self {
        let c = colouring.colours();
        let n = c.len();
        let p = pattern.as_jacobian_pattern();
        let unique =
            |i: usize, col: usize| p.row(i).iter().filter(|&&k| k != i && c[k] == col).count() == 1;
        // per entry (i, j), CSC order: whether it can be read at row i
        // (`B[i, c(j)]`, needs j seeded) and at row j (`B[j, c(i)]`, needs
        // i seeded)
        let mut options = Vec::with_capacity(p.nnz());
        let mut needed = vec![false; n];
        for j in 0..p.ncols() {
            for &i in p.col(j) {
                let o = if i == j { (true, false) } else { (unique(i, c[j]), unique(j, c[i])) };
                // the only way: forced
                match o {
                    (true, false) => needed[j] = true,
                    (false, true) => needed[i] = true,
                    _ => {}
                }
                options.push(o);
            }
        }
        let mut source = Vec::with_capacity(p.nnz());
        let mut k = 0;
        for j in 0..p.ncols() {
            for &i in p.col(j) {
                let (at_i, at_j) = options[k];
                k += 1;
                // both ways: through a vertex already seeded if possible
                let read_at_i = at_i && (!at_j || needed[j] || !needed[i]);
                if read_at_i {
                    needed[j] = true;
                    source.push((i, c[j]));
                } else {
                    needed[i] = true;
                    source.push((j, c[i]));
                }
            }
        }
        // the colours still read, renumbered in order
        let mut lane = vec![NONE; colouring.count()];
        for (v, &col) in c.iter().enumerate() {
            if needed[v] {
                lane[col] = 0;
            }
        }
        let mut count = 0;
        for l in &mut lane {
            if *l == 0 {
                *l = count;
                count += 1;
            }
        }
        let seed: Vec<usize> = c
            .iter()
            .enumerate()
            .map(|(v, &col)| if needed[v] { lane[col] } else { NONE })
            .collect();
        for s in &mut source {
            s.1 = lane[s.1];
        }
        let row_colours = ColourSets::new(p, &seed, count);
        Plan { colouring, seed, count, recovery: Recovery::Direct(source), row_colours }
    }

    fn substitution(pattern: &HessianPattern, colouring: Colouring, s: Substitution) -> Self {
        let p = pattern.as_jacobian_pattern();
        let (seed, count) = (colouring.colours().to_vec(), colouring.count());
        let row_colours = ColourSets::new(p, &seed, count);
        Plan { colouring, seed, count, recovery: Recovery::Substitution(s), row_colours }
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
        let star = Plan::direct(&pattern, star);
        // (against the star colouring's lanes after neutral post-processing)
        let sub = (acyclic.count() < star.count)
            .then(|| Substitution::plan(&pattern, &acyclic).ok())
            .flatten();
        plans.push(star);
        if let Some(s) = sub {
            plans.push(Plan::substitution(&pattern, acyclic, s));
        }
        Self::from_plans(pattern, plans)
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
        Ok(Self::from_plans(pattern, vec![plan]))
    }

    fn from_plans(pattern: HessianPattern, plans: Vec<Plan>) -> Self {
        let p = pattern.as_jacobian_pattern();
        let check = Check::new(p);
        let (csc, _) = csc(p, vec![0.0; p.nnz()]).into_pattern_and_values();
        SparseHessian { pattern, plans, check, csc, scratch: Scratch::default() }
    }

    /// The plan an evaluation with `c` lanes uses: the fewest passes, the
    /// first (star) on a tie.
    fn plan(&self, c: usize) -> &Plan {
        let passes = |p: &Plan| self.check.total_passes(p.count, c.max(1));
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
    /// beats the star colouring, else the star colouring (as coloured:
    /// before the neutral post-processing of [`colours`](Self::colours)).
    #[must_use]
    pub fn colouring(&self) -> &Colouring {
        &self.plans[self.plans.len() - 1].colouring
    }

    /// The number of lanes of [`colouring`](Self::colouring)'s products:
    /// its colours, fewer for a star colouring where some colour is never
    /// read (neutral-colour post-processing: a vertex that no entry is
    /// read through is not seeded, and a colour left with no seeded vertex
    /// takes no lane; an arrowhead without its diagonal, 2 colours, takes 1).
    ///
    /// ```
    /// use dualnum::sparse::SparseHessian;
    /// use num_traits::Float;
    ///
    /// /// x₀·(x₁ + … + xₙ₋₁): an arrowhead with no diagonal
    /// fn f<T: Float>(x: &[T]) -> T {
    ///     x[0] * x[1..].iter().fold(T::zero(), |s, &v| s + v)
    /// }
    /// let x = vec![0.5; 30];
    /// let sh = SparseHessian::detect(|x| f(x), &x)?;
    /// assert_eq!((sh.colouring().count(), sh.colours()), (2, 1));
    /// let (_, _, h) = sh.hessian::<2, _>(|x| f(x), &x)?; // one pass, check included
    /// assert_eq!(sh.evaluations(2), 1);
    /// assert!(h.triplet_iter().all(|(i, j, &v)| v == if i == 0 || j == 0 { 1.0 } else { 0.0 }));
    /// # Ok::<(), dualnum::sparse::SparseError>(())
    /// ```
    #[must_use]
    pub fn colours(&self) -> usize {
        self.plans[self.plans.len() - 1].count
    }

    /// Whether an evaluation with `c` lanes recovers the entries by
    /// substitution (the acyclic colouring takes fewer passes there) rather
    /// than by copying (the star colouring).
    #[must_use]
    pub fn substitutes(&self, c: usize) -> bool {
        matches!(self.plan(c).recovery, Recovery::Substitution(_))
    }

    /// The number of recordings and sweeps with `c` lanes for the
    /// colouring used at `c`: `⌈colours / c⌉`, at least 1. The directional
    /// check rides in a spare lane of the last one when there is one, else
    /// it takes one more ([`evaluations`](Self::evaluations)).
    #[must_use]
    pub fn passes(&self, c: usize) -> usize {
        self.plan(c).count.div_ceil(c.max(1)).max(1)
    }

    /// The number of recordings and sweeps an evaluation with `c` lanes
    /// takes, the check's extra one included: what the choice between the
    /// star and the acyclic colouring minimises.
    ///
    /// ```
    /// use dualnum::sparse::{PatternCheck, SparseHessian};
    /// use dualnum::test_functions::rosenbrock;
    ///
    /// // tridiagonal: 3 star colours, 2 acyclic
    /// let sh = SparseHessian::detect(|x| rosenbrock(x), &[0.5; 20])?;
    /// // C = 3: star needs a second pass for the check, acyclic has a spare lane
    /// assert_eq!((sh.evaluations(3), sh.substitutes(3)), (1, true));
    /// // C = 4: one pass either way; star (copies) wins the tie
    /// assert_eq!((sh.evaluations(4), sh.substitutes(4)), (1, false));
    /// let off = sh.with_pattern_check(PatternCheck::Off);
    /// assert_eq!((off.evaluations(3), off.substitutes(3)), (1, false));
    /// assert_eq!((off.evaluations(2), off.substitutes(2)), (1, true));
    /// # Ok::<(), dualnum::sparse::SparseError>(())
    /// ```
    #[must_use]
    pub fn evaluations(&self, c: usize) -> usize {
        self.check.total_passes(self.plan(c).count, c.max(1))
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
        self.to_matrix(x, |g, v| {
            self.eval::<C, T>(x, g, v, |w, plan, pass| {
                let y = w.safe.run(plan, &self.check, x, pass, |xs| f(xs));
                (y, Grad::Safe)
            })
        })
    }

    /// [`hessian`](Self::hessian) into the caller's buffers: the gradient
    /// into `grad` (`n` long) and the entries into `values` (CSC order of
    /// the [`pattern`](Self::pattern), both triangles); returns `f(x)`.
    /// Allocates nothing once the buffers of a first call are kept.
    ///
    /// # Errors
    ///
    /// As [`hessian`](Self::hessian); [`SparseError::OutputLength`] if
    /// `grad` is not `n` long, [`SparseError::ValuesLength`] if `values`
    /// is not `nnz` long.
    pub fn values<const C: usize, T>(
        &self,
        mut f: impl for<'t> FnMut(&[Var<'t, Dual<T, C>>]) -> Var<'t, Dual<T, C>>,
        x: &[T],
        grad: &mut [T],
        values: &mut [T],
    ) -> Result<T, SparseError>
    where
        T: Float + Send + 'static,
    {
        self.eval::<C, T>(x, grad, values, |w, plan, pass| {
            let y = w.safe.run(plan, &self.check, x, pass, |xs| f(xs));
            (y, Grad::Safe)
        })
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
        self.to_matrix(x, |g, v| self.values_of::<C, T>(f, x, g, v))
    }

    /// [`values`](Self::values) for a [`Function`] object, on the checked
    /// fast path of [`hessian_of`](Self::hessian_of). Each call records
    /// `f` afresh; for repeated calls with one function,
    /// [`prepare_of`](Self::prepare_of) records once and replays
    /// (chained Rosenbrock, n = 10,000, `C = 3` with the check: 5.9 M
    /// instructions a call against 9.4 M).
    ///
    /// # Errors
    ///
    /// As [`values`](Self::values).
    pub fn values_of<const C: usize, T>(
        &self,
        f: &(impl Function + ?Sized),
        x: &[T],
        grad: &mut [T],
        values: &mut [T],
    ) -> Result<T, SparseError>
    where
        T: Float + Send + 'static,
    {
        self.eval::<C, T>(x, grad, values, |w, plan, pass| {
            let y = w.fast.run(plan, &self.check, x, pass, |xs| f.eval(xs));
            if finite(&y) && all_finite(&w.fast.grad) {
                (Dual { re: y.re, eps: y.eps }, Grad::Fast)
            } else {
                // the rare pass with a non-finite component, NaN-safe
                let y = w.safe.run(plan, &self.check, x, pass, |xs| f.eval(xs));
                (y, Grad::Safe)
            }
        })
    }

    /// A matrix result from an evaluation into buffers.
    pub(super) fn to_matrix<T: Float + Scalar>(
        &self,
        x: &[T],
        eval: impl FnOnce(&mut [T], &mut [T]) -> Result<T, SparseError>,
    ) -> Result<(T, DVector<T>, CscMatrix<T>), SparseError> {
        let n = self.pattern.n();
        check_len(SparseError::InputLength { expected: n, got: x.len() })?;
        let mut g = DVector::zeros(n);
        let mut values = vec![T::zero(); self.pattern.nnz()];
        let fx = eval(g.as_mut_slice(), &mut values)?;
        let h = CscMatrix::try_from_pattern_and_values(self.csc.clone(), values)
            .expect("the values match the pattern");
        Ok((fx, g, h))
    }

    /// Runs every pass of the plan for `C` lanes (`pass(work, plan, k)`
    /// records and sweeps pass `k`, saying which buffers hold its
    /// gradient), then recovers and checks the entries.
    pub(super) fn eval<const C: usize, T: Float + Send + 'static>(
        &self,
        x: &[T],
        grad: &mut [T],
        values: &mut [T],
        mut pass: impl FnMut(&mut HessWork<T, C>, &Plan, usize) -> (Dual<T, C>, Grad),
    ) -> Result<T, SparseError> {
        const { assert!(C > 0, "the number of lanes C must be at least 1") };
        let (n, nnz) = (self.pattern.n(), self.pattern.nnz());
        check_len(SparseError::InputLength { expected: n, got: x.len() })?;
        check_len(SparseError::OutputLength { expected: n, got: grad.len() })?;
        check_len(SparseError::ValuesLength { expected: nnz, got: values.len() })?;
        // With the directional check on, a non-zero in a lane that must be
        // zero also fails the check, so the lane test runs only to name
        // the error precisely, in a second run after a failed check.
        let checked = self.check.mode != PatternCheck::Off;
        match self.eval_with(grad, values, &mut pass, !checked) {
            Err(SparseError::PatternChanged { row }) if checked => {
                match self.eval_with(grad, values, &mut pass, true) {
                    Err(e @ SparseError::OutsidePattern { .. }) => Err(e),
                    _ => Err(SparseError::PatternChanged { row }),
                }
            }
            result => result,
        }
    }

    /// [`eval`](Self::eval), with or without the test of the lanes that
    /// must be zero (`strays`).
    fn eval_with<const C: usize, T: Float + Send + 'static>(
        &self,
        grad: &mut [T],
        values: &mut [T],
        pass: &mut impl FnMut(&mut HessWork<T, C>, &Plan, usize) -> (Dual<T, C>, Grad),
        strays: bool,
    ) -> Result<T, SparseError> {
        let n = self.pattern.n();
        let plan = self.plan(C);
        let k = plan.count;
        let mut work = self.scratch.take::<HessWork<T, C>>();
        if let Recovery::Substitution(_) = plan.recovery
            && k > C
        {
            // `B` from several passes; every element is written by the
            // passes before it is read
            work.r.resize(n * k, T::zero());
        }
        let mut fx = T::zero();
        let mut result = Ok(());
        // the last pass, which carries the direction's lane
        let mut last = Grad::Fast;
        for p in 0..self.check.total_passes(k, C) {
            let (y, which) = pass(&mut work, plan, p);
            last = which;
            if p == 0 {
                fx = y.re;
            }
            result = match which {
                Grad::Fast => {
                    self.take_pass(plan, p, strays, &mut work.fast.grad, grad, values, &mut work.r)
                }
                Grad::Safe => {
                    self.take_pass(plan, p, strays, &mut work.safe.grad, grad, values, &mut work.r)
                }
            };
            if result.is_err() {
                break;
            }
        }
        let result = result.and_then(|()| {
            if let Recovery::Substitution(s) = &plan.recovery
                && k > C
            {
                s.solve(&mut RowMajor { r: &mut work.r, k }, values);
            }
            let p = self.pattern.as_jacobian_pattern();
            let Some(l) = self.check.lane(k, self.check.total_passes(k, C) - 1, C) else {
                return Ok(());
            };
            let dir = &mut work.dir;
            match last {
                Grad::Fast => self.check.verify_symmetric(p, values, &work.fast.grad, l, dir),
                Grad::Safe => self.check.verify_symmetric(p, values, &work.safe.grad, l, dir),
            }
        });
        self.scratch.put(work);
        result.map(|()| fx)
    }

    /// Takes one pass's gradient and lanes (`B`'s columns `pass·C ..`):
    /// the gradient from the first, the test of the lanes that must be
    /// zero (if `strays`), the entries (copied, substituted in the lanes,
    /// or kept in `r` for a substitution after the last pass). The
    /// direction's lane stays in the buffers of the last pass.
    #[allow(clippy::too_many_arguments)]
    fn take_pass<const C: usize, T: Float, const S: bool>(
        &self,
        plan: &Plan,
        pass: usize,
        strays: bool,
        lanes: &mut [Dual<T, C, S>],
        grad: &mut [T],
        values: &mut [T],
        r: &mut [T],
    ) -> Result<(), SparseError> {
        let lo = pass * C;
        let lane = self.check.lane(plan.count, pass, C);
        if pass == 0 {
            for (gi, y) in grad.iter_mut().zip(lanes.iter()) {
                // `+ 0`: an exact −0 comes out as +0
                *gi = y.re + T::zero();
            }
        }
        if let Some((row, colour)) =
            strays.then(|| plan.row_colours.first_stray(lanes, lo, lane, plan.count)).flatten()
        {
            let c = &plan.seed;
            let columns = (0..c.len()).filter(|&j| c[j] == colour).take(8).collect();
            return Err(SparseError::OutsidePattern { row, colour, columns });
        }
        match &plan.recovery {
            Recovery::Direct(source) => {
                for (v, &(i, c)) in values.iter_mut().zip(source) {
                    let l = c.wrapping_sub(lo);
                    if l < C {
                        *v = lanes[i].eps[l] + T::zero();
                    }
                }
            }
            Recovery::Substitution(s) => {
                let k = plan.count;
                if k <= C {
                    if pass == 0 {
                        // one pass holds `B`: substitute in its lanes (the
                        // direction's lane, above the colours, is not
                        // touched)
                        s.solve(lanes, values);
                    }
                } else if lo < k {
                    let hi = k.min(lo + C);
                    for (row, l) in r.chunks_exact_mut(k).zip(lanes.iter()) {
                        for (a, &b) in row[lo..hi].iter_mut().zip(&l.eps) {
                            *a = b;
                        }
                    }
                }
            }
        }
        Ok(())
    }
}

/// Which buffers hold a pass's gradient.
#[derive(Clone, Copy)]
pub(super) enum Grad {
    Fast,
    Safe,
}

/// True when the value and every lane are finite.
#[inline(always)]
pub(super) fn finite<T: Float, const C: usize, const S: bool>(y: &Dual<T, C, S>) -> bool {
    y.eps.iter().fold(tangent::all_finite(y.re), |ok, &e| ok & tangent::all_finite(e))
}

/// The tape, gradient and seeded inputs of passes on `Dual<T, C, S>`.
pub(super) struct Lanes<T, const C: usize, const S: bool> {
    tape: Tape<Dual<T, C, S>>,
    pub(super) grad: Vec<Dual<T, C, S>>,
    pub(super) seeds: Buffers<T, C, S>,
}

impl<T: Float, const C: usize, const S: bool> Lanes<T, C, S> {
    /// Seeds pass `pass` of `plan`, records `f` and sweeps back: the
    /// gradient into `grad`; returns the value.
    pub(super) fn run(
        &mut self,
        plan: &Plan,
        check: &Check,
        x: &[T],
        pass: usize,
        f: impl for<'t> FnOnce(&[Var<'t, Dual<T, C, S>>]) -> Var<'t, Dual<T, C, S>>,
    ) -> Dual<T, C, S> {
        self.seed(plan, check, x, pass);
        self.tape.gradient(f, &self.seeds.xd, &mut self.grad)
    }

    /// Seeds pass `pass` of `plan` into `seeds.xd` and sizes `grad`.
    pub(super) fn seed(&mut self, plan: &Plan, check: &Check, x: &[T], pass: usize) {
        let lane = check.lane(plan.count, pass, C);
        self.seeds.seed(x, &plan.seed, pass, lane, check);
        self.grad.resize(x.len(), Dual { re: T::zero(), eps: [T::zero(); C] });
    }
}

impl<T: Float, const C: usize, const S: bool> Default for Lanes<T, C, S> {
    fn default() -> Self {
        Lanes { tape: Tape::default(), grad: Vec::new(), seeds: Buffers::default() }
    }
}

/// What a Hessian evaluation keeps for the next: the passes' buffers
/// (policy-free and NaN-safe), `B` for a substitution after several passes,
/// and the direction.
pub(super) struct HessWork<T, const C: usize> {
    pub(super) fast: Lanes<T, C, false>,
    pub(super) safe: Lanes<T, C, true>,
    r: Vec<T>,
    /// The check's direction in `T`.
    dir: Vec<T>,
}

impl<T: Float, const C: usize> Default for HessWork<T, C> {
    fn default() -> Self {
        HessWork { fast: Lanes::default(), safe: Lanes::default(), r: Vec::new(), dir: Vec::new() }
    }
}
