//! The static drivers (`derivative`, `gradient`, `jacobian`, `jvp`,
//! `hessian`, `hvp`) against the hand-written derivatives in
//! `dualnum::test_functions`, and the identities they must satisfy: the
//! chain rule in matrix form, Hessian symmetry, Hessian = Jacobian of the
//! gradient, hvp = ∇²f·v.

use dualnum::Dual;
use dualnum::test_functions::*;
use nalgebra::{SMatrix, SVector, Scalar, matrix, vector};
use num_traits::Float;
use quickcheck::quickcheck;

/// `|a − b| ≤ tol·max(1, |b|)` for every entry.
#[track_caller]
fn assert_close<const R: usize, const C: usize>(
    a: &SMatrix<f64, R, C>,
    b: &SMatrix<f64, R, C>,
    tol: f64,
) {
    for (i, (x, y)) in a.iter().zip(b.iter()).enumerate() {
        assert!((x - y).abs() <= tol * y.abs().max(1.0), "entry {i}: {x} vs {y}\n{a}\n{b}");
    }
}

/// A hand-written gradient as an `SVector`.
fn hand_gradient<const N: usize>(
    g: fn(&[f64], &mut [f64]),
    x: &SVector<f64, N>,
) -> SVector<f64, N> {
    let mut out = SVector::<f64, N>::zeros();
    g(x.as_slice(), out.as_mut_slice());
    out
}

/// A hand-written row-major `M × N` matrix as an `SMatrix`.
fn hand_matrix<const M: usize, const N: usize>(
    h: impl Fn(&[f64], &mut [f64]),
    x: &SVector<f64, N>,
) -> SMatrix<f64, M, N> {
    let mut rows = vec![0.0; M * N];
    h(x.as_slice(), &mut rows);
    SMatrix::from_row_slice(&rows)
}

/// An in-place map `R^N → R^M` as a function on static vectors.
fn lift<T: Float + Scalar, const N: usize, const M: usize>(
    f: fn(&[T], &mut [T]),
    x: SVector<T, N>,
) -> SVector<T, M> {
    let mut out = SVector::<T, M>::from_element(T::zero());
    f(x.as_slice(), out.as_mut_slice());
    out
}

/// Maps an arbitrary quickcheck `f64` into `[-2, 2]`.
fn bounded(v: f64) -> f64 {
    if v.is_finite() { v % 2.0 } else { 0.5 }
}

#[test]
fn derivative_matches_hand_written() {
    for x in [-2.5, -0.3, 0.0, 0.7, 1.9] {
        let (fx, d) = dualnum::derivative(transcendental, x);
        assert_eq!(fx, transcendental(x), "value must be exact");
        let want = transcendental_derivative(x);
        assert!((d - want).abs() <= 1e-14 * want.abs().max(1.0), "{x}: {d} vs {want}");
    }
    // f32 goes through the same driver
    let (_, d) = dualnum::derivative(|x: Dual<f32, 1>| x * x * x, 2.0f32);
    assert_eq!(d, 12.0);
}

#[test]
fn gradient_matches_hand_written() {
    let x = vector![1.2, -0.7, 0.4, 2.1, -1.3];
    let (fx, g) = dualnum::gradient(|x| rosenbrock(x.as_slice()), &x);
    assert_eq!(fx, rosenbrock(x.as_slice()));
    assert_close(&g, &hand_gradient(rosenbrock_gradient, &x), 1e-14);

    let (fx, g) = dualnum::gradient(|x| log_sum_exp(x.as_slice()), &x);
    assert_eq!(fx, log_sum_exp(x.as_slice()));
    assert_close(&g, &hand_gradient(log_sum_exp_gradient, &x), 1e-14);

    let (_, g) = dualnum::gradient(|x| sin_exp_sum(x.as_slice()), &x);
    assert_close(&g, &hand_gradient(sin_exp_sum_gradient, &x), 1e-14);
}

