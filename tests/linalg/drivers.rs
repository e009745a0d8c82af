//! The drivers take closures written with nalgebra directly: norms,
//! products with constant matrices lifted by `linalg::constants`, solves,
//! and (through nested duals) Hessians.

use dualnum::linalg;
use nalgebra::{DVector, Matrix3, Vector3};
use quickcheck::{TestResult, quickcheck};

use crate::support::*;

/// `gradient(|x| x.norm(), &x)` is x/‖x‖.
fn norm_gradient(x: Unif<3, 1>) -> TestResult {
    let x: Vector3<f64> = x.0;
    if x.norm() < 1e-3 {
        return TestResult::discard();
    }
    let (n, g) = dualnum::gradient(|x| x.norm(), &x);
    TestResult::from_bool(n == x.norm() && close(&g, &(x / x.norm()), EXACT))
}

#[test]
fn gradient_of_the_norm() {
    quickcheck(norm_gradient as fn(_) -> TestResult);
}

/// `jacobian(|x| a * x + x.component_mul(&x), &x)` is A + 2·diag(x).
fn affine_jacobian(a: Unif<3, 3>, x: Unif<3, 1>) -> bool {
    let (a, x): (Matrix3<f64>, Vector3<f64>) = (a.0, x.0);
    let ad = linalg::constants(&a);
    let (fx, j) = dualnum::jacobian(|x| ad * x + x.component_mul(&x), &x);
    fx == a * x + x.component_mul(&x) && close(&j, &(a + Matrix3::from_diagonal(&(x * 2.0))), EXACT)
}

#[test]
fn jacobian_of_a_lifted_matrix_product() {
    quickcheck(affine_jacobian as fn(_, _) -> bool);
}

/// u(x) = (A + diag(x))⁻¹ b by LU: ∂u/∂xⱼ = −A(x)⁻¹ eⱼ uⱼ, i.e.
/// J = −A(x)⁻¹·diag(u).
fn solve_jacobian(a: Unif<3, 3>, b: Unif<3, 1>, x: Unif<3, 1>) -> bool {
    let (a, b, x) = (dominant(a.0), b.0, x.0 * 0.1);
    let (ad, bd) = (linalg::constants(&a), linalg::constants(&b));
    let (u, j) =
        dualnum::jacobian(|x| (ad + Matrix3::from_diagonal(&x)).lu().solve(&bd).unwrap(), &x);
    let ax = a + Matrix3::from_diagonal(&x);
    let expected = -ax.try_inverse().unwrap() * Matrix3::from_diagonal(&u);
    u == ax.lu().solve(&b).unwrap() && close(&j, &expected, EXACT)
}

#[test]
fn jacobian_through_an_lu_solve() {
    quickcheck(solve_jacobian as fn(_, _, _) -> bool);
}

/// `hessian(|x| x.norm(), &x)` is (I − x̂x̂ᵀ)/‖x‖: nalgebra on nested duals.
fn norm_hessian(x: Unif<3, 1>) -> TestResult {
    let x: Vector3<f64> = x.0;
    if x.norm() < 1e-2 {
        return TestResult::discard();
    }
    let (n, g, h) = dualnum::hessian(|x| x.norm(), &x);
    let xh = x / x.norm();
    let expected = (Matrix3::identity() - xh * xh.transpose()) / x.norm();
    TestResult::from_bool(n == x.norm() && close(&g, &xh, EXACT) && close(&h, &expected, EXACT))
}

#[test]
fn hessian_of_the_norm() {
    quickcheck(norm_hessian as fn(_) -> TestResult);
}

/// The chunked driver: a closure over a slice that builds a `DVector`.
#[test]
fn chunked_gradient_of_a_dynamic_norm() {
    let x = [3.0f64, -4.0, 12.0, 0.0, 1.0];
    let (n, g) = dualnum::chunked::Chunk::<2>::gradient(
        |x: &[dualnum::Dual<f64, 2>]| DVector::from_column_slice(x).norm(),
        &x,
    );
    let norm = DVector::from_column_slice(&x).norm();
    assert_eq!(n, norm);
    for i in 0..x.len() {
        assert!((g[i] - x[i] / norm).abs() < 1e-15);
    }
}
