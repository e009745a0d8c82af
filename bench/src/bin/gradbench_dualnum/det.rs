//! `det`: the determinant of an ℓ × ℓ matrix by expansion in minors (cmpad's
//! `det_of_minor`), and its gradient in reverse mode (one tape, reused
//! across the runs).

use crate::{Outcome, json::size, json::vector, repeat};
use dualnum::reverse::Tape;
use num_traits::Float;
use serde_json::Value;

/// The determinant of the `m × m` minor of the `n × n` row-major `a` whose
/// rows and columns are the linked lists `r` and `c` (starting at `r[n]`,
/// `c[n]`), expanded along its first row.
fn det_of_minor<T: Float>(a: &[T], n: usize, m: usize, r: &mut [usize], c: &mut [usize]) -> T {
    let r0 = r[n];
    let mut cj = c[n];
    if m == 1 {
        return a[r0 * n + cj];
    }
    let mut det = T::zero();
    let mut positive = true;
    // Take row r0 out of every sub-minor.
    r[n] = r[r0];
    let mut previous = n;
    for _ in 0..m {
        let m0j = a[r0 * n + cj];
        // Take column cj out, expand, put it back.
        c[previous] = c[cj];
        let sub = det_of_minor(a, n, m - 1, r, c);
        c[previous] = cj;
        det = if positive { det + m0j * sub } else { det - m0j * sub };
        previous = cj;
        cj = c[cj];
        positive = !positive;
    }
    r[n] = r0;
    det
}

/// The determinant of the `ell × ell` row-major matrix `a`, generic.
fn det<T: Float>(a: &[T], ell: usize) -> T {
    let mut r: Vec<usize> = (1..=ell).chain([0]).collect();
    let mut c = r.clone();
    det_of_minor(a, ell, ell, &mut r, &mut c)
}

pub(crate) fn evaluate(function: &str, input: &Value) -> Outcome {
    let (a, ell) = (vector(input, "A")?, size(input, "ell")?);
    if ell == 0 || a.len() != ell * ell {
        return Err(format!("det: A has {} entries, not ell² = {}", a.len(), ell * ell));
    }
    match function {
        "primal" => {
            let (y, ns) = repeat(input, || det(&a, ell));
            Ok((Value::from(y), ns))
        }
        "gradient" => {
            let (mut tape, mut g) = (Tape::new(), vec![0.0; a.len()]);
            let (_, ns) = repeat(input, || tape.gradient(|v| det(v, ell), &a, &mut g));
            Ok((Value::from(g), ns))
        }
        _ => Err(format!("det has no function {function}")),
    }
}
