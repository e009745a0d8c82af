//! [`SparseJacobian`]: detect and colour once, then evaluate Jacobians at
//! new points by compressed forward passes.

use core::any::Any;
use core::fmt;
use std::boxed::Box;
use std::sync::Mutex;
use std::vec::Vec;

use nalgebra::{DVector, Scalar};
use nalgebra_sparse::CscMatrix;
use num_traits::Float;

use super::check::Check;
use super::colour::{self, Bicolouring, Colouring};
use super::{JacobianPattern, PatternCheck, SparseError, Tracer};
use crate::reverse::{Tape, Var};
use crate::{Dual, VectorFunction};

/// A prepared sparse Jacobian: a pattern and a column colouring, computed
/// once, and the plan to read every entry out of the compressed passes.
///
/// Each evaluation seeds every input of colour `c` with the unit tangent
/// of lane `c` (`Dual<T, C>`, `C` colours per pass), so one pass gives `C`
/// compressed columns `J·s_c` and all of `J` takes `⌈colours / C⌉` passes
/// instead of `⌈n / C⌉`. Because no row meets a colour twice, every entry is
/// a lane of one output, copied, never computed: the sparse Jacobian holds
/// exactly the numbers the dense forward Jacobian
/// ([`chunked::jacobian`](crate::chunked::jacobian)) has at those places.
///
/// The pattern is **not** re-detected at each evaluation. If the function's
/// sparsity changes (a value-dependent branch, a changed closure), each
/// evaluation finds out ([`SparseError::OutsidePattern`], and by default
/// the directional check of [`PatternCheck`]:
/// [`SparseError::PatternChanged`]) and returns an error, never a wrong
/// matrix; detect again then.
///
/// Rows can be coloured too ([`with_direction`](Self::with_direction)):
/// one dense row costs one backward sweep instead of `n` column colours.
///
/// ```
/// use dualnum::sparse::SparseJacobian;
/// use dualnum::test_functions::broyden_tridiagonal;
///
/// let n = 1000;
/// let x = vec![0.5; n];
/// let sj = SparseJacobian::detect_inplace(|x, out| broyden_tridiagonal(x, out), &x, n)?;
/// assert_eq!(sj.colours(), 3);
/// let (fx, j) = sj.jacobian_inplace::<4, _>(|x, out| broyden_tridiagonal(x, out), &x)?; // one pass
/// assert_eq!(j.nnz(), 3 * n - 2);
/// assert_eq!(fx.len(), n);
/// # Ok::<(), dualnum::sparse::SparseError>(())
/// ```
#[derive(Clone, Debug)]
pub struct SparseJacobian {
    pattern: JacobianPattern,
    /// The column colouring of the forward entries.
    colouring: Colouring,
    /// Which entries come from forward lanes and which from backward sweeps.
    bicolouring: Bicolouring,
    /// The lane colour each input is seeded with (`NONE`: not seeded).
    seed_colour: Vec<usize>,
    /// The number of column colours (forward lanes).
    column_count: usize,
    /// The backward sweeps: per row colour, its rows and its entries
    /// `(index in CSC order, column)`.
    backward: Vec<Sweep>,
    /// The colour of each entry, CSC order (`NONE` for backward entries).
    entry_colour: Vec<usize>,
    /// Where each entry (CSC order) goes in the caller's values, if not
    /// there.
    dest: Option<Vec<usize>>,
    /// The colour of each entry in CSR order (`NONE` for backward entries).
    csr_colour: Vec<usize>,
    /// Where each entry in CSR order goes in the caller's values.
    csr_dest: Vec<usize>,
    /// The forward entries grouped by colour, each `(row, place in the
    /// caller's values)`, for the stores of a pass without the check's
    /// comparison (empty when an index does not fit in `u32`).
    by_colour: ByColour,
    /// The same entries as a table row by colour, when most rows have an
    /// entry of most colours (else empty): the stores of a pass walk the
    /// rows with no colour test.
    by_row: ByRow,
    /// Per row, a bit set of the colours its entries have.
    row_colours: ColourSets,
    /// The directional check of every evaluation.
    check: Check,
    /// The caller's promise that a function object writes every output
    /// ([`with_outputs_written`](SparseJacobian::with_outputs_written)).
    outputs_written: bool,
    /// The seeded input and output buffers of the last evaluation, reused.
    scratch: Scratch,
    /// Whether a pass holding every colour stores through the one-pass
    /// gather ([`SparseJacobian::gather_plan`]; off only in tests, to
    /// compare it with the other store loops).
    gather: bool,
}

impl SparseJacobian {
    /// Prepares the pattern: colours its columns with
    /// [`colour::column_colouring`].
    #[must_use]
    pub fn new(pattern: JacobianPattern) -> Self {
        let colouring = colour::column_colouring(&pattern);
        Self::prepare(pattern, colouring)
    }

    /// Prepares the pattern with a colouring of the caller's.
    ///
    /// # Errors
    ///
    /// [`SparseError::InvalidColouring`] if `colouring` is not a valid
    /// column colouring of `pattern` ([`colour::is_column_colouring`]): it
    /// names a row and two of its columns that share a colour (or, if the
    /// lengths differ, `row == usize::MAX` and the two lengths).
    pub fn with_colouring(
        pattern: JacobianPattern,
        colouring: Colouring,
    ) -> Result<Self, SparseError> {
        colour::column_conflict(&pattern, &colouring).map_or(Ok(()), |(row, a, b)| {
            Err(SparseError::InvalidColouring { row, columns: (a, b) })
        })?;
        Ok(Self::prepare(pattern, colouring))
    }

    /// Prepares the pattern for forward lanes, backward sweeps or both,
    /// as `direction` says: [`Direction::Column`] is [`new`](Self::new);
    /// [`Direction::Row`] colours the rows ([`colour::row_colouring`]);
    /// [`Direction::Auto`] takes the fewest colours in total among columns
    /// only, rows only and the splits of
    /// [`colour::bidirectional_colouring`] (never more than the better of
    /// the first two). Row and split colourings need backward sweeps, so
    /// they are evaluated by [`jacobian_of`](Self::jacobian_of) and
    /// [`values_of`](Self::values_of) on a function object; the closure
    /// drivers return [`SparseError::NeedsFunctionObject`].
    ///
    /// ```
    /// use dualnum::VectorFunction;
    /// use dualnum::sparse::{Direction, JacobianPattern, SparseJacobian};
    /// use num_traits::Float;
    ///
    /// // an arrowhead: F₀ = Σ xⱼ², Fᵢ = x₀·xᵢ + sin xᵢ
    /// struct Arrow;
    /// impl VectorFunction for Arrow {
    ///     fn outputs(&self, n: usize) -> usize {
    ///         n
    ///     }
    ///     fn eval<T: Float>(&self, x: &[T], out: &mut [T]) {
    ///         out[0] = x.iter().fold(T::zero(), |s, &v| s + v * v);
    ///         for i in 1..x.len() {
    ///             out[i] = x[0] * x[i] + x[i].sin();
    ///         }
    ///     }
    /// }
    /// let x = vec![0.5; 1000];
    /// let p = JacobianPattern::detect_inplace(|x, o| Arrow.eval(x, o), &x, 1000)?;
    /// let sj = SparseJacobian::with_direction(p.clone(), Direction::Auto);
    /// assert_eq!((sj.column_colours(), sj.row_colours()), (2, 1)); // not 1000
    /// let (_, j) = sj.jacobian_of::<4, _>(&Arrow, &x)?;
    /// let (_, dense) = dualnum::chunked::jacobian_of(&Arrow, &x);
    /// assert_eq!(nalgebra::DMatrix::from(&j), dense);
    /// # Ok::<(), dualnum::sparse::SparseError>(())
    /// ```
    #[must_use]
    pub fn with_direction(pattern: JacobianPattern, direction: Direction) -> Self {
        match direction {
            Direction::Column => Self::new(pattern),
            Direction::Row => {
                let b = Bicolouring::rows_only(&pattern);
                Self::prepare_bi(pattern, b)
            }
            Direction::Auto => {
                let b = colour::bidirectional_colouring(&pattern);
                Self::prepare_bi(pattern, b)
            }
        }
    }

    /// Prepares the pattern with a [`Bicolouring`] of the caller's.
    ///
    /// # Errors
    ///
    /// [`SparseError::InvalidColouring`] (with `row == usize::MAX` and
    /// `columns == (0, 0)`) if it does not determine every entry directly
    /// ([`Bicolouring::is_valid`]).
    pub fn with_bicolouring(
        pattern: JacobianPattern,
        bicolouring: Bicolouring,
    ) -> Result<Self, SparseError> {
        if !bicolouring.is_valid(&pattern) {
            return Err(SparseError::InvalidColouring { row: usize::MAX, columns: (0, 0) });
        }
        Ok(Self::prepare_bi(pattern, bicolouring))
    }

    fn prepare(pattern: JacobianPattern, colouring: Colouring) -> Self {
        let b = Bicolouring::columns_only(&pattern, &colouring);
        let mut sj = Self::prepare_bi(pattern, b);
        // every column keeps its colour (seeding a column without entries
        // is harmless), and the caller's colouring is reported as given
        sj.seed_colour = colouring.colours().to_vec();
        sj.colouring = colouring;
        sj
    }

    fn prepare_bi(pattern: JacobianPattern, b: Bicolouring) -> Self {
        let seed_colour: Vec<usize> = b.columns.iter().map(|c| c.unwrap_or(NONE)).collect();
        let (offs, rows) = pattern.csc();
        let mut entry_colour = vec![NONE; rows.len()];
        let mut backward = vec![(Vec::new(), Vec::new()); b.row_count];
        for j in 0..pattern.ncols() {
            for k in offs[j]..offs[j + 1] {
                if b.backward[k] {
                    if let Some(c) = b.rows[rows[k]] {
                        backward[c].1.push((k, j));
                    }
                } else {
                    entry_colour[k] = seed_colour[j];
                }
            }
        }
        for (i, c) in b.rows.iter().enumerate() {
            if let Some(c) = *c {
                backward[c].0.push(i);
            }
        }
        let row_colours = ColourSets::new(&pattern, &seed_colour, b.column_count);
        SparseJacobian {
            colouring: Colouring::new(b.columns.iter().map(|c| c.unwrap_or(0)).collect()),
            column_count: b.column_count,
            seed_colour,
            backward,
            bicolouring: b,
            row_colours,
            entry_colour,
            dest: None,
            csr_colour: Vec::new(),
            csr_dest: Vec::new(),
            by_colour: ByColour::default(),
            by_row: ByRow::default(),
            check: Check::new(&pattern),
            outputs_written: false,
            pattern,
            scratch: Scratch::default(),
            gather: true,
        }
        .with_csr_plan()
    }

