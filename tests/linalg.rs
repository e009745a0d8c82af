//! Derivatives through nalgebra: closed forms and central differences.
//!
//! Every property runs over random well-conditioned matrices (diagonally
//! dominant 3×3 and 4×4, or `BBᵀ + nI` for SPD ones) with a random
//! perturbation `dA` seeded in the tangent of `Dual<f64, 1>`, and checks the
//! tangent of the result against
//! - the closed form of the derivative, computed in plain `f64`, and
//! - a central difference of the same computation in plain `f64`.
//!
//! The list follows `src/linalg/`: conversions, arithmetic, norms,
//! determinant, inverse, LU / QR / Cholesky solves, symmetric eigenvalues,
//! singular values, nesting.

use dualnum::{Dual, linalg};
use nalgebra::{DMatrix, Matrix2, SMatrix, SVector, Vector3, Vector4};
use quickcheck::{Arbitrary, Gen, TestResult, quickcheck};

type D1 = Dual<f64, 1>;

// ---------------------------------------------------------------------------
// Support
// ---------------------------------------------------------------------------

/// A matrix with entries uniform in [−1, 1].
#[derive(Clone, Debug)]
struct Unif<const R: usize, const C: usize>(SMatrix<f64, R, C>);

impl<const R: usize, const C: usize> Arbitrary for Unif<R, C> {
    fn arbitrary(g: &mut Gen) -> Self {
        Unif(SMatrix::from_fn(|_, _| {
            f64::from(u32::arbitrary(g)) / f64::from(u32::MAX) * 2.0 - 1.0
        }))
    }
}

/// Strictly diagonally dominant (so invertible with a small condition
/// number): each diagonal entry gets its sign times the row's 1-norm plus 1.
fn dominant<const N: usize>(m: SMatrix<f64, N, N>) -> SMatrix<f64, N, N> {
    let mut a = m;
    for i in 0..N {
        let row: f64 = m.row(i).iter().map(|x| x.abs()).sum();
        a[(i, i)] += (row + 1.0).copysign(m[(i, i)]);
    }
    a
}

/// Symmetric positive definite: `BBᵀ + N·I`.
fn spd<const N: usize>(b: SMatrix<f64, N, N>) -> SMatrix<f64, N, N> {
    b * b.transpose() + SMatrix::<f64, N, N>::identity() * N as f64
}

/// `A + dA·ε`, entry by entry.
fn seed<const R: usize, const C: usize>(
    a: &SMatrix<f64, R, C>,
    da: &SMatrix<f64, R, C>,
) -> SMatrix<D1, R, C> {
    a.zip_map(da, |x, d| Dual::new(x, [d]))
}

/// The tangents of a matrix of `Dual<f64, 1>`.
fn tangent<const R: usize, const C: usize>(m: &SMatrix<D1, R, C>) -> SMatrix<f64, R, C> {
    m.map(|d| d.eps[0])
}

/// The values of a matrix of `Dual<f64, 1>`.
fn value<const R: usize, const C: usize>(m: &SMatrix<D1, R, C>) -> SMatrix<f64, R, C> {
    m.map(|d| d.re)
}

/// Central difference `(f(h) − f(−h)) / 2h` of a matrix-valued `f(t)`; the
/// error is `O(h²)` truncation plus `O(ε/h)` rounding, about 1e-10 here.
fn central<const R: usize, const C: usize>(
    f: impl Fn(f64) -> SMatrix<f64, R, C>,
) -> SMatrix<f64, R, C> {
    let h = 1e-5;
    (f(h) - f(-h)) / (2.0 * h)
}

/// `|a − b| ≤ tol·(1 + |b|)` in the max norm.
fn close<const R: usize, const C: usize>(
    a: &SMatrix<f64, R, C>,
    b: &SMatrix<f64, R, C>,
    tol: f64,
) -> bool {
    (a - b).amax() <= tol * (1.0 + b.amax())
}

/// A closed form holds to rounding; a central difference to its own error.
const EXACT: f64 = 1e-11;
const FD: f64 = 1e-7;

/// Scalar as a 1×1 matrix, so the helpers above apply.
fn s(x: f64) -> SMatrix<f64, 1, 1> {
    SMatrix::<f64, 1, 1>::new(x)
}

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
    let lifted = linalg::constants::<_, _, _, _, 3>(&a);
    for (x, y) in cast.iter().zip(lifted.iter()) {
        assert!(x.is_constant() && y.is_constant() && x.re == y.re);
    }
    assert_eq!(value_of(&cast), a);
}

