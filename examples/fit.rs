//! Fitting a model to data with Levenberg–Marquardt, the Jacobian of the
//! residuals coming from one forward pass per iteration.
//!
//! Model: `y(t) = a·e^(−b·t) + c`. The data are generated here from known
//! parameters plus a small deterministic perturbation, so the fit should
//! recover them to about the size of that perturbation.
//!
//! Run with `cargo run --example fit`.

use dualnum::{jacobian, lit};
use nalgebra::{Matrix3, SVector, Scalar, Vector3};
use num_traits::Float;

const M: usize = 24;
const TRUTH: [f64; 3] = [2.5, 1.3, 0.4];

/// The sample times and observations.
fn data() -> ([f64; M], [f64; M]) {
    let t: [f64; M] = core::array::from_fn(|i| i as f64 * 0.25);
    // A fixed, noise-like perturbation of amplitude 1e-3.
    let y = core::array::from_fn(|i| model(&TRUTH, t[i]) + 1e-3 * (7.3 * i as f64).sin());
    (t, y)
}

/// `a·e^(−b·t) + c`, generic so it runs on duals.
fn model<T: Float>(p: &[T; 3], t: f64) -> T {
    let t = lit::<T>(t);
    p[0] * (-p[1] * t).exp() + p[2]
}

/// The residuals `r_i(p) = y(t_i; p) − y_i`.
fn residuals<T: Float + Scalar>(p: SVector<T, 3>, t: &[f64; M], y: &[f64; M]) -> SVector<T, M> {
    let p = [p[0], p[1], p[2]];
    SVector::from_fn(|i, _| model(&p, t[i]) - lit::<T>(y[i]))
}

fn main() {
    let (t, y) = data();
    let mut p = Vector3::new(1.0, 0.5, 0.0);
    let mut lambda = 1e-3;
    println!("{:>4} {:>12} {:>10} {:>10} {:>10} {:>9}", "iter", "|r|", "a", "b", "c", "lambda");

    for iter in 0..50 {
        // One forward pass: residuals and their 24×3 Jacobian.
        let (r, j) = jacobian(|p| residuals(p, &t, &y), &p);
        let cost: f64 = r.norm_squared();
        println!(
            "{iter:>4} {:>12.6e} {:>10.6} {:>10.6} {:>10.6} {lambda:>9.1e}",
            cost.sqrt(),
            p[0],
            p[1],
            p[2]
        );

        let jtj = j.transpose() * j;
        let grad = j.transpose() * r;
        if grad.amax() < 1e-12 {
            break;
        }
        // Levenberg–Marquardt step: (JᵀJ + λ·diag(JᵀJ)) δ = −Jᵀr.
        let damped = jtj + Matrix3::from_diagonal(&jtj.diagonal()) * lambda;
        let step = damped.cholesky().expect("JᵀJ + λ·diag is SPD").solve(&(-grad));
        let trial = p + step;
        let trial_cost = residuals(trial, &t, &y).norm_squared();
        if trial_cost < cost {
            p = trial;
            lambda = (lambda / 3.0).max(1e-12);
            if step.amax() < 1e-12 * p.amax() {
                break;
            }
        } else {
            lambda *= 4.0;
        }
    }

    let r = residuals(p, &t, &y);
    println!("\nfitted  a = {:.5}, b = {:.5}, c = {:.5}", p[0], p[1], p[2]);
    println!("truth   a = {:.5}, b = {:.5}, c = {:.5}", TRUTH[0], TRUTH[1], TRUTH[2]);
    println!(
        "rms residual {:.2e} (the data's perturbation has amplitude 1e-3)",
        (r.norm_squared() / M as f64).sqrt()
    );
    for (got, want) in p.iter().zip(TRUTH) {
        assert!((got - want).abs() < 5e-3, "fit did not recover the parameters");
    }
}