    /// Fills `csr_colour` and `csr_dest` from the CSC plan and `dest`.
    fn with_csr_plan(mut self) -> Self {
        // buffers of the old plan (the one-pass gather) do not fit the new
        self.scratch = Scratch::default();
        let (row_offs, _) = self.pattern.csr();
        let mut next = row_offs.to_vec();
        let (_, rows) = self.pattern.csc();
        let nnz = rows.len();
        self.csr_colour = vec![NONE; nnz];
        self.csr_dest = vec![0; nnz];
        // CSC visits each row's entries in ascending column order
        for (k, &i) in rows.iter().enumerate() {
            let e = next[i];
            next[i] += 1;
            self.csr_colour[e] = self.entry_colour[k];
            self.csr_dest[e] = self.dest.as_ref().map_or(k, |d| d[k]);
        }
        self.by_colour = ByColour::new(
            &self.csr_colour,
            &self.csr_dest,
            self.pattern.csr().0,
            self.column_count,
        );
        self.by_row =
            ByRow::new(&self.csr_colour, &self.csr_dest, self.pattern.csr().0, self.column_count);
        self
    }

    /// The same prepared Jacobian with the directional check of each
    /// evaluation set to `check` ([`PatternCheck::Directional`] by default;
    /// [`PatternCheck::Off`] saves one lane and one multiply-add per entry
    /// for a pattern known to be valid).
    ///
    /// ```
    /// use dualnum::sparse::{PatternCheck, SparseJacobian};
    /// use dualnum::test_functions::broyden_tridiagonal;
    ///
    /// let x = vec![0.5; 100];
    /// let sj = SparseJacobian::detect_inplace(|x, o| broyden_tridiagonal(x, o), &x, 100)?
    ///     .with_pattern_check(PatternCheck::Off);
    /// assert_eq!(sj.pattern_check(), PatternCheck::Off);
    /// # Ok::<(), dualnum::sparse::SparseError>(())
    /// ```
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

    /// The same prepared Jacobian trusting (`true`) that every function
    /// object it evaluates ([`jacobian_of`](Self::jacobian_of),
    /// [`values_of`](Self::values_of)) writes every output of
    /// [`VectorFunction::eval`], so the output buffer is not reset to zero
    /// before each compressed pass (by default it is, and an output the
    /// function never writes reads as zero).
    ///
    /// Instead of the reset, each pass marks every output's value `NaN`
    /// (one store per output, where the reset writes all `1 + C`
    /// components; after a one-pass evaluation the marks for the next go
    /// in as the values `F(x)` are copied out). A function that breaks the promise leaves a `NaN` (or
    /// a stale tangent beside it), the pass's finiteness test fails, and
    /// the pass is run again on the NaN-safe kernels with a reset buffer:
    /// the promise costs time when it is broken, never a wrong matrix.
    /// (An output that is genuinely `NaN` also takes that re-run, as it
    /// does without the promise.) The closure drivers always reset.
    ///
    /// ```
    /// use dualnum::VectorFunction;
    /// use dualnum::sparse::SparseJacobian;
    /// use dualnum::test_functions::broyden_tridiagonal;
    /// use num_traits::Float;
    ///
    /// struct Broyden;
    /// impl VectorFunction for Broyden {
    ///     fn outputs(&self, n: usize) -> usize {
    ///         n
    ///     }
    ///     fn eval<T: Float>(&self, x: &[T], out: &mut [T]) {
    ///         broyden_tridiagonal(x, out) // writes every `out[i]`
    ///     }
    /// }
    /// let x = vec![0.5; 100];
    /// let sj = SparseJacobian::detect_inplace(|x, o| broyden_tridiagonal(x, o), &x, 100)?;
    /// let trusting = sj.clone().with_outputs_written(true);
    /// assert!(trusting.outputs_written());
    /// assert_eq!(trusting.jacobian_of::<4, _>(&Broyden, &x)?, sj.jacobian_of::<4, _>(&Broyden, &x)?);
    /// # Ok::<(), dualnum::sparse::SparseError>(())
    /// ```
    #[must_use]
    pub fn with_outputs_written(mut self, written: bool) -> Self {
        self.outputs_written = written;
        self
    }

    /// Whether function objects are trusted to write every output
    /// ([`with_outputs_written`](Self::with_outputs_written)).
    #[must_use]
    pub fn outputs_written(&self) -> bool {
        self.outputs_written
    }

    /// The same prepared Jacobian writing its values in the caller's
    /// order: entry `k` of the pattern's CSC order
    /// ([`JacobianPattern::indices`]) goes to `values[order[k]]` in
    /// [`values_inplace`](Self::values_inplace) and
    /// [`values_of`](Self::values_of), so a solver's own layout (CSR, a
    /// block order, triplets in its order) is filled directly, without a
    /// scatter afterwards. The `CscMatrix` drivers still return CSC.
    ///
    /// ```
    /// use dualnum::sparse::{JacobianPattern, SparseJacobian};
    /// use dualnum::test_functions::broyden_tridiagonal;
    ///
    /// let x = vec![0.5; 50];
    /// let sj = SparseJacobian::detect_inplace(|x, o| broyden_tridiagonal(x, o), &x, 50)?;
    /// let csr = sj.clone().with_csr_values();
    /// let (mut fx, mut v) = (vec![0.0; 50], vec![0.0; sj.pattern().nnz()]);
    /// csr.values_inplace::<4, _>(|x, o| broyden_tridiagonal(x, o), &x, &mut fx, &mut v)?;
    /// let (_, j) = sj.jacobian_inplace::<4, _>(|x, o| broyden_tridiagonal(x, o), &x)?;
    /// assert_eq!(nalgebra_sparse::CsrMatrix::from(&j).values(), &v[..]);
    /// # Ok::<(), dualnum::sparse::SparseError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`SparseError::InvalidOrder`] if `order` is not a permutation of
    /// `0..nnz`, naming the first position that is out of range or
    /// repeated.
    pub fn with_value_order(mut self, order: Vec<usize>) -> Result<Self, SparseError> {
        let nnz = self.pattern.nnz();
        if order.len() != nnz {
            return Err(SparseError::InvalidOrder { position: order.len().min(nnz) });
        }
        let mut seen = vec![false; nnz];
        for (k, &t) in order.iter().enumerate() {
            if t >= nnz || core::mem::replace(&mut seen[t], true) {
                return Err(SparseError::InvalidOrder { position: k });
            }
        }
        self.dest = Some(order);
        Ok(self.with_csr_plan())
    }

    /// [`with_value_order`](Self::with_value_order) for the pattern's CSR
    /// order ([`JacobianPattern::csr`]): row by row, columns ascending.
    #[must_use]
    pub fn with_csr_values(mut self) -> Self {
        let (row_offs, _) = self.pattern.csr();
        let mut next = row_offs.to_vec();
        let (_, rows) = self.pattern.csc();
        // CSC visits each row's entries in ascending column order
        let order = rows
            .iter()
            .map(|&i| {
                next[i] += 1;
                next[i] - 1
            })
            .collect();
        self.dest = Some(order);
        self.with_csr_plan()
    }

    /// The caller's order of the values, if one was set.
    #[must_use]
    pub fn value_order(&self) -> Option<&[usize]> {
        self.dest.as_deref()
    }

    /// Detects the pattern ([`JacobianPattern::detect`]) and prepares it.
    ///
    /// # Errors
    ///
    /// As [`JacobianPattern::detect`].
    pub fn detect<T: Float, O: AsRef<[Tracer<T>]>>(
        f: impl FnMut(&[Tracer<T>]) -> O,
        x: &[T],
    ) -> Result<Self, SparseError> {
        JacobianPattern::detect(f, x).map(Self::new)
    }

    /// Detects the pattern of a map written in place
    /// ([`JacobianPattern::detect_inplace`]) and prepares it.
    ///
    /// # Errors
    ///
    /// As [`JacobianPattern::detect`].
    pub fn detect_inplace<T: Float>(
        f: impl FnMut(&[Tracer<T>], &mut [Tracer<T>]),
        x: &[T],
        m: usize,
    ) -> Result<Self, SparseError> {
        JacobianPattern::detect_inplace(f, x, m).map(Self::new)
    }

    /// Detects the pattern of a map written in place, choosing what
    /// value-dependent branches mean
    /// ([`JacobianPattern::detect_inplace_with`]), and prepares it.
    ///
    /// # Errors
    ///
    /// As [`JacobianPattern::detect`], only with
    /// [`Branches::Reject`](super::Branches::Reject).
    pub fn detect_inplace_with<T: Float>(
        f: impl FnMut(&[Tracer<T>], &mut [Tracer<T>]),
        x: &[T],
        m: usize,
        branches: super::Branches,
    ) -> Result<Self, SparseError> {
        JacobianPattern::detect_inplace_with(f, x, m, branches).map(Self::new)
    }

    /// The pattern.
    #[must_use]
    pub fn pattern(&self) -> &JacobianPattern {
        &self.pattern
    }

    /// The column colouring.
    #[must_use]
    pub fn colouring(&self) -> &Colouring {
        &self.colouring
    }

    /// The number of colours: column colours (forward lanes) plus row
    /// colours (backward sweeps).
    #[must_use]
    pub fn colours(&self) -> usize {
        self.column_count + self.backward.len()
    }

    /// The number of column colours (forward tangent lanes).
    #[must_use]
    pub fn column_colours(&self) -> usize {
        self.column_count
    }

    /// The number of row colours (backward sweeps, each on one recording).
    #[must_use]
    pub fn row_colours(&self) -> usize {
        self.backward.len()
    }

    /// Which entries come from forward lanes and which from backward
    /// sweeps, with the colours of both.
    #[must_use]
    pub fn bicolouring(&self) -> &Bicolouring {
        &self.bicolouring
    }

