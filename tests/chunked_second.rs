//! Run-time-size second order (issue 11, point 4): `chunked::hessian` and
//! `chunked::hvp` against the static drivers, against the hand-written
//! Hessians, and against central differences of the gradient, for every
//! chunk width from 1 to wider than the input.

use dualnum::test_functions::*;
use dualnum::{chunked, numeric};
use nalgebra::{DMatrix, DVector, SVector};
use num_traits::Float;

/// A function with every kind of cross term, generic over `Float`.
fn mixed<T: Float>(x: &[T]) -> T {
    let mut s = T::zero();
    for i in 0..x.len() {
        let j = (i + 3) % x.len();
        s = s + x[i].sin() * x[j].exp() + x[i] * x[i] * x[j];
    }
    s
}

fn point(n: usize) -> Vec<f64> {
    (0..n).map(|i| 0.37 * i as f64 - 0.8).collect()
}

fn assert_close(a: &DMatrix<f64>, b: &DMatrix<f64>, tol: f64, what: &str) {
    let scale = b.amax().max(1.0);
    assert!((a - b).amax() <= tol * scale, "{what}: {a}{b}");
}

macro_rules! against_static {
    ($($c:literal),*) => {$({
        let x = SVector::<f64, 5>::from_column_slice(&point(5));
        let (fs, gs, hs) = dualnum::hessian(|x| mixed(x.as_slice()), &x);
        let (fc, gc, hc) = chunked::Chunk::<$c>::hessian(|x| mixed(x), x.as_slice());
        assert_eq!(fc, fs, "C = {}", $c);
        assert_eq!(gc.as_slice(), gs.as_slice(), "C = {}", $c);
        let hs = DMatrix::from_column_slice(5, 5, hs.as_slice());
        assert_close(&hc, &hs, 1e-15, "hessian vs static");
        assert_eq!(hc, hc.transpose(), "C = {}: off-diagonal blocks are mirrored", $c);

        let v = SVector::<f64, 5>::from_fn(|i, _| 1.0 - 0.3 * i as f64);
        let (fv, gv, hv) = dualnum::hvp(|x| mixed(x.as_slice()), &x, &v);
        let (fcv, gcv, hcv) = chunked::Chunk::<$c>::hvp(|x| mixed(x), x.as_slice(), v.as_slice());
        assert_eq!((fcv, gcv.as_slice()), (fv, gv.as_slice()), "C = {}", $c);
        assert_eq!(hcv.as_slice(), hv.as_slice(), "C = {}: hvp as the static one", $c);
    })*};
}

#[test]
fn equal_to_the_static_drivers_for_every_width() {
    against_static!(1, 2, 3, 4, 5, 8);
}

#[test]
fn rosenbrock_against_its_hand_written_hessian() {
    for n in [1, 2, 7, 16, 17] {
        let x = point(n);
        let mut want = vec![0.0; n * n];
        rosenbrock_hessian(&x, &mut want);
        let want = DMatrix::from_row_slice(n, n, &want);
        let mut g_want = vec![0.0; n];
        rosenbrock_gradient(&x, &mut g_want);
        for (fx, g, h) in [
            chunked::Chunk::<1>::hessian(rosenbrock, &x),
            chunked::Chunk::<3>::hessian(rosenbrock, &x),
            chunked::Chunk::<8>::hessian(rosenbrock, &x),
        ] {
            assert_eq!(fx, rosenbrock(&x));
            assert_close(
                &DMatrix::from_column_slice(n, 1, g.as_slice()),
                &DMatrix::from_column_slice(n, 1, &g_want),
                1e-14,
                "gradient",
            );
            assert_close(&h, &want, 1e-14, "hessian");
        }
    }
}

#[test]
fn against_central_differences_of_the_gradient() {
    let x = point(11);
    let (_, h_fd) =
        numeric::jacobian(|x| chunked::Chunk::<4>::gradient(mixed, x).1.as_slice().to_vec(), &x);
    let (_, _, h) = chunked::Chunk::<4>::hessian(mixed, &x);
    assert_close(&h, &h_fd, 1e-7, "hessian vs central differences");
    let v: Vec<f64> = (0..11).map(|i| (i as f64).sin()).collect();
    let (_, _, hv) = chunked::Chunk::<3>::hvp(mixed, &x, &v);
    let want = &h_fd * DVector::from_column_slice(&v);
    assert!((hv - &want).amax() <= 1e-7 * want.amax().max(1.0));
}

#[test]
fn log_sum_exp_hvp_matches_its_hessian() {
    let x = point(9);
    let mut h = vec![0.0; 81];
    log_sum_exp_hessian(&x, &mut h);
    let h = DMatrix::from_row_slice(9, 9, &h);
    let v = DVector::from_fn(9, |i, _| 0.5 - 0.1 * i as f64);
    let (fx, _, hv) = chunked::Chunk::<4>::hvp(log_sum_exp, &x, v.as_slice());
    assert_eq!(fx, log_sum_exp(&x));
    assert!((hv - &h * &v).amax() < 1e-15);
}

#[test]
fn hessian_evaluates_only_the_upper_blocks() {
    // n = 7, C = 3: K = 3 chunks, K(K + 1)/2 = 6 evaluations
    let mut calls = 0;
    let _ = chunked::Chunk::<3>::hessian(
        |x| {
            calls += 1;
            mixed(x)
        },
        &point(7),
    );
    assert_eq!(calls, 6);
    let mut calls = 0;
    let _ = chunked::Chunk::<3>::hvp(
        |x| {
            calls += 1;
            mixed(x)
        },
        &point(7),
        &point(7),
    );
    assert_eq!(calls, 3);
}

#[test]
fn empty_input_evaluates_once() {
    let mut calls = 0;
    let (fx, g, h) = chunked::Chunk::<4>::hessian(
        |_| {
            calls += 1;
            dualnum::Dual::constant(dualnum::Dual::constant(2.5))
        },
        &[],
    );
    assert_eq!((fx, g.len(), h.shape(), calls), (2.5, 0, (0, 0), 1));
}

#[test]
#[should_panic(expected = "chunked::hvp_into: `v` has length 2 but the result needs 3")]
fn hvp_checks_the_direction_length() {
    let _ = chunked::Chunk::<2>::hvp(rosenbrock, &[1.0, 2.0, 3.0], &[1.0, 0.0]);
}
