//! `ode`: cmpad's `an_ode`, `y₀' = x₀`, `yᵢ' = xᵢ yᵢ₋₁`, `y(0) = 0`,
//! integrated to `t = 2` by `s` steps of classical Runge–Kutta; the gradient
//! of the last component of `y(2)` in reverse mode, through a step function
//! of the state `(x, y)`. The step has no branches, so it is compiled once
//! (`reverse::compile_map_of`, the preparation) and each run stores the
//! trajectory (plain `f64` steps) and pulls the adjoint back through it, one
//! replayed vector-Jacobian product a step; a trajectory of more than
//! 32 M values is not stored but checkpointed (`reverse::checkpoint`, 16
//! states, the tape holding one step).

use crate::{Outcome, json::size, json::vector, prepare, repeat};
use dualnum::reverse::{self, checkpoint};
use dualnum::{Function, VectorFunction, lit};

/// The most values of the trajectory (`(s + 1) · 2n`) stored for the
/// pullback: 32 M, 256 MB; longer integrations are checkpointed.
const MAX_TRAJECTORY: usize = 1 << 25;
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
        "gradient" => gradient(input, &x, s, MAX_TRAJECTORY),
        _ => Err(format!("ode has no function {function}")),
    }
}

/// The gradient runs, storing the trajectory if it has at most
/// `max_trajectory` values, checkpointing otherwise.
fn gradient(input: &Value, x: &[f64], s: usize, max_trajectory: usize) -> Outcome {
    let n = x.len();
    let mut state = x.to_vec();
    state.resize(2 * n, 0.0);
    let step = Step { s };
    if (s + 1) * 2 * n > max_trajectory {
        // Too long to store: binomial checkpointing, one step's tape.
        let mut g = vec![0.0; 2 * n];
        let (_, ns) =
            repeat(input, || checkpoint::gradient_of(&step, &Last, &state, s, 16, &mut g));
        return Ok((Value::from(&g[..n]), ns));
    }
    // The step has no branches: compile it once, then each run
    // stores the trajectory and pulls the adjoint back through the
    // steps by replaying the compiled step.
    let mut map = prepare(|| reverse::compile_map_of(&step, &state));
    let mut states = vec![state.clone(); s + 1];
    let mut w = vec![0.0; 2 * n];
    let (_, ns) = repeat(input, || {
        for k in 0..s {
            let (done, next) = states.split_at_mut(k + 1);
            step.eval(&done[k], &mut next[0]);
        }
        w.fill(0.0);
        w[2 * n - 1] = 1.0;
        for k in (0..s).rev() {
            let (_, wj) = map.vjp(&states[k], &w).expect("ode: the step has no branches");
            w.copy_from_slice(wj.as_slice());
        }
    });
    Ok((Value::from(&w[..n]), ns))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn stored_trajectory_and_checkpointing_agree() {
        let x: Vec<f64> = (0..7).map(|i| 0.3 + 0.1 * i as f64).collect();
        for s in [1, 2, 5, 20] {
            let input = json!({});
            let (stored, _) = super::gradient(&input, &x, s, usize::MAX).unwrap();
            let (checkpointed, _) = super::gradient(&input, &x, s, 0).unwrap();
            for (a, b) in stored.as_array().unwrap().iter().zip(checkpointed.as_array().unwrap()) {
                let (a, b) = (a.as_f64().unwrap(), b.as_f64().unwrap());
                assert!((a - b).abs() <= 1e-14 * (1.0 + b.abs()), "s = {s}: {a} vs {b}");
            }
        }
    }
}
