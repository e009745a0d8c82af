//! Reverse mode through nalgebra: `reverse::Active` as the scalar of
//! `determinant`, `try_inverse`, `lu().solve`, `cholesky()` (solve and
//! log-determinant), `norm`, a least-squares fit and a quadratic form, on
//! n × n matrices for n = 2 … 5 built from the inputs.
//!
//! Each matrix function is written once, generic over `T: RealField`, and
//! run on `f64` (central differences, `numeric::gradient`), on
//! `Dual<f64, 4>` (forward mode, `chunked::gradient`) and on `Active<f64>`
//! (`reverse::active::gradient`). For random well-conditioned matrices
//! (quickcheck) the properties are:
//!
//! - the value is bit-for-bit the `f64` value;
//! - the reverse gradient equals the forward gradient to rounding
//!   (`1e-11` relative);
//! - it equals the central difference to its error (`1e-6` relative);
//! - where there is a closed form (∇det = det·A⁻ᵀ, ∇ log det S = S⁻¹),
//!   it equals that to rounding.

use dualnum::reverse::{Active, active};
use dualnum::{chunked, numeric};
use nalgebra::{DMatrix, DVector, RealField};
use quickcheck::{Arbitrary, Gen, QuickCheck, TestResult};

// ---------------------------------------------------------------------------
// The matrix functions, generic over the scalar
// ---------------------------------------------------------------------------

/// `c` as a `T`.
fn k<T: RealField>(c: f64) -> T {
    nalgebra::convert(c)
}

/// The n × n matrix whose columns are `x[0..n]`, `x[n..2n]`, ….
fn square<T: RealField + Copy>(x: &[T], n: usize) -> DMatrix<T> {
    DMatrix::from_column_slice(n, n, &x[..n * n])
}

/// A constant weight matrix `W[i, j] = (1 + i + 2j)/10`, for scalar
/// summaries of matrix results.
fn weights<T: RealField>(r: usize, c: usize) -> DMatrix<T> {
    DMatrix::from_fn(r, c, |i, j| k((1 + i + 2 * j) as f64 / 10.0))
}

/// `det A`.
fn det<T: RealField + Copy>(x: &[T], n: usize) -> T {
    square(x, n).determinant()
}

/// `⟨W, A⁻¹⟩`, the inverse by `try_inverse`.
fn inverse<T: RealField + Copy>(x: &[T], n: usize) -> T {
    let inv = square(x, n).try_inverse().expect("well-conditioned");
    inv.dot(&weights(n, n))
}

/// `‖A⁻¹b‖²` by `lu().solve`, with `b = x[n²..n² + n]` varying too.
fn lu_solve<T: RealField + Copy>(x: &[T], n: usize) -> T {
    let b = DVector::from_column_slice(&x[n * n..n * n + n]);
    let u = square(x, n).lu().solve(&b).expect("well-conditioned");
    u.norm_squared()
}

/// `S = BᵀB + n·I` for `B` from the inputs: symmetric positive definite.
fn spd<T: RealField + Copy>(x: &[T], n: usize) -> DMatrix<T> {
    let b = square(x, n);
    b.transpose() * &b + DMatrix::identity(n, n) * k::<T>(n as f64)
}

/// `w·S⁻¹b` by `cholesky().solve`, `b` varying, `w` constant.
fn cholesky_solve<T: RealField + Copy>(x: &[T], n: usize) -> T {
    let b = DVector::from_column_slice(&x[n * n..n * n + n]);
    let u = spd(x, n).cholesky().expect("positive definite").solve(&b);
    u.dot(&weights(n, 1).column(0))
}

/// `log det S = 2 Σ ln Lᵢᵢ` from the Cholesky factor.
fn cholesky_logdet<T: RealField + Copy>(x: &[T], n: usize) -> T {
    let l = spd(x, n).cholesky().expect("positive definite").unpack();
    l.diagonal().map(|d| d.ln()).sum() * k::<T>(2.0)
}

/// `‖A‖_F + ‖A·b‖` (Frobenius and vector norms).
fn norms<T: RealField + Copy>(x: &[T], n: usize) -> T {
    let a = square(x, n);
    let b = DVector::from_column_slice(&x[n * n..n * n + n]);
    a.norm() + (&a * b).norm()
}

/// Least squares: the residual `‖A·u − y‖²` at `u = argmin`, by the normal
/// equations (`AᵀA u = Aᵀy`, Cholesky), for the tall (n + 1) × n matrix
/// `A` of the first n(n+1) inputs and a constant `y`.
fn least_squares<T: RealField + Copy>(x: &[T], n: usize) -> T {
    let a = DMatrix::from_column_slice(n + 1, n, &x[..(n + 1) * n]);
    let y = DVector::from_fn(n + 1, |i, _| k::<T>(1.0 - 0.3 * i as f64));
    let u = (a.transpose() * &a).cholesky().expect("full rank").solve(&(a.transpose() * &y));
    (&a * u - y).norm_squared()
}

