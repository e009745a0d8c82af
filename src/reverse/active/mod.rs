//! Reverse mode on a thread-local tape: [`Active<T>`], a reverse-mode
//! variable that is an nalgebra scalar, so `determinant`, `try_inverse`,
//! `lu`, `cholesky`, norms and the rest of nalgebra's real-field algebra
//! are recorded and differentiated in one backward sweep.
//!
//! ```
//! use dualnum::reverse::active;
//! use nalgebra::DMatrix;
//!
//! // ∇ det(A) = det(A)·A⁻ᵀ, for the 3×3 matrix A whose entries are x.
//! let x = [4.0f64, 1.0, 0.5, 1.0, 3.0, 0.2, 0.5, 0.2, 2.0];
//! let (det, g) = active::gradient(|x| DMatrix::from_column_slice(3, 3, x).determinant(), &x);
//! let a = DMatrix::from_column_slice(3, 3, &x);
//! let expected = a.clone().try_inverse().unwrap().transpose() * a.determinant();
//! assert_eq!(det, a.determinant());
//! for (g, e) in g.iter().zip(expected.iter()) {
//!     assert!((g - e).abs() < 1e-12);
//! }
//! ```
//!
//! ## Why a second reverse variable
//!
//! [`Var<'t, T>`](super::Var) borrows its [`Tape`](super::Tape), so it
//! cannot outlive it and needs no run-time check; but nalgebra's `Scalar`
//! wants `'static`, and simba's `ComplexField` wants `Send + Sync`, which a
//! borrowing handle cannot be. `Active<T>` holds no reference: its value,
//! the index of its node, and the number of the recording it belongs to
//! (24 bytes for `f64`). Operations append to a tape kept in thread-local
//! storage, one per scalar type (`f32` and `f64`, the sealed
//! [`ActiveScalar`]), the same [`Tape`](super::Tape), nodes and rule table
//! as `Var`'s, so both reverse variables and forward mode share every
//! derivative rule.
//!
//! Use `Var` for scalar code (it is checked at compile time and can be
//! replayed with [`compile`](super::compile)), `Active` where the code needs
//! an nalgebra scalar; forward mode ([`Dual`](crate::Dual)) is the other
//! choice for matrix functions of few inputs.
//!
//! ## Drivers
//!
//! As [`reverse`](super)'s, with the same shapes: [`gradient`] (value and
//! gradient), [`vjp`] and [`jacobian`] for `Rⁿ → Rᵐ` (the closure returns
//! any [`Outputs`]: `Vec`, `DVector`, an array, …), the twins writing into
//! slices ([`gradient_into`], [`vjp_into`], [`jacobian_into`]) and those
//! taking a [`Function`]/[`VectorFunction`] ([`gradient_of`],
//! [`jacobian_of`]).
//! Each starts a recording on this thread, runs the closure once, sweeps,
//! and clears the tape keeping its memory, so a loop of driver calls
//! stops allocating tape nodes once the tape has grown to the function's
//! size. Because the closure's argument is a plain slice of `'static`
//! values, a function item works too (`active::gradient(my_fn, &x)` for
//! `fn my_fn<T: RealField>(x: &[T]) -> T`).
//!
//! ## Costs
//!
//! Every recorded operation is `Var`'s (evaluate the rule, append one
//! 32-byte node) plus a thread-local access and a comparison of
//! generations; the backward sweep is the tape's. Rosenbrock's gradient at
//! n = 1,000 (7,999 recorded operations) costs 610k instructions against
//! 547k for `Var` on a reused [`Tape`](super::Tape) (`Tape::gradient`;
//! callgrind): 1.11 times, the recording alone 1.3 times (about 8
//! instructions more per operation). Timed (best of 7 rounds on a loaded
//! 2-core machine, not the interleaved harness), whole gradients of
//! Rosenbrock and `exp_sin_ln` at n = 10 and 1,000 took 1.05–1.25 times
//! `Var`'s. Comparisons and predicates are not recorded (an `Active`
//! recording is not replayed). Each thread keeps its tapes' memory until
//! it exits.
//!
//! ## Panics
//!
//! A variable is valid inside the closure given to the driver that made
//! it, on that driver's thread. An operation panics, naming both
//! recordings, if a variable operand
//!
//! - was kept from an earlier driver call (its recording has ended),
//! - was sent to another thread, or
//! - is used after its driver returned, outside any recording.
//!
//! A driver called inside another driver's closure on the same thread (for
//! the same scalar type) panics: nested `Active` recordings are not
//! supported; use [`reverse::gradient`](super::gradient) (a tape of its own)
//! or forward mode for an inner derivative. A panic inside the closure ends
//! the recording cleanly, so a caught panic leaves the thread able to record
//! again. Values ([`Active::value`]), comparisons and formatting never
//! panic.
//!
//! ## Semantics
//!
//! As `Var`'s (see [`reverse`](super)): values bit-for-bit those of `T`,
//! constants carry no node, a NaN-safe backward sweep, comparisons look at
//! values, and user-defined blocks ([`crate::block`]) are recorded as one
//! node each. As for `Dual`, `Zero::is_zero` is structural (a constant zero),
//! so a matrix of variables that is exactly singular in value passes
//! nalgebra's singularity tests and gives infinite entries where `f64`
//! gives `None`.

