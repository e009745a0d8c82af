//! Chunk widths need no naming (issue 19): every run-time driver compiles
//! with no turbofish at the default width and agrees with the same driver
//! at an explicit width (`Chunk::<C>`, where only the width is named);
//! the static drivers infer their sizes. A form that needs a turbofish
//! fails to compile here.

use dualnum::chunked::{self, Chunk, DEFAULT_CHUNK};
use dualnum::test_functions::{broyden_tridiagonal, rosenbrock};
use dualnum::{Function, VectorFunction};
use nalgebra::{DMatrix, DVector, SMatrix, SVector};
use num_traits::Float;

struct Rosenbrock;
impl Function for Rosenbrock {
    fn eval<T: Float>(&self, x: &[T]) -> T {
        rosenbrock(x)
    }
}

struct Broyden;
impl VectorFunction for Broyden {
    fn outputs(&self, n: usize) -> usize {
        n
    }
    fn eval<T: Float>(&self, x: &[T], out: &mut [T]) {
        broyden_tridiagonal(x, out)
    }
}

fn close(a: &DMatrix<f64>, b: &DMatrix<f64>) -> bool {
    a.shape() == b.shape() && (a - b).amax() <= 1e-12 * b.amax().max(1.0)
}

#[test]
fn every_run_time_driver_has_a_default_width() {
    let x: Vec<f64> = (0..19).map(|i| 0.1 * f64::from(i) - 0.7).collect();
    let v: Vec<f64> = (0..19).map(|i| 1.0 - 0.05 * f64::from(i)).collect();
    let n = x.len();

    let (f, g) = chunked::gradient(rosenbrock, &x);
    assert_eq!((f, g.clone()), Chunk::<DEFAULT_CHUNK>::gradient(rosenbrock, &x));
    let (f3, g3) = Chunk::<3>::gradient(rosenbrock, &x);
    assert_eq!(f, f3);
    assert!(close(
        &DMatrix::from_column_slice(n, 1, g.as_slice()),
        &DMatrix::from_column_slice(n, 1, g3.as_slice())
    ));
    let mut g_into = vec![0.0; n];
    assert_eq!(chunked::gradient_into(rosenbrock, &x, &mut g_into), f);
    assert_eq!(g_into.as_slice(), g.as_slice());
    assert_eq!(chunked::gradient_of(&Rosenbrock, &x), (f, g.clone()));

    let (fx, j) = chunked::jacobian(|x| x.to_vec(), &x);
    assert_eq!(fx.as_slice(), x.as_slice());
    assert_eq!(j, DMatrix::identity(n, n));
    let (bx, bj) = chunked::jacobian_inplace(broyden_tridiagonal, &x, n);
    assert_eq!((bx.clone(), bj.clone()), Chunk::<5>::jacobian_inplace(broyden_tridiagonal, &x, n));
    let (mut fx2, mut j2) = (vec![0.0; n], vec![0.0; n * n]);
    chunked::jacobian_into(broyden_tridiagonal, &x, &mut fx2, &mut j2);
    assert_eq!((fx2.as_slice(), j2.as_slice()), (bx.as_slice(), bj.as_slice()));
    assert_eq!(chunked::jacobian_of(&Broyden, &x), (bx, bj));

    let (hf, hg, h) = chunked::hessian(rosenbrock, &x);
    let (_, _, h2) = Chunk::<2>::hessian(rosenbrock, &x);
    assert_eq!((hf, hg.clone()), (f, g.clone()));
    assert!(close(&h, &h2));
    let (mut hg2, mut hh2) = (vec![0.0; n], vec![0.0; n * n]);
    chunked::hessian_into(rosenbrock, &x, &mut hg2, &mut hh2);
    assert_eq!(hh2.as_slice(), h.as_slice());
    assert_eq!(chunked::hessian_of(&Rosenbrock, &x).2, h);

    let (_, vg, hv) = chunked::hvp(rosenbrock, &x, &v);
    assert_eq!(vg, g);
    let want = &h * DVector::from_vec(v.clone());
    assert!(close(
        &DMatrix::from_column_slice(n, 1, hv.as_slice()),
        &DMatrix::from_column_slice(n, 1, want.as_slice())
    ));
    let (mut g4, mut hv4) = (vec![0.0; n], vec![0.0; n]);
    chunked::hvp_into(rosenbrock, &x, &v, &mut g4, &mut hv4);
    assert_eq!(hv4.as_slice(), hv.as_slice());
    assert_eq!(chunked::hvp_of(&Rosenbrock, &x, &v).2, hv);
}

#[cfg(feature = "rayon")]
#[test]
fn parallel_drivers_have_a_default_width() {
    let x: Vec<f64> = (0..19).map(|i| 0.1 * f64::from(i) - 0.7).collect();
    let f = |x: &[dualnum::Dual<f64, DEFAULT_CHUNK>]| x.iter().map(|&v| v * v).collect::<Vec<_>>();
    assert_eq!(chunked::par_jacobian(f, &x), chunked::jacobian(f, &x));
    let g = |x: &[_], out: &mut [_]| broyden_tridiagonal(x, out);
    assert_eq!(chunked::par_jacobian_inplace(g, &x, 19), chunked::jacobian_inplace(g, &x, 19));
}

/// The static drivers infer `N` from the input and `M` from the result's
/// type; where sizes are named, outputs come first (`SMatrix<T, M, N>`).
#[test]
fn static_sizes_are_inferred() {
    let x = SVector::<f64, 4>::new(0.5, -0.25, 1.0, 2.0);
    let (fx, j): (SVector<f64, 4>, SMatrix<f64, 4, 4>) = dualnum::jacobian_of(&Broyden, &x);
    assert_eq!((fx, j), dualnum::jacobian_of::<4, 4, _>(&Broyden, &x));
    let (_, jc) = dualnum::jacobian(
        |x| {
            let mut out = [x[0]; 4];
            broyden_tridiagonal(x.as_slice(), &mut out);
            out
        },
        &x,
    );
    assert_eq!(jc, j);
    let (_, jv): (SVector<f64, 4>, _) = dualnum::jvp_of(&Broyden, &x, &x);
    assert!((jv - j * x).amax() < 1e-12);
    let (_, g) = dualnum::gradient_of(&Rosenbrock, &x);
    assert_eq!(g, dualnum::gradient(|x| rosenbrock(x.as_slice()), &x).1);
}
