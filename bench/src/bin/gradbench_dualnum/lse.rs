//! `lse`: LogSumExp, `max x + ln Σ exp(xᵢ − max x)`, and its gradient in
//! reverse mode (one tape, reused across the runs).

use crate::{Outcome, json::vector, repeat};
use dualnum::reverse::Tape;
use num_traits::Float;
use serde_json::Value;

/// LogSumExp with the max shifted out, written once for any `Float`.
fn lse<T: Float>(x: &[T]) -> T {
    let a = x[1..].iter().fold(x[0], |a, &b| a.max(b));
    let s = x.iter().fold(T::zero(), |s, &xi| s + (xi - a).exp());
    s.ln() + a
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
        "gradient" => {
            let (mut tape, mut g) = (Tape::new(), vec![0.0; x.len()]);
            let (_, ns) = repeat(input, || tape.gradient(|v| lse(v), &x, &mut g));
            Ok((Value::from(g), ns))
        }
        _ => Err(format!("lse has no function {function}")),
    }
}
