//! Conversions, lifting, arithmetic, dot, norm, dynamic sizes, nesting.

use dualnum::{Dual, linalg};
use nalgebra::{DMatrix, Matrix2, Vector3, Vector4};
use quickcheck::{TestResult, quickcheck};

use crate::support::*;

// ---------------------------------------------------------------------------
// Conversions and lifting
// ---------------------------------------------------------------------------

#[test]
fn convert_and_cast_make_constants() {
    let c: Dual<f64, 2> = nalgebra::convert(1.5);
    assert_eq!((c.re, c.eps), (1.5, [0.0, 0.0]));
    let c32: Dual<f64, 2> = nalgebra::convert(0.25f32);
    assert_eq!((c32.re, c32.eps), (0.25, [0.0, 0.0]));

    let a = Matrix2::new(1.0, 2.0, 3.0, 4.0);
    let cast = a.cast::<Dual<f64, 3>>();
    let lifted = linalg::constants::<3, _, _, _, _>(&a);
    for (x, y) in cast.iter().zip(lifted.iter()) {
        assert!(x.is_constant() && y.is_constant() && x.re == y.re);
    }
    assert_eq!(value_of(&cast), a);
}

fn value_of<const N: usize>(m: &Matrix2<Dual<f64, N>>) -> Matrix2<f64> {
    m.map(|d| d.re)
}

/// Converting back reads the value (as `ToPrimitive` does), so nalgebra's
/// heuristics that read a scalar (the matrix exponential) keep working.
#[test]
fn a_dual_converts_back_to_its_value() {
    let constant = Dual::<f64, 2>::constant(2.0);
    let varying = Dual::<f64, 2>::variable(2.5, 1);
    assert_eq!(nalgebra::try_convert::<_, f64>(constant), Some(2.0));
    assert_eq!(nalgebra::try_convert::<_, f64>(varying), Some(2.5));
    assert_eq!(nalgebra::try_convert::<_, f32>(varying), Some(2.5f32));
    assert_eq!(nalgebra::convert_unchecked::<_, f64>(varying), 2.5);
}

#[test]
fn variables_seed_unit_tangents() {
    let x = linalg::variables(&Vector3::new(1.0, 2.0, 3.0));
    for i in 0..3 {
        assert_eq!(x[i].re, (i + 1) as f64);
        let mut e = [0.0; 3];
        e[i] = 1.0;
        assert_eq!(x[i].eps, e);
    }
}

// ---------------------------------------------------------------------------
// Arithmetic, dot, norm
// ---------------------------------------------------------------------------

fn product_rule(a: Unif<3, 4>, da: Unif<3, 4>, b: Unif<4, 2>, db: Unif<4, 2>) -> bool {
    let (a, da, b, db) = (a.0, da.0, b.0, db.0);
    let p = seed(&a, &da) * seed(&b, &db);
    let expected = da * b + a * db;
    let fd = central(|t| (a + da * t) * (b + db * t));
    value(&p) == a * b && close(&tangent(&p), &expected, EXACT) && close(&tangent(&p), &fd, FD)
}

#[test]
fn matrix_product_follows_the_product_rule() {
    quickcheck(product_rule as fn(_, _, _, _) -> bool);
}

/// d(A³) = dA·A² + A·dA·A + A²·dA, through `Matrix::pow`.
fn cube_rule(a: Unif<4, 4>, da: Unif<4, 4>) -> bool {
    let (a, da) = (a.0, da.0);
    let p = seed(&a, &da).pow(3);
    let expected = da * a * a + a * da * a + a * a * da;
    let fd = central(|t| (a + da * t).pow(3));
    value(&p) == a.pow(3) && close(&tangent(&p), &expected, EXACT) && close(&tangent(&p), &fd, FD)
}

#[test]
fn matrix_power_follows_the_product_rule() {
    quickcheck(cube_rule as fn(_, _) -> bool);
}