/// The quadratic form `bᵀ S b` with `S` as in [`spd`].
fn quadratic_form<T: RealField + Copy>(x: &[T], n: usize) -> T {
    let b = DVector::from_column_slice(&x[n * n..n * n + n]);
    (b.transpose() * spd(x, n) * &b)[(0, 0)]
}

// ---------------------------------------------------------------------------
// Random inputs
// ---------------------------------------------------------------------------

/// A size n ∈ 2..=5 and inputs for it: a strictly diagonally dominant
/// n × n matrix (invertible, small condition number) followed by a vector
/// of n entries, all other entries uniform in [−1, 1]. The first
/// (n + 1)·n entries, read as a tall matrix, have full column rank too
/// (its top n × n block is the dominant matrix).
#[derive(Clone, Debug)]
struct Case {
    n: usize,
    x: Vec<f64>,
}

impl Arbitrary for Case {
    fn arbitrary(g: &mut Gen) -> Self {
        let n = 2 + usize::arbitrary(g) % 4;
        let mut unif = || f64::from(u32::arbitrary(g)) / f64::from(u32::MAX) * 2.0 - 1.0;
        let mut x: Vec<f64> = (0..(n + 1) * (n + 1)).map(|_| unif()).collect();
        // Make the leading n × n block (column-major, stride n) dominant.
        for i in 0..n {
            let row: f64 = (0..n).map(|j| x[i + n * j].abs()).sum();
            x[i + n * i] += (row + 1.0).copysign(x[i + n * i]);
        }
        Case { n, x }
    }
}

/// `|a − b| ≤ tol·(1 + |b|)` componentwise.
fn close(a: &DVector<f64>, b: &DVector<f64>, tol: f64) -> bool {
    a.len() == b.len()
        && a.iter().zip(b.iter()).all(|(p, q)| (p - q).abs() <= tol * (1.0 + q.abs()))
}

type MatFn<T> = fn(&[T], usize) -> T;

/// Runs one generic matrix function on the three scalar types and checks
/// value and gradients.
fn agrees(
    case: &Case,
    f64_fn: MatFn<f64>,
    dual_fn: MatFn<dualnum::Dual<f64, 4>>,
    active_fn: MatFn<Active<f64>>,
) -> TestResult {
    let (n, x) = (case.n, &case.x[..]);
    let (fx, g) = active::gradient(|x| active_fn(x, n), x);
    let (fd, gd) = chunked::Chunk::<4>::gradient(|x| dual_fn(x, n), x);
    let (fn_, gn) = numeric::gradient(|x| f64_fn(x, n), x);
    let plain = f64_fn(x, n);
    if fx.to_bits() != plain.to_bits() || fd.to_bits() != plain.to_bits() || fn_ != plain {
        return TestResult::error(format!("values differ: {fx} {fd} {plain}"));
    }
    if !close(&g, &gd, 1e-11) {
        return TestResult::error(format!("reverse {g} ≠ forward {gd}"));
    }
    if !close(&g, &gn, 1e-6) {
        return TestResult::error(format!("reverse {g} ≠ central difference {gn}"));
    }
    TestResult::passed()
}

macro_rules! property {
    ($($test:ident: $f:ident),* $(,)?) => {$(
        #[test]
        fn $test() {
            fn prop(case: Case) -> TestResult {
                agrees(&case, $f::<f64>, $f::<dualnum::Dual<f64, 4>>, $f::<Active<f64>>)
            }
            QuickCheck::new().tests(60).quickcheck(prop as fn(Case) -> TestResult);
        }
    )*};
}

property!(
    determinant_reverse_equals_forward_and_central_difference: det,
    try_inverse_reverse_equals_forward_and_central_difference: inverse,
    lu_solve_reverse_equals_forward_and_central_difference: lu_solve,
    cholesky_solve_reverse_equals_forward_and_central_difference: cholesky_solve,
    cholesky_logdet_reverse_equals_forward_and_central_difference: cholesky_logdet,
    norms_reverse_equal_forward_and_central_difference: norms,
    least_squares_reverse_equals_forward_and_central_difference: least_squares,
    quadratic_form_reverse_equals_forward_and_central_difference: quadratic_form,
);

// ---------------------------------------------------------------------------
// Closed forms
// ---------------------------------------------------------------------------

/// ∇ det A = det A · A⁻ᵀ (Jacobi's formula), entry by entry.
fn det_closed_form(case: Case) -> bool {
    let n = case.n;
    let x = &case.x[..n * n];
    let (d, g) = active::gradient(|x| det(x, n), x);
    let a = DMatrix::from_column_slice(n, n, x);
    let want = a.clone().try_inverse().unwrap().transpose() * a.determinant();
    let want = DVector::from_column_slice(want.as_slice());
    d == a.determinant() && close(&g, &want, 1e-11)
}

#[test]
fn determinant_gradient_is_det_times_inverse_transpose() {
    QuickCheck::new().tests(60).quickcheck(det_closed_form as fn(Case) -> bool);
}

