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

use super::colour::{self, Colouring};
use super::{JacobianPattern, SparseError, Tracer};
use crate::Dual;

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
/// sparsity can change (a value-dependent branch, a changed closure),
/// detect again; see [`SparseError::OutsidePattern`] for what each
/// evaluation checks.
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
    colouring: Colouring,
    /// The colour of each entry, CSC order.
    entry_colour: Vec<usize>,
    /// Per row, a bit set of the colours its entries have.
    row_colours: ColourSets,
    /// The seeded input and output buffers of the last evaluation, reused.
    scratch: Scratch,
}

impl SparseJacobian {
    /// Prepares the pattern: colours its columns with
    /// [`colour::column_colouring`].
    #[must_use]
    pub fn new(pattern: JacobianPattern) -> Self {
        let colouring = colour::column_colouring(&pattern);
        Self::with_colouring(pattern, colouring)
    }

    /// Prepares the pattern with a colouring of the caller's.
    ///
    /// # Panics
    ///
    /// If `colouring` is not a valid column colouring of `pattern`
    /// ([`colour::is_column_colouring`]).
    #[must_use]
    #[track_caller]
    pub fn with_colouring(pattern: JacobianPattern, colouring: Colouring) -> Self {
        assert!(
            colour::is_column_colouring(&pattern, &colouring),
            "SparseJacobian::with_colouring: two columns sharing a row have the same colour \
             (or the colouring's length is not the number of columns)"
        );
        let c = colouring.colours();
        let (offs, rows) = pattern.csc();
        let mut entry_colour = vec![0; rows.len()];
        for j in 0..pattern.ncols() {
            entry_colour[offs[j]..offs[j + 1]].fill(c[j]);
        }
        let row_colours = ColourSets::new(&pattern, c, colouring.count());
        SparseJacobian {
            row_colours,
            entry_colour,
            pattern,
            colouring,
            scratch: Scratch::default(),
        }
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

    /// The number of colours (compressed columns).
    #[must_use]
    pub fn colours(&self) -> usize {
        self.colouring.count()
    }

    /// The number of evaluations a Jacobian takes with `C` lanes a pass:
    /// `⌈colours / C⌉`, at least 1.
    #[must_use]
    pub fn passes(&self, c: usize) -> usize {
        self.colours().div_ceil(c.max(1)).max(1)
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

    fn to_matrix<T: Float + Scalar>(
        &self,
        x: &[T],
        run: impl FnOnce(&[T], &mut [T], &mut [T]) -> Result<(), SparseError>,
    ) -> Result<(DVector<T>, CscMatrix<T>), SparseError> {
        let mut fx = DVector::zeros(self.pattern.nrows());
        let mut values = vec![T::zero(); self.pattern.nnz()];
        run(x, fx.as_mut_slice(), &mut values)?;
        Ok((fx, csc(&self.pattern, values)))
    }

    /// The pass loop: seed, evaluate, check, decompress.
    fn eval<const C: usize, T: Float + Send + 'static>(
        &self,
        mut eval: impl FnMut(&[Dual<T, C>], &mut Vec<Dual<T, C>>),
        x: &[T],
        fx: &mut [T],
        values: &mut [T],
    ) -> Result<(), SparseError> {
        const { assert!(C > 0, "the number of lanes C must be at least 1") };
        let (m, n, nnz) = (self.pattern.nrows(), self.pattern.ncols(), self.pattern.nnz());
        check_len(SparseError::InputLength { expected: n, got: x.len() })?;
        check_len(SparseError::OutputLength { expected: m, got: fx.len() })?;
        check_len(SparseError::ValuesLength { expected: nnz, got: values.len() })?;
        let mut buffers = self.scratch.take::<Buffers<T, C>>();
        let result = self.passes_into(&mut eval, x, fx, values, &mut buffers);
        self.scratch.put(buffers);
        result
    }

    fn passes_into<const C: usize, T: Float>(
        &self,
        eval: &mut impl FnMut(&[Dual<T, C>], &mut Vec<Dual<T, C>>),
        x: &[T],
        fx: &mut [T],
        values: &mut [T],
        buffers: &mut Buffers<T, C>,
    ) -> Result<(), SparseError> {
        let m = self.pattern.nrows();
        let colour = self.colouring.colours();
        let (_, rows) = self.pattern.csc();
        let Buffers { xd, out, seeded } = buffers;
        for pass in 0..self.passes(C) {
            let lo = pass * C;
            if *seeded == Some(pass) && xd.len() == x.len() {
                // the tangents are this pass's seeds already: new values only
                for (d, &v) in xd.iter_mut().zip(x) {
                    d.re = v;
                }
            } else {
                xd.clear();
                xd.extend(
                    x.iter().zip(colour).map(|(&v, &c)| Dual::new(v, unit(c.wrapping_sub(lo)))),
                );
                *seeded = Some(pass);
            }
            eval(xd, out);
            check_len(SparseError::OutputLength { expected: m, got: out.len() })?;
            if pass == 0 {
                for (f, y) in fx.iter_mut().zip(out.iter()) {
                    *f = y.re;
                }
            }
            self.check_zero_lanes(out, lo)?;
            for ((v, &i), &c) in values.iter_mut().zip(rows).zip(&self.entry_colour) {
                let lane = c.wrapping_sub(lo);
                if lane < C {
                    *v = out[i].eps[lane];
                }
            }
        }
        Ok(())
    }

    /// Every lane `l` of output `i` whose colour `lo + l` has no entry in
    /// row `i` must be exactly zero; a non-zero (or NaN) one is an entry
    /// outside the pattern.
    fn check_zero_lanes<const C: usize, T: Float>(
        &self,
        out: &[Dual<T, C>],
        lo: usize,
    ) -> Result<(), SparseError> {
        match self.row_colours.first_stray(out, lo) {
            Some((i, c)) => Err(self.outside(i, c)),
            None => Ok(()),
        }
    }

    fn outside(&self, row: usize, colour: usize) -> SparseError {
        let c = self.colouring.colours();
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

/// The seeded inputs (and which pass they are seeded for) and the outputs.
struct Buffers<T, const C: usize> {
    xd: Vec<Dual<T, C>>,
    out: Vec<Dual<T, C>>,
    seeded: Option<usize>,
}

impl<T, const C: usize> Default for Buffers<T, C> {
    fn default() -> Self {
        Buffers { xd: Vec::new(), out: Vec::new(), seeded: None }
    }
}

/// One bit set of colours per row: the colours of the row's entries.
#[derive(Clone, Debug)]
pub(crate) struct ColourSets {
    words: usize,
    bits: Vec<u64>,
}

impl ColourSets {
    pub(crate) fn new(p: &JacobianPattern, colour: &[usize], count: usize) -> Self {
        let words = count.div_ceil(64).max(1);
        let mut bits = vec![0u64; words * p.nrows()];
        for i in 0..p.nrows() {
            for &j in p.row(i) {
                bits[i * words + colour[j] / 64] |= 1 << (colour[j] % 64);
            }
        }
        ColourSets { words, bits }
    }

    /// The first (row, colour) where a lane that must be zero is not.
    pub(crate) fn first_stray<const C: usize, T: Float>(
        &self,
        out: &[Dual<T, C>],
        lo: usize,
    ) -> Option<(usize, usize)> {
        if self.words == 1 && C <= 64 {
            // one word per row: the lanes' non-zero mask against the row's
            // colours shifted to this pass
            for (i, y) in out.iter().enumerate() {
                let expected = if lo < 64 { self.bits[i] >> lo } else { 0 };
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
        for (i, y) in out.iter().enumerate() {
            let row = &self.bits[i * self.words..(i + 1) * self.words];
            for (l, e) in y.eps.iter().enumerate() {
                let c = lo + l;
                let expected = row.get(c / 64).is_some_and(|w| w >> (c % 64) & 1 == 1);
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
