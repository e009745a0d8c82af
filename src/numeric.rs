//! The numeric baseline: central differences, and a gradient checker that
//! compares any gradient with them.
//!
//! `f'(x) ≈ (f(x + h) − f(x − h)) / 2h`. Taylor expansion gives a
//! truncation error `f'''(x)·h²/6 = O(h²)`; rounding `f` to a relative
//! precision `ε` adds an error of about `ε·|f(x)|/h = O(ε/h)`. The sum is
//! smallest for `h ∝ ε^(1/3)`, where both are `O(ε^(2/3))`: about `4·10⁻¹¹`
//! relative for `f64`, `2·10⁻⁵` for `f32`. So the step for coordinate `i` is
//! [`step`]`(xᵢ) = ε^(1/3)·max(1, |xᵢ|)`, scaled with the coordinate (not
//! the lecture's fixed `10⁻³`), and the difference is divided by the step
//! actually taken, `(xᵢ + h) − (xᵢ − h)`, which is exact in floating point.
//!
//! Each derivative costs two evaluations: `2n` for a gradient or Jacobian
//! with `n` inputs (plus one for the value, returned first as by every
//! driver), against `⌈n / C⌉` for [`chunked`](crate::chunked) and an exact
//! result.
//!
//! ```
//! use dualnum::{numeric, test_functions::{rosenbrock, rosenbrock_gradient}};
//!
//! let x = [1.2f64, 0.9, -0.4];
//! let (_, g) = numeric::gradient(|x| rosenbrock(x), &x);
//! let mut exact = [0.0; 3];
//! rosenbrock_gradient(&x, &mut exact);
//! let report = numeric::check_gradient(|x| rosenbrock(x), &x, &exact);
//! assert!(report.passes(1e-7), "{report}");
//! assert!((g[0] - exact[0]).abs() < 1e-7 * exact[0].abs());
//! ```

use core::fmt;

use nalgebra::{DMatrix, DVector, Scalar};
use num_traits::Float;

use crate::outputs::Outputs;
use crate::{Function, VectorFunction};

/// The central-difference step for a coordinate of size `x`:
/// `h = ε^(1/3)·max(1, |x|)`, `ε` the machine epsilon of `T`.
///
/// Balances the `O(h²)` truncation error against the `O(ε/h)` rounding
/// error (see the [module docs](self)).
///
/// ```
/// let h = dualnum::numeric::step(1000.0f64);
/// assert!((h - 1000.0 * f64::EPSILON.cbrt()).abs() < 1e-12);
/// ```
#[inline]
#[must_use]
pub fn step<T: Float>(x: T) -> T {
    T::epsilon().cbrt() * x.abs().max(T::one())
}

/// The value `f(x)` and the central difference
/// `(f(x + h) − f(x − h)) / ((x + h) − (x − h))` with a given step `h`.
/// Error `O(h²) + O(ε/h)`; [`derivative`] picks `h`. Three evaluations.
///
/// ```
/// let (fx, d) = dualnum::numeric::derivative_with_step(f64::sin, 1.0, 1e-3);
/// assert_eq!(fx, 1.0f64.sin());
/// assert!((d - 1.0f64.cos()).abs() < 1e-6);
/// ```
#[inline]
#[must_use]
pub fn derivative_with_step<T: Float>(f: impl Fn(T) -> T, x: T, h: T) -> (T, T) {
    let (xp, xm) = (x + h, x - h);
    (f(x), (f(xp) - f(xm)) / (xp - xm))
}

/// The value `f(x)` and the central-difference derivative of `f: R → R` at
/// `x` with the step [`step`]`(x)`; error `O(ε^(2/3))`.
///
/// ```
/// use num_traits::Float;
/// let (fx, d) = dualnum::numeric::derivative(|x: f64| x.exp(), 0.5);
/// assert_eq!(fx, 0.5f64.exp());
/// assert!((d - 0.5f64.exp()).abs() < 1e-9);
/// ```
#[inline]
#[must_use]
pub fn derivative<T: Float>(f: impl Fn(T) -> T, x: T) -> (T, T) {
    derivative_with_step(f, x, step(x))
}