    /// The number of compressed forward evaluations a Jacobian takes with
    /// `C` lanes a pass: `⌈column colours / C⌉`, at least 1 (plus one
    /// recording and a backward sweep per row colour, if any). The
    /// directional check
    /// ([`PatternCheck`]) rides in a spare lane of the last one when
    /// `colours` is not a multiple of `C`, else it takes one more
    /// evaluation ([`evaluations`](Self::evaluations)).
    #[must_use]
    pub fn passes(&self, c: usize) -> usize {
        self.column_count.div_ceil(c.max(1)).max(1)
    }

    /// The number of evaluations of the function a Jacobian takes with `C`
    /// lanes: [`passes(C)`](Self::passes), plus one if the directional
    /// check finds no spare lane.
    #[must_use]
    pub fn evaluations(&self, c: usize) -> usize {
        self.check.total_passes(self.column_count, c.max(1))
    }

    /// The values `F(x)` and the Jacobian as a CSC matrix, by
    /// [`passes(C)`](Self::passes) evaluations of `f` on `Dual<T, C>`.
    ///
    /// For CSR, convert: `nalgebra_sparse::CsrMatrix::from(&csc)`.
    ///
    /// # Errors
    ///
    /// [`SparseError::InputLength`] if `x` does not have the pattern's `n`
    /// entries; [`SparseError::OutputLength`] if `f` returns other than
    /// `m` outputs; [`SparseError::OutsidePattern`] if an output depends on
    /// a colour it has no entry of.
    pub fn jacobian<const C: usize, T, O>(
        &self,
        mut f: impl FnMut(&[Dual<T, C>]) -> O,
        x: &[T],
    ) -> Result<(DVector<T>, CscMatrix<T>), SparseError>
    where
        T: Float + Scalar + Send,
        O: AsRef<[Dual<T, C>]>,
    {
        self.to_matrix(x, |x, fx, v| {
            self.eval(
                |x, out: &mut Vec<Dual<T, C>>| {
                    out.clear();
                    out.extend_from_slice(f(x).as_ref());
                },
                x,
                fx,
                v,
            )
        })
    }

    /// [`jacobian`](Self::jacobian) for a map written in place,
    /// `f(x, out)` with `out.len() == m` (zero on entry).
    ///
    /// # Errors
    ///
    /// As [`jacobian`](Self::jacobian) (except the output length, which is
    /// fixed).
    pub fn jacobian_inplace<const C: usize, T>(
        &self,
        f: impl FnMut(&[Dual<T, C>], &mut [Dual<T, C>]),
        x: &[T],
    ) -> Result<(DVector<T>, CscMatrix<T>), SparseError>
    where
        T: Float + Scalar + Send,
    {
        self.to_matrix(x, |x, fx, v| self.values_inplace(f, x, fx, v))
    }

    /// Writes `F(x)` into `fx` and the Jacobian's values, in the pattern's
    /// CSC order, into `values`: the in-place update for solvers that keep
    /// their own matrix (`CscMatrix::values_mut()`, or a triplet matrix
    /// built from [`JacobianPattern::indices`]). Allocates only the seeded
    /// input and one output buffer.
    ///
    /// # Errors
    ///
    /// As [`jacobian`](Self::jacobian); also [`SparseError::OutputLength`]
    /// if `fx` is not `m` long and [`SparseError::ValuesLength`] if `values`
    /// is not `nnz` long. On error the contents of `fx` and `values` are
    /// unspecified.
    pub fn values_inplace<const C: usize, T>(
        &self,
        mut f: impl FnMut(&[Dual<T, C>], &mut [Dual<T, C>]),
        x: &[T],
        fx: &mut [T],
        values: &mut [T],
    ) -> Result<(), SparseError>
    where
        T: Float + Send + 'static,
    {
        let m = self.pattern.nrows();
        self.eval(
            |x, out: &mut Vec<Dual<T, C>>| {
                out.clear();
                out.resize(m, Dual::new(T::zero(), [T::zero(); C]));
                f(x, out);
            },
            x,
            fx,
            values,
        )
    }

    /// The values `F(x)` and the Jacobian as a CSC matrix, for a function
    /// object, on the checked fast path: each compressed pass runs on
    /// [`Unchecked`](crate::Unchecked) duals (the policy-free kernels),
    /// what the driver reads of its outputs is tested for finiteness (by
    /// the walks that read it where they can), and only a pass with a
    /// non-finite component there is run again on the NaN-safe [`Dual`], as
    /// [`chunked::jacobian_of`](crate::chunked::jacobian_of) does. The
    /// directional check's extra pass, when there is no spare lane, is one
    /// of `Dual<T, 1>`.
    ///
    /// ```
    /// use dualnum::VectorFunction;
    /// use dualnum::sparse::SparseJacobian;
    /// use dualnum::test_functions::broyden_tridiagonal;
    /// use num_traits::Float;
    ///
    /// struct Broyden;
    /// impl VectorFunction for Broyden {
    ///     fn outputs(&self, n: usize) -> usize {
    ///         n
    ///     }
    ///     fn eval<T: Float>(&self, x: &[T], out: &mut [T]) {
    ///         broyden_tridiagonal(x, out)
    ///     }
    /// }
    ///
    /// let x = vec![0.5; 1000];
    /// let sj = SparseJacobian::detect_inplace(|x, o| broyden_tridiagonal(x, o), &x, 1000)?;
    /// let (_, j) = sj.jacobian_of::<4, _>(&Broyden, &x)?; // 3 colours + the check: one pass
    /// let (_, same) = sj.jacobian_inplace::<4, _>(|x, o| broyden_tridiagonal(x, o), &x)?;
    /// assert_eq!(j, same);
    /// # Ok::<(), dualnum::sparse::SparseError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`jacobian`](Self::jacobian).
    pub fn jacobian_of<const C: usize, T>(
        &self,
        f: &(impl VectorFunction + ?Sized),
        x: &[T],
    ) -> Result<(DVector<T>, CscMatrix<T>), SparseError>
    where
        T: Float + Scalar + Send,
    {
        self.to_matrix(x, |x, fx, v| self.eval_of::<C, T, _>(f, x, fx, v))
    }

    /// [`values_inplace`](Self::values_inplace) for a function object, on
    /// the checked fast path of [`jacobian_of`](Self::jacobian_of).
    ///
    /// # Errors
    ///
    /// As [`values_inplace`](Self::values_inplace).
    pub fn values_of<const C: usize, T>(
        &self,
        f: &(impl VectorFunction + ?Sized),
        x: &[T],
        fx: &mut [T],
        values: &mut [T],
    ) -> Result<(), SparseError>
    where
        T: Float + Send + 'static,
    {
        self.eval_of::<C, T, _>(f, x, fx, values)
    }

    fn to_matrix<T: Float + Scalar>(
        &self,
        x: &[T],
        run: impl FnOnce(&[T], &mut [T], &mut [T]) -> Result<(), SparseError>,
    ) -> Result<(DVector<T>, CscMatrix<T>), SparseError> {
        let mut fx = DVector::zeros(self.pattern.nrows());
        let mut values = vec![T::zero(); self.pattern.nnz()];
        run(x, fx.as_mut_slice(), &mut values)?;
        if let Some(dest) = &self.dest {
            values = dest.iter().map(|&k| values[k]).collect();
        }
        Ok((fx, csc(&self.pattern, values)))
    }

