//! One function definition as an [argmin](https://argmin-rs.org) problem
//! (feature `argmin`): cost, gradient and Hessian of a [`Function`], and
//! residuals, Jacobian, cost `½‖r‖²` and gradient `Jᵀr` of a
//! [`VectorFunction`], all from its one generic `eval`.
//!
//! Parameters are `Vec<f64>` and matrices `Vec<Vec<f64>>` (one inner
//! `Vec` per row): argmin-math's `Vec` backend, because its nalgebra
//! backend pins nalgebra 0.34 while this crate uses 0.35. Derivatives come
//! from the [`chunked`] drivers with `C` lanes per pass (default
//! [`DEFAULT_CHUNK`]). With that backend argmin's solvers that invert a
//! matrix (`Newton`, `GaussNewton`) are not available; `LBFGS`, `BFGS`,
//! and Newton's method as `TrustRegion` with `Steihaug` (the Newton step
//! by conjugate gradients on the exact Hessian) are, and converge on
//! Rosenbrock (`tests/argmin.rs`, `examples/argmin.rs`). argmin's
//! `NewtonCG` also accepts these types but, with argmin 0.11's line
//! searches, stalls on the 2-d Rosenbrock function even with a
//! hand-written Hessian.
//!
//! ```
//! use argmin::core::{Executor, State};
//! use argmin::solver::{linesearch::MoreThuenteLineSearch, quasinewton::LBFGS};
//! use dualnum::{Function, argmin::Problem, test_functions::rosenbrock};
//! use num_traits::Float;
//!
//! struct Rosenbrock;
//! impl Function for Rosenbrock {
//!     fn eval<T: Float>(&self, x: &[T]) -> T {
//!         rosenbrock(x)
//!     }
//! }
//!
//! let solver = LBFGS::new(MoreThuenteLineSearch::new(), 7);
//! let res = Executor::new(Problem::new(Rosenbrock), solver)
//!     .configure(|s| s.param(vec![-1.2, 1.0, -0.5, 0.8]).max_iters(200))
//!     .run()
//!     .unwrap();
//! let best = res.state().get_best_param().unwrap();
//! assert!(best.iter().all(|&x| (x - 1.0).abs() < 1e-6));
//! ```

use alloc::vec::Vec;

use ::argmin::core::{CostFunction, Error, Gradient, Hessian, Jacobian, Operator};

use crate::chunked::{self, DEFAULT_CHUNK};
use crate::{Function, VectorFunction};

/// A scalar [`Function`] as an argmin problem: [`CostFunction`],
/// [`Gradient`] and [`Hessian`], with derivatives from
/// [`chunked::gradient`] and [`chunked::hessian`] at `C` lanes per pass.
///
/// ```
/// use argmin::core::{CostFunction, Gradient, Hessian};
/// use dualnum::{Function, argmin::Problem};
/// use num_traits::Float;
///
/// struct Bowl;
/// impl Function for Bowl {
///     fn eval<T: Float>(&self, x: &[T]) -> T {
///         x[0] * x[0] + x[0] * x[1] + x[1].powi(4)
///     }
/// }
/// let p = Problem::new(Bowl);
/// let x = vec![1.0, 2.0];
/// assert_eq!(p.cost(&x).unwrap(), 19.0);
/// assert_eq!(p.gradient(&x).unwrap(), vec![4.0, 33.0]);
/// assert_eq!(p.hessian(&x).unwrap(), vec![vec![2.0, 1.0], vec![1.0, 48.0]]);
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct Problem<F, const C: usize = DEFAULT_CHUNK> {
    /// The function.
    pub f: F,
}

impl<F: Function> Problem<F> {
    /// The problem of `f`, with the default chunk width.
    #[must_use]
    pub fn new(f: F) -> Self {
        Problem { f }
    }
}

impl<F: Function, const C: usize> CostFunction for Problem<F, C> {
    type Param = Vec<f64>;
    type Output = f64;

    /// `f(x)`, in plain `f64`.
    fn cost(&self, x: &Vec<f64>) -> Result<f64, Error> {
        Ok(self.f.eval(x))
    }
}

impl<F: Function, const C: usize> Gradient for Problem<F, C> {
    type Param = Vec<f64>;
    type Gradient = Vec<f64>;

    /// `∇f(x)` by [`chunked::gradient_into`].
    fn gradient(&self, x: &Vec<f64>) -> Result<Vec<f64>, Error> {
        let mut g = alloc::vec![0.0; x.len()];
        chunked::Chunk::<C>::gradient_into(|x| self.f.eval(x), x, &mut g);
        Ok(g)
    }
}