/// The value `f(x)` and the central-difference gradient of `f: R^n → R` at
/// `x`: `2n + 1` evaluations of `f`, coordinate `i` with step
/// [`step`]`(xᵢ)`.
///
/// ```
/// let (fx, g) = dualnum::numeric::gradient(|x| x[0] * x[1], &[2.0f64, 3.0]);
/// assert_eq!(fx, 6.0);
/// assert!((g[0] - 3.0).abs() < 1e-9 && (g[1] - 2.0).abs() < 1e-9);
/// ```
#[must_use]
pub fn gradient<T: Float + Scalar>(f: impl FnMut(&[T]) -> T, x: &[T]) -> (T, DVector<T>) {
    let mut g = DVector::zeros(x.len());
    let fx = gradient_into(f, x, g.as_mut_slice());
    (fx, g)
}

/// [`gradient`] writing the gradient into `grad`; returns `f(x)`. Allocates
/// one copy of `x`.
///
/// # Panics
///
/// If `grad.len() != x.len()`.
///
/// ```
/// let mut g = [0.0; 2];
/// let fx = dualnum::numeric::gradient_into(|x| x[0] * x[1], &[2.0f64, 3.0], &mut g);
/// assert_eq!(fx, 6.0);
/// assert!((g[0] - 3.0).abs() < 1e-9 && (g[1] - 2.0).abs() < 1e-9);
/// ```
#[track_caller]
pub fn gradient_into<T: Float>(mut f: impl FnMut(&[T]) -> T, x: &[T], grad: &mut [T]) -> T {
    check_into("numeric::gradient_into", "grad", grad.len(), x.len());
    fill_gradient(&mut f, x, grad);
    f(x)
}

/// The central differences of `f` in every coordinate, `2n` evaluations.
fn fill_gradient<T: Float>(f: &mut impl FnMut(&[T]) -> T, x: &[T], grad: &mut [T]) {
    let mut xs = x.to_vec();
    for (i, g) in grad.iter_mut().enumerate() {
        let (fp, fm, width) = probe(f, &mut xs, i);
        *g = (fp - fm) / width;
    }
}

/// Evaluates `f` at `x + h·eᵢ` and `x − h·eᵢ` with `h = step(xᵢ)`, restoring
/// `xs[i]` afterwards; returns both results and the step actually taken,
/// `(xᵢ + h) − (xᵢ − h)` (exact in floating point, unlike `2h`).
fn probe<T: Float, R>(f: &mut impl FnMut(&[T]) -> R, xs: &mut [T], i: usize) -> (R, R, T) {
    let xi = xs[i];
    let h = step(xi);
    let (xp, xm) = (xi + h, xi - h);
    xs[i] = xp;
    let fp = f(xs);
    xs[i] = xm;
    let fm = f(xs);
    xs[i] = xi;
    (fp, fm, xp - xm)
}

/// The values `F(x)` and the central-difference `m × n` Jacobian of
/// `F: R^n → R^m` at `x`, `2n + 1` evaluations; `m` is the length of
/// `F(x)`. The closure may return an array, a `Vec` or an nalgebra vector
/// (see [`Outputs`]).
///
/// # Panics
///
/// If two evaluations return different numbers of outputs; the message
/// names both lengths.
///
/// ```
/// let (fx, j) = dualnum::numeric::jacobian(|x| [x[0] * x[1], x[0] - x[1]], &[2.0, 3.0]);
/// assert_eq!(fx.as_slice(), &[6.0, -1.0]);
/// assert!((j - nalgebra::dmatrix![3.0, 2.0; 1.0, -1.0]).amax() < 1e-9);
/// ```
#[must_use]
#[track_caller]
pub fn jacobian<T, O>(mut f: impl FnMut(&[T]) -> O, x: &[T]) -> (DVector<T>, DMatrix<T>)
where
    T: Float + Scalar,
    O: Outputs<T>,
{
    let fx = DVector::from_column_slice(f(x).as_outputs());
    let m = fx.len();
    let mut jac = DMatrix::zeros(m, x.len());
    let mut xs = x.to_vec();
    for i in 0..x.len() {
        let (fp, fm, width) = probe(&mut f, &mut xs, i);
        let (fp, fm) = (fp.as_outputs(), fm.as_outputs());
        for len in [fp.len(), fm.len()] {
            assert!(
                len == m,
                "numeric::jacobian: the function returned {m} outputs on its first evaluation \
                 but {len} on a later one; the number of outputs must not depend on the input"
            );
        }
        for (r, (&a, &b)) in fp.iter().zip(fm).enumerate() {
            jac[(r, i)] = (a - b) / width;
        }
    }
    (fx, jac)
}

