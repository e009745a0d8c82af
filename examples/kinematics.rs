//! Inverse kinematics of a planar 3-link arm with the Jacobian from forward
//! mode, by damped least squares.
//!
//! The hand is at `p(θ) = Σᵢ lᵢ·(cos φᵢ, sin φᵢ)`, `φᵢ = θ₀ + … + θᵢ`. To reach
//! a target `t`, each step moves the joints by
//! `Δθ = Jᵀ·(J·Jᵀ + λ²·I)⁻¹·(t − p(θ))`, the least-squares step damped by `λ`
//! so that it stays bounded near singular poses. The arm is redundant
//! (3 joints, 2 coordinates), so the 2 × 3 Jacobian has no inverse.
//!
//! Run with `cargo run --release --example kinematics`.

use dualnum::lit;
use nalgebra::{Matrix2, SVector, Scalar, Vector2, Vector3, vector};
use num_traits::Float;

const LENGTHS: [f64; 3] = [1.0, 0.8, 0.5];

/// Forward kinematics, written once for any scalar.
fn hand<T: Float + Scalar>(theta: &SVector<T, 3>) -> SVector<T, 2> {
    let mut phi = T::zero();
    let mut p = SVector::<T, 2>::from_element(T::zero());
    for (i, &l) in LENGTHS.iter().enumerate() {
        phi = phi + theta[i];
        let l = lit::<T>(l);
        p[0] = p[0] + l * phi.cos();
        p[1] = p[1] + l * phi.sin();
    }
    p
}

fn main() {
    let target = Vector2::new(1.2, 1.0);
    let lambda = 0.05;
    let mut theta = Vector3::new(0.3, 0.3, 0.3);
    println!("planar 3-link arm, lengths {LENGTHS:?}, target ({}, {})", target[0], target[1]);
    println!("{:>4} {:>28} {:>12}", "k", "joint angles (rad)", "|error|");
    for k in 0..100 {
        let (p, jac) = dualnum::jacobian(|t| hand(&t), &theta);
        if k == 0 {
            // column j: the hand's velocity when joint j turns alone, which
            // is the sum over the links after it of lᵢ·(−sin φᵢ, cos φᵢ)
            let phi = [theta[0], theta[0] + theta[1], theta[0] + theta[1] + theta[2]];
            for j in 0..3 {
                let col: Vector2<f64> =
                    (j..3).map(|i| LENGTHS[i] * vector![-phi[i].sin(), phi[i].cos()]).sum();
                assert!((jac.column(j) - col).norm() < 1e-14);
            }
        }
        let error = target - p;
        println!(
            "{k:>4} {:>8.4} {:>8.4} {:>8.4}  {:>12.3e}",
            theta[0],
            theta[1],
            theta[2],
            error.norm()
        );
        if error.norm() < 1e-12 {
            println!("reached: hand at ({:.12}, {:.12})", p[0], p[1]);
            return;
        }
        let damped = jac * jac.transpose() + Matrix2::identity() * (lambda * lambda);
        let y = damped.lu().solve(&error).expect("J·Jᵀ + λ²I is positive definite");
        theta += jac.transpose() * y;
    }
    panic!("inverse kinematics did not converge in 100 steps");
}
