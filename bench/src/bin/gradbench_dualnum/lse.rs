//! `lse`: LogSumExp, `max x + ln Σ exp(xᵢ − max x)`, and its gradient in
//! reverse mode by a prepared gradient (recorded and compiled once, then
//! replayed).

use crate::{Outcome, json::vector, prepared_gradient, repeat};
use dualnum::Function;
use num_traits::Float;
use serde_json::Value;

/// LogSumExp with the max shifted out, written once for any `Float`.
fn lse<T: Float>(x: &[T]) -> T {
    let a = x[1..].iter().fold(x[0], |a, &b| a.max(b));
    let s = x.iter().fold(T::zero(), |s, &xi| s + (xi - a).exp());
    s.ln() + a
}

/// [`lse`] as a function object, for `reverse::prepare_of`.
struct Lse;

impl Function for Lse {
    fn eval<T: Float>(&self, x: &[T]) -> T {
        lse(x)
    }
}

pub(crate) fn evaluate(function: &str, input: &Value) -> Outcome {
    let x = vector(input, "x")?;
    if x.is_empty() {
        return Err("lse: x is empty".into());
    }
    match function {
        "primal" => {
            let (y, ns) = repeat(input, || lse(&x));
            Ok((Value::from(y), ns))
        }
        "gradient" => prepared_gradient(input, &Lse, &x),
        _ => Err(format!("lse has no function {function}")),
    }
}
