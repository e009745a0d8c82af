//! `lstm`: the ADBench LSTM text-prediction loss, and its gradient with
//! respect to the main and extra parameters in reverse mode by a prepared
//! gradient (recorded and compiled once, then replayed).

use crate::{Outcome, json::rows, prepared_gradient, repeat};
use dualnum::{Function, lit};
use num_traits::Float;
use serde_json::Value;

/// The problem: `l` layers of `b` cells, the initial state (`2l × b`) and
/// the text (`c × b` bits), all plain data.
struct Lstm {
    l: usize,
    b: usize,
    state: Vec<f64>,
    sequence: Vec<f64>,
}

fn sigmoid<T: Float>(x: T) -> T {
    T::one() / (T::one() + (-x).exp())
}

impl Lstm {
    /// The loss at `params = main ++ extra`, generic.
    fn objective<T: Float>(&self, params: &[T]) -> T {
        let (l, b) = (self.l, self.b);
        let (main, extra) = params.split_at(8 * l * b);
        let (in_weight, rest) = extra.split_at(b);
        let (out_weight, out_bias) = rest.split_at(b);
        let mut state: Vec<T> = self.state.iter().map(|&s| lit(s)).collect();
        let mut ypred = vec![T::zero(); b];
        let mut total = T::zero();
        let mut count = 0;
        let steps: Vec<&[f64]> = self.sequence.chunks(b).collect();
        for t in 0..steps.len() - 1 {
            for i in 0..b {
                ypred[i] = lit::<T>(steps[t][i]) * in_weight[i];
            }
            for layer in 0..l {
                let p = &main[8 * b * layer..8 * b * (layer + 1)];
                let (hidden, cell) = state[2 * b * layer..2 * b * (layer + 1)].split_at_mut(b);
                for i in 0..b {
                    let x = ypred[i];
                    let forget = sigmoid(x * p[i] + p[4 * b + i]);
                    let ingate = sigmoid(hidden[i] * p[b + i] + p[5 * b + i]);
                    let outgate = sigmoid(x * p[2 * b + i] + p[6 * b + i]);
                    let change = (hidden[i] * p[3 * b + i] + p[7 * b + i]).tanh();
                    cell[i] = cell[i] * forget + ingate * change;
                    hidden[i] = outgate * cell[i].tanh();
                }
                ypred.copy_from_slice(hidden);
            }
            for i in 0..b {
                ypred[i] = ypred[i] * out_weight[i] + out_bias[i];
            }
            let sum = ypred.iter().fold(T::zero(), |s, &y| s + y.exp()) + lit(2.0);
            let lse = sum.ln();
            for i in 0..b {
                total = total + lit::<T>(steps[t + 1][i]) * (ypred[i] - lse);
            }
            count += b;
        }
        -total / lit(count as f64)
    }
}

impl Function for Lstm {
    fn eval<T: Float>(&self, params: &[T]) -> T {
        self.objective(params)
    }
}

pub(crate) fn evaluate(function: &str, input: &Value) -> Outcome {
    let (rows2l, mut params) = rows(input, "main_params")?;
    let (_, extra) = rows(input, "extra_params")?;
    params.extend(extra);
    let (c, sequence) = rows(input, "sequence")?;
    let l = rows2l / 2;
    if l == 0 || c < 2 || params.len() % (8 * l + 3) != 0 {
        return Err("lstm: main_params, extra_params or sequence have the wrong shape".into());
    }
    let lstm = Lstm { l, b: params.len() / (8 * l + 3), state: rows(input, "state")?.1, sequence };
    match function {
        "objective" => {
            let (y, ns) = repeat(input, || lstm.objective(&params));
            Ok((Value::from(y), ns))
        }
        "jacobian" => prepared_gradient(input, &lstm, &params),
        _ => Err(format!("lstm has no function {function}")),
    }
}
