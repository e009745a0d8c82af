//! The argmin adapter (feature `argmin`): its derivatives equal the
//! drivers', and argmin 0.11's solvers converge with them.
#![cfg(feature = "argmin")]

use argmin::core::{CostFunction, Executor, Gradient, Hessian, Jacobian, Operator, State};
use argmin::solver::linesearch::MoreThuenteLineSearch;
use argmin::solver::quasinewton::LBFGS;
use argmin::solver::trustregion::{Steihaug, TrustRegion};
use dualnum::argmin::{LeastSquares, Problem};
use dualnum::test_functions::{broyden_exp_sin, rosenbrock};
use dualnum::{Function, VectorFunction, chunked};
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

fn rows(m: &nalgebra::DMatrix<f64>) -> Vec<Vec<f64>> {
    m.row_iter().map(|r| r.iter().copied().collect()).collect()
}

#[test]
fn derivatives_are_the_drivers() {
    let x: Vec<f64> = (0..11).map(|i| 0.2 * i as f64 - 1.0).collect();
    let p = Problem::new(Rosenbrock);
    let (fx, g, h) = chunked::Chunk::<8>::hessian(rosenbrock, &x);
    assert_eq!(p.cost(&x).unwrap(), fx);
    assert_eq!(p.gradient(&x).unwrap(), g.as_slice());
    assert_eq!(p.hessian(&x).unwrap(), rows(&h));
    let q: Problem<_, 3> = Problem { f: Rosenbrock };
    assert_eq!(q.gradient(&x).unwrap(), g.as_slice());

    let ls = LeastSquares::new(Broyden);
    let (r, j) = chunked::Chunk::<8>::jacobian_of(&Broyden, &x);
    assert_eq!(ls.apply(&x).unwrap(), r.as_slice());
    assert_eq!(ls.jacobian(&x).unwrap(), rows(&j));
    assert_eq!(ls.cost(&x).unwrap(), 0.5 * r.norm_squared());
    assert_eq!(ls.gradient(&x).unwrap(), (j.transpose() * r).as_slice());
}

#[test]
fn lbfgs_and_newton_converge() {
    let start: Vec<f64> = (0..6).map(|i| if i % 2 == 0 { -1.2 } else { 1.0 }).collect();
    let lbfgs = LBFGS::new(MoreThuenteLineSearch::new(), 7).with_tolerance_grad(1e-10).unwrap();
    let res = Executor::new(Problem::new(Rosenbrock), lbfgs)
        .configure(|s| s.param(start.clone()).max_iters(500))
        .run()
        .unwrap();
    let x = res.state().get_best_param().unwrap();
    assert!(x.iter().all(|&xi| (xi - 1.0).abs() < 1e-6), "{x:?}");

    // Newton's method with a trust region; the step solves ∇²f·p = −∇f by
    // Steihaug's conjugate gradients on the exact Hessian.
    for start in [vec![-1.2, 1.0], vec![0.5; 10]] {
        let newton = TrustRegion::new(Steihaug::new().with_max_iters(20));
        let res = Executor::new(Problem::new(Rosenbrock), newton)
            .configure(|s| s.param(start.clone()).max_iters(100))
            .run()
            .unwrap();
        let x = res.state().get_best_param().unwrap();
        assert!(x.iter().all(|&xi| (xi - 1.0).abs() < 1e-9), "from {start:?}: {x:?}");
    }
}