    /// The pass loop on the NaN-safe kernels (closures): seed, evaluate,
    /// check, decompress; then the directional check.
    fn eval<const C: usize, T: Float + Send + 'static>(
        &self,
        mut eval: impl FnMut(&[Dual<T, C>], &mut Vec<Dual<T, C>>),
        x: &[T],
        fx: &mut [T],
        values: &mut [T],
    ) -> Result<(), SparseError> {
        const { assert!(C > 0, "the number of lanes C must be at least 1") };
        self.check_lengths(x, fx, values)?;
        if !self.backward.is_empty() {
            return Err(SparseError::NeedsFunctionObject);
        }
        let k = self.column_count;
        let mut work = self.scratch.take::<Work<T, C>>();
        self.directions(&mut work.dir, C);
        self.gather_plan(&mut work.gather, C);
        let result = self.retry(|strays| {
            let Work { safe, d, dir, gather, acc, .. } = &mut work;
            let dots = self.dots(acc, d, gather, C);
            let dots = if dots { &mut acc[..] } else { &mut [][..] };
            for pass in 0..self.check.total_passes(k, C) {
                let lane = self.check.lane(k, pass, C);
                safe.seed(x, &self.seed_colour, pass, lane, &self.check);
                eval(&safe.xd, &mut safe.out);
                // (no backward sweeps: the check is made by the store)
                let dd = (&mut d[..], &mut dots[..]);
                self.store(&safe.out, pass, lane, strays, gather, values, dd, dir)?;
                if pass == 0 {
                    copy_values(&mut safe.out, fx, false);
                }
            }
            Ok(())
        });
        self.scratch.put(work);
        result
    }

    /// The pass loop on the checked fast path (function objects): each
    /// pass on [`Unchecked`](crate::Unchecked) duals, tested once, re-run
    /// NaN-safe only if some output is not finite.
    fn eval_of<const C: usize, T: Float + Send + 'static, F: VectorFunction + ?Sized>(
        &self,
        f: &F,
        x: &[T],
        fx: &mut [T],
        values: &mut [T],
    ) -> Result<(), SparseError> {
        const { assert!(C > 0, "the number of lanes C must be at least 1") };
        self.check_lengths(x, fx, values)?;
        let m = self.pattern.nrows();
        check_len(SparseError::OutputLength { expected: m, got: f.outputs(x.len()) })?;
        let mut work = self.scratch.take::<Work<T, C>>();
        self.directions(&mut work.dir, C);
        self.gather_plan(&mut work.gather, C);
        let result = self.retry(|strays| {
            let Work { safe, fast, one_safe, one_fast, d, acc, dir, gather } = &mut work;
            if !self.backward.is_empty() {
                // the direction's lane is compared after the sweeps
                d.clear();
                d.resize(m, T::zero());
            }
            let dots = self.dots(acc, d, gather, C);
            let dots = if dots { &mut acc[..] } else { &mut [][..] };
            let k = self.column_count;
            let s = (strays, &dir[..]);
            for pass in 0..self.passes(C) {
                let lane = self.check.lane(k, pass, C);
                self.pass_of(f, x, pass, lane, s, (fast, safe), gather, fx, values, (d, dots))?;
            }
            if self.check.total_passes(k, C) > self.passes(C) {
                // no spare lane: the direction alone, one pass of `Dual<T, 1>`
                // numbered so that no colour falls in its lane
                let one = (one_fast, one_safe);
                self.pass_of(f, x, k.max(1), Some(0), s, one, &[], fx, values, (d, dots))?;
            }
            if self.backward.is_empty() {
                return Ok(());
            }
            self.backward_of(f, x, values)?;
            self.check.verify_in(&self.pattern, values, self.dest.as_deref(), d, acc)
        });
        self.scratch.put(work);
        result
    }

    /// One pass of `f` with `L` lanes, fast then (if needed) safe.
    ///
    /// The fast pass is tested by the walks that read it where they can
    /// (the one-pass gather sums what it stores, the check's dot products
    /// what they read, the copy of the values `F(x)`), else by
    /// [`all_finite`] after the store; a fast pass that is not finite, or
    /// whose store fails, is run again NaN-safe and stored again (each
    /// place written by the fast pass is written again). A component that
    /// no walk reads cannot change the result: the lanes are independent,
    /// and a lane that the fast kernels end finite is the safe kernels'
    /// (they differ only where the fast ones make a NaN, `0·∞`, that the
    /// safe ones keep 0, and a NaN stays NaN).
    #[allow(clippy::too_many_arguments)]
    fn pass_of<const L: usize, T: Float, F: VectorFunction + ?Sized>(
        &self,
        f: &F,
        x: &[T],
        pass: usize,
        lane: Option<usize>,
        (strays, dir): (bool, &[T]),
        (fast, safe): (&mut Buffers<T, L, false>, &mut Buffers<T, L, true>),
        gather: &[u32],
        fx: &mut [T],
        values: &mut [T],
        (d, acc): (&mut [T], &mut [T]),
    ) -> Result<(), SparseError> {
        let m = self.pattern.nrows();
        let colour = &self.seed_colour;
        fast.seed(x, colour, pass, lane, &self.check);
        if self.outputs_written && fast.out.len() == m {
            // an output left unwritten stays NaN: the safe re-run below
            // (marked already by the copy of the values after pass 0 of
            // the last evaluation, if that was the last use of the buffer)
            if !fast.marked {
                for y in &mut fast.out {
                    y.re = T::nan();
                }
            }
        } else {
            fast.out.clear();
            fast.out.resize(m, Dual { eps: [T::zero(); L], re: T::zero() });
        }
        f.eval(&fast.xd, &mut fast.out);
        fast.marked = false;
        // the values first (the marks for the next evaluation go in as
        // they are read), then the lanes
        let mark = pass == 0 && self.outputs_written;
        let finite = pass != 0 || copy_values(&mut fast.out, fx, mark);
        fast.marked = mark;
        let stored = self.store(&fast.out, pass, lane, strays, gather, values, (d, acc), dir);
        match stored {
            Ok(Some(true)) if finite => return Ok(()),
            Ok(None) if finite && all_finite(&fast.out) => return Ok(()),
            _ => {}
        }
        // the rare pass with a non-finite component (or a failed store),
        // NaN-safe
        safe.seed(x, colour, pass, lane, &self.check);
        safe.out.clear();
        safe.out.resize(m, Dual::new(T::zero(), [T::zero(); L]));
        f.eval(&safe.xd, &mut safe.out);
        self.store(&safe.out, pass, lane, strays, gather, values, (d, acc), dir)?;
        if pass == 0 {
            copy_values(&mut safe.out, fx, false);
        }
        Ok(())
    }

    /// The backward sweeps: one recording of `f` on a tape, then per row
    /// colour one sweep from the sum of that colour's outputs, whose
    /// adjoints are the entries of those rows.
    fn backward_of<T: Float, F: VectorFunction + ?Sized>(
        &self,
        f: &F,
        x: &[T],
        values: &mut [T],
    ) -> Result<(), SparseError> {
        if self.backward.is_empty() {
            return Ok(());
        }
        let m = self.pattern.nrows();
        let tape = Tape::<T>::new();
        let xs = tape.vars(x);
        let mut out = vec![<Var<'_, T> as num_traits::Zero>::zero(); m];
        f.eval(&xs, &mut out);
        let mut g = vec![T::zero(); x.len()];
        for (rows, entries) in &self.backward {
            let Some((&first, rest)) = rows.split_first() else { continue };
            let y = rest.iter().fold(out[first], |s, &i| s + out[i]);
            tape.adjoints(y).wrt_into(&xs, &mut g);
            for &(k, j) in entries {
                let k = self.dest.as_ref().map_or(k, |dest| dest[k]);
                values[k] = g[j] + T::zero();
            }
        }
        Ok(())
    }

    /// Runs an evaluation (`run(strays)`): with the directional check on,
    /// a non-zero in a lane that must be zero also fails the check, so the
    /// lane test (`strays`) runs only after a failed check, in a second
    /// evaluation, to name the error precisely
    /// ([`SparseError::OutsidePattern`]).
    fn retry(
        &self,
        mut run: impl FnMut(bool) -> Result<(), SparseError>,
    ) -> Result<(), SparseError> {
        let checked = self.check.mode != PatternCheck::Off;
        match run(!checked) {
            Err(SparseError::PatternChanged { row }) if checked => match run(true) {
                Err(e @ SparseError::OutsidePattern { .. }) => Err(e),
                _ => Err(SparseError::PatternChanged { row }),
            },
            result => result,
        }
    }

    /// The check direction's entry of each entry's column, in `T` (kept
    /// between evaluations): CSR order, or the order of the row table's
    /// places (0 where a row has no entry of a colour) when passes of
    /// `lanes` lanes compare through the table ([`Self::table_check`]),
    /// or per output and lane when they store through the one-pass gather
    /// ([`Self::gathers`]).
    fn directions<T: Float>(&self, dir: &mut Vec<T>, lanes: usize) {
        let (offs, cols) = self.pattern.csr();
        if self.check.mode == PatternCheck::Off {
            return;
        }
        if self.gathers(lanes) {
            // the direction's entry of each output's lane, `lanes` a row
            // (0 where the row has no entry of that colour, and in the
            // check's own lane): the check is a dot product of each
            // output's lanes with its row here ([`dot_check`])
            if dir.len() != self.pattern.nrows() * lanes {
                dir.clear();
                dir.resize(self.pattern.nrows() * lanes, T::zero());
                for (i, r) in offs.windows(2).enumerate() {
                    let row = cols[r[0]..r[1]].iter().zip(&self.csr_colour[r[0]..r[1]]);
                    for (&j, &c) in row {
                        // (a forward entry: `c < column_count <= lanes`)
                        dir[i * lanes + c] = self.check.direction::<T>(j);
                    }
                }
            }
        } else if self.table_check(lanes) {
            let w = self.by_row.count;
            if dir.len() != self.by_row.place.len() {
                dir.clear();
                dir.resize(self.by_row.place.len(), T::zero());
                for (i, r) in offs.windows(2).enumerate() {
                    let row = cols[r[0]..r[1]].iter().zip(&self.csr_colour[r[0]..r[1]]);
                    for (&j, &c) in row.filter(|e| *e.1 < w) {
                        dir[i * w + c] = self.check.direction::<T>(j);
                    }
                }
            }
        } else if dir.len() != cols.len() {
            dir.clear();
            dir.extend(cols.iter().map(|&j| self.check.direction::<T>(j)));
        }
    }

    /// The one-pass gather of passes with `lanes` lanes, built once and
    /// kept with the buffers: for each place of the caller's values, the
    /// component of the flattened outputs ([`flat`]: output `i`'s lane `c`
    /// is component `i·(lanes + 1) + c`) that holds it, then one more
    /// element, 1 + the largest of them (the bound of the loads, below
    /// `m·(lanes + 1)`). Left empty unless
    /// one pass holds every colour, there are no backward entries, and
    /// every component index fits in `u32`.
    fn gather_plan(&self, gather: &mut Vec<u32>, lanes: usize) {
        if !gather.is_empty() || !self.gathers(lanes) {
            return;
        }
        let nnz = self.pattern.nnz();
        let (offs, _) = self.pattern.csr();
        gather.resize(nnz, 0);
        for (i, w) in offs.windows(2).enumerate() {
            for e in w[0]..w[1] {
                // (a forward entry: no backward sweeps; in range: checked above)
                gather[self.csr_dest[e]] = (i * (lanes + 1) + self.csr_colour[e]) as u32;
            }
        }
        // the bound of the gather's unchecked loads
        let end = gather.iter().max().map_or(0, |&g| g + 1);
        gather.push(end);
    }

    /// The buffers of the row dot products a one-pass gather keeps for
    /// the direction's own pass (when the check has no spare lane): sizes
    /// `d` and `acc` to `m` and returns true, or false when that is not
    /// the case (then the direction's pass compares through the values).
    fn dots<T: Float>(
        &self,
        acc: &mut Vec<T>,
        d: &mut Vec<T>,
        gather: &[u32],
        lanes: usize,
    ) -> bool {
        let m = self.pattern.nrows();
        let own_pass = self.check.mode != PatternCheck::Off && self.column_count == lanes;
        if !(own_pass && gather.len() > 1) {
            return false;
        }
        // (every element is written by the one pass before it is read)
        d.resize(m, T::zero());
        acc.resize(m, T::zero());
        true
    }

    /// Whether passes of `lanes` lanes store through the one-pass gather
    /// ([`gather_plan`](Self::gather_plan)): one pass holds every colour,
    /// there are no backward entries, and every component index of the
    /// outputs fits in `u32`.
    fn gathers(&self, lanes: usize) -> bool {
        let m = self.pattern.nrows();
        let fits = m.checked_mul(lanes + 1).is_some_and(|t| u32::try_from(t).is_ok());
        let one_pass = self.column_count <= lanes && self.backward.is_empty();
        self.gather && fits && one_pass && self.pattern.nnz() > 0
    }

    /// Whether a pass of `lanes` lanes holds every colour and the
    /// direction (one pass), and so stores and compares through the row
    /// table.
    fn table_check(&self, lanes: usize) -> bool {
        !self.by_row.place.is_empty() && self.column_count < lanes && self.backward.is_empty()
    }

    fn check_lengths<T>(&self, x: &[T], fx: &[T], values: &[T]) -> Result<(), SparseError> {
        let (m, n, nnz) = (self.pattern.nrows(), self.pattern.ncols(), self.pattern.nnz());
        check_len(SparseError::InputLength { expected: n, got: x.len() })?;
        check_len(SparseError::OutputLength { expected: m, got: fx.len() })?;
        check_len(SparseError::ValuesLength { expected: nnz, got: values.len() })
    }

    /// Takes one pass's outputs, row by row: the
    /// entries of this pass's colours at their places in `values` (an exact
    /// zero as `+0`), with `strays` the test of the lanes that must be zero,
    /// and the direction's lane `lane`. Without backward sweeps, every
    /// entry is in `values` by the pass that carries the lane (the last),
    /// so each row is compared there at once with its entries times the
    /// direction (`dir`, CSR order); else the lane goes to `d` for
    /// [`Check::verify_in`] after the sweeps.
    ///
    /// The one-pass stores also test what they read (for the fast path):
    /// `Some(finite)`, whether every lane they read was finite (the gather:
    /// the lanes it stores; with the check, the dot products: every lane;
    /// the check's own pass after them: its lane); `None` from the other
    /// stores, which test nothing.
    #[allow(clippy::too_many_arguments)]
    fn store<const L: usize, T: Float, const S: bool>(
        &self,
        out: &[Dual<T, L, S>],
        pass: usize,
        lane: Option<usize>,
        strays: bool,
        gather: &[u32],
        values: &mut [T],
        (d, acc): (&mut [T], &mut [T]),
        dir: &[T],
    ) -> Result<Option<bool>, SparseError> {
        let m = self.pattern.nrows();
        check_len(SparseError::OutputLength { expected: m, got: out.len() })?;
        let lo = pass * L;
        if strays && lo < self.column_count {
            // (the check's own pass has no colour: nothing to look at)
            let k = self.column_count;
            if let Some((i, c)) = self.row_colours.first_stray(out, lo, lane, k) {
                return Err(self.outside(i, c));
            }
        }
        let (offs, _) = self.pattern.csr();
        let colour = &self.csr_colour[..];
        let dest = &self.csr_dest[..colour.len()];
        // `+ 0` turns an exact −0 into +0 and leaves the rest
        match lane {
            None if lo == 0 && gather.len() > 1 => {
                // one pass holds every entry: each value read from its lane
                let (end, plan) = gather.split_last().expect("longer than 1");
                let dots = acc.len() == m && d.len() == m;
                // (the row dot products read every lane: no sum in the gather)
                // (the NaN-safe kernels' outputs, `S`, need no test)
                let finite = if dots || S {
                    gather_store::<T, L, S, false>(out, (plan, *end as usize), values)
                } else {
                    gather_store::<T, L, S, true>(out, (plan, *end as usize), values)
                };
                if dots {
                    // the direction comes in a pass of its own: keep each
                    // row's dot product with it for that pass to compare
                    if dir.len() == m * L {
                        return Ok(Some(row_dots(out, dir, d, acc)));
                    }
                    // (not reached: the table is built with the plan)
                    // fail closed: every row of that pass differs
                    d.fill(T::infinity());
                    acc.fill(T::zero());
                }
                return Ok(Some(finite));
            }
            Some(l) if lo == 0 && gather.len() > 1 && dir.len() == m * L => {
                // one pass holds every entry and the direction
                let (end, plan) = gather.split_last().expect("longer than 1");
                gather_store::<T, L, S, false>(out, (plan, *end as usize), values);
                return match dot_check(out, l.min(L - 1), dir) {
                    Ok(finite) => Ok(Some(finite)),
                    Err(row) => Err(SparseError::PatternChanged { row }),
                };
            }
            Some(l) if lo >= self.column_count && acc.len() == m && d.len() == m => {
                // the direction's own pass after a one-pass gather, whose
                // row dot products are in `d` and `acc`; the lane read is
                // summed for the fast path's test (the pass reads nothing else)
                let tol = T::epsilon().sqrt();
                let l = l.min(L - 1);
                let mut total = T::zero();
                for (i, (y, (&s, &a))) in out.iter().zip(d.iter().zip(acc.iter())).enumerate() {
                    let di = y.eps[l];
                    if (di - s).abs() > tol * (a + di.abs()) {
                        return Err(SparseError::PatternChanged { row: i });
                    }
                    if !S {
                        total = total + di;
                    }
                }
                return Ok(Some(total.is_finite()));
            }
            Some(l) if lo == 0 && self.table_check(L) => {
                // one pass holds every entry: compare each row as it is stored
                if let Some(row) = self.by_row.store_check(out, l.min(L - 1), values, dir) {
                    return Err(SparseError::PatternChanged { row });
                }
            }
            Some(l) if self.backward.is_empty() => {
                let (l, tol) = (l.min(L - 1), T::epsilon().sqrt());
                let dir = &dir[..colour.len()];
                let mut e = 0;
                for (i, (y, &hi)) in out.iter().zip(&offs[1..]).enumerate() {
                    // (never shorter: bounds the index once a row)
                    let hi = hi.min(colour.len());
                    let (mut s, mut a) = (T::zero(), T::zero());
                    while e < hi {
                        let c = colour[e].wrapping_sub(lo);
                        let v = if c < L {
                            let v = y.eps[c] + T::zero();
                            values[dest[e]] = v;
                            v
                        } else {
                            // an entry of an earlier pass
                            values[dest[e]]
                        };
                        let t = v * dir[e];
                        s = s + t;
                        a = a + t.abs();
                        e += 1;
                    }
                    // a row with a non-finite value cannot be compared, and
                    // is not: an infinite or NaN term makes the bound
                    // infinite or the difference NaN, and the comparison false
                    let di = y.eps[l];
                    if (di - s).abs() > tol * (a + di.abs()) {
                        return Err(SparseError::PatternChanged { row: i });
                    }
                }
            }
            _ if !self.by_row.place.is_empty() => {
                self.by_row.store(out, lo, values);
                if let Some(l) = lane {
                    for (di, y) in d.iter_mut().zip(out) {
                        *di = y.eps[l];
                    }
                }
            }
            _ if !self.by_colour.offsets.is_empty() => {
                // colour by colour: the lane is fixed for each run of
                // entries, and no row is walked
                let by = &self.by_colour;
                for c in lo..self.column_count.min(lo + L) {
                    let lane = c - lo;
                    for &(i, k) in &by.entries[by.offsets[c]..by.offsets[c + 1]] {
                        values[k as usize] = out[i as usize].eps[lane] + T::zero();
                    }
                }
                if let Some(l) = lane {
                    for (di, y) in d.iter_mut().zip(out) {
                        *di = y.eps[l];
                    }
                }
            }
            _ => {
                if lo < self.column_count {
                    let mut e = 0;
                    for (y, &hi) in out.iter().zip(&offs[1..]) {
                        let hi = hi.min(colour.len());
                        while e < hi {
                            let c = colour[e].wrapping_sub(lo);
                            if c < L {
                                values[dest[e]] = y.eps[c] + T::zero();
                            }
                            e += 1;
                        }
                    }
                }
                if let Some(l) = lane {
                    for (di, y) in d.iter_mut().zip(out) {
                        *di = y.eps[l];
                    }
                }
            }
        }
        Ok(None)
    }

    fn outside(&self, row: usize, colour: usize) -> SparseError {
        let c = &self.seed_colour;
        let columns = (0..c.len()).filter(|&j| c[j] == colour).take(8).collect();
        SparseError::OutsidePattern { row, colour, columns }
    }
}

