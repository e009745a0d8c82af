//! `kmeans`: the k-means cost `Σᵢ minⱼ |Cⱼ − Pᵢ|²` and the Newton direction
//! `J·H⁻¹` (the Hessian is diagonal): the gradient and `H·1`, the Hessian's
//! diagonal, by forward over reverse (a tape of `Dual<f64, 1>` whose inputs
//! carry the direction 1), recorded one point's term at a time
//! (`Tape::gradient_sum`). The derivative of a minimum is the derivative of
//! the operand it chooses, so each term chooses its centroid on the plain
//! values (which the caller has) and records only that distance: `d`
//! differences and squares a point, not `k · d`.

use crate::{Outcome, json::rows, json::to_rows, repeat};
use dualnum::reverse::Tape;
use dualnum::{Dual, lit};
use num_traits::Float;
use serde_json::Value;

/// The cost of the centroids `c` (`k × d`, row-major) for the points `p`
/// (`n × d`), generic in the centroids; the points are plain data.
fn cost<T: Float>(p: &[f64], c: &[T], d: usize) -> T {
    p.chunks(d).fold(T::zero(), |total, a| total + closest(a, c, d))
}

/// One point's term: the squared distance to the closest centroid.
fn closest<T: Float>(a: &[f64], c: &[T], d: usize) -> T {
    let mut closest = T::infinity();
    for b in c.chunks(d) {
        let dist = a.iter().zip(b).fold(T::zero(), |s, (&ai, &bi)| {
            let e = lit::<T>(ai) - bi;
            s + e * e
        });
        closest = closest.min(dist);
    }
    closest
}

/// The index of the centroid closest to the point `a` (the first at a tie,
/// as `min` keeps its left operand at a tie), on plain values.
fn closest_index(a: &[f64], c: &[f64], d: usize) -> usize {
    let (mut best, mut at) = (f64::INFINITY, 0);
    for (j, b) in c.chunks(d).enumerate() {
        let dist = a.iter().zip(b).fold(0.0, |s, (&ai, &bi)| {
            let e = ai - bi;
            s + e * e
        });
        if dist < best {
            (best, at) = (dist, j);
        }
    }
    at
}

/// The squared distance from the point `a` to the centroid `b`, generic in
/// the centroid.
fn distance<T: Float>(a: &[f64], b: &[T]) -> T {
    a.iter().zip(b).fold(T::zero(), |s, (&ai, &bi)| {
        let e = lit::<T>(ai) - bi;
        s + e * e
    })
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
            // Inputs c + 1·ε: the dual adjoints hold ∇cost and H·1.
            let cd: Vec<Dual<f64, 1>> = c.iter().map(|&ci| Dual::new(ci, [1.0])).collect();
            let mut gd = vec![Dual::new(0.0, [0.0]); c.len()];
            let mut tape = Tape::new();
            let (dir, ns) = repeat(input, || {
                let term = |i| {
                    let a = &p[i * d..(i + 1) * d];
                    (a, closest_index(a, &c, d))
                };
                tape.gradient_sum(
                    |i, v| {
                        let (a, j) = term(i);
                        distance(a, &v[j * d..(j + 1) * d])
                    },
                    n,
                    &cd,
                    &mut gd,
                );
                gd.iter().map(|g| g.re / g.eps[0]).collect::<Vec<f64>>()
            });
            Ok((to_rows(&dir, d), ns))
        }
        _ => Err(format!("kmeans has no function {function}")),
    }
}
