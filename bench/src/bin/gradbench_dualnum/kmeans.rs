//! `kmeans`: the k-means cost `Σᵢ minⱼ |Cⱼ − Pᵢ|²` and the Newton direction
//! `J·H⁻¹` (the Hessian is diagonal): the gradient and `H·1`, the Hessian's
//! diagonal, from one forward-over-reverse `reverse::hvp`.

use crate::{Outcome, json::rows, json::to_rows, repeat};
use dualnum::lit;
use num_traits::Float;
use serde_json::Value;

/// The cost of the centroids `c` (`k × d`, row-major) for the points `p`
/// (`n × d`), generic in the centroids; the points are plain data.
fn cost<T: Float>(p: &[f64], c: &[T], d: usize) -> T {
    let mut total = T::zero();
    for a in p.chunks(d) {
        let mut closest = T::infinity();
        for b in c.chunks(d) {
            let dist = a.iter().zip(b).fold(T::zero(), |s, (&ai, &bi)| {
                let e = lit::<T>(ai) - bi;
                s + e * e
            });
            closest = closest.min(dist);
        }
        total = total + closest;
    }
    total
}

pub(crate) fn evaluate(function: &str, input: &Value) -> Outcome {
    let (n, p) = rows(input, "points")?;
    let (k, c) = rows(input, "centroids")?;
    if n == 0 || k == 0 || p.len() % n != 0 || c.len() != k * (p.len() / n) {
        return Err("kmeans: points and centroids must be non-empty rows of one length".into());
    }
    let d = p.len() / n;
    match function {
        "cost" => {
            let (y, ns) = repeat(input, || cost(&p, &c, d));
            Ok((Value::from(y), ns))
        }
        "dir" => {
            let ones = vec![1.0; c.len()];
            let (dir, ns) = repeat(input, || {
                let (_, g, h) = dualnum::reverse::hvp(|v| cost(&p, v, d), &c, &ones);
                g.zip_map(&h, |g, h| g / h)
            });
            Ok((to_rows(dir.as_slice(), d), ns))
        }
        _ => Err(format!("kmeans has no function {function}")),
    }
}