/// Buffers kept from one evaluation to the next (the seeded inputs and the
/// outputs, as `Dual<T, C>` for whichever `T` and `C` were used last), so a
/// prepared Jacobian does not fault in fresh pages every time. Taken out
/// of the lock for the evaluation, so concurrent use from several threads
/// works (each but one allocates its own).
#[derive(Default)]
pub(crate) struct Scratch(Mutex<Option<Box<dyn Any + Send>>>);

impl Scratch {
    pub(crate) fn take<B: Default + Send + 'static>(&self) -> B {
        let held = self.0.lock().ok().and_then(|mut g| g.take());
        held.and_then(|b| b.downcast::<B>().ok()).map_or_else(B::default, |b| *b)
    }

    pub(crate) fn put<B: Send + 'static>(&self, b: B) {
        if let Ok(mut g) = self.0.lock() {
            *g = Some(Box::new(b));
        }
    }
}

impl Clone for Scratch {
    /// A clone starts with no buffers.
    fn clone(&self) -> Self {
        Scratch::default()
    }
}

impl fmt::Debug for Scratch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Scratch")
    }
}

/// The seeded inputs (and which pass and check lane they are seeded for)
/// and the outputs, under either kernel policy.
pub(crate) struct Buffers<T, const C: usize, const S: bool = true> {
    pub(crate) xd: Vec<Dual<T, C, S>>,
    pub(crate) out: Vec<Dual<T, C, S>>,
    seeded: Option<(usize, Option<usize>)>,
    /// Whether every output's value is `NaN` (marked by the copy of the
    /// values since the last evaluation into `out`).
    marked: bool,
}

impl<T, const C: usize, const S: bool> Default for Buffers<T, C, S> {
    fn default() -> Self {
        Buffers { xd: Vec::new(), out: Vec::new(), seeded: None, marked: false }
    }
}

