//! One user function for every mode (issue 11, point 3): a `Function` or
//! `VectorFunction` object accepted by the `_of` twin of every driver, each
//! giving exactly what the closure form gives.

use dualnum::test_functions::{broyden_exp_sin, rosenbrock};
use dualnum::{Function, VectorFunction, chunked, numeric, reverse};
use nalgebra::{SVector, vector};
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
        broyden_exp_sin(x, out)
    }
}

struct Cubic;
impl Function for Cubic {
    fn eval<T: Float>(&self, x: &[T]) -> T {
        x[0] * x[0] * x[0] - x[0].sin()
    }
}

#[test]
fn static_drivers() {
    let x = vector![1.2, 0.9, -0.4];
    let v = vector![0.5, -1.0, 2.0];
    let f = |x: &[f64]| rosenbrock(x);
    assert_eq!(dualnum::derivative_of(&Cubic, 0.7), dualnum::derivative(|x| Cubic.eval(&[x]), 0.7));
    assert_eq!(
        dualnum::gradient_of(&Rosenbrock, &x),
        dualnum::gradient(|x| rosenbrock(x.as_slice()), &x)
    );
    assert_eq!(
        dualnum::hessian_of(&Rosenbrock, &x),
        dualnum::hessian(|x| rosenbrock(x.as_slice()), &x)
    );
    assert_eq!(
        dualnum::hvp_of(&Rosenbrock, &x, &v),
        dualnum::hvp(|x| rosenbrock(x.as_slice()), &x, &v)
    );
    let (fx, j) = dualnum::jacobian_of::<3, 3, _>(&Broyden, &x);
    let (fj, jv) = dualnum::jvp_of::<3, 3, _>(&Broyden, &x, &v);
    assert_eq!(fx, fj);
    assert!((jv - j * v).amax() < 1e-14);
    assert_eq!(f(x.as_slice()), dualnum::gradient_of(&Rosenbrock, &x).0);
}

#[test]
#[should_panic(expected = "jvp_of: the function has 3 outputs for 3 inputs")]
fn static_output_size_is_checked() {
    let x = SVector::<f64, 3>::zeros();
    let _ = dualnum::jvp_of::<2, 3, _>(&Broyden, &x, &x);
}

#[test]
fn run_time_drivers() {
    let x: Vec<f64> = (0..13).map(|i| 0.1 * i as f64 - 0.5).collect();
    let w: Vec<f64> = (0..13).map(|i| 1.0 - 0.2 * i as f64).collect();
    assert_eq!(
        chunked::Chunk::<4>::gradient_of(&Rosenbrock, &x),
        chunked::Chunk::<4>::gradient(rosenbrock, &x)
    );
    assert_eq!(
        chunked::Chunk::<4>::jacobian_of(&Broyden, &x),
        chunked::Chunk::<4>::jacobian_inplace(broyden_exp_sin, &x, 13)
    );
    assert_eq!(numeric::gradient_of(&Rosenbrock, &x), numeric::gradient(rosenbrock, &x));
    assert_eq!(
        numeric::jacobian_of(&Broyden, &x),
        numeric::jacobian_inplace(broyden_exp_sin, &x, 13)
    );
    assert_eq!(reverse::gradient_of(&Rosenbrock, &x), reverse::gradient(|x| rosenbrock(x), &x));
    let (fx, j) = reverse::jacobian_of(&Broyden, &x);
    let (fv, wj) = reverse::vjp_of(&Broyden, &x, &w);
    assert_eq!(fx, fv);
    let (cf, cj) = chunked::Chunk::<4>::jacobian_of(&Broyden, &x);
    assert_eq!(fx, cf);
    assert!((&j - &cj).amax() < 1e-13);
    assert!((wj - j.transpose() * nalgebra::DVector::from_vec(w)).amax() < 1e-12);
}