mod block;
mod field;
mod float;
mod inherent;
mod local;
mod num;
mod ops;
mod simba;
mod var;

use alloc::vec::Vec;

use nalgebra::{DMatrix, DVector};
use num_traits::Zero;

use crate::outputs::Outputs;
use crate::{Function, VectorFunction};

pub use local::ActiveScalar;
use local::Session;
pub use var::Active;

/// The value and gradient of `f: Rⁿ → R` at `x`, by one recording on this
/// thread's tape and one backward sweep.
///
/// ```
/// use dualnum::reverse::active;
/// use dualnum::test_functions::{rosenbrock, rosenbrock_gradient};
///
/// let x = [1.2, 1.0, 0.8];
/// let (fx, g) = active::gradient(rosenbrock, &x); // a generic fn item works: no lifetime
/// let mut expected = [0.0f64; 3];
/// rosenbrock_gradient(&x, &mut expected);
/// assert_eq!(fx, rosenbrock(&x));
/// for i in 0..3 {
///     assert!((g[i] - expected[i]).abs() < 1e-12);
/// }
/// ```
///
/// # Panics
///
/// If a recording for `T` is already running on this thread (a driver
/// called inside a driver's closure), or `f` uses or returns a variable of
/// another recording (see [`Active`]).
#[must_use]
#[track_caller]
pub fn gradient<T, F>(f: F, x: &[T]) -> (T, DVector<T>)
where
    T: ActiveScalar,
    F: FnOnce(&[Active<T>]) -> Active<T>,
{
    let mut g = DVector::from_element(x.len(), T::zero());
    let fx = gradient_into(f, x, g.as_mut_slice());
    (fx, g)
}

/// [`gradient`] writing the gradient into `grad`; returns the value. Once
/// the thread's tape has grown to the function's size, a loop of calls
/// allocates only the input list.
///
/// ```
/// use dualnum::reverse::active;
///
/// let mut g = [0.0; 2];
/// let fx = active::gradient_into(|x| x[0] * x[1].sin(), &[2.0, 0.0], &mut g);
/// assert_eq!((fx, g), (0.0, [0.0, 2.0]));
/// ```
///
/// # Panics
///
/// If `grad.len() != x.len()`, and as [`gradient`].
#[track_caller]
pub fn gradient_into<T, F>(f: F, x: &[T], grad: &mut [T]) -> T
where
    T: ActiveScalar,
    F: FnOnce(&[Active<T>]) -> Active<T>,
{
    crate::numeric::check_into("reverse::active::gradient_into", "grad", grad.len(), x.len());
    let session = Session::<T>::begin("reverse::active::gradient");
    let xs = session.inputs(x);
    let y = f(&xs);
    session.check_output(&y);
    session.sweep(&[(y.idx, T::one())], |adj| {
        // The inputs were recorded first, as nodes 1..=n.
        for (i, g) in grad.iter_mut().enumerate() {
            *g = adj.get(i + 1).copied().unwrap_or_else(T::zero);
        }
    });
    y.val
}

/// The values `F(x)` and the vector-Jacobian product `wᵀ·J(x)` of
/// `F: Rⁿ → Rᵐ`, by one recording and one backward sweep seeded with `w`.
///
/// ```
/// use dualnum::reverse::active;
/// use num_traits::Float;
///
/// // F(x, y) = (x·y, sin x): wᵀJ = w₀·(y, x) + w₁·(cos x, 0)
/// let (fx, wj) = active::vjp(|v| vec![v[0] * v[1], v[0].sin()], &[2.0, 3.0], &[1.0, 2.0]);
/// assert_eq!(fx.as_slice(), &[6.0, 2.0f64.sin()]);
/// assert_eq!(wj.as_slice(), &[3.0 + 2.0 * 2.0f64.cos(), 2.0]);
/// ```
///
/// # Panics
///
/// If `w.len()` differs from the number of outputs, and as [`gradient`].
#[must_use]
#[track_caller]
pub fn vjp<T, F, O>(f: F, x: &[T], w: &[T]) -> (DVector<T>, DVector<T>)
where
    T: ActiveScalar,
    F: FnOnce(&[Active<T>]) -> O,
    O: Outputs<Active<T>>,
{
    let session = Session::<T>::begin("reverse::active::vjp");
    let xs = session.inputs(x);
    let out = f(&xs);
    let ys = out.as_outputs();
    let mut fx = DVector::from_element(ys.len(), T::zero());
    let mut wj = DVector::from_element(x.len(), T::zero());
    weighted_sweep(&session, ys, w, fx.as_mut_slice(), wj.as_mut_slice(), "reverse::active::vjp");
    (fx, wj)
}