impl<T: Float, const C: usize, const S: bool> Buffers<T, C, S> {
    /// Seeds `x` for pass `pass` (lanes `pass·C ..`): input `j` gets the
    /// unit tangent of its colour's lane, and the check direction's `vⱼ` in
    /// lane `lane`. Only the values change when the seeds are already
    /// those of this pass.
    pub(crate) fn seed(
        &mut self,
        x: &[T],
        colour: &[usize],
        pass: usize,
        lane: Option<usize>,
        check: &Check,
    ) {
        if self.seeded == Some((pass, lane)) && self.xd.len() == x.len() {
            // eight a step: the loop's own instructions were a quarter of
            // it four a step (Broyden n = 10,000: 30,000 → 25,000 a call)
            let (d8, d_rest) = self.xd.as_chunks_mut::<8>();
            let (x8, x_rest) = x.as_chunks::<8>();
            for (d, x) in d8.iter_mut().zip(x8) {
                for (d, &v) in d.iter_mut().zip(x) {
                    d.re = v;
                }
            }
            for (d, &v) in d_rest.iter_mut().zip(x_rest) {
                d.re = v;
            }
            return;
        }
        let lo = pass * C;
        self.xd.clear();
        self.xd.extend(x.iter().zip(colour).enumerate().map(|(j, (&v, &c))| {
            let mut eps = unit::<T, C>(c.wrapping_sub(lo));
            if let Some(l) = lane {
                eps[l] = check.direction::<T>(j);
            }
            Dual { eps, re: v }
        }));
        self.seeded = Some((pass, lane));
    }
}

/// Everything one evaluation uses, kept between evaluations: the buffers
/// of the safe and fast passes with `C` lanes and with one (the direction
/// alone), and the direction's lane of every output.
struct Work<T, const C: usize> {
    safe: Buffers<T, C, true>,
    fast: Buffers<T, C, false>,
    one_safe: Buffers<T, 1, true>,
    one_fast: Buffers<T, 1, false>,
    d: Vec<T>,
    acc: Vec<T>,
    /// The check direction per entry, CSR order.
    dir: Vec<T>,
    /// The one-pass gather of `C` lanes ([`SparseJacobian::gather_plan`]).
    gather: Vec<u32>,
}

impl<T, const C: usize> Default for Work<T, C> {
    fn default() -> Self {
        Work {
            safe: Buffers::default(),
            fast: Buffers::default(),
            one_safe: Buffers::default(),
            one_fast: Buffers::default(),
            d: Vec::new(),
            acc: Vec::new(),
            dir: Vec::new(),
            gather: Vec::new(),
        }
    }
}

/// The forward entries grouped by colour (a counting sort of the CSR
/// entries): colour `c`'s are `entries[offsets[c]..offsets[c + 1]]`, each
/// `(row, place in the values)`. Empty when a row or place does not fit in
/// `u32` (the row walk serves then).
#[derive(Clone, Debug, Default)]
struct ByColour {
    offsets: Vec<usize>,
    entries: Vec<(u32, u32)>,
}

impl ByColour {
    fn new(colour: &[usize], dest: &[usize], row_offsets: &[usize], count: usize) -> Self {
        let m = row_offsets.len().saturating_sub(1);
        if u32::try_from(m).is_err() || u32::try_from(dest.len()).is_err() {
            return ByColour::default();
        }
        let mut offsets = vec![0usize; count + 1];
        for &c in colour.iter().filter(|&&c| c < count) {
            offsets[c + 1] += 1;
        }
        for c in 0..count {
            offsets[c + 1] += offsets[c];
        }
        let mut next = offsets.clone();
        let mut entries = vec![(0u32, 0u32); offsets[count]];
        for (i, w) in row_offsets.windows(2).enumerate() {
            for e in w[0]..w[1] {
                let c = colour[e];
                if c < count {
                    // (both fit: checked above)
                    entries[next[c]] = (i as u32, dest[e] as u32);
                    next[c] += 1;
                }
            }
        }
        ByColour { offsets, entries }
    }
}

/// The forward entries as a table, `count` places a row (colour `c` of
/// row `i` at `place[i·count + c]`, [`ByRow::NONE`] where the row has no
/// entry of that colour): built when the table is at least half full
/// (banded and stencil Jacobians, where a row has an entry of nearly every
/// colour), so a pass's stores walk the outputs in order with the lane
/// fixed by the position, no colour test and no index into the outputs.
#[derive(Clone, Debug, Default)]
struct ByRow {
    count: usize,
    place: Vec<u32>,
}

impl ByRow {
    /// No entry: beyond any values slice, so the store's bounds test skips it.
    const NONE: u32 = u32::MAX;

    fn new(colour: &[usize], dest: &[usize], row_offsets: &[usize], count: usize) -> Self {
        let m = row_offsets.len().saturating_sub(1);
        let forward = colour.iter().filter(|&&c| c < count).count();
        let full = m.checked_mul(count).is_some_and(|t| t > 0 && t <= 2 * forward);
        // every place must be below `NONE`
        if !full || dest.len() >= Self::NONE as usize {
            return ByRow::default();
        }
        let mut place = vec![Self::NONE; m * count];
        for (i, w) in row_offsets.windows(2).enumerate() {
            for e in w[0]..w[1] {
                let c = colour[e];
                if c < count {
                    // (a row has one entry of a colour: a column colouring)
                    place[i * count + c] = dest[e] as u32;
                }
            }
        }
        ByRow { count, place }
    }

    /// Stores the lanes of `out` (colours `lo..`) at their places.
    #[inline]
    fn store<const L: usize, T: Float, const S: bool>(
        &self,
        out: &[Dual<T, L, S>],
        lo: usize,
        values: &mut [T],
    ) {
        let w = self.count;
        let hi = w.min(lo + L);
        if lo >= hi {
            return;
        }
        // `+ 0` turns an exact −0 into +0 and leaves the rest
        if hi - lo == L {
            // every lane: a fixed-length inner loop
            for (y, row) in out.iter().zip(self.place.chunks_exact(w)) {
                let ks: &[u32; L] = row[lo..hi].try_into().expect("L places");
                for (&k, &e) in ks.iter().zip(&y.eps) {
                    if let Some(v) = values.get_mut(k as usize) {
                        *v = e + T::zero();
                    }
                }
            }
        } else {
            for (y, row) in out.iter().zip(self.place.chunks_exact(w)) {
                for (&k, &e) in row[lo..hi].iter().zip(&y.eps) {
                    if let Some(v) = values.get_mut(k as usize) {
                        *v = e + T::zero();
                    }
                }
            }
        }
    }
}

impl ByRow {
    /// Stores the lanes of `out` (every colour, from lane 0) and compares
    /// each row with its entries times the direction (`dir`, in the
    /// table's order, 0 at an empty place) against lane `l`: the first
    /// row that differs by more than `√ε` of the terms' magnitude.
    #[inline]
    fn store_check<const L: usize, T: Float, const S: bool>(
        &self,
        out: &[Dual<T, L, S>],
        l: usize,
        values: &mut [T],
        dir: &[T],
    ) -> Option<usize> {
        let w = self.count;
        let tol = T::epsilon().sqrt();
        let rows = self.place.chunks_exact(w).zip(dir.chunks_exact(w));
        for (i, (y, (ks, ds))) in out.iter().zip(rows).enumerate() {
            let (mut s, mut a) = (T::zero(), T::zero());
            for ((&k, &dv), &e) in ks.iter().zip(ds).zip(&y.eps) {
                // `+ 0` turns an exact −0 into +0 and leaves the rest
                let v = e + T::zero();
                if let Some(slot) = values.get_mut(k as usize) {
                    *slot = v;
                }
                let t = v * dv;
                s = s + t;
                a = a + t.abs();
            }
            // a non-finite term makes the bound infinite or the
            // difference NaN, and the comparison false, as in the row walk
            let di = y.eps[l];
            if (di - s).abs() > tol * (a + di.abs()) {
                return Some(i);
            }
        }
        None
    }
}

/// The components of `out` in memory order: output `i`'s lane `c` at
/// `i·(L + 1) + c`, its value at `i·(L + 1) + L`.
#[inline]
fn flat<T, const L: usize, const S: bool>(out: &[Dual<T, L, S>]) -> &[T] {
    const {
        assert!(size_of::<Dual<T, L, S>>() == (L + 1) * size_of::<T>());
        assert!(align_of::<Dual<T, L, S>>() == align_of::<T>());
    };
    // SAFETY: `Dual` is `repr(C)` with fields `[T; L]` then `T`, so each
    // element is `L + 1` consecutive, initialised `T` with no padding (the
    // sizes are asserted above); the slice borrows `out` for its lifetime.
    unsafe { core::slice::from_raw_parts(out.as_ptr().cast::<T>(), out.len() * (L + 1)) }
}

/// Copies each output's value into `fx`, with `mark` writing `NaN` in
/// its place (the marks of [`SparseJacobian::with_outputs_written`] for
/// the next evaluation into `out`); returns whether every value was
/// finite (their sum is: see [`all_finite`]), or true without a test for
/// the NaN-safe kernels' outputs (`S`).
///
/// Eight outputs a step, summed in pairs (adjacent outputs, which
/// vectorise): marking here, in the walk that reads the values anyway,
/// saves the separate loop of stores, and the sum (with the gather's,
/// [`gather_store`]) most of [`all_finite`]'s walk over every lane
/// (Broyden n = 10,000, C = 3: values copied 25,000, marks 14,000, test
/// 44,000 instructions a call before; 45,000 together now).
#[inline]
fn copy_values<T: Float, const L: usize, const S: bool>(
    out: &mut [Dual<T, L, S>],
    fx: &mut [T],
    mark: bool,
) -> bool {
    let n = out.len().min(fx.len());
    let (out, fx) = (&mut out[..n], &mut fx[..n]);
    if S && !mark {
        // the NaN-safe kernels' outputs need no test: the plain copy
        for (f, y) in fx.iter_mut().zip(out) {
            *f = y.re;
        }
        return true;
    }
    let mut s = [T::zero(); 2];
    let (o8, o_rest) = out.as_chunks_mut::<8>();
    let (f8, f_rest) = fx.as_chunks_mut::<8>();
    for (o, f) in o8.iter_mut().zip(f8) {
        let v: [T; 8] = core::array::from_fn(|k| o[k].re);
        *f = v;
        for p in v.as_chunks::<2>().0 {
            s = [s[0] + p[0], s[1] + p[1]];
        }
        if mark {
            for y in o {
                y.re = T::nan();
            }
        }
    }
    for (y, f) in o_rest.iter_mut().zip(f_rest) {
        *f = y.re;
        s[0] = s[0] + y.re;
        if mark {
            y.re = T::nan();
        }
    }
    (s[0] + s[1]).is_finite()
}

