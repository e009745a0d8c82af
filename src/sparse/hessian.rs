//! [`SparseHessian`]: detect and star-colour once, then evaluate Hessians
//! at new points by compressed Hessian-vector products.

use std::vec::Vec;

use nalgebra::{DVector, Scalar};
use nalgebra_sparse::CscMatrix;
use num_traits::Float;

use super::check::Check;
use super::colour::{self, Colouring};
use super::jacobian::{Buffers, ColourSets, Scratch, check_len, csc};
use super::{HessianPattern, PatternCheck, SparseError, Tracer};
use crate::Dual;
use crate::reverse::{Tape, Var};

/// A prepared sparse Hessian of `f: Rⁿ → R`: a pattern and a star
/// colouring, computed once, and for each entry the place in the
/// compressed product `B = H·S` it is read from.
///
/// Each evaluation runs reverse mode over forward mode: the inputs are
/// `Dual<T, C>` seeded with one lane per colour, the gradient is taken by
/// [`reverse`](crate::reverse) on them, and lane `c` of `∂f/∂xᵢ` is
/// `(H·s_c)ᵢ`. One recording and one backward sweep give `C` columns of
/// `B` and the gradient; the whole Hessian takes `⌈colours / C⌉` of them.
/// Every entry is then copied out of `B` (direct recovery): the diagonal
/// from `B[i, c(i)]`, an off-diagonal `(i, j)` from `B[i, c(j)]` when `i`
/// meets colour `c(j)` only at `j`, else from `B[j, c(i)]`.
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
/// assert_eq!(sh.colours(), 3);
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
    colouring: Colouring,
    /// For each entry (CSC order), the row of `B` and the colour it is
    /// read from.
    source: Vec<(usize, usize)>,
    /// Per row, a bit set of the colours of its entries.
    row_colours: ColourSets,
    /// The directional check of every evaluation.
    check: Check,
    /// The tape and gradient buffer of the last evaluation, reused.
    scratch: Scratch,
}

impl SparseHessian {
    /// Prepares the pattern: star-colours it with
    /// [`colour::star_colouring`].
    #[must_use]
    pub fn new(pattern: HessianPattern) -> Self {
        let colouring = colour::star_colouring(&pattern);
        Self::prepare(pattern, colouring)
    }

    /// Prepares the pattern with a colouring of the caller's (for example
    /// [`colour::distance2_colouring`]).
    ///
    /// # Errors
    ///
    /// [`SparseError::InvalidColouring`] if the colouring does not allow
    /// direct recovery ([`colour::is_star_colouring`]), naming the row of
    /// an entry that can be read from neither end.
    pub fn with_colouring(
        pattern: HessianPattern,
        colouring: Colouring,
    ) -> Result<Self, SparseError> {
        colour::star_conflict(&pattern, &colouring).map_or(Ok(()), |(row, a, b)| {
            Err(SparseError::InvalidColouring { row, columns: (a, b) })
        })?;
        Ok(Self::prepare(pattern, colouring))
    }

    fn prepare(pattern: HessianPattern, colouring: Colouring) -> Self {
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
        let check = Check::new(p);
        SparseHessian {
            pattern,
            colouring,
            source,
            row_colours,
            check,
            scratch: Scratch::default(),
        }
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

    /// The star colouring.
    #[must_use]
    pub fn colouring(&self) -> &Colouring {
        &self.colouring
    }

    /// The number of colours.
    #[must_use]
    pub fn colours(&self) -> usize {
        self.colouring.count()
    }

    /// The number of recordings and sweeps with `C` lanes: `⌈colours / C⌉`,
    /// at least 1.
    #[must_use]
    pub fn passes(&self, c: usize) -> usize {
        self.colours().div_ceil(c.max(1)).max(1)
    }

    /// The value, gradient and Hessian (CSC, both triangles) of `f` at `x`.
    ///
    /// # Errors
    ///
    /// [`SparseError::InputLength`] if `x` is not `n` long;
    /// [`SparseError::OutsidePattern`] if a compressed product has a
    /// non-zero where the pattern allows none.
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
        let mut work = self.scratch.take::<HessWork<T, C>>();
        work.grad.resize(n, Dual::new(T::zero(), [T::zero(); C]));
        let result = self.sweeps(&mut f, x, &mut work);
        self.scratch.put(work);
        result
    }

    fn sweeps<const C: usize, T: Float + Scalar>(
        &self,
        f: &mut impl for<'t> FnMut(&[Var<'t, Dual<T, C>>]) -> Var<'t, Dual<T, C>>,
        x: &[T],
        work: &mut HessWork<T, C>,
    ) -> Result<(T, DVector<T>, CscMatrix<T>), SparseError> {
        let HessWork { tape, grad, seeds, d, acc } = work;
        let p = self.pattern.as_jacobian_pattern();
        let n = p.ncols();
        let k = self.colours();
        let colour = self.colouring.colours();
        let mut g = DVector::zeros(n);
        let mut fx = T::zero();
        let mut values = vec![T::zero(); p.nnz()];
        d.clear();
        d.resize(n, T::zero());
        for pass in 0..self.check.total_passes(k, C) {
            let lo = pass * C;
            let lane = self.check.lane(k, pass, C);
            seeds.seed(x, colour, pass, lane, &self.check);
            let y = tape.gradient(&mut *f, &seeds.xd, grad);
            if pass == 0 {
                fx = y.re;
                for (gi, d) in g.iter_mut().zip(grad.iter()) {
                    // `+ 0`: an exact −0 comes out as +0
                    *gi = d.re + T::zero();
                }
            }
            self.check_zero_lanes(grad, lo, lane)?;
            for (v, &(i, c)) in values.iter_mut().zip(&self.source) {
                let l = c.wrapping_sub(lo);
                if l < C {
                    *v = grad[i].eps[l] + T::zero();
                }
            }
            if let Some(l) = lane {
                for (di, gi) in d.iter_mut().zip(grad.iter()) {
                    *di = gi.eps[l];
                }
            }
        }
        self.check.verify(p, &values, d, acc)?;
        Ok((fx, g, csc(p, values)))
    }

    fn check_zero_lanes<const C: usize, T: Float>(
        &self,
        b: &[Dual<T, C>],
        lo: usize,
        lane: Option<usize>,
    ) -> Result<(), SparseError> {
        if let Some((row, colour)) = self.row_colours.first_stray(b, lo, lane) {
            let c = self.colouring.colours();
            let columns = (0..c.len()).filter(|&j| c[j] == colour).take(8).collect();
            return Err(SparseError::OutsidePattern { row, colour, columns });
        }
        Ok(())
    }
}

/// What a Hessian evaluation keeps for the next: the tape, the gradient,
/// the seeded inputs, the direction's lane and the check's sums.
struct HessWork<T, const C: usize> {
    tape: Tape<Dual<T, C>>,
    grad: Vec<Dual<T, C>>,
    seeds: Buffers<T, C>,
    d: Vec<T>,
    acc: Vec<T>,
}

impl<T: Float, const C: usize> Default for HessWork<T, C> {
    fn default() -> Self {
        HessWork {
            tape: Tape::default(),
            grad: Vec::new(),
            seeds: Buffers::default(),
            d: Vec::new(),
            acc: Vec::new(),
        }
    }
}