/// [`vjp`] for a map written in place, `f(x, out)` with
/// `out.len() == fx.len()`, writing `F(x)` into `fx` and `wᵀJ` into `wj`.
///
/// ```
/// use dualnum::reverse::active;
/// use num_traits::Float;
///
/// let (mut fx, mut wj) = ([0.0; 2], [0.0; 2]);
/// active::vjp_into(
///     |v, out| {
///         out[0] = v[0] * v[1];
///         out[1] = v[0].sin();
///     },
///     &[2.0, 3.0],
///     &[1.0, 2.0],
///     &mut fx,
///     &mut wj,
/// );
/// assert_eq!(wj, [3.0 + 2.0 * 2.0f64.cos(), 2.0]);
/// ```
///
/// # Panics
///
/// If `w.len() != fx.len()` or `wj.len() != x.len()`, and as [`gradient`].
#[track_caller]
pub fn vjp_into<T, F>(f: F, x: &[T], w: &[T], fx: &mut [T], wj: &mut [T])
where
    T: ActiveScalar,
    F: FnOnce(&[Active<T>], &mut [Active<T>]),
{
    crate::numeric::check_into("reverse::active::vjp_into", "wj", wj.len(), x.len());
    let session = Session::<T>::begin("reverse::active::vjp_into");
    let xs = session.inputs(x);
    let mut ys = alloc::vec![Active::zero(); fx.len()];
    f(&xs, &mut ys);
    weighted_sweep(&session, &ys, w, fx, wj, "reverse::active::vjp_into");
}

/// The values `F(x)` and the `m × n` Jacobian of `F: Rⁿ → Rᵐ`, by one
/// recording and `m` backward sweeps over it (one row each).
///
/// The closure may return a `Vec`, a `DVector`, an array or a boxed slice
/// of [`Active`] ([`Outputs`]).
///
/// ```
/// use dualnum::reverse::{Active, active};
/// use nalgebra::{DMatrix, DVector};
///
/// // F(x) = M·x + x∘x with M constant: J = M + 2·diag(x).
/// let m = DMatrix::from_row_slice(3, 3, &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.5]);
/// let mc = m.map(Active::constant);
/// let x = [1.0, 0.0, -1.0];
/// let (fx, j) = active::jacobian(
///     |x| {
///         let x = DVector::from_column_slice(x);
///         &mc * &x + x.component_mul(&x)
///     },
///     &x,
/// );
/// assert_eq!(fx.as_slice(), &[-1.0, -2.0, -1.5]);
/// assert_eq!(j, m + DMatrix::from_diagonal(&DVector::from_column_slice(&x)) * 2.0);
/// ```
///
/// # Panics
///
/// As [`gradient`].
#[must_use]
#[track_caller]
pub fn jacobian<T, F, O>(f: F, x: &[T]) -> (DVector<T>, DMatrix<T>)
where
    T: ActiveScalar,
    F: FnOnce(&[Active<T>]) -> O,
    O: Outputs<Active<T>>,
{
    let session = Session::<T>::begin("reverse::active::jacobian");
    let xs = session.inputs(x);
    let out = f(&xs);
    let ys = out.as_outputs();
    let mut fx = DVector::from_element(ys.len(), T::zero());
    let mut jac = DMatrix::from_element(ys.len(), x.len(), T::zero());
    rows(&session, x.len(), ys, fx.as_mut_slice(), jac.as_mut_slice());
    (fx, jac)
}

