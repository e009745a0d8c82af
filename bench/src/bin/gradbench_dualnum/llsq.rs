//! `llsq`: the linear least-squares objective of cmpad,
//! `½ Σᵢ (sign tᵢ − Σⱼ xⱼ tᵢʲ)²`, and its gradient in reverse mode as a sum
//! over the samples: one sample's term, a function of `x` and of the
//! sample's data (the powers `tᵢʲ` and the sign), compiled once and
//! replayed over the samples by `Compiled::gradient_sum` with `x` fixed.
//! Each replay is one sample's `2m + 1` operations, which stay in cache,
//! where a replay of the whole objective streams `2nm` operations through
//! memory.

use crate::{Outcome, json::size, json::vector, prepare, repeat};
use dualnum::{Function, lit, reverse};
use num_traits::Float;
use serde_json::Value;

/// Sample `i` of `n`: `tᵢ` and `sign tᵢ`.
fn sample(i: usize, n: usize) -> (f64, f64) {
    let ti = -1.0 + i as f64 * 2.0 / (n as f64 - 1.0);
    let si = if ti > 0.0 {
        1.0
    } else if ti < 0.0 {
        -1.0
    } else {
        0.0
    };
    (ti, si)
}

/// The objective for `n` sample points, generic; the samples are plain data.
fn llsq<T: Float>(x: &[T], n: usize) -> T {
    let mut sum = T::zero();
    for i in 0..n {
        let (ti, si) = sample(i, n);
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

/// One sample's term `½ (s − Σⱼ xⱼ pⱼ)²` as a function of
/// `x ++ p ++ [s]`: the powers `pⱼ = tʲ` and the sign are arguments, so
/// that one recording serves every sample. The same operations in the same
/// order as [`llsq`]'s loop body (halving each term instead of the sum is
/// exact).
struct Sample(usize);

impl Function for Sample {
    fn eval<T: Float>(&self, z: &[T]) -> T {
        let (x, rest) = z.split_at(self.0);
        let (p, s) = rest.split_at(self.0);
        let inner = x.iter().zip(p).fold(s[0], |inner, (&xj, &pj)| inner - xj * pj);
        inner * inner / lit(2.0)
    }
}

/// Writes sample `i`'s powers `tᵢʲ` and sign into `v` (`m + 1` long).
fn fill(v: &mut [f64], i: usize, n: usize) {
    let (ti, si) = sample(i, n);
    let m = v.len() - 1;
    let mut power = 1.0;
    for pj in &mut v[..m] {
        *pj = power;
        power *= ti;
    }
    v[m] = si;
}

pub(crate) fn evaluate(function: &str, input: &Value) -> Outcome {
    let (x, n) = (vector(input, "x")?, size(input, "n")?);
    match function {
        "primal" => {
            let (y, ns) = repeat(input, || llsq(&x, n));
            Ok((Value::from(y), ns))
        }
        "gradient" => {
            let m = x.len();
            let mut z = x.clone();
            z.resize(2 * m + 1, 0.0);
            fill(&mut z[m..], 0, n);
            let mut term = prepare(|| reverse::compile_of(&Sample(m), &z));
            let mut g = vec![0.0; m];
            let mut failed = None;
            let (_, ns) = repeat(input, || {
                if let Err(e) = term.gradient_sum(&x, n, |i, v| fill(v, i, n), &mut g) {
                    failed = Some(e);
                }
            });
            match failed {
                // None is possible: the term has no comparisons.
                Some(e) => Err(format!("llsq: the replay of a sample's term was refused: {e}")),
                None => Ok((Value::from(g), ns)),
            }
        }
        _ => Err(format!("llsq has no function {function}")),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    /// The sum over samples equals the gradient of the whole objective
    /// recorded at once, and the hand-written `−Σᵢ rᵢ tᵢʲ`.
    #[test]
    fn the_sum_over_samples_is_the_whole_gradient() {
        let x: Vec<f64> = (0..6).map(|j| 0.3 - 0.25 * j as f64).collect();
        for n in [2, 9, 40] {
            let (g, _) = super::evaluate("gradient", &json!({ "x": x, "n": n })).unwrap();
            let (_, whole) = dualnum::reverse::gradient(|v| super::llsq(v, n), &x);
            let mut hand = vec![0.0; x.len()];
            for i in 0..n {
                let (t, s) = super::sample(i, n);
                let r = s - x.iter().enumerate().map(|(j, xj)| xj * t.powi(j as i32)).sum::<f64>();
                for (j, h) in hand.iter_mut().enumerate() {
                    *h -= r * t.powi(j as i32);
                }
            }
            for j in 0..x.len() {
                let got = g[j].as_f64().unwrap();
                let tol = 1e-12 * (1.0 + whole[j].abs());
                assert!((got - whole[j]).abs() <= tol, "n {n} x{j}: {got} vs {}", whole[j]);
                assert!((got - hand[j]).abs() <= tol * 10.0, "n {n} x{j}: {got} vs {}", hand[j]);
            }
        }
    }
}
