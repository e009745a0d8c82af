//! Minimizes the Rosenbrock function with Newton steps from the Hessian
//! computed by nested forward mode.
//!
//! `f(x, y) = 100·(y − x²)² + (1 − x)²` from the classic start `(−1.2, 1)`.
//! Each step solves `∇²f·Δ = −∇f` (by Cholesky, adding a multiple of the
//! identity while `∇²f` is not positive definite) and halves the step until
//! `f` decreases.
//!
//! Run with `cargo run --release --example optimize`.

use dualnum::test_functions::rosenbrock;
use nalgebra::{Matrix2, vector};

fn main() {
    let f = |x: &[f64]| rosenbrock(x);
    let mut x = vector![-1.2, 1.0];
    println!("Newton's method on Rosenbrock from (-1.2, 1)");
    println!("{:>4} {:>22} {:>12} {:>12} {:>6}", "k", "x", "f", "|grad|", "t");
    for k in 0..100 {
        // value, gradient and Hessian in one evaluation with Dual<Dual<f64, 2>, 2>
        let (fx, g, h) = dualnum::hessian(|x| rosenbrock(x.as_slice()), &x);
        if g.norm() < 1e-10 {
            println!("{k:>4} ({:>9.6}, {:>9.6}) {fx:>12.3e} {:>12.3e}", x[0], x[1], g.norm());
            assert!((x - vector![1.0, 1.0]).norm() < 1e-8);
            return;
        }
        let mut mu: f64 = 0.0;
        let step = loop {
            if let Some(chol) = (h + Matrix2::identity() * mu).cholesky() {
                break chol.solve(&-g);
            }
            mu = (2.0 * mu).max(1e-3 * h.amax());
        };
        let mut t = 1.0;
        while f((x + t * step).as_slice()) > fx && t > 1e-8 {
            t *= 0.5;
        }
        println!("{k:>4} ({:>9.6}, {:>9.6}) {fx:>12.3e} {:>12.3e} {t:>6}", x[0], x[1], g.norm());
        x += t * step;
    }
    panic!("Newton's method did not converge in 100 steps");
}