impl<F: Function, const C: usize> Hessian for Problem<F, C> {
    type Param = Vec<f64>;
    type Hessian = Vec<Vec<f64>>;

    /// `∇²f(x)` by [`chunked::hessian`], one `Vec` per row.
    fn hessian(&self, x: &Vec<f64>) -> Result<Vec<Vec<f64>>, Error> {
        let (_, _, h) = chunked::Chunk::<C>::hessian(|x| self.f.eval(x), x);
        Ok(h.row_iter().map(|r| r.iter().copied().collect()).collect())
    }
}

/// A [`VectorFunction`] of residuals `r(x)` as an argmin least-squares
/// problem: [`Operator`] (the residuals), [`Jacobian`], and the cost
/// `½‖r‖²` with its gradient `Jᵀr` ([`CostFunction`], [`Gradient`]) for
/// the general-purpose solvers.
///
/// ```
/// use argmin::core::{CostFunction, Gradient, Jacobian, Operator};
/// use dualnum::{VectorFunction, argmin::LeastSquares};
/// use num_traits::Float;
///
/// /// r(x) = (x₀ − 1, 10·(x₁ − x₀²))
/// struct Residuals;
/// impl VectorFunction for Residuals {
///     fn outputs(&self, _: usize) -> usize {
///         2
///     }
///     fn eval<T: Float>(&self, x: &[T], r: &mut [T]) {
///         r[0] = x[0] - T::one();
///         r[1] = dualnum::lit::<T>(10.0) * (x[1] - x[0] * x[0]);
///     }
/// }
/// let p = LeastSquares::new(Residuals);
/// let x = vec![2.0, 3.0];
/// assert_eq!(p.apply(&x).unwrap(), vec![1.0, -10.0]);
/// assert_eq!(p.jacobian(&x).unwrap(), vec![vec![1.0, 0.0], vec![-40.0, 10.0]]);
/// assert_eq!(p.cost(&x).unwrap(), 50.5);
/// assert_eq!(p.gradient(&x).unwrap(), vec![1.0 + 400.0, -100.0]);
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct LeastSquares<F, const C: usize = DEFAULT_CHUNK> {
    /// The residual function.
    pub r: F,
}

impl<F: VectorFunction> LeastSquares<F> {
    /// The least-squares problem of the residuals `r`, with the default
    /// chunk width.
    #[must_use]
    pub fn new(r: F) -> Self {
        LeastSquares { r }
    }
}

impl<F: VectorFunction, const C: usize> LeastSquares<F, C> {
    fn residuals(&self, x: &[f64]) -> Vec<f64> {
        let mut r = alloc::vec![0.0; self.r.outputs(x.len())];
        self.r.eval(x, &mut r);
        r
    }
}

impl<F: VectorFunction, const C: usize> Operator for LeastSquares<F, C> {
    type Param = Vec<f64>;
    type Output = Vec<f64>;

    /// The residuals `r(x)`.
    fn apply(&self, x: &Vec<f64>) -> Result<Vec<f64>, Error> {
        Ok(self.residuals(x))
    }
}

impl<F: VectorFunction, const C: usize> Jacobian for LeastSquares<F, C> {
    type Param = Vec<f64>;
    type Jacobian = Vec<Vec<f64>>;

    /// The `m × n` Jacobian of the residuals by [`chunked::jacobian_of`],
    /// one `Vec` per row.
    fn jacobian(&self, x: &Vec<f64>) -> Result<Vec<Vec<f64>>, Error> {
        let (_, j) = chunked::Chunk::<C>::jacobian_of(&self.r, x);
        Ok(j.row_iter().map(|r| r.iter().copied().collect()).collect())
    }
}

impl<F: VectorFunction, const C: usize> CostFunction for LeastSquares<F, C> {
    type Param = Vec<f64>;
    type Output = f64;

    /// `½‖r(x)‖²`.
    fn cost(&self, x: &Vec<f64>) -> Result<f64, Error> {
        Ok(0.5 * self.residuals(x).iter().map(|r| r * r).sum::<f64>())
    }
}

impl<F: VectorFunction, const C: usize> Gradient for LeastSquares<F, C> {
    type Param = Vec<f64>;
    type Gradient = Vec<f64>;

    /// `Jᵀr`, from one chunked Jacobian evaluation.
    fn gradient(&self, x: &Vec<f64>) -> Result<Vec<f64>, Error> {
        let (r, j) = chunked::Chunk::<C>::jacobian_of(&self.r, x);
        Ok(j.tr_mul(&r).as_slice().to_vec())
    }
}
