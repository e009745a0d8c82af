//! Random well-conditioned matrices, seeding, extraction, central
//! differences and the tolerance check shared by every property.

use dualnum::Dual;
use nalgebra::SMatrix;
use quickcheck::{Arbitrary, Gen};

pub type D1 = Dual<f64, 1>;

// ---------------------------------------------------------------------------
// Support
// ---------------------------------------------------------------------------

/// A matrix with entries uniform in [−1, 1].
#[derive(Clone, Debug)]
pub struct Unif<const R: usize, const C: usize>(pub SMatrix<f64, R, C>);

impl<const R: usize, const C: usize> Arbitrary for Unif<R, C> {
    fn arbitrary(g: &mut Gen) -> Self {
        Unif(SMatrix::from_fn(|_, _| {
            f64::from(u32::arbitrary(g)) / f64::from(u32::MAX) * 2.0 - 1.0
        }))
    }
}

/// Strictly diagonally dominant (so invertible with a small condition
/// number): each diagonal entry gets its sign times the row's 1-norm plus 1.
pub fn dominant<const N: usize>(m: SMatrix<f64, N, N>) -> SMatrix<f64, N, N> {
    let mut a = m;
    for i in 0..N {
        let row: f64 = m.row(i).iter().map(|x| x.abs()).sum();
        a[(i, i)] += (row + 1.0).copysign(m[(i, i)]);
    }
    a
}

/// Symmetric positive definite: `BBᵀ + N·I`.
pub fn spd<const N: usize>(b: SMatrix<f64, N, N>) -> SMatrix<f64, N, N> {
    b * b.transpose() + SMatrix::<f64, N, N>::identity() * N as f64
}

/// `A + dA·ε`, entry by entry.
pub fn seed<const R: usize, const C: usize>(
    a: &SMatrix<f64, R, C>,
    da: &SMatrix<f64, R, C>,
) -> SMatrix<D1, R, C> {
    a.zip_map(da, |x, d| Dual::new(x, [d]))
}

/// The tangents of a matrix of `Dual<f64, 1>`.
pub fn tangent<const R: usize, const C: usize>(m: &SMatrix<D1, R, C>) -> SMatrix<f64, R, C> {
    m.map(|d| d.eps[0])
}

/// The values of a matrix of `Dual<f64, 1>`.
pub fn value<const R: usize, const C: usize>(m: &SMatrix<D1, R, C>) -> SMatrix<f64, R, C> {
    m.map(|d| d.re)
}

/// Central difference `(f(h) − f(−h)) / 2h` of a matrix-valued `f(t)`; the
/// error is `O(h²)` truncation plus `O(ε/h)` rounding, about 1e-10 here.
pub fn central<const R: usize, const C: usize>(
    f: impl Fn(f64) -> SMatrix<f64, R, C>,
) -> SMatrix<f64, R, C> {
    let h = 1e-5;
    (f(h) - f(-h)) / (2.0 * h)
}

/// `|a − b| ≤ tol·(1 + |b|)` in the max norm.
pub fn close<const R: usize, const C: usize>(
    a: &SMatrix<f64, R, C>,
    b: &SMatrix<f64, R, C>,
    tol: f64,
) -> bool {
    (a - b).amax() <= tol * (1.0 + b.amax())
}

/// A closed form holds to rounding; a central difference to its own error.
pub const EXACT: f64 = 1e-11;
pub const FD: f64 = 1e-7;
/// Eigen- and singular values curve like 1/gap, so their central
/// differences err by about h²/gap² (gaps down to 0.05 here).
pub const FD_SPECTRAL: f64 = 1e-5;

/// Scalar as a 1×1 matrix, so the helpers above apply.
pub fn s(x: f64) -> SMatrix<f64, 1, 1> {
    SMatrix::<f64, 1, 1>::new(x)
}