#[test]
fn gradient_of_the_lecture_z() {
    let x = vector![2.0, core::f64::consts::FRAC_PI_2];
    let (z, g) = dualnum::gradient(|x| lecture_z(x.as_slice()), &x);
    let e2 = 2.0f64.exp();
    assert!((z - 4.0 * e2).abs() <= 1e-14 * z);
    assert_close(&g, &vector![8.0 * e2, -4.0 * e2], 1e-14);
    assert_close(&g, &hand_gradient(lecture_z_gradient, &x), 1e-15);
}

#[test]
fn closures_may_use_nalgebra_arithmetic() {
    // ∇(x·x) = 2x
    let x = vector![0.5, -1.5, 2.0];
    let (fx, g) = dualnum::gradient(|x| x.dot(&x), &x);
    assert_eq!((fx, g), (x.dot(&x), 2.0 * x));
    // J(A·x + x∘x) = A + 2·diag(x)
    let a = matrix![1.0, 2.0, 3.0; -1.0, 0.5, 4.0];
    let ad = a.map(Dual::constant);
    let (fx, j) = dualnum::jacobian(|x| ad * x + x.component_mul(&x).fixed_rows::<2>(0), &x);
    assert_eq!(fx, a * x + x.component_mul(&x).fixed_rows::<2>(0));
    let mut want = a;
    want[(0, 0)] += 2.0 * x[0];
    want[(1, 1)] += 2.0 * x[1];
    assert_eq!(j, want);
}

#[test]
fn jacobian_matches_hand_written() {
    let x = vector![0.3, -1.1, 0.7, 1.9];
    let (fx, j) = dualnum::jacobian(|x| lift::<_, 4, 3>(map_r4_r3, x), &x);
    assert_eq!(fx, lift::<_, 4, 3>(map_r4_r3, x), "values must be exact");
    assert_close(&j, &hand_matrix(map_r4_r3_jacobian, &x), 1e-14);

    let x = vector![0.5, -0.25, 1.0, 2.0, -1.0, 0.1];
    let (_, j) = dualnum::jacobian(|x| lift::<_, 6, 6>(broyden_tridiagonal, x), &x);
    assert_close(&j, &hand_matrix(broyden_tridiagonal_jacobian, &x), 1e-15);
    let (_, j) = dualnum::jacobian(|x| lift::<_, 6, 6>(broyden_exp_sin, x), &x);
    assert_close(&j, &hand_matrix(broyden_exp_sin_jacobian, &x), 1e-14);
}

#[test]
fn jvp_is_jacobian_times_v() {
    let x = vector![0.3, -1.1, 0.7, 1.9];
    let v = vector![1.0, -0.5, 2.0, 0.25];
    let (fx, jv) = dualnum::jvp(|x| lift::<_, 4, 3>(map_r4_r3, x), &x, &v);
    assert_eq!(fx, lift::<_, 4, 3>(map_r4_r3, x));
    let j: SMatrix<f64, 3, 4> = hand_matrix(map_r4_r3_jacobian, &x);
    assert_close(&jv, &(j * v), 1e-14);
    // scalar f: the directional derivative ∇f·v
    let (fx, d) = dualnum::jvp(|x| rosenbrock(x.as_slice()), &x, &v);
    assert_eq!(fx, rosenbrock(x.as_slice()));
    let g = hand_gradient(rosenbrock_gradient, &x);
    assert!((d - g.dot(&v)).abs() <= 1e-13 * g.dot(&v).abs());
}

#[test]
fn hessian_matches_hand_written() {
    let x = vector![1.2, -0.7, 0.4, 2.1];
    let (fx, g, h) = dualnum::hessian(|x| rosenbrock(x.as_slice()), &x);
    assert_eq!(fx, rosenbrock(x.as_slice()));
    assert_close(&g, &hand_gradient(rosenbrock_gradient, &x), 1e-14);
    assert_close(&h, &hand_matrix(rosenbrock_hessian, &x), 1e-14);

    let (fx, g, h) = dualnum::hessian(|x| log_sum_exp(x.as_slice()), &x);
    assert_eq!(fx, log_sum_exp(x.as_slice()));
    assert_close(&g, &hand_gradient(log_sum_exp_gradient, &x), 1e-14);
    assert_close(&h, &hand_matrix(log_sum_exp_hessian, &x), 1e-14);
}

