//! Reverse mode through a Cholesky factorisation: the gradient of a
//! Gaussian negative log-likelihood with respect to every entry of a
//! covariance factor, in one backward sweep.
//!
//! The covariance is `K = B·Bᵀ + I` for a 6 × 6 matrix `B` (36 inputs), and
//! for an observation `y` the negative log-likelihood (up to a constant) is
//!
//! `f(B) = ½·yᵀK⁻¹y + ½·log det K`, with `log det K = 2·Σ ln Lᵢᵢ` from
//! `K = L·Lᵀ`.
//!
//! The function is written once, generic over nalgebra's `RealField`, and
//! run on `reverse::Active<f64>` (one recording, one backward sweep for all
//! 36 partials) and, as a check, on `Dual<f64, 8>` (forward mode, five
//! passes). Both are compared with the closed form
//! `∂f/∂B = 2·G·B`, `G = ∂f/∂K = ½·(K⁻¹ − K⁻¹y·yᵀK⁻¹)`.
//!
//! Run with `cargo run --example reverse_linalg`.

use dualnum::{chunked, reverse::active};
use nalgebra::{DMatrix, DVector, RealField};

const N: usize = 6;

/// `½·yᵀK⁻¹y + ½·log det K` for `K = B·Bᵀ + I`, `B` column-major in `b`.
fn neg_log_likelihood<T: RealField + Copy>(b: &[T], y: &DVector<f64>) -> T {
    let b = DMatrix::from_column_slice(N, N, b);
    let k = &b * b.transpose() + DMatrix::identity(N, N);
    let chol = k.cholesky().expect("B·Bᵀ + I is positive definite");
    let y: DVector<T> = y.map(nalgebra::convert);
    let half: T = nalgebra::convert(0.5);
    let log_det = chol.l_dirty().diagonal().map(|d| d.ln()).sum() * nalgebra::convert(2.0);
    (y.dot(&chol.solve(&y)) + log_det) * half
}

fn main() {
    let b: Vec<f64> = (0..N * N).map(|i| ((i * 7 % 11) as f64 - 5.0) / 10.0).collect();
    let y = DVector::from_fn(N, |i, _| (i as f64 * 0.9).sin());

    let (f, g) = active::gradient(|b| neg_log_likelihood(b, &y), &b);
    let (f_fwd, g_fwd) = chunked::Chunk::<8>::gradient(|b| neg_log_likelihood(b, &y), &b);

    // The closed form.
    let bm = DMatrix::from_column_slice(N, N, &b);
    let k = &bm * bm.transpose() + DMatrix::identity(N, N);
    let kinv = k.try_inverse().expect("positive definite");
    let alpha = &kinv * &y;
    let grad_k = (&kinv - &alpha * alpha.transpose()) * 0.5;
    let want = grad_k * &bm * 2.0;

    let err = |g: &DVector<f64>| (g - DVector::from_column_slice(want.as_slice())).amax();
    println!("f(B) = {f:.12}   (forward mode: {f_fwd:.12})");
    println!("∂f/∂B (reverse mode, one sweep):");
    for row in 0..N {
        let r: Vec<String> = (0..N).map(|col| format!("{:+.5}", g[row + N * col])).collect();
        println!("  [{}]", r.join(" "));
    }
    println!("max |reverse − closed form| = {:.1e}", err(&g));
    println!("max |forward − closed form| = {:.1e}", err(&g_fwd));
    assert_eq!(f, f_fwd);
    assert!(err(&g) < 1e-12 && err(&g_fwd) < 1e-12);
}
