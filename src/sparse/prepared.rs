//! [`PreparedHessian`]: a [`SparseHessian`] bound to one function (object or closure),
//! its compressed passes recorded once and then replayed.
//!
//! [`SparseHessian::values_of`] records `f` on `Dual<T, C>` afresh at every
//! pass: a tape of nodes pushed one by one, then swept. Bound to one
//! function, the recording can be compiled once ([`reverse::Prepared`],
//! the prepared gradients' machinery) and each later pass replays the
//! program on new values and new seeds: no recording, batches of one rule
//! each. The replay guard holds as for any prepared gradient: where a
//! recorded comparison comes out differently the pass records afresh
//! (and compiles again, with the prepared gradients' back-off), so the
//! result is always the Hessian of `f` at the given point, and the
//! directional check still catches a pattern that changed with the branch.

use nalgebra::{DVector, Scalar};
use nalgebra_sparse::CscMatrix;
use num_traits::Float;

use super::hessian::{Grad, finite};
use super::jacobian::all_finite;
use super::{SparseError, SparseHessian};
use crate::reverse::{self, Prepared, Var};
use crate::{Dual, Function};

/// A [`SparseHessian`] bound to one [`Function`] object, with `C` lanes:
/// each pass is a replay of a program compiled from the first pass's
/// recording, instead of a fresh recording. Made by
/// [`SparseHessian::prepare_of`].
///
/// The passes run on the checked fast path of
/// [`values_of`](SparseHessian::values_of) (policy-free duals; a pass with
/// a non-finite component is run again by a NaN-safe recording). A replay
/// is refused where a comparison `f` made on its inputs comes out
/// differently or a value it read changed (see
/// [`Compiled`](reverse::Compiled)); that pass records afresh. So every
/// call gives the Hessian of `f` at its point, with the checks of
/// [`values_of`](SparseHessian::values_of). The entries are those of
/// `values_of` up to rounding: a replay sums each adjoint's terms in
/// another order than the tape's sweep (the same terms, within the
/// rounding bound of the sum).
///
/// State `f` keeps outside its inputs (fields read in `eval`, interior
/// mutability) is frozen at the recording, as for
/// [`reverse::prepare_of`]: prepare again after changing it.
///
/// ```
/// use dualnum::Function;
/// use dualnum::sparse::SparseHessian;
/// use dualnum::test_functions::{rosenbrock, rosenbrock_hessian_csc};
/// use num_traits::Float;
///
/// struct Rosenbrock;
/// impl Function for Rosenbrock {
///     fn eval<T: Float>(&self, x: &[T]) -> T {
///         rosenbrock(x)
///     }
/// }
/// let sh = SparseHessian::detect(|x| rosenbrock(x), &[0.5; 40])?;
/// let mut prep = sh.prepare_of::<3, f64, _>(&Rosenbrock);
/// let (mut g, mut h) = (vec![0.0; 40], vec![0.0; sh.pattern().nnz()]);
/// let mut want = vec![0.0; h.len()];
/// for k in 0..4 {
///     let x: Vec<f64> = (0..40).map(|i| 0.1 * (i + k) as f64).collect();
///     prep.values(&x, &mut g, &mut h)?;
///     rosenbrock_hessian_csc(&x, &mut want);
///     assert!(h.iter().zip(&want).all(|(a, b)| (a - b).abs() <= 1e-12 * b.abs().max(1.0)));
/// }
/// assert_eq!((prep.recordings(), prep.replays()), (1, 3));
/// # Ok::<(), dualnum::sparse::SparseError>(())
/// ```
///
/// [`SparseHessian::prepare`] makes the same for a closure on the NaN-safe
/// `Dual<T, C>` (the closure's argument type fixes the policy; there is no
/// fast path to fall back from, and `F` is `()`).
pub struct PreparedHessian<'a, T, const C: usize, const S: bool, F: ?Sized, G> {
    sh: &'a SparseHessian,
    f: &'a F,
    prog: Prepared<Dual<T, C, S>, G>,
}

