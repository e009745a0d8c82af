//! Second order in reverse mode (issue 12, point 5): forward over reverse
//! (`Var<Dual<f64, 1>>`) for `reverse::hvp`, and `reverse::hessian` by `n`
//! of them, against the forward-mode Hessian (nested duals), the
//! hand-written Hessians, and `H·v` formed from the forward Hessian, at
//! fixed and at random points.

use dualnum::test_functions::*;
use dualnum::{Function, chunked, reverse};
use nalgebra::{DMatrix, DVector};
use num_traits::Float;
use quickcheck::{QuickCheck, TestResult};

/// Every kind of cross term, generic over `Float`.
fn mixed<T: Float>(x: &[T]) -> T {
    let mut s = T::zero();
    for i in 0..x.len() {
        let j = (i + 3) % x.len();
        s = s + x[i].sin() * x[j].exp() + x[i] * x[i] * x[j] + (x[i] * x[j]).atan();
    }
    s / (T::one() + x[0] * x[0]).sqrt()
}

fn point(n: usize) -> Vec<f64> {
    (0..n).map(|i| 0.37 * i as f64 - 0.8).collect()
}

fn close(a: &DMatrix<f64>, b: &DMatrix<f64>, tol: f64) -> bool {
    (a - b).amax() <= tol * b.amax().max(1.0)
}

#[test]
fn hessian_matches_forward_mode() {
    for n in [1, 2, 5, 9] {
        let x = point(n);
        let (fr, gr, hr) = reverse::hessian(|x| mixed(x), &x);
        let (ff, gf, hf) = chunked::Chunk::<4>::hessian(mixed, &x);
        assert_eq!(fr, ff, "n = {n}");
        assert!((&gr - &gf).amax() <= 1e-14 * gf.amax().max(1.0), "n = {n}");
        assert!(close(&hr, &hf, 1e-14), "n = {n}: {hr}{hf}");
    }
}

#[test]
fn hessian_matches_the_hand_written_ones() {
    let x = point(6);
    let mut want = vec![0.0; 36];
    rosenbrock_hessian(&x, &mut want);
    let (_, _, h) = reverse::hessian(|x| rosenbrock(x), &x);
    assert!(close(&h, &DMatrix::from_row_slice(6, 6, &want), 1e-15), "{h}");
    log_sum_exp_hessian(&x, &mut want);
    let (_, _, h) = reverse::hessian(|x| log_sum_exp(x), &x);
    assert!(close(&h, &DMatrix::from_row_slice(6, 6, &want), 1e-14), "{h}");
}

#[test]
fn hvp_is_the_hessian_times_v() {
    let x = point(7);
    let v: Vec<f64> = (0..7).map(|i| (i as f64).cos()).collect();
    let (fx, g, hv) = reverse::hvp(|x| mixed(x), &x, &v);
    let (ff, gf, hf) = chunked::Chunk::<3>::hessian(mixed, &x);
    assert_eq!(fx, ff);
    assert!((&g - &gf).amax() <= 1e-14 * gf.amax());
    let want = &hf * DVector::from_column_slice(&v);
    assert!((&hv - &want).amax() <= 1e-13 * want.amax().max(1.0), "{hv}{want}");
    // The forward-over-forward product agrees too.
    let (_, _, hv_fwd) = chunked::Chunk::<3>::hvp(mixed, &x, &v);
    assert!((&hv - &hv_fwd).amax() <= 1e-13 * want.amax().max(1.0));
}

#[test]
fn literals_work_in_the_closure() {
    // f = 0.5·x² + 3·x·y − y/2, H = [[1, 3], [3, 0]]
    let (fx, g, h) =
        reverse::hessian(|x| 0.5 * x[0] * x[0] + 3.0 * x[0] * x[1] - x[1] / 2.0, &[2.0, 1.0]);
    assert_eq!(fx, 2.0 + 6.0 - 0.5);
    assert_eq!(g.as_slice(), &[2.0 + 3.0, 6.0 - 0.5]);
    assert_eq!(h, DMatrix::from_row_slice(2, 2, &[1.0, 3.0, 3.0, 0.0]));
}

struct Mixed;
impl Function for Mixed {
    fn eval<T: Float>(&self, x: &[T]) -> T {
        mixed(x)
    }
}

#[test]
fn function_objects_give_the_same_numbers() {
    let x = point(4);
    let v = [1.0, -2.0, 0.5, 0.25];
    assert_eq!(reverse::hvp_of(&Mixed, &x, &v), reverse::hvp(|x| mixed(x), &x, &v));
    assert_eq!(reverse::hessian_of(&Mixed, &x), reverse::hessian(|x| mixed(x), &x));
}

#[test]
#[should_panic(expected = "reverse::hvp: 3 inputs but a direction of length 2")]
fn hvp_refuses_a_direction_of_another_length() {
    let _ = reverse::hvp(|x| mixed(x), &[1.0, 2.0, 3.0], &[1.0, 0.0]);
}

#[test]
fn empty_input_is_the_value_alone() {
    let (fx, g, h) =
        reverse::hessian(|_| reverse::Var::constant(dualnum::Dual::constant(2.5)), &[]);
    assert_eq!((fx, g.len(), h.shape()), (2.5, 0, (0, 0)));
}

#[test]
fn random_points_agree_with_forward_mode() {
    fn prop(seed: Vec<i16>) -> TestResult {
        if seed.is_empty() || seed.len() > 8 {
            return TestResult::discard();
        }
        let x: Vec<f64> = seed.iter().map(|&s| f64::from(s) / 8192.0).collect();
        let (_, _, hr) = reverse::hessian(|x| mixed(x), &x);
        let (_, _, hf) = chunked::Chunk::<2>::hessian(mixed, &x);
        TestResult::from_bool(close(&hr, &hf, 1e-13))
    }
    QuickCheck::new().tests(200).quickcheck(prop as fn(Vec<i16>) -> TestResult);
}