fn value_of<const N: usize>(m: &Matrix2<Dual<f64, N>>) -> Matrix2<f64> {
    m.map(|d| d.re)
}

#[test]
fn a_dual_converts_back_to_a_real_only_when_constant() {
    let constant = Dual::<f64, 2>::constant(2.0);
    let varying = Dual::<f64, 2>::variable(2.0, 1);
    assert_eq!(nalgebra::try_convert::<_, f64>(constant), Some(2.0));
    assert_eq!(nalgebra::try_convert::<_, f64>(varying), None);
    assert_eq!(nalgebra::try_convert::<_, f32>(constant), Some(2.0f32));
    // The unchecked conversion reads the value.
    assert_eq!(nalgebra::convert_unchecked::<_, f64>(varying), 2.0);
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
// Determinant, inverse, solves
// ---------------------------------------------------------------------------

/// One property per size: 3×3 exercises nalgebra's closed-form paths, 4×4
/// its cofactor inverse and LU determinant.
macro_rules! square_properties {
    ($n:literal, $det:ident, $inv:ident, $lu:ident, $qr:ident, $chol:ident, $eig:ident, $svd:ident) => {
        mod $det {
            use super::*;

            /// d det(A) = det(A) · tr(A⁻¹ dA).
            fn prop(a: Unif<$n, $n>, da: Unif<$n, $n>) -> bool {
                let (a, da) = (dominant(a.0), da.0);
                let d = seed(&a, &da).determinant();
                let expected = a.determinant() * (a.try_inverse().unwrap() * da).trace();
                let fd = central(|t| s((a + da * t).determinant()));
                d.re == a.determinant()
                    && close(&s(d.eps[0]), &s(expected), EXACT)
                    && close(&s(d.eps[0]), &fd, FD)
            }

            #[test]
            fn determinant_derivative_is_det_times_trace() {
                quickcheck(prop as fn(_, _) -> bool);
            }
        }

        mod $inv {
            use super::*;

            /// d(A⁻¹) = −A⁻¹ dA A⁻¹, through `try_inverse` and through LU.
            fn prop(a: Unif<$n, $n>, da: Unif<$n, $n>) -> bool {
                let (a, da) = (dominant(a.0), da.0);
                let ai = a.try_inverse().unwrap();
                let expected = -ai * da * ai;
                let fd = central(|t| (a + da * t).try_inverse().unwrap());
                let direct = seed(&a, &da).try_inverse().unwrap();
                let lu = seed(&a, &da).lu().try_inverse().unwrap();
                value(&direct) == ai
                    && close(&tangent(&direct), &expected, EXACT)
                    && close(&tangent(&direct), &fd, FD)
                    && value(&lu) == a.lu().try_inverse().unwrap()
                    && close(&tangent(&lu), &expected, EXACT)
            }

            #[test]
            fn inverse_derivative_is_minus_ainv_da_ainv() {
                quickcheck(prop as fn(_, _) -> bool);
            }
        }

        mod $lu {
            use super::*;

            /// x = A⁻¹b, dx = A⁻¹(db − dA·x); partial and full pivoting.
            fn prop(a: Unif<$n, $n>, da: Unif<$n, $n>, b: Unif<$n, 1>, db: Unif<$n, 1>) -> bool {
                let (a, da, b, db) = (dominant(a.0), da.0, b.0, db.0);
                let x = a.lu().solve(&b).unwrap();
                let expected = a.try_inverse().unwrap() * (db - da * x);
                let fd = central(|t| (a + da * t).lu().solve(&(b + db * t)).unwrap());
                let xd = seed(&a, &da).lu().solve(&seed(&b, &db)).unwrap();
                let full = seed(&a, &da).full_piv_lu().solve(&seed(&b, &db)).unwrap();
                value(&xd) == x
                    && close(&tangent(&xd), &expected, EXACT)
                    && close(&tangent(&xd), &fd, FD)
                    && close(&tangent(&full), &expected, EXACT)
            }

            #[test]
            fn lu_solve_derivative() {
                quickcheck(prop as fn(_, _, _, _) -> bool);
            }
        }

        mod $qr {
            use super::*;

            /// As for LU, through Householder QR and column-pivoted QR.
            fn prop(a: Unif<$n, $n>, da: Unif<$n, $n>, b: Unif<$n, 1>, db: Unif<$n, 1>) -> bool {
                let (a, da, b, db) = (dominant(a.0), da.0, b.0, db.0);
                let x = a.qr().solve(&b).unwrap();
                let expected = a.try_inverse().unwrap() * (db - da * x);
                let fd = central(|t| (a + da * t).qr().solve(&(b + db * t)).unwrap());
                let xd = seed(&a, &da).qr().solve(&seed(&b, &db)).unwrap();
                let piv = seed(&a, &da).col_piv_qr().solve(&seed(&b, &db)).unwrap();
                value(&xd) == x
                    && close(&tangent(&xd), &expected, EXACT)
                    && close(&tangent(&xd), &fd, FD)
                    && close(&tangent(&piv), &expected, EXACT)
            }

            #[test]
            fn qr_solve_derivative() {
                quickcheck(prop as fn(_, _, _, _) -> bool);
            }
        }

        mod $chol {
            use super::*;

            /// S = BBᵀ + nI, dS = dB + dBᵀ: dx = S⁻¹(db − dS·x).
            fn prop(bm: Unif<$n, $n>, dbm: Unif<$n, $n>, b: Unif<$n, 1>, db: Unif<$n, 1>) -> bool {
                let (sm, ds, b, db) = (spd(bm.0), dbm.0 + dbm.0.transpose(), b.0, db.0);
                let x = sm.cholesky().unwrap().solve(&b);
                let expected = sm.try_inverse().unwrap() * (db - ds * x);
                let fd = central(|t| (sm + ds * t).cholesky().unwrap().solve(&(b + db * t)));
                let xd = seed(&sm, &ds).cholesky().unwrap().solve(&seed(&b, &db));
                value(&xd) == x
                    && close(&tangent(&xd), &expected, EXACT)
                    && close(&tangent(&xd), &fd, FD)
            }

            #[test]
            fn cholesky_solve_derivative() {
                quickcheck(prop as fn(_, _, _, _) -> bool);
            }
        }

        mod $eig {
            use super::*;

            /// d λ_min = vᵀ dA v for a simple smallest eigenvalue with unit
            /// eigenvector v (A and dA symmetric).
            fn prop(m: Unif<$n, $n>, dm: Unif<$n, $n>) -> TestResult {
                let a = m.0 + m.0.transpose();
                let da = dm.0 + dm.0.transpose();
                let plain = a.symmetric_eigen();
                let mut sorted: Vec<f64> = plain.eigenvalues.iter().copied().collect();
                sorted.sort_by(f64::total_cmp);
                if sorted[1] - sorted[0] < 0.05 {
                    return TestResult::discard();
                }
                let i = plain.eigenvalues.imin();
                let v = plain.eigenvectors.column(i);
                let expected = v.dot(&(da * v));
                let fd = central(|t| s((a + da * t).symmetric_eigen().eigenvalues.min()));
                let eig = seed(&a, &da).symmetric_eigen();
                let lambda = eig.eigenvalues[i];
                TestResult::from_bool(
                    lambda.re == plain.eigenvalues[i]
                        && close(&s(lambda.eps[0]), &s(expected), 1e-9)
                        && close(&s(lambda.eps[0]), &fd, FD),
                )
            }

            #[test]
            fn smallest_eigenvalue_derivative_is_v_da_v() {
                quickcheck(prop as fn(_, _) -> TestResult);
            }
        }

        mod $svd {
            use super::*;

            /// d σᵢ = uᵢᵀ dA vᵢ for every simple singular value.
            fn prop(m: Unif<$n, $n>, dm: Unif<$n, $n>) -> TestResult {
                let (a, da) = (m.0, dm.0);
                let plain = a.svd(true, true);
                let sv = plain.singular_values;
                if (1..$n).any(|i| sv[i - 1] - sv[i] < 0.05) || sv[$n - 1] < 0.05 {
                    return TestResult::discard();
                }
                let (u, vt) = (plain.u.unwrap(), plain.v_t.unwrap());
                let expected = SVector::<f64, $n>::from_fn(|i, _| {
                    u.column(i).dot(&(da * vt.row(i).transpose()))
                });
                let fd = central(|t| (a + da * t).singular_values());
                let svd = seed(&a, &da).svd(true, true);
                let got = tangent(&svd.singular_values);
                TestResult::from_bool(
                    value(&svd.singular_values) == sv
                        && close(&got, &expected, 1e-9)
                        && close(&got, &fd, FD),
                )
            }

            #[test]
            fn singular_value_derivatives_are_u_da_v() {
                quickcheck(prop as fn(_, _) -> TestResult);
            }
        }
    };
}

square_properties!(3, det3, inv3, lu3, qr3, chol3, eig3, svd3);
square_properties!(4, det4, inv4, lu4, qr4, chol4, eig4, svd4);

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