/// The one-pass store: `values[k]` from component `gather[k]` of the
/// flattened outputs, `+ 0` turning an exact −0 into +0; with `SUM` (the
/// fast path's outputs),
/// returns whether every value stored is finite (their sum is, in two
/// accumulators, for adjacent places, which vectorise: see
/// [`all_finite`]), else true.
///
/// The loads are unchecked, sixteen places a step: the plan's largest
/// component index is below `end` ([`SparseJacobian::gather_plan`]), and
/// `end` is tested once against the outputs here. With a bounds test per
/// load the loop ran 8 instructions a place (Broyden n = 10,000: 240,000
/// a call), without it 3.2.
#[inline(never)]
fn gather_store<T: Float, const L: usize, const S: bool, const SUM: bool>(
    out: &[Dual<T, L, S>],
    (gather, end): (&[u32], usize),
    values: &mut [T],
) -> bool {
    let src = flat(out);
    let n = gather.len().min(values.len());
    let (gather, values) = (&gather[..n], &mut values[..n]);
    let mut acc = [T::zero(); 2];
    if end > src.len() {
        // (not reached: the plan is built for these outputs) the checked loop
        for (v, &g) in values.iter_mut().zip(gather) {
            if let Some(&e) = src.get(g as usize) {
                *v = e + T::zero();
                acc[0] = acc[0] + e;
            }
        }
        return !SUM || acc[0].is_finite();
    }
    let (g4, g_rest) = gather.as_chunks::<16>();
    let (v4, v_rest) = values.as_chunks_mut::<16>();
    for (v, g) in v4.iter_mut().zip(g4) {
        // SAFETY: every index of the plan is below `end <= src.len()`
        let e = g.map(|k| unsafe { *src.get_unchecked(k as usize) });
        for (v, e) in v.as_chunks_mut::<2>().0.iter_mut().zip(e.as_chunks::<2>().0) {
            let p = [e[0] + T::zero(), e[1] + T::zero()];
            *v = p;
            if SUM {
                acc = [acc[0] + p[0], acc[1] + p[1]];
            }
        }
    }
    for (v, &g) in v_rest.iter_mut().zip(g_rest) {
        // SAFETY: as above
        let e = unsafe { *src.get_unchecked(g as usize) };
        *v = e + T::zero();
        if SUM {
            acc[0] = acc[0] + e;
        }
    }
    !SUM || (acc[0] + acc[1]).is_finite()
}

/// The dot product of lanes `eps` with the direction's entries `dir`
/// (0 where no entry), and the sum of the terms' magnitudes.
///
/// Two lanes a step into two sums each (adjacent lanes, which vectorise),
/// added at the end: a fold lane by lane cost 39 instructions a row of
/// four lanes, most of them shuffles for the horizontal sums.
#[inline]
fn row_dot<T: Float, const L: usize>(eps: &[T; L], dir: &[T; L]) -> (T, T) {
    let (mut s, mut a) = ([T::zero(); 2], [T::zero(); 2]);
    let (e2, e_rest) = eps.as_chunks::<2>();
    let (d2, d_rest) = dir.as_chunks::<2>();
    for (e, d) in e2.iter().zip(d2) {
        let t = [e[0] * d[0], e[1] * d[1]];
        s = [s[0] + t[0], s[1] + t[1]];
        a = [a[0] + t[0].abs(), a[1] + t[1].abs()];
    }
    for (&e, &d) in e_rest.iter().zip(d_rest) {
        let t = e * d;
        s[0] = s[0] + t;
        a[0] = a[0] + t.abs();
    }
    (s[0] + s[1], a[0] + a[1])
}

/// Each output's [`row_dot`] with its row of `dir` (`L` a row, the
/// direction's entry per lane): the dot products into `d`, the magnitudes
/// into `acc`. Returns whether every lane was finite: the magnitudes'
/// sum is (a lane's term is `NaN` or infinite if the lane is, `∞·0`
/// included; see [`all_finite`]); true, untested, for the NaN-safe
/// kernels' outputs (`S`), which are not re-run.
fn row_dots<T: Float, const L: usize, const S: bool>(
    out: &[Dual<T, L, S>],
    dir: &[T],
    d: &mut [T],
    acc: &mut [T],
) -> bool {
    let rows = dir.as_chunks::<L>().0;
    for (((y, dr), di), ai) in out.iter().zip(rows).zip(&mut *d).zip(&mut *acc) {
        (*di, *ai) = row_dot(&y.eps, dr);
    }
    if S {
        // (the NaN-safe kernels' outputs need no test)
        return true;
    }
    // (summed after the loop, two at a time: inside it, the sum kept the
    // loop from taking two rows a step, 16.5 → 26 instructions a row)
    let (a2, a_rest) = acc.as_chunks::<2>();
    let s = a2.iter().fold([T::zero(); 2], |s, a| [s[0] + a[0], s[1] + a[1]]);
    a_rest.iter().fold(s[0] + s[1], |s, &a| s + a).is_finite()
}

/// The check of a pass holding every entry and the direction (lane `l`):
/// `Err` with the first output whose lane `l` differs from the dot product
/// of its other lanes with its row of `dir` by more than `√ε` of the
/// terms' magnitude, else whether every lane was finite (as
/// [`row_dots`], with lane `l`'s magnitudes added; true for `S`). A row with a
/// non-finite term is not compared (the bound is infinite or the
/// difference NaN, and the comparison false).
fn dot_check<T: Float, const L: usize, const S: bool>(
    out: &[Dual<T, L, S>],
    l: usize,
    dir: &[T],
) -> Result<bool, usize> {
    let tol = T::epsilon().sqrt();
    let rows = dir.as_chunks::<L>().0;
    let mut total = T::zero();
    for (i, (y, dr)) in out.iter().zip(rows).enumerate() {
        let (s, a) = row_dot(&y.eps, dr);
        let di = y.eps[l];
        let bound = a + di.abs();
        if (di - s).abs() > tol * bound {
            return Err(i);
        }
        if !S {
            total = total + bound;
        }
    }
    Ok(total.is_finite())
}

/// One backward sweep: its rows, and its entries as (index in CSC order,
/// column).
type Sweep = (Vec<usize>, Vec<(usize, usize)>);

/// No colour: an input not seeded, an entry read from a backward sweep.
const NONE: usize = usize::MAX;

/// Which derivatives give the entries of a [`SparseJacobian`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Direction {
    /// Forward tangent lanes only, one per column colour (the default;
    /// evaluated by closures and function objects alike).
    #[default]
    Column,
    /// Backward sweeps only, one per row colour (function objects).
    Row,
    /// The fewest colours in total among columns only, rows only and the
    /// splits of [`colour::bidirectional_colouring`] (function objects,
    /// unless it comes out columns only).
    Auto,
}

/// One bit set of colours per row: the colours of the row's seeded
/// columns.
#[derive(Clone, Debug)]
pub(crate) struct ColourSets {
    words: usize,
    bits: Vec<u64>,
    /// The rows without every colour: the others have an entry in every
    /// lane a pass seeds, so no lane of theirs must be zero.
    partial: Vec<usize>,
}

impl ColourSets {
    pub(crate) fn new(p: &JacobianPattern, colour: &[usize], count: usize) -> Self {
        let words = count.div_ceil(64).max(1);
        let mut bits = vec![0u64; words * p.nrows()];
        for i in 0..p.nrows() {
            for &j in p.row(i).iter().filter(|&&j| colour[j] != NONE) {
                bits[i * words + colour[j] / 64] |= 1 << (colour[j] % 64);
            }
        }
        let partial = (0..p.nrows())
            .filter(|&i| {
                let row = &bits[i * words..(i + 1) * words];
                row.iter().map(|w| w.count_ones() as usize).sum::<usize>() < count
            })
            .collect();
        ColourSets { words, bits, partial }
    }

    /// The first (row, colour) where a lane that must be zero is not; lane
    /// `skip` (the check direction's) is not looked at, nor lanes of no
    /// colour (`lo + l ≥ count`: no input is seeded there, so they are zero),
    /// nor rows with every colour (the partial rows only).
    pub(crate) fn first_stray<const C: usize, T: Float, const S: bool>(
        &self,
        out: &[Dual<T, C, S>],
        lo: usize,
        skip: Option<usize>,
        count: usize,
    ) -> Option<(usize, usize)> {
        if self.words == 1 && C <= 64 {
            // one word per row: the lanes' non-zero mask against the row's
            // colours shifted to this pass; a row with every seeded colour
            // of the pass is not looked at
            let skip = skip.map_or(0, |l| 1u64 << l);
            let width = count.saturating_sub(lo).min(C);
            let seeded = if width >= 64 { u64::MAX } else { (1u64 << width) - 1 } & !skip;
            for &i in &self.partial {
                let Some(y) = out.get(i) else { break };
                let expected = skip | if lo < 64 { self.bits[i] >> lo } else { 0 };
                if seeded & !expected == 0 {
                    continue;
                }
                let mut nonzero = 0u64;
                for (l, e) in y.eps.iter().enumerate() {
                    nonzero |= u64::from(*e != T::zero()) << l;
                }
                let stray = nonzero & !expected;
                if stray != 0 {
                    return Some((i, lo + stray.trailing_zeros() as usize));
                }
            }
            return None;
        }
        for &i in &self.partial {
            let Some(y) = out.get(i) else { break };
            let row = &self.bits[i * self.words..(i + 1) * self.words];
            for (l, e) in y.eps.iter().enumerate() {
                let c = lo + l;
                let expected =
                    Some(l) == skip || row.get(c / 64).is_some_and(|w| w >> (c % 64) & 1 == 1);
                if *e != T::zero() && !expected {
                    return Some((i, c));
                }
            }
        }
        None
    }
}

/// The unit tangent of lane `l`, or zero if `l >= C`.
#[inline]
pub(crate) fn unit<T: Float, const C: usize>(l: usize) -> [T; C] {
    let mut e = [T::zero(); C];
    if l < C {
        e[l] = T::one();
    }
    e
}

pub(crate) fn check_len(e: SparseError) -> Result<(), SparseError> {
    match e {
        SparseError::InputLength { expected, got }
        | SparseError::OutputLength { expected, got }
        | SparseError::ValuesLength { expected, got }
            if expected != got =>
        {
            Err(e)
        }
        _ => Ok(()),
    }
}