impl SparseHessian {
    /// Binds this prepared Hessian to the function object `f`, with `C`
    /// lanes: see [`PreparedHessian`]. Nothing is recorded until the
    /// first call.
    #[must_use]
    #[allow(clippy::type_complexity)] // the closure's type, spelled once
    pub fn prepare_of<'a, const C: usize, T, F>(
        &'a self,
        f: &'a F,
    ) -> PreparedHessian<
        'a,
        T,
        C,
        false,
        F,
        impl for<'t> Fn(&[Var<'t, Dual<T, C, false>>]) -> Var<'t, Dual<T, C, false>> + 'a,
    >
    where
        T: Float,
        F: Function + ?Sized,
    {
        PreparedHessian { sh: self, f, prog: reverse::prepare_of(f) }
    }

    /// Binds this prepared Hessian to the closure `f` on NaN-safe
    /// `Dual<T, C>`: [`hessian`](Self::hessian)'s passes, recorded once and
    /// replayed (see [`PreparedHessian`]). Nothing is recorded until the
    /// first call.
    ///
    /// ```
    /// use dualnum::sparse::SparseHessian;
    /// use dualnum::test_functions::rosenbrock;
    ///
    /// let x: Vec<f64> = (0..30).map(|i| 0.1 * i as f64).collect();
    /// let sh = SparseHessian::detect(rosenbrock, &x)?;
    /// let mut prep = sh.prepare::<3, f64, _>(|x| rosenbrock(x));
    /// let (fx, g, h) = prep.hessian(&x)?; // records
    /// let (fx2, g2, h2) = prep.hessian(&x)?; // replays
    /// assert_eq!(fx, fx2);
    /// let close = |a: &[f64], b: &[f64]| a.iter().zip(b).all(|(a, b)| (a - b).abs() <= 1e-12 * b.abs().max(1.0));
    /// assert!(close(g.as_slice(), g2.as_slice()) && close(h.values(), h2.values()));
    /// assert_eq!((prep.recordings(), prep.replays()), (1, 1));
    /// # Ok::<(), dualnum::sparse::SparseError>(())
    /// ```
    #[must_use]
    pub fn prepare<const C: usize, T, G>(&self, f: G) -> PreparedHessian<'_, T, C, true, (), G>
    where
        T: Float,
        G: for<'t> Fn(&[Var<'t, Dual<T, C>>]) -> Var<'t, Dual<T, C>>,
    {
        PreparedHessian { sh: self, f: &(), prog: reverse::prepare(f) }
    }
}

impl<T, const C: usize, F, G> PreparedHessian<'_, T, C, false, F, G>
where
    T: Float + Send + 'static,
    F: Function + ?Sized,
    G: for<'t> Fn(&[Var<'t, Dual<T, C, false>>]) -> Var<'t, Dual<T, C, false>>,
{
    /// [`SparseHessian::values_of`] by replay: the gradient into `grad`,
    /// the entries into `values` (CSC order, both triangles); returns
    /// `f(x)`.
    ///
    /// # Errors
    ///
    /// As [`SparseHessian::values_of`].
    pub fn values(&mut self, x: &[T], grad: &mut [T], values: &mut [T]) -> Result<T, SparseError> {
        let Self { sh, f, prog } = self;
        let check = &sh.check;
        sh.eval::<C, T>(x, grad, values, |w, plan, pass| {
            w.fast.seed(plan, check, x, pass);
            let y = prog.gradient(&w.fast.seeds.xd, &mut w.fast.grad);
            if finite(&y) && all_finite(&w.fast.grad) {
                (Dual { re: y.re, eps: y.eps }, Grad::Fast)
            } else {
                // the rare pass with a non-finite component, NaN-safe
                let y = w.safe.run(plan, check, x, pass, |xs| f.eval(xs));
                (y, Grad::Safe)
            }
        })
    }

    /// [`SparseHessian::hessian_of`] by replay: the value, gradient and
    /// Hessian (CSC, both triangles) at `x`.
    ///
    /// # Errors
    ///
    /// As [`SparseHessian::hessian_of`].
    pub fn hessian(&mut self, x: &[T]) -> Result<(T, DVector<T>, CscMatrix<T>), SparseError>
    where
        T: Scalar,
    {
        let sh = self.sh;
        sh.to_matrix(x, |g, v| self.values(x, g, v))
    }
}

impl<T, const C: usize, G> PreparedHessian<'_, T, C, true, (), G>
where
    T: Float + Send + 'static,
    G: for<'t> Fn(&[Var<'t, Dual<T, C>>]) -> Var<'t, Dual<T, C>>,
{
    /// [`SparseHessian::values`] by replay: the gradient into `grad`, the
    /// entries into `values` (CSC order, both triangles); returns `f(x)`.
    ///
    /// # Errors
    ///
    /// As [`SparseHessian::values`].
    pub fn values(&mut self, x: &[T], grad: &mut [T], values: &mut [T]) -> Result<T, SparseError> {
        let Self { sh, prog, .. } = self;
        let check = &sh.check;
        sh.eval::<C, T>(x, grad, values, |w, plan, pass| {
            w.safe.seed(plan, check, x, pass);
            (prog.gradient(&w.safe.seeds.xd, &mut w.safe.grad), Grad::Safe)
        })
    }

    /// [`SparseHessian::hessian`] by replay: the value, gradient and
    /// Hessian (CSC, both triangles) at `x`.
    ///
    /// # Errors
    ///
    /// As [`SparseHessian::hessian`].
    pub fn hessian(&mut self, x: &[T]) -> Result<(T, DVector<T>, CscMatrix<T>), SparseError>
    where
        T: Scalar,
    {
        let sh = self.sh;
        sh.to_matrix(x, |g, v| self.values(x, g, v))
    }
}

impl<T, const C: usize, const S: bool, F: ?Sized, G> PreparedHessian<'_, T, C, S, F, G> {
    /// The prepared Hessian this one is bound from.
    #[must_use]
    pub fn sparse(&self) -> &SparseHessian {
        self.sh
    }

    /// The number of passes answered by recording `f` (the first, and
    /// those whose replay was refused).
    #[must_use]
    pub fn recordings(&self) -> usize {
        self.prog.recordings()
    }

    /// The number of passes answered by a replay.
    #[must_use]
    pub fn replays(&self) -> usize {
        self.prog.replays()
    }
}
