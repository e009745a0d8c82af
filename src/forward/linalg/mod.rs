//! Duals as nalgebra scalars: differentiate through linear algebra.
//!
//! `Dual<T, N>` implements simba's `SimdValue`, `Field`, `ComplexField` and
//! `RealField` (for `T: RealField + Float`, so `f32`, `f64` and nested duals
//! such as `Dual<Dual<f64, 2>, 2>`), and the inclusions `f32, f64 ⊂ Dual`
//! behind `nalgebra::convert` and `Matrix::cast`. Every method forwards to
//! the `num_traits::Float` method of the same meaning, which applies the rule
//! of [`rules`](crate::rules): no derivative is written twice.
//!
//! A matrix of duals therefore goes through everything nalgebra offers for
//! real fields, and its tangents come out as the directional derivatives of
//! the result. Let the drivers seed (`dualnum::gradient(|x| x.norm(), &x)`,
//! `dualnum::jacobian(|x| a * x, &x)`), seed by hand with [`variables`] (one
//! lane per input), or put a perturbation `dA` in the tangent of
//! `Dual<f64, 1>` entries; lift constant data with [`constants`].
//!
//! ```
//! use dualnum::{Dual, linalg};
//! use nalgebra::{Matrix2, Vector2};
//!
//! // d/dt det(A + tB) at t = 0 is det(A)·tr(A⁻¹B).
//! let a = Matrix2::<f64>::new(2.0, 1.0, 0.5, 3.0);
//! let b = Matrix2::new(0.1, -0.2, 0.3, 0.4);
//! let at = a.zip_map(&b, |a, b| Dual::new(a, [b]));
//! let det = at.determinant();
//! let expected = a.determinant() * (a.try_inverse().unwrap() * b).trace();
//! assert!((det.partial(0) - expected).abs() < 1e-14);
//!
//! // The gradient of ‖x‖ is x/‖x‖.
//! let x = linalg::variables(&Vector2::new(3.0f64, 4.0));
//! let n = x.norm();
//! assert_eq!(n.value(), 5.0);
//! assert!((n.partial(0) - 0.6).abs() < 1e-15 && (n.partial(1) - 0.8).abs() < 1e-15);
//!
//! // The same through a driver, and a Jacobian with a lifted constant matrix:
//! // F(x) = A·x + x∘x has J = A + 2·diag(x).
//! let (_, g) = dualnum::gradient(|x| x.norm(), &Vector2::new(3.0f64, 4.0));
//! assert!((g[0] - 0.6).abs() < 1e-15 && (g[1] - 0.8).abs() < 1e-15);
//! let ad = linalg::constants(&a);
//! let x = Vector2::new(0.5, -1.0);
//! let (_, j) = dualnum::jacobian(|x| ad * x + x.component_mul(&x), &x);
//! assert_eq!(j, a + Matrix2::from_diagonal(&(x * 2.0)));
//! ```
//!
//! # What works
//!
//! Checked in `tests/linalg/` against closed forms and central differences:
//!
//! | operation | derivative |
//! |---|---|
//! | `+ − ×`, `dot`, `norm`, `normalize`, `determinant`, `try_inverse`, `pow`, `exp` | exact to rounding |
//! | `lu`, `full_piv_lu`, `qr`, `col_piv_qr`, `cholesky`, `lblt`, `udu`, `hessenberg` and their solves / inverses | exact to rounding |
//! | `symmetric_eigen` eigenvalues, `svd` singular values | exact to rounding (simple values) |
//! | eigenvectors, singular vectors, `pseudo_inverse` | about `1e-11 / gap` (see below) |
//! | `schur`, `eigenvalues`, `complex_eigenvalues` (non-symmetric) | exact, except rarely (see below) |
//!
//! Values are bit-for-bit the plain `T` results.
//!
//! # Conventions and limits
//!
//! - nalgebra branches on `<`, `==` and `is_zero`; the first two look at
//!   values, so pivoting and convergence tests follow the plain `T` path.
//!   `is_zero` is structural (value **and** tangent zero), so where a value
//!   is exactly zero but its derivative is not, nalgebra keeps the term that
//!   a plain run would skip, which is what the derivative needs (a Givens
//!   rotation whose angle is 0 but moving). The flip side: a matrix that is
//!   exactly singular in value but not in its tangent passes nalgebra's
//!   singularity checks, so `try_inverse` and `solve` return `Some` with
//!   infinite or NaN entries where `f64` returns `None`. Check
//!   `determinant().re` (or the pivots' values) when that can happen.
//! - `‖x‖` at `x = 0` has value 0 and derivative 0 in every direction
//!   (nalgebra takes `√(Σ xᵢ²)`; the sum and its tangent are both 0, and the
//!   NaN-safe chain keeps a zero lane zero where `√′(0) = ∞`). The true
//!   one-sided directional derivative there is `‖dx‖`; 0 is a subgradient, as
//!   for `hypot(0, 0)`. `normalize` at 0 gives NaN, as for `f64`.
//! - Iterative decompositions (symmetric eigen, SVD, Schur) stop when the
//!   *values* of the off-diagonal entries are negligible, then set those
//!   entries to zero *with their tangents*, which have not necessarily
//!   converged. Symmetric eigenvalues and singular values are insensitive
//!   to those entries at first order, so their derivatives are exact.
//!   Vectors are sensitive in proportion to `1/gap` between neighbouring
//!   values: their tangents (and `pseudo_inverse`'s) are accurate to about
//!   `1e-11/gap`. Eigenvalues of a non-normal matrix are sensitive at first
//!   order: in about 1 in 500 random 4×4 cases the Schur eigenvalue
//!   derivatives are wrong. The loss is detectable: the tangent of
//!   `Q·T·Qᵀ` from `schur().unpack()` then differs from `dA`.
//! - Conversions out of a dual (`try_convert`, `to_subset`) read the value,
//!   like `ToPrimitive`; nalgebra's matrix `exp` reads a norm ratio that way
//!   to choose its scaling, which is why `exp` works.