/// The values and central-difference Jacobian of a map written in place,
/// `f(x, out)` with `out.len() == m`: the shape of the maps in
/// [`test_functions`](crate::test_functions).
///
/// ```
/// use dualnum::test_functions::broyden_tridiagonal as b;
/// let (fx, j) = dualnum::numeric::jacobian_inplace(|x, out| b(x, out), &[0.5, 1.0], 2);
/// assert_eq!(fx.len(), 2);
/// assert!((j - nalgebra::dmatrix![1.0, -2.0; -1.0, -1.0]).amax() < 1e-9);
/// ```
#[must_use]
pub fn jacobian_inplace<T: Float + Scalar>(
    f: impl FnMut(&[T], &mut [T]),
    x: &[T],
    m: usize,
) -> (DVector<T>, DMatrix<T>) {
    let mut fx = DVector::zeros(m);
    let mut jac = DMatrix::zeros(m, x.len());
    jacobian_into(f, x, fx.as_mut_slice(), jac.as_mut_slice());
    (fx, jac)
}

/// [`jacobian_inplace`] writing `F(x)` into `fx` (length `m`) and the
/// Jacobian into `jac`, column-major (`jac[i + m·j] = ∂Fᵢ/∂xⱼ`, the layout
/// of `DMatrix::as_mut_slice`). Allocates one copy of `x` and two output
/// buffers of length `m`.
///
/// # Panics
///
/// If `jac.len() != fx.len() · x.len()`.
///
/// ```
/// use dualnum::test_functions::broyden_tridiagonal as b;
/// let (mut fx, mut jac) = ([0.0f64; 2], [0.0; 4]);
/// dualnum::numeric::jacobian_into(|x, out| b(x, out), &[0.5, 1.0], &mut fx, &mut jac);
/// assert!((jac[2] + 2.0).abs() < 1e-9); // column-major: J₀₁
/// ```
#[track_caller]
pub fn jacobian_into<T: Float>(
    mut f: impl FnMut(&[T], &mut [T]),
    x: &[T],
    fx: &mut [T],
    jac: &mut [T],
) {
    let (m, n) = (fx.len(), x.len());
    check_into("numeric::jacobian_into", "jac", jac.len(), m * n);
    f(x, fx);
    let (mut fp, mut fm) = (alloc::vec![T::zero(); m], alloc::vec![T::zero(); m]);
    let mut xs = x.to_vec();
    for i in 0..n {
        let xi = xs[i];
        let h = step(xi);
        let (xp, xm) = (xi + h, xi - h);
        xs[i] = xp;
        f(&xs, &mut fp);
        xs[i] = xm;
        f(&xs, &mut fm);
        xs[i] = xi;
        let width = xp - xm;
        for (r, (&a, &b)) in fp.iter().zip(&fm).enumerate() {
            jac[r + m * i] = (a - b) / width;
        }
    }
}

/// [`gradient`] for a [`Function`] object.
///
/// ```
/// use dualnum::{Function, numeric, test_functions::rosenbrock};
/// use num_traits::Float;
///
/// struct Rosenbrock;
/// impl Function for Rosenbrock {
///     fn eval<T: Float>(&self, x: &[T]) -> T {
///         rosenbrock(x)
///     }
/// }
/// let x = [1.2, 0.9];
/// assert_eq!(numeric::gradient_of(&Rosenbrock, &x), numeric::gradient(rosenbrock, &x));
/// ```
#[inline]
#[must_use]
pub fn gradient_of<T, F>(f: &F, x: &[T]) -> (T, DVector<T>)
where
    T: Float + Scalar,
    F: Function + ?Sized,
{
    gradient(|x| f.eval(x), x)
}

/// [`jacobian_inplace`] for a [`VectorFunction`] object, with
/// `m = f.outputs(x.len())`.
///
/// ```
/// use dualnum::{VectorFunction, numeric, test_functions::broyden_tridiagonal};
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
/// assert_eq!(numeric::jacobian_of(&Broyden, &x), numeric::jacobian_inplace(broyden_tridiagonal, &x, 3));
/// ```
#[inline]
#[must_use]
pub fn jacobian_of<T, F>(f: &F, x: &[T]) -> (DVector<T>, DMatrix<T>)
where
    T: Float + Scalar,
    F: VectorFunction + ?Sized,
{
    jacobian_inplace(|x, out| f.eval(x, out), x, f.outputs(x.len()))
}