fn dot_rule(x: Unif<4, 1>, dx: Unif<4, 1>, y: Unif<4, 1>, dy: Unif<4, 1>) -> bool {
    let (x, dx, y, dy) = (x.0, dx.0, y.0, dy.0);
    let d = seed(&x, &dx).dot(&seed(&y, &dy));
    let expected = dx.dot(&y) + x.dot(&dy);
    let fd = central(|t| s((x + dx * t).dot(&(y + dy * t))));
    d.re == x.dot(&y) && close(&s(d.eps[0]), &s(expected), EXACT) && close(&s(d.eps[0]), &fd, FD)
}

#[test]
fn dot_follows_the_product_rule() {
    quickcheck(dot_rule as fn(_, _, _, _) -> bool);
}

/// d‖x‖ = xᵀdx / ‖x‖, all four partials at once.
fn norm_gradient(x: Unif<4, 1>) -> TestResult {
    let x: Vector4<f64> = x.0;
    if x.norm() < 1e-3 {
        return TestResult::discard();
    }
    let n = linalg::variables(&x).norm();
    let grad = Vector4::from(n.eps);
    let fd = Vector4::from_fn(|i, _| central(|t| s((x + Vector4::ith(i, t)).norm()))[0]);
    TestResult::from_bool(
        n.re == x.norm() && close(&grad, &(x / x.norm()), EXACT) && close(&grad, &fd, FD),
    )
}

#[test]
fn norm_has_gradient_x_over_norm() {
    quickcheck(norm_gradient as fn(_) -> TestResult);
}

/// d(x/‖x‖) = (I − x̂x̂ᵀ) dx / ‖x‖.
fn normalize_rule(x: Unif<4, 1>, dx: Unif<4, 1>) -> TestResult {
    let (x, dx): (Vector4<f64>, Vector4<f64>) = (x.0, dx.0);
    if x.norm() < 1e-2 {
        return TestResult::discard();
    }
    let u = seed(&x, &dx).normalize();
    let xh = x / x.norm();
    let expected = (dx - xh * xh.dot(&dx)) / x.norm();
    let fd = central(|t| (x + dx * t).normalize());
    TestResult::from_bool(close(&tangent(&u), &expected, EXACT) && close(&tangent(&u), &fd, FD))
}

#[test]
fn normalize_has_the_projected_derivative() {
    quickcheck(normalize_rule as fn(_, _) -> TestResult);
}

/// At x = 0, nalgebra's norm is √(Σxᵢ²): the sum has value and tangent 0,
/// and the NaN-safe chain keeps the zero lanes zero although √′(0) = ∞. The
/// result is the subgradient 0 in every direction, never NaN.
#[test]
fn norm_at_zero_is_zero_with_zero_derivative() {
    let n = linalg::variables(&Vector4::<f64>::zeros()).norm();
    assert_eq!(n.re, 0.0);
    assert_eq!(n.eps, [0.0; 4]);

    let dir = seed(&Vector3::zeros(), &Vector3::new(0.3, -0.4, 1.2)).norm();
    assert_eq!((dir.re, dir.eps), (0.0, [0.0]));

    // As for f64, normalizing the zero vector gives NaN values.
    let u = linalg::variables(&Vector3::<f64>::zeros()).normalize();
    assert!(u.iter().all(|d| d.re.is_nan()));
}

// ---------------------------------------------------------------------------
// Dynamic sizes and nesting
// ---------------------------------------------------------------------------

/// Dynamically sized matrices of duals go through the same code.
#[test]
fn dynamic_lu_solve_matches_the_closed_form() {
    let a = DMatrix::from_row_slice(3, 3, &[4.0, 1.0, 0.5, -1.0, 5.0, 1.0, 0.2, 0.3, 3.0]);
    let da = DMatrix::from_fn(3, 3, |i, j| 0.1 * (i as f64) - 0.2 * (j as f64) + 0.05);
    let b = DMatrix::from_column_slice(3, 1, &[1.0, -2.0, 0.5]);
    let ad = a.zip_map(&da, |x, d| D1::new(x, [d]));
    let x = a.clone().lu().solve(&b).unwrap();
    let xd = ad.lu().solve(&b.map(D1::constant)).unwrap();
    let expected = -a.try_inverse().unwrap() * da * &x;
    for i in 0..3 {
        assert_eq!(xd[i].re, x[i]);
        assert!((xd[i].eps[0] - expected[i]).abs() < 1e-13);
    }
}

