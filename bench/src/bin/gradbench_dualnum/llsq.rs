//! `llsq`: the linear least-squares objective of cmpad,
//! `½ Σᵢ (sign tᵢ − Σⱼ xⱼ tᵢʲ)²`, and its gradient in reverse mode (one
//! tape, reused across the runs).

use crate::{Outcome, json::size, json::vector, repeat};
use dualnum::{lit, reverse::Tape};
use num_traits::Float;
use serde_json::Value;

/// The objective for `n` sample points, generic; the samples are plain data.
fn llsq<T: Float>(x: &[T], n: usize) -> T {
    let mut sum = T::zero();
    for i in 0..n {
        let ti = -1.0 + i as f64 * 2.0 / (n as f64 - 1.0);
        let si = if ti > 0.0 {
            1.0
        } else if ti < 0.0 {
            -1.0
        } else {
            0.0
        };
        let mut inner = lit::<T>(si);
        let mut power = 1.0;
        for &xj in x {
            inner = inner - xj * lit(power);
            power *= ti;
        }
        sum = sum + inner * inner;
    }
    sum / lit(2.0)
}

pub(crate) fn evaluate(function: &str, input: &Value) -> Outcome {
    let (x, n) = (vector(input, "x")?, size(input, "n")?);
    match function {
        "primal" => {
            let (y, ns) = repeat(input, || llsq(&x, n));
            Ok((Value::from(y), ns))
        }
        "gradient" => {
            let (mut tape, mut g) = (Tape::new(), vec![0.0; x.len()]);
            let (_, ns) = repeat(input, || tape.gradient(|v| llsq(v, n), &x, &mut g));
            Ok((Value::from(g), ns))
        }
        _ => Err(format!("llsq has no function {function}")),
    }
}