#[test]
fn hessian_of_the_lecture_z() {
    // ∂²z/∂x² = e^c(x² + 4x + 2), ∂²z/∂x∂y = −sin y·e^c(x² + 2x),
    // ∂²z/∂y² = x²·e^c(sin² y − cos y), c = x + cos y
    let x = vector![0.8, 0.3];
    let (_, _, h) = dualnum::hessian(|x| lecture_z(x.as_slice()), &x);
    let (a, b) = (x[0], x[1]);
    let e = (a + b.cos()).exp();
    let hxy = -b.sin() * e * (a * a + 2.0 * a);
    let want =
        matrix![e * (a * a + 4.0 * a + 2.0), hxy; hxy, a * a * e * (b.sin().powi(2) - b.cos())];
    assert_close(&h, &want, 1e-14);
}

quickcheck! {
    fn hessian_is_symmetric_and_the_jacobian_of_the_gradient(a: f64, b: f64, c: f64) -> bool {
        let x = vector![bounded(a), bounded(b), bounded(c)];
        let f = |x: &[_]| sin_exp_sum(x) + log_sum_exp(x);
        let (_, g, h) = dualnum::hessian(|x| f(x.as_slice()), &x);
        // the Jacobian of the hand-written gradients, evaluated on duals
        let (g2, jg) = dualnum::jacobian(
            |x| {
                let mut g = SVector::<Dual<f64, 3>, 3>::from_element(Dual::constant(0.0));
                let mut t = g;
                sin_exp_sum_gradient(x.as_slice(), g.as_mut_slice());
                log_sum_exp_gradient(x.as_slice(), t.as_mut_slice());
                g + t
            },
            &x,
        );
        let scale = h.amax().max(1.0);
        (h - h.transpose()).amax() <= 1e-14 * scale
            && (h - jg).amax() <= 1e-13 * scale
            && (g - g2).amax() <= 1e-13 * g.amax().max(1.0)
    }

    fn hvp_is_hessian_times_v(a: f64, b: f64, c: f64, d: f64, v0: f64, v1: f64) -> bool {
        let x = vector![bounded(a), bounded(b), bounded(c), bounded(d)];
        let v = vector![bounded(v0), bounded(v1), 1.0, -0.5];
        let (fx, g, hv) = dualnum::hvp(|x| rosenbrock(x.as_slice()), &x, &v);
        let mut g_want = [0.0; 4];
        rosenbrock_gradient(x.as_slice(), &mut g_want);
        let h: SMatrix<f64, 4, 4> = hand_matrix(rosenbrock_hessian, &x);
        let (_, _, hv_lse) = dualnum::hvp(|x| log_sum_exp(x.as_slice()), &x, &v);
        let h_lse: SMatrix<f64, 4, 4> = hand_matrix(log_sum_exp_hessian, &x);
        fx == rosenbrock(x.as_slice())
            && (g - SVector::from(g_want)).amax() <= 1e-12 * g.amax().max(1.0)
            && (hv - h * v).amax() <= 1e-12 * (h.amax() * v.amax()).max(1.0)
            && (hv_lse - h_lse * v).amax() <= 1e-14
    }

    fn chain_rule_in_matrix_form(a: f64, b: f64, c: f64, d: f64) -> bool {
        // J(f∘g)(x) = J(f)(g(x))·J(g)(x), g = broyden_exp_sin: R⁴ → R⁴,
        // f = map_r4_r3: R⁴ → R³
        let x = vector![bounded(a), bounded(b), bounded(c), bounded(d)];
        let (gx, jg) = dualnum::jacobian(|x| lift::<_, 4, 4>(broyden_exp_sin, x), &x);
        let (_, jf) = dualnum::jacobian(|y| lift::<_, 4, 3>(map_r4_r3, y), &gx);
        let (_, jfg) = dualnum::jacobian(
            |x| lift::<_, 4, 3>(map_r4_r3, lift::<_, 4, 4>(broyden_exp_sin, x)),
            &x,
        );
        let prod = jf * jg;
        let scale = jf.abs().max() * jg.abs().max() * 4.0;
        (jfg - prod).amax() <= 1e-13 * scale.max(1.0)
    }
}
