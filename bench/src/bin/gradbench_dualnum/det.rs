//! `det`: the determinant of an ℓ × ℓ matrix by expansion in minors (cmpad's
//! `det_of_minor`), and its gradient in reverse mode. The expansion is a
//! sum: along the first two rows, `det A = Σ ± a₀ⱼ a₁ₖ det A₀₁,ⱼₖ` over the
//! ℓ(ℓ − 1) pairs of distinct columns, and the gradient records it one term
//! at a time (`Tape::gradient_sum`, one tape reused across the runs): the
//! tape holds one `(ℓ − 2) × (ℓ − 2)` minor's expansion, not all `ℓ!`
//! products (at ℓ = 11 about 1 M nodes, not 100 M).

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

/// Term `t` of the expansion of `det a` along its first two rows (`ell ≥ 3`):
/// `± a₀ⱼ a₁ₖ det(minor without rows 0, 1 and columns j, k)` for the
/// `t`-th ordered pair `(j, k)` of distinct columns, `j = t / (ℓ − 1)` and
/// `k` the `(t mod (ℓ − 1))`-th column other than `j`.
fn det_term<T: Float>(a: &[T], ell: usize, t: usize) -> T {
    let (j, kk) = (t / (ell - 1), t % (ell - 1));
    let k = if kk < j { kk } else { kk + 1 };
    // Rows 2, 3, …, and every column but j and k, as linked lists.
    let mut r: Vec<usize> = (1..=ell).chain([0]).collect();
    r[ell] = 2;
    let cols: Vec<usize> = (0..ell).filter(|&c| c != j && c != k).collect();
    let mut c = vec![0; ell + 1];
    c[ell] = cols[0];
    for w in cols.windows(2) {
        c[w[0]] = w[1];
    }
    // The sign: (−1)^j for a₀ⱼ, then (−1)^(k's place among the other
    // columns) for a₁ₖ.
    let sub = det_of_minor(a, ell, ell - 2, &mut r, &mut c);
    let p = a[j] * a[ell + k] * sub;
    if (j + kk) % 2 == 0 { p } else { -p }
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
            let (_, ns) = if ell < 3 {
                repeat(input, || tape.gradient(|v| det(v, ell), &a, &mut g))
            } else {
                let terms = ell * (ell - 1);
                repeat(input, || tape.gradient_sum(|t, v| det_term(v, ell, t), terms, &a, &mut g))
            };
            Ok((Value::from(g), ns))
        }
        _ => Err(format!("det has no function {function}")),
    }
}