/// `Dual<Dual<f64, 3>, 3>` is a `RealField` too: the Hessian of ‖x‖ is
/// (I − x̂x̂ᵀ)/‖x‖.
fn norm_hessian(x: Unif<3, 1>) -> TestResult {
    let x: Vector3<f64> = x.0;
    if x.norm() < 1e-2 {
        return TestResult::discard();
    }
    let xs = Vector3::from_fn(|i, _| Dual::<Dual<f64, 3>, 3> {
        re: Dual::<f64, 3>::variable(x[i], i),
        eps: core::array::from_fn(|j| Dual::constant(if i == j { 1.0 } else { 0.0 })),
    });
    let n = xs.norm();
    let xh = x / x.norm();
    let expected = (nalgebra::Matrix3::identity() - xh * xh.transpose()) / x.norm();
    let h = nalgebra::Matrix3::from_fn(|i, j| n.eps[i].eps[j]);
    let g = Vector3::from_fn(|i, _| n.eps[i].re);
    TestResult::from_bool(
        n.re.re == x.norm() && close(&g, &xh, EXACT) && close(&h, &expected, EXACT),
    )
}

#[test]
fn nested_duals_give_the_hessian_of_the_norm() {
    quickcheck(norm_hessian as fn(_) -> TestResult);
}

/// Second order through an LU determinant with `Dual<Dual<f64, 1>, 1>`:
/// g(t) = det(A + tB) has g''(0) = det(A)·[(tr M)² − tr(M²)], M = A⁻¹B.
fn det_second_derivative(a: Unif<4, 4>, b: Unif<4, 4>) -> bool {
    let (a, b) = (dominant(a.0), b.0);
    let at = a.zip_map(&b, |x, d| Dual::<Dual<f64, 1>, 1> {
        re: Dual::new(x, [d]),
        eps: [Dual::new(d, [0.0])],
    });
    let g = at.determinant();
    let m = a.try_inverse().unwrap() * b;
    let first = a.determinant() * m.trace();
    let second = a.determinant() * (m.trace() * m.trace() - (m * m).trace());
    let fd = central(|t| s(central(|u| s((a + b * (t + u)).determinant()))[0]));
    g.re.re == a.determinant()
        && close(&s(g.re.eps[0]), &s(first), EXACT)
        && g.re.eps[0] == g.eps[0].re
        && close(&s(g.eps[0].eps[0]), &s(second), EXACT)
        && close(&s(g.eps[0].eps[0]), &fd, 1e-3)
}

#[test]
fn nested_duals_give_the_second_derivative_of_the_determinant() {
    quickcheck(det_second_derivative as fn(_, _) -> bool);
}

/// `Dual<f32, N>` is a nalgebra scalar too.
#[test]
fn f32_duals_invert() {
    let a = Matrix2::new(2.0f32, 1.0, 0.5, 3.0);
    let b = Matrix2::new(0.1f32, -0.2, 0.3, 0.4);
    let inv = a.zip_map(&b, |x, d| Dual::new(x, [d])).try_inverse().unwrap();
    let ai = a.try_inverse().unwrap();
    let expected = -ai * b * ai;
    for (d, e) in inv.iter().zip(expected.iter()) {
        assert!((d.eps[0] - e).abs() <= 1e-6 * (1.0 + e.abs()));
    }
    let c: Dual<f32, 1> = nalgebra::convert(0.5f64);
    assert_eq!(c.re, 0.5f32);
}
