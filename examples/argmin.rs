//! One function definition, handed to argmin's solvers: L-BFGS uses the
//! gradient, Newton's method (with a trust region, the Newton step solved
//! by Steihaug's conjugate gradients on the exact Hessian) the gradient and
//! the Hessian, all computed by dualnum from the same generic `eval`. A
//! least-squares fit minimises `½‖r‖²` with the gradient `Jᵀr` from the
//! residuals' Jacobian.
//!
//! Run with `cargo run --release --features argmin --example argmin`.

use argmin::core::{Executor, State};
use argmin::solver::linesearch::MoreThuenteLineSearch;
use argmin::solver::quasinewton::LBFGS;
use argmin::solver::trustregion::{Steihaug, TrustRegion};
use dualnum::argmin::{LeastSquares, Problem};
use dualnum::test_functions::rosenbrock;
use dualnum::{Function, VectorFunction, lit};
use num_traits::Float;

/// The extended Rosenbrock function, written once for every number type.
struct Rosenbrock;

impl Function for Rosenbrock {
    fn eval<T: Float>(&self, x: &[T]) -> T {
        rosenbrock(x)
    }
}

/// Residuals of the model `a·e^(−b·t)` against samples of `2·e^(−0.5·t)`.
struct Decay;

const TIMES: [f64; 6] = [0.0, 0.5, 1.0, 2.0, 3.0, 4.0];

impl VectorFunction for Decay {
    fn outputs(&self, _inputs: usize) -> usize {
        TIMES.len()
    }

    fn eval<T: Float>(&self, p: &[T], r: &mut [T]) {
        for (ri, &t) in r.iter_mut().zip(&TIMES) {
            let y = 2.0 * (-0.5 * t).exp();
            *ri = p[0] * (-p[1] * lit::<T>(t)).exp() - lit(y);
        }
    }
}

fn main() -> Result<(), argmin::core::Error> {
    let start: Vec<f64> = (0..10).map(|i| if i % 2 == 0 { -1.2 } else { 1.0 }).collect();

    let lbfgs = LBFGS::new(MoreThuenteLineSearch::new(), 7).with_tolerance_grad(1e-10)?;
    let res = Executor::new(Problem::new(Rosenbrock), lbfgs)
        .configure(|s| s.param(start.clone()).max_iters(500))
        .run()?;
    let x = res.state().get_best_param().expect("a best point");
    println!(
        "L-BFGS on 10-d Rosenbrock: f = {:.3e} after {} iterations",
        res.state().get_best_cost(),
        res.state().get_iter()
    );
    assert!(x.iter().all(|&xi| (xi - 1.0).abs() < 1e-6), "L-BFGS did not reach (1, …, 1): {x:?}");

    let newton = TrustRegion::new(Steihaug::new().with_max_iters(20));
    let res = Executor::new(Problem::new(Rosenbrock), newton)
        .configure(|s| s.param(vec![0.5; 10]).max_iters(100))
        .run()?;
    let x = res.state().get_best_param().expect("a best point");
    println!(
        "Newton (trust region) on 10-d Rosenbrock: f = {:.3e} after {} iterations",
        res.state().get_best_cost(),
        res.state().get_iter()
    );
    assert!(x.iter().all(|&xi| (xi - 1.0).abs() < 1e-9), "Newton did not reach (1, …, 1): {x:?}");

    let lbfgs = LBFGS::new(MoreThuenteLineSearch::new(), 5).with_tolerance_grad(1e-12)?;
    let res = Executor::new(LeastSquares::new(Decay), lbfgs)
        .configure(|s| s.param(vec![1.0, 1.0]).max_iters(200))
        .run()?;
    let p = res.state().get_best_param().expect("a best point");
    println!("least-squares fit of a·e^(−b·t): a = {:.8}, b = {:.8}", p[0], p[1]);
    assert!((p[0] - 2.0).abs() < 1e-6 && (p[1] - 0.5).abs() < 1e-6);
    Ok(())
}
