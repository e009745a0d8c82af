//! Newton's method for a nonlinear system `F(x) = 0`, with the Jacobian from
//! forward mode and nalgebra's LU decomposition.
//!
//! `F` is the Broyden tridiagonal system (n = 6),
//! `Fᵢ = (3 − 2xᵢ)·xᵢ − xᵢ₋₁ − 2xᵢ₊₁ + 1`, from the standard start
//! `x = (−1, …, −1)`. Each step solves `J(x)·Δ = −F(x)`; the residual falls
//! quadratically.
//!
//! Run with `cargo run --release --example newton`.

use dualnum::Dual;
use dualnum::test_functions::broyden_tridiagonal;
use nalgebra::SVector;

const N: usize = 6;

/// The in-place test function as a map between static vectors, for any
/// scalar (plain `f64` or a dual number).
fn f<T: num_traits::Float + nalgebra::Scalar>(x: &SVector<T, N>) -> SVector<T, N> {
    let mut out = SVector::<T, N>::from_element(T::zero());
    broyden_tridiagonal(x.as_slice(), out.as_mut_slice());
    out
}

fn main() {
    let mut x = SVector::<f64, N>::from_element(-1.0);
    println!("Newton's method on the Broyden tridiagonal system, n = {N}");
    println!("{:>4} {:>12} {:>12}", "k", "|F(x)|", "|step|");
    for k in 0..20 {
        // F(x) and its Jacobian in one evaluation with Dual<f64, 6>
        let (fx, jac) = dualnum::jacobian(|x: SVector<Dual<f64, N>, N>| f(&x), &x);
        let residual = fx.norm();
        if residual < 1e-13 {
            println!("{k:>4} {residual:>12.3e}");
            println!("solution x = {:.6?}", x.as_slice());
            assert!(f(&x).norm() < 1e-13);
            return;
        }
        let step = jac.lu().solve(&-fx).expect("the Jacobian is singular");
        println!("{k:>4} {residual:>12.3e} {:>12.3e}", step.norm());
        x += step;
    }
    panic!("Newton's method did not converge in 20 steps");
}
