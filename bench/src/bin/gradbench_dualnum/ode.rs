//! `ode`: cmpad's `an_ode`, `y₀' = x₀`, `yᵢ' = xᵢ yᵢ₋₁`, `y(0) = 0`,
//! integrated to `t = 2` by `s` steps of classical Runge–Kutta; the gradient
//! of the last component of `y(2)` in reverse mode, with binomial
//! checkpointing over the steps (`reverse::checkpoint`): the state `(x, y)`
//! is carried through a step function, at most 16 states are held and the
//! tape holds one step.

use crate::{Outcome, json::size, json::vector, repeat};
use dualnum::{Function, VectorFunction, lit, reverse::checkpoint};
use num_traits::Float;
use serde_json::Value;

/// The right-hand side `z = f(x, y)`.
fn ode_fun<T: Float>(x: &[T], y: &[T], z: &mut [T]) {
    z[0] = x[0];
    for i in 1..x.len() {
        z[i] = x[i] * y[i - 1];
    }
}

/// `y(2)` after `s` Runge–Kutta steps, generic.
fn primal<T: Float>(x: &[T], s: usize) -> Vec<T> {
    let n = x.len();
    let h = lit::<T>(2.0) / lit(s as f64);
    let (two, six) = (lit::<T>(2.0), lit::<T>(6.0));
    let mut y = vec![T::zero(); n];
    let (mut k1, mut k2, mut k3, mut k4) = (y.clone(), y.clone(), y.clone(), y.clone());
    let mut tmp = y.clone();
    for _ in 0..s {
        ode_fun(x, &y, &mut k1);
        for i in 0..n {
            tmp[i] = y[i] + h * k1[i] / two;
        }
        ode_fun(x, &tmp, &mut k2);
        for i in 0..n {
            tmp[i] = y[i] + h * k2[i] / two;
        }
        ode_fun(x, &tmp, &mut k3);
        for i in 0..n {
            tmp[i] = y[i] + h * k3[i];
        }
        ode_fun(x, &tmp, &mut k4);
        for i in 0..n {
            y[i] = y[i] + h * (k1[i] + two * k2[i] + two * k3[i] + k4[i]) / six;
        }
    }
    y
}

/// One Runge–Kutta step of the state `x ++ y` (`x` carried unchanged).
struct Step {
    s: usize,
}

impl VectorFunction for Step {
    fn outputs(&self, inputs: usize) -> usize {
        inputs
    }

    fn eval<T: Float>(&self, state: &[T], out: &mut [T]) {
        let n = state.len() / 2;
        let (x, y) = state.split_at(n);
        let h = lit::<T>(2.0) / lit(self.s as f64);
        let (two, six) = (lit::<T>(2.0), lit::<T>(6.0));
        let (mut k1, mut k2, mut k3, mut k4) = (y.to_vec(), y.to_vec(), y.to_vec(), y.to_vec());
        let mut tmp = y.to_vec();
        ode_fun(x, y, &mut k1);
        for i in 0..n {
            tmp[i] = y[i] + h * k1[i] / two;
        }
        ode_fun(x, &tmp, &mut k2);
        for i in 0..n {
            tmp[i] = y[i] + h * k2[i] / two;
        }
        ode_fun(x, &tmp, &mut k3);
        for i in 0..n {
            tmp[i] = y[i] + h * k3[i];
        }
        ode_fun(x, &tmp, &mut k4);
        out[..n].copy_from_slice(x);
        for i in 0..n {
            out[n + i] = y[i] + h * (k1[i] + two * k2[i] + two * k3[i] + k4[i]) / six;
        }
    }
}

/// The last component of the final state.
struct Last;

impl Function for Last {
    fn eval<T: Float>(&self, state: &[T]) -> T {
        *state.last().expect("the state is not empty")
    }
}

pub(crate) fn evaluate(function: &str, input: &Value) -> Outcome {
    let (x, s) = (vector(input, "x")?, size(input, "s")?);
    if x.is_empty() || s == 0 {
        return Err("ode: x is empty or s is 0".into());
    }
    match function {
        "primal" => {
            let (y, ns) = repeat(input, || primal(&x, s));
            Ok((Value::from(y), ns))
        }
        "gradient" => {
            let n = x.len();
            let mut state = x.clone();
            state.resize(2 * n, 0.0);
            let mut g = vec![0.0; 2 * n];
            let (_, ns) = repeat(input, || {
                checkpoint::gradient_of(&Step { s }, &Last, &state, s, 16, &mut g)
            });
            Ok((Value::from(&g[..n]), ns))
        }
        _ => Err(format!("ode has no function {function}")),
    }
}