/// [`jacobian`] for a map written in place, `f(x, out)` with
/// `out.len() == fx.len() = m`, writing `F(x)` into `fx` and the `m × n`
/// Jacobian into `jac`, column-major (`jac[i + m·j] = ∂Fᵢ/∂xⱼ`).
///
/// ```
/// use dualnum::reverse::active;
///
/// let (mut fx, mut jac) = ([0.0; 2], [0.0; 4]);
/// active::jacobian_into(
///     |v, out| {
///         out[0] = v[0] * v[1];
///         out[1] = v[0] - v[1];
///     },
///     &[2.0, 3.0],
///     &mut fx,
///     &mut jac,
/// );
/// assert_eq!((fx, jac), ([6.0, -1.0], [3.0, 1.0, 2.0, -1.0]));
/// ```
///
/// # Panics
///
/// If `jac.len() != m·n`, and as [`gradient`].
#[track_caller]
pub fn jacobian_into<T, F>(f: F, x: &[T], fx: &mut [T], jac: &mut [T])
where
    T: ActiveScalar,
    F: FnOnce(&[Active<T>], &mut [Active<T>]),
{
    let m = fx.len();
    crate::numeric::check_into("reverse::active::jacobian_into", "jac", jac.len(), m * x.len());
    let session = Session::<T>::begin("reverse::active::jacobian_into");
    let xs = session.inputs(x);
    let mut ys = alloc::vec![Active::zero(); m];
    f(&xs, &mut ys);
    rows(&session, x.len(), &ys, fx, jac);
}

/// [`gradient`] for a [`Function`] object.
///
/// ```
/// use dualnum::{Function, reverse::active, test_functions::rosenbrock};
/// use num_traits::Float;
///
/// struct Rosenbrock;
/// impl Function for Rosenbrock {
///     fn eval<T: Float>(&self, x: &[T]) -> T {
///         rosenbrock(x)
///     }
/// }
/// let x = [1.2, 1.0, 0.8];
/// assert_eq!(active::gradient_of(&Rosenbrock, &x), dualnum::reverse::gradient_of(&Rosenbrock, &x));
/// ```
///
/// # Panics
///
/// As [`gradient`].
#[must_use]
#[track_caller]
pub fn gradient_of<T, F>(f: &F, x: &[T]) -> (T, DVector<T>)
where
    T: ActiveScalar,
    F: Function + ?Sized,
{
    gradient(|x| f.eval(x), x)
}

/// [`jacobian`] for a [`VectorFunction`] object.
///
/// ```
/// use dualnum::{VectorFunction, reverse::active, test_functions::broyden_tridiagonal};
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
/// let x = [0.5, 1.0, -0.5];
/// assert_eq!(active::jacobian_of(&Broyden, &x), dualnum::reverse::jacobian_of(&Broyden, &x));
/// ```
///
/// # Panics
///
/// As [`gradient`].
#[must_use]
#[track_caller]
pub fn jacobian_of<T, F>(f: &F, x: &[T]) -> (DVector<T>, DMatrix<T>)
where
    T: ActiveScalar,
    F: VectorFunction + ?Sized,
{
    let m = f.outputs(x.len());
    jacobian(
        |v| {
            let mut out = alloc::vec![Active::zero(); m];
            f.eval(v, &mut out);
            out
        },
        x,
    )
}

/// Writes the outputs' values into `fx` and, by one backward sweep per
/// output, the Jacobian's rows into `jac` (column-major, `m × n`).
#[track_caller]
fn rows<T: ActiveScalar>(
    session: &Session<T>,
    n: usize,
    ys: &[Active<T>],
    fx: &mut [T],
    jac: &mut [T],
) {
    let m = ys.len();
    for (i, y) in ys.iter().enumerate() {
        session.check_output(y);
        fx[i] = y.val;
        session.sweep(&[(y.idx, T::one())], |adj| {
            for j in 0..n {
                jac[i + m * j] = adj.get(j + 1).copied().unwrap_or_else(T::zero);
            }
        });
    }
}

/// Writes the outputs' values into `fx` and, by one backward sweep seeded
/// with `w`, `wᵀJ` into `wj`.
#[track_caller]
fn weighted_sweep<T: ActiveScalar>(
    session: &Session<T>,
    ys: &[Active<T>],
    w: &[T],
    fx: &mut [T],
    wj: &mut [T],
    who: &str,
) {
    assert_eq!(
        w.len(),
        ys.len(),
        "{who}: the function has {} outputs but w has length {}",
        ys.len(),
        w.len()
    );
    let mut seeds = Vec::with_capacity(ys.len());
    for ((y, &wi), v) in ys.iter().zip(w).zip(fx.iter_mut()) {
        session.check_output(y);
        *v = y.val;
        seeds.push((y.idx, wi));
    }
    session.sweep(&seeds, |adj| {
        for (j, g) in wj.iter_mut().enumerate() {
            *g = adj.get(j + 1).copied().unwrap_or_else(T::zero);
        }
    });
}
