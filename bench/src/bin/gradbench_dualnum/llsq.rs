//! `llsq`: the linear least-squares objective of cmpad,
//! `½ Σᵢ (sign tᵢ − Σⱼ xⱼ tᵢʲ)²`, and its gradient in reverse mode by a
//! prepared gradient (recorded and compiled once, then replayed).

use crate::{Outcome, json::size, json::vector, prepared_gradient, repeat};
use dualnum::{Function, lit};
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

/// [`llsq`] for `n` samples as a function object, for
/// `reverse::prepare_of`.
struct Llsq(usize);

impl Function for Llsq {
    fn eval<T: Float>(&self, x: &[T]) -> T {
        llsq(x, self.0)
    }
}

pub(crate) fn evaluate(function: &str, input: &Value) -> Outcome {
    let (x, n) = (vector(input, "x")?, size(input, "n")?);
    match function {
        "primal" => {
            let (y, ns) = repeat(input, || llsq(&x, n));
            Ok((Value::from(y), ns))
        }
        "gradient" => prepared_gradient(input, &Llsq(n), &x),
        _ => Err(format!("llsq has no function {function}")),
    }
}