mod complex;
mod real;
mod simba;

use nalgebra::allocator::Allocator;
use nalgebra::{DefaultAllocator, Dim, Matrix, OMatrix, RawStorage, SVector, Scalar};
use num_traits::Float;

use crate::Dual;

/// Lifts a matrix or vector of `T` into constant duals (zero tangents), for
/// data that a differentiated function uses but does not differentiate.
///
/// Same as `a.map(Dual::constant)`; for `f32`/`f64` entries `a.cast()` also
/// works.
///
/// ```
/// use dualnum::{Dual, linalg};
/// use nalgebra::{Matrix2, Vector2};
///
/// let a = linalg::constants(&Matrix2::new(1.0, 2.0, 3.0, 4.0));
/// let x = linalg::variables(&Vector2::new(1.0, -1.0));
/// let y = a * x; // the Jacobian of y = A·x is A
/// assert_eq!(y[0].tangent(), [1.0, 2.0]);
/// assert_eq!(y[1].tangent(), [3.0, 4.0]);
/// ```
#[inline]
#[must_use]
pub fn constants<const N: usize, T, R, C, S>(a: &Matrix<T, R, C, S>) -> OMatrix<Dual<T, N>, R, C>
where
    T: Float + Scalar,
    R: Dim,
    C: Dim,
    S: RawStorage<T, R, C>,
    DefaultAllocator: Allocator<R, C>,
{
    a.map(Dual::constant)
}

/// Seeds a vector of `N` independent variables: entry `i` gets value `x[i]`
/// and the `i`-th unit tangent, so the tangent of any result is its gradient
/// with respect to `x`.
///
/// ```
/// use dualnum::linalg;
/// use nalgebra::Vector3;
///
/// let x = linalg::variables(&Vector3::new(1.0, 2.0, 3.0));
/// let f = x.dot(&x); // ∇(x·x) = 2x
/// assert_eq!(f.tangent(), [2.0, 4.0, 6.0]);
/// ```
#[inline]
#[must_use]
pub fn variables<const N: usize, T: Float + Scalar>(x: &SVector<T, N>) -> SVector<Dual<T, N>, N> {
    SVector::from_fn(|i, _| Dual::variable(x[i], i))
}