/// The length check of an `_into` driver's output slice.
#[track_caller]
pub(crate) fn check_into(who: &str, what: &str, len: usize, want: usize) {
    assert!(
        len == want,
        "{who}: `{what}` has length {len} but the result needs {want}; \
         allocate it with the input's (and output's) dimensions"
    );
}

/// Compares a gradient with central differences, component by component,
/// and reports the worst one.
///
/// The worst component is the one with the largest scaled error
/// `|g − d| / max(1, |d|)` (relative for large components, absolute near
/// zero, where a relative error of central differences means nothing).
/// With `n = 0` the report is all zeros and passes.
///
/// # Panics
///
/// If `grad.len() != x.len()`; the message names both lengths.
///
/// ```
/// use dualnum::numeric;
///
/// let f = |x: &[f64]| x[0] * x[0] * x[1];
/// let good = numeric::check_gradient(f, &[3.0, 2.0], &[12.0, 9.0]);
/// assert!(good.passes(1e-8));
/// let bad = numeric::check_gradient(f, &[3.0, 2.0], &[12.0, 6.0]);
/// assert_eq!(bad.index, 1);
/// assert!(!bad.passes(1e-3));
/// println!("{bad}");
/// ```
#[must_use]
#[track_caller]
pub fn check_gradient<T: Float + Scalar>(
    f: impl FnMut(&[T]) -> T,
    x: &[T],
    grad: &[T],
) -> GradientCheck<T> {
    assert!(
        grad.len() == x.len(),
        "numeric::check_gradient: the gradient has {} components but x has {}; \
         pass one partial derivative per input",
        grad.len(),
        x.len()
    );
    let mut f = f;
    let mut numeric = alloc::vec![T::zero(); x.len()];
    fill_gradient(&mut f, x, &mut numeric);
    let z = T::zero();
    let mut worst = GradientCheck {
        index: 0,
        len: x.len(),
        analytic: z,
        numeric: z,
        abs_error: z,
        rel_error: z,
        scaled_error: z,
    };
    for (i, (&a, &d)) in grad.iter().zip(numeric.iter()).enumerate() {
        let abs = (a - d).abs();
        let scaled = abs / d.abs().max(T::one());
        // a NaN is the worst of all: report it and stop
        if i == 0 || scaled > worst.scaled_error || scaled.is_nan() {
            let big = a.abs().max(d.abs());
            let rel = if big > z { abs / big } else { z };
            worst = GradientCheck {
                index: i,
                analytic: a,
                numeric: d,
                abs_error: abs,
                rel_error: rel,
                scaled_error: scaled,
                ..worst
            };
            if scaled.is_nan() {
                break;
            }
        }
    }
    worst
}

/// The report of [`check_gradient`]: its worst component.
///
/// `Display` prints one line for people; the fields are for tests.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GradientCheck<T> {
    /// Index of the worst component.
    pub index: usize,
    /// Number of components compared.
    pub len: usize,
    /// The gradient under test at `index`.
    pub analytic: T,
    /// The central difference at `index`.
    pub numeric: T,
    /// `|analytic − numeric|`.
    pub abs_error: T,
    /// `|analytic − numeric| / max(|analytic|, |numeric|)` (0 if both are 0).
    pub rel_error: T,
    /// `|analytic − numeric| / max(1, |numeric|)`: the measure that picks
    /// the worst component and that [`passes`](Self::passes) tests.
    pub scaled_error: T,
}

impl<T: Float> GradientCheck<T> {
    /// True when the worst scaled error is at most `tol` (and not NaN).
    ///
    /// Central differences are good to about `ε^(2/3)` relative (`4·10⁻¹¹`
    /// for `f64`) times the size of `f'''`; `1e-6` is a safe tolerance for
    /// well-scaled `f64` functions, `1e-2` for `f32`.
    #[inline]
    #[must_use]
    pub fn passes(&self, tol: T) -> bool {
        self.scaled_error <= tol
    }
}

impl<T: fmt::Display + fmt::LowerExp> fmt::Display for GradientCheck<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "gradient check over {} components: worst is [{}]: analytic {}, central difference {}, \
             abs error {:.2e}, rel error {:.2e}",
            self.len, self.index, self.analytic, self.numeric, self.abs_error, self.rel_error
        )
    }
}