/// False when some value or lane of `out` is not finite: the components
/// are summed, one accumulator per lane (independent sums, which vectorize,
/// and no branch per element), and a sum is finite only if no term is NaN
/// or infinite (`∞ − ∞` is NaN). A sum can also overflow with finite terms
/// near the largest float: then the pass is re-run on the NaN-safe kernels,
/// which gives the same numbers, so a false alarm costs time, never a
/// wrong result.
#[inline]
pub(crate) fn all_finite<T: Float, const L: usize, const S: bool>(out: &[Dual<T, L, S>]) -> bool {
    let mut re = T::zero();
    let mut eps = [T::zero(); L];
    for y in out {
        re = re + y.re;
        for (a, &e) in eps.iter_mut().zip(&y.eps) {
            *a = *a + e;
        }
    }
    eps.iter().fold(re.is_finite(), |ok, a| ok & a.is_finite())
}

/// The CSC matrix of `pattern` with `values` (CSC order).
pub(crate) fn csc<T: Scalar>(pattern: &JacobianPattern, values: Vec<T>) -> CscMatrix<T> {
    let (offs, rows) = pattern.csc();
    CscMatrix::try_from_csc_data(
        pattern.nrows(),
        pattern.ncols(),
        offs.to_vec(),
        rows.to_vec(),
        values,
    )
    .expect("a JacobianPattern's CSC arrays are always valid (sorted, in range)")
}

#[cfg(test)]
mod tests {
    use super::{ByColour, ByRow, SparseJacobian, all_finite};
    use crate::sparse::{JacobianPattern, PatternCheck};
    use crate::{Dual, VectorFunction};
    use num_traits::Float;
    use quickcheck::{QuickCheck, TestResult};

    /// `Fᵢ = Σ_(j in row i) wᵢⱼ·(xⱼ² + xⱼ)`.
    struct Rows(Vec<Vec<(usize, f64)>>);
    impl VectorFunction for Rows {
        fn outputs(&self, _: usize) -> usize {
            self.0.len()
        }
        fn eval<T: Float>(&self, x: &[T], out: &mut [T]) {
            for (o, row) in out.iter_mut().zip(&self.0) {
                *o = row
                    .iter()
                    .fold(T::zero(), |s, &(j, w)| s + T::from(w).unwrap() * (x[j] * x[j] + x[j]));
            }
        }
    }

    #[test]
    fn the_row_table_stores_what_the_other_store_loops_store() {
        // the table (when built), the by-colour runs and the row walk, bit
        // for bit, at several lane widths, each against the formula
        fn prop(m: u8, n: u8, raw: Vec<(u8, u8, i8)>, band: bool) -> TestResult {
            let (m, n) = (1 + m as usize % 30, 1 + n as usize % 30);
            let mut rows: Vec<Vec<(usize, f64)>> = vec![Vec::new(); m];
            for &(i, j, w) in &raw {
                rows[i as usize % m].push((j as usize % n, 0.5 + f64::from(w) / 64.0));
            }
            if band {
                // a tridiagonal part: most rows full, the table is built
                for (i, r) in rows.iter_mut().enumerate() {
                    r.extend((i.saturating_sub(1)..(i + 2).min(n)).map(|j| (j, 1.0 + j as f64)));
                }
            }
            for r in &mut rows {
                r.sort_by_key(|e| e.0);
                r.dedup_by_key(|e| e.0);
            }
            let entries: Vec<(usize, usize)> =
                (0..m).flat_map(|i| rows[i].iter().map(move |&(j, _)| (i, j))).collect();
            let p = JacobianPattern::from_entries(m, n, &entries);
            let x: Vec<f64> = (0..n).map(|j| 0.3 * (j as f64 * 0.7).sin() - 0.1).collect();
            let f = Rows(rows.clone());
            let table = SparseJacobian::new(p.clone()).with_pattern_check(PatternCheck::Off);
            let mut runs = table.clone();
            runs.by_row = ByRow::default();
            runs.gather = false;
            let mut walk = runs.clone();
            walk.by_colour = ByColour::default();
            let nnz = p.nnz();
            let run = |sj: &SparseJacobian, c: usize| {
                let (mut fx, mut v) = (vec![0.0; m], vec![0.0; nnz]);
                match c {
                    1 => sj.values_of::<1, f64>(&f, &x, &mut fx, &mut v),
                    2 => sj.values_of::<2, f64>(&f, &x, &mut fx, &mut v),
                    4 => sj.values_of::<4, f64>(&f, &x, &mut fx, &mut v),
                    _ => sj.values_of::<16, f64>(&f, &x, &mut fx, &mut v),
                }
                .unwrap();
                v.iter().map(|v| v.to_bits()).collect::<Vec<_>>()
            };
            // the same with the directional check, which compares through
            // the table when one pass holds every colour (C = 16 here)
            let on = |sj: &SparseJacobian| sj.clone().with_pattern_check(PatternCheck::Directional);
            let (table_on, walk_on) = (on(&table), on(&walk));
            for c in [1, 2, 4, 16] {
                if run(&table_on, c) != run(&walk_on, c) || run(&table_on, c) != run(&table, c) {
                    return TestResult::error(format!("the checked stores differ at C = {c}"));
                }
            }
            // a planted entry: row i gains column j2, of the colour of its
            // column j (a column colouring never gives one row two entries
            // of one colour): both the table and the row walk name row i
            let colours = table.colouring().colours().to_vec();
            let plant = rows.iter().enumerate().find_map(|(i, r)| {
                r.iter().find_map(|&(j, _)| {
                    (0..n)
                        .find(|&j2| colours[j2] == colours[j] && r.iter().all(|e| e.0 != j2))
                        .map(|j2| (i, j2))
                })
            });
            if let Some((i, j2)) = plant {
                let mut more = rows.clone();
                more[i].push((j2, 1.5));
                let g = Rows(more);
                // (every width: the check in a spare lane of one pass, in
                // a pass of its own after one pass, after several passes)
                for sj in [&table_on, &walk_on] {
                    for c in [1, 2, 3, 4, 16] {
                        let (mut fx, mut v) = (vec![0.0; m], vec![0.0; nnz]);
                        let r = match c {
                            1 => sj.values_of::<1, f64>(&g, &x, &mut fx, &mut v),
                            2 => sj.values_of::<2, f64>(&g, &x, &mut fx, &mut v),
                            3 => sj.values_of::<3, f64>(&g, &x, &mut fx, &mut v),
                            4 => sj.values_of::<4, f64>(&g, &x, &mut fx, &mut v),
                            _ => sj.values_of::<16, f64>(&g, &x, &mut fx, &mut v),
                        };
                        if r != Err(crate::sparse::SparseError::PatternChanged { row: i }) {
                            return TestResult::error(format!(
                                "planted ({i}, {j2}), C = {c}: {r:?}"
                            ));
                        }
                    }
                }
            }
            // the formula, CSC order
            let (offs, rws) = p.csc();
            let mut want = vec![0.0f64; nnz];
            for j in 0..n {
                for k in offs[j]..offs[j + 1] {
                    let i = rws[k];
                    let w: f64 = rows[i].iter().filter(|e| e.0 == j).map(|e| e.1).sum();
                    want[k] = w * (2.0 * x[j] + 1.0);
                }
            }
            // the one-pass gather (`table` at C = 16, and at C = 4 when the
            // pattern has at most 4 colours) in the caller's order, against
            // the row walk in that order
            let (csr, mut csr_walk) = (table.clone().with_csr_values(), walk.clone());
            csr_walk = csr_walk.with_csr_values();
            csr_walk.gather = false;
            csr_walk.by_row = ByRow::default();
            csr_walk.by_colour = ByColour::default();
            for c in [1, 2, 4, 16] {
                if run(&csr, c) != run(&csr_walk, c) {
                    return TestResult::error(format!("the CSR-order stores differ at C = {c}"));
                }
            }
            for c in [1, 2, 4, 16] {
                let got = run(&table, c);
                if got != run(&runs, c) || got != run(&walk, c) {
                    return TestResult::error(format!("the store loops differ at C = {c}"));
                }
                let close = got
                    .iter()
                    .zip(&want)
                    .all(|(&g, &w)| (f64::from_bits(g) - w).abs() <= 1e-14 * w.abs().max(1.0));
                if !close {
                    return TestResult::error(format!("wrong entries at C = {c}"));
                }
            }
            TestResult::passed()
        }
        QuickCheck::new()
            .tests(300)
            .quickcheck(prop as fn(u8, u8, Vec<(u8, u8, i8)>, bool) -> TestResult);
    }

    #[test]
    fn the_row_table_is_built_for_a_band_and_not_for_an_arrowhead() {
        let n = 50;
        let tri: Vec<(usize, usize)> = (0..n)
            .flat_map(|i: usize| (i.saturating_sub(1)..(i + 2).min(n)).map(move |j| (i, j)))
            .collect();
        let sj = SparseJacobian::new(JacobianPattern::from_entries(n, n, &tri));
        assert_eq!((sj.by_row.count, sj.by_row.place.len()), (3, 3 * n));
        // one dense column: n colours by columns, a row of n places for one entry
        let mut arrow: Vec<(usize, usize)> = (0..n).map(|i| (i, i)).collect();
        arrow.extend((1..n).map(|j| (0, j)));
        let p = JacobianPattern::from_entries(n, n, &arrow);
        let sj = SparseJacobian::with_direction(p, crate::sparse::Direction::Column);
        assert!(sj.by_row.place.is_empty());
    }

    #[test]
    fn all_finite_sees_every_non_finite_component() {
        let ok: Vec<Dual<f64, 3>> =
            (0..9).map(|i| Dual::new(i as f64 - 4.0, [-0.0, 1e300, -(i as f64)])).collect();
        assert!(all_finite(&ok));
        assert!(all_finite::<f64, 3, true>(&[]));
        // finite terms whose sum overflows: a false alarm (the pass is
        // re-run NaN-safe), never a missed NaN
        let big: Vec<Dual<f64, 1>> = (0..3).map(|_| Dual::new(1.0, [1e308])).collect();
        assert!(!all_finite(&big));
        for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            for lane in 0..4 {
                for at in [0, 4, 8] {
                    let mut v = ok.clone();
                    if lane == 3 {
                        v[at].re = bad;
                    } else {
                        v[at].eps[lane] = bad;
                    }
                    assert!(!all_finite(&v), "{bad} in lane {lane} of element {at}");
                }
            }
        }
    }
}
