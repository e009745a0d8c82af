//! Square systems: determinant, inverse, solves, symmetric eigenvalues and
//! singular values, each as a property over 2×2, 3×3 and 4×4 matrices.

use nalgebra::SVector;
use quickcheck::{TestResult, quickcheck};

use crate::support::*;

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
                        && close(&s(lambda.eps[0]), &fd, FD_SPECTRAL),
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
                        && close(&got, &fd, FD_SPECTRAL),
                )
            }

            #[test]
            fn singular_value_derivatives_are_u_da_v() {
                quickcheck(prop as fn(_, _) -> TestResult);
            }
        }
    };
}

square_properties!(2, det2, inv2, lu2, qr2, chol2, eig2, svd2);
square_properties!(3, det3, inv3, lu3, qr3, chol3, eig3, svd3);
square_properties!(4, det4, inv4, lu4, qr4, chol4, eig4, svd4);