/// With S itself as the input (symmetric entries varied together through
/// `S = (M + Mᵀ)/2`), ∇_M log det S = S⁻¹ (symmetric).
fn logdet_closed_form(case: Case) -> bool {
    let n = case.n;
    let m = DMatrix::from_column_slice(n, n, &case.x[..n * n]);
    // A symmetric positive definite base point.
    let s0 = &m * m.transpose() + DMatrix::identity(n, n) * n as f64;
    let logdet = |x: &[Active<f64>]| {
        let mm = DMatrix::from_column_slice(n, n, x);
        let s = (&mm + mm.transpose()) * Active::constant(0.5);
        let l = s.cholesky().unwrap().unpack();
        l.diagonal().map(|d| d.ln()).sum() * 2.0
    };
    let (v, g) = active::gradient(logdet, s0.as_slice());
    let want = s0.clone().try_inverse().unwrap();
    let plain = 2.0 * s0.clone().cholesky().unwrap().l().diagonal().map(f64::ln).sum();
    (v - plain).abs() <= 1e-14 * plain.abs().max(1.0)
        && close(&g, &DVector::from_column_slice(want.as_slice()), 1e-11)
}

#[test]
fn cholesky_logdet_gradient_is_the_inverse() {
    QuickCheck::new().tests(60).quickcheck(logdet_closed_form as fn(Case) -> bool);
}

// ---------------------------------------------------------------------------
// Jacobians and f32
// ---------------------------------------------------------------------------

/// u(x) = (A + diag(x))⁻¹ b by LU: the reverse Jacobian (n sweeps) equals
/// the forward one and the closed form J = −A(x)⁻¹·diag(u).
fn solve_jacobian(case: Case) -> bool {
    let n = case.n;
    let a = DMatrix::from_column_slice(n, n, &case.x[..n * n]);
    let b = DVector::from_column_slice(&case.x[n * n..n * n + n]);
    let x: Vec<f64> = case.x[n * n + n..n * n + 2 * n].iter().map(|v| 0.1 * v).collect();
    let (ac, bc) = (a.map(Active::constant), b.map(Active::constant));
    let (u, j) = active::jacobian(
        |x| (&ac + DMatrix::from_diagonal(&DVector::from_column_slice(x))).lu().solve(&bc).unwrap(),
        &x,
    );
    let (ad, bd) = (a.map(dualnum::Dual::constant), b.map(dualnum::Dual::constant));
    let (uf, jf) = chunked::Chunk::<4>::jacobian(
        |x| (&ad + DMatrix::from_diagonal(&DVector::from_column_slice(x))).lu().solve(&bd).unwrap(),
        &x,
    );
    let ax = &a + DMatrix::from_diagonal(&DVector::from_column_slice(&x));
    let want = -ax.clone().try_inverse().unwrap() * DMatrix::from_diagonal(&u);
    let tol = |p: &DMatrix<f64>, q: &DMatrix<f64>| (p - q).amax() <= 1e-11 * (1.0 + q.amax());
    u == uf && u == ax.lu().solve(&b).unwrap() && tol(&j, &jf) && tol(&j, &want)
}

#[test]
fn jacobian_through_an_lu_solve_equals_forward_and_closed_form() {
    QuickCheck::new().tests(60).quickcheck(solve_jacobian as fn(Case) -> bool);
}

/// The same generic function on `Active<f32>`: values are `f32`'s, the
/// gradient matches the `f64` reverse gradient to `f32` precision.
#[test]
fn f32_determinant_and_inverse() {
    let x64 = [4.0, 1.0, 0.5, -1.0, 3.0, 0.25, 0.5, 0.75, 2.0];
    let x32 = x64.map(|v| v as f32);
    for (f64_fn, f32_fn) in [
        (det::<Active<f64>> as MatFn<Active<f64>>, det::<Active<f32>> as MatFn<Active<f32>>),
        (inverse::<Active<f64>>, inverse::<Active<f32>>),
    ] {
        let (v64, g64) = active::gradient(|x| f64_fn(x, 3), &x64);
        let (v32, g32) = active::gradient(|x| f32_fn(x, 3), &x32);
        assert!((f64::from(v32) - v64).abs() < 1e-5 * v64.abs().max(1.0));
        for (a, b) in g32.iter().zip(g64.iter()) {
            assert!((f64::from(*a) - b).abs() < 1e-5 * b.abs().max(1.0), "{a} vs {b}");
        }
    }
}

/// A singular constant matrix is reported singular, as for `f64`; a matrix
/// of variables singular in value is not (structural `is_zero`, as for
/// `Dual`), and gives non-finite entries: the documented convention.
#[test]
fn singular_matrices_follow_the_dual_convention() {
    let (_, _) = active::gradient(
        |x| {
            let c = DMatrix::from_row_slice(2, 2, &[1.0, 2.0, 2.0, 4.0]).map(Active::constant);
            assert!(c.try_inverse().is_none());
            let v = DMatrix::from_row_slice(2, 2, x);
            let inv = v.try_inverse();
            assert!(inv.is_none_or(|m| m.iter().any(|e: &Active<f64>| !e.value().is_finite())));
            x[0]
        },
        &[1.0, 2.0, 2.0, 4.0],
    );
}
