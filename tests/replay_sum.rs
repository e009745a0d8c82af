//! `Compiled::gradient_sum`: one recorded term replayed over many, with the
//! first inputs shared by every term. Checked against the tape's
//! `gradient_sum` of the same terms, against per-term replays, against
//! central differences and against a hand-written gradient; and its edges:
//! refusals, a term that ignores the varying inputs, no varying inputs,
//! the NaN-safe policy.

use dualnum::reverse::{self, Compiled, ReplayError, Tape};
use num_traits::Float;
use quickcheck::quickcheck;

/// A mixture-like term of parameters `p` (length 6) and a point `v`
/// (length 2): `ln Σₖ exp(aₖ − ½ (e^{qₖ}(v₀ − μₖ))² − (v₁ − μₖ)²)` over
/// two components, with a `max` shift (an operation, not a branch) and
/// values computed from `p` alone (`e^{qₖ}`).
fn term<T: Float>(z: &[T]) -> T {
    let (p, v) = z.split_at(6);
    let half = T::from(0.5).unwrap();
    let m: Vec<T> = (0..2)
        .map(|k| {
            let (a, mu, q) = (p[3 * k], p[3 * k + 1], p[3 * k + 2]);
            let r = q.exp() * (v[0] - mu);
            let s = v[1] - mu;
            a - half * r * r - s * s
        })
        .collect();
    let mx = m[0].max(m[1]);
    ((m[0] - mx).exp() + (m[1] - mx).exp()).ln() + mx
}

/// `∂ term / ∂ p` by hand.
fn term_grad(z: &[f64]) -> [f64; 6] {
    let (p, v) = z.split_at(6);
    let mut m = [0.0; 2];
    let mut dm = [[0.0; 3]; 2];
    for k in 0..2 {
        let (a, mu, q) = (p[3 * k], p[3 * k + 1], p[3 * k + 2]);
        let e = q.exp();
        let r = e * (v[0] - mu);
        let s = v[1] - mu;
        m[k] = a - 0.5 * r * r - s * s;
        // ∂m/∂a, ∂m/∂μ, ∂m/∂q
        dm[k] = [1.0, r * e + 2.0 * s, -r * r];
    }
    let mx = m[0].max(m[1]);
    let w = [(m[0] - mx).exp(), (m[1] - mx).exp()];
    let sum = w[0] + w[1];
    let mut g = [0.0; 6];
    for k in 0..2 {
        for j in 0..3 {
            g[3 * k + j] = w[k] / sum * dm[k][j];
        }
    }
    g
}

fn points(n: usize, seed: u64) -> Vec<[f64; 2]> {
    let mut s = seed | 1;
    let mut next = || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        (s >> 11) as f64 / (1u64 << 53) as f64 * 4.0 - 2.0
    };
    (0..n).map(|_| [next(), next()]).collect()
}

const P: [f64; 6] = [0.3, -0.5, 0.2, -0.1, 0.7, -0.4];

fn compiled() -> Compiled<f64> {
    let mut z = P.to_vec();
    z.extend([0.1, 0.2]);
    reverse::compile(|z| term(z), &z)
}

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * (1.0 + a.abs().max(b.abs()))
}

/// The tape's `gradient_sum` of the same terms, with respect to `p`.
fn by_tape(p: &[f64], xs: &[[f64; 2]]) -> (f64, Vec<f64>) {
    let mut tape = Tape::new();
    let mut g = vec![0.0; p.len()];
    let fx = tape.gradient_sum(
        |i, p| {
            let mut z = p.to_vec();
            z.extend(xs[i].iter().map(|&x| reverse::Var::constant(x)));
            term(&z)
        },
        xs.len(),
        p,
        &mut g,
    );
    (fx, g)
}

#[test]
fn equals_the_tapes_sum_and_the_hand_written_gradient() {
    let mut c = compiled();
    for (seed, n) in [(1, 1), (2, 7), (3, 200)] {
        let xs = points(n, seed);
        let mut g = [0.0; 6];
        let fx = c.gradient_sum(&P, n, |i, v| v.copy_from_slice(&xs[i]), &mut g).unwrap();
        let (tv, tg) = by_tape(&P, &xs);
        // The value: the same terms summed in the same order from zero.
        assert_eq!(fx.to_bits(), tv.to_bits());
        let mut hand = [0.0; 6];
        for x in &xs {
            let z: Vec<f64> = P.iter().chain(x).copied().collect();
            hand.iter_mut().zip(term_grad(&z)).for_each(|(h, d)| *h += d);
        }
        for j in 0..6 {
            assert!(close(g[j], tg[j], 1e-13), "n {n} p{j}: {} vs tape {}", g[j], tg[j]);
            assert!(close(g[j], hand[j], 1e-12), "n {n} p{j}: {} vs hand {}", g[j], hand[j]);
        }
    }
}

#[test]
fn equals_central_differences() {
    let mut c = compiled();
    let xs = points(50, 9);
    let mut g = [0.0; 6];
    c.gradient_sum(&P, xs.len(), |i, v| v.copy_from_slice(&xs[i]), &mut g).unwrap();
    let f = |p: &[f64]| -> f64 {
        xs.iter().map(|x| term(&p.iter().chain(x).copied().collect::<Vec<_>>())).sum()
    };
    for j in 0..6 {
        let h = 1e-5;
        let (mut a, mut b) = (P, P);
        a[j] += h;
        b[j] -= h;
        let fd = (f(&a) - f(&b)) / (2.0 * h);
        assert!(close(g[j], fd, 1e-7), "p{j}: {} vs central difference {fd}", g[j]);
    }
}

#[test]
fn equals_the_sum_of_per_term_replays() {
    let mut c = compiled();
    let mut one = compiled();
    let xs = points(30, 4);
    let mut g = [0.0; 6];
    let fx = c.gradient_sum(&P, xs.len(), |i, v| v.copy_from_slice(&xs[i]), &mut g).unwrap();
    let (mut sum, mut total) = ([0.0; 6], 0.0);
    for x in &xs {
        let z: Vec<f64> = P.iter().chain(x).copied().collect();
        let mut gz = [0.0; 8];
        total += one.gradient(&z, &mut gz).unwrap();
        sum.iter_mut().zip(&gz).for_each(|(s, d)| *s += d);
    }
    assert_eq!(fx.to_bits(), total.to_bits());
    for j in 0..6 {
        assert!(close(g[j], sum[j], 1e-13), "p{j}: {} vs {}", g[j], sum[j]);
    }
}

/// Calls with different splits, and plain replays in between, share the
/// buffers correctly.
#[test]
fn splits_and_replays_interleave() {
    let mut c = compiled();
    let xs = points(10, 5);
    let z0: Vec<f64> = P.iter().chain(&xs[0]).copied().collect();
    let (mut g6, mut g8, mut g4) = ([0.0; 6], [0.0; 8], [0.0; 4]);
    for _ in 0..2 {
        // Every input fixed: one term at z0, no varying inputs.
        c.gradient_sum(&z0, 1, |_, v| assert!(v.is_empty()), &mut g8).unwrap();
        let mut gz = [0.0; 8];
        c.gradient(&z0, &mut gz).unwrap();
        for j in 0..8 {
            assert!(close(g8[j], gz[j], 1e-15));
        }
        // Nothing fixed: the gradient is empty, the value the sum.
        let fx = c.gradient_sum(&[], 2, |_, v| v.copy_from_slice(&z0), &mut []).unwrap();
        let v = c.value(&z0).unwrap();
        assert_eq!(fx, 0.0 + v + v);
        // A split inside the parameters: the first four fixed.
        c.gradient_sum(&P[..4], 1, |_, v| v.copy_from_slice(&z0[4..]), &mut g4).unwrap();
        for j in 0..4 {
            assert!(close(g4[j], gz[j], 1e-15));
        }
        c.gradient_sum(&P, xs.len(), |i, v| v.copy_from_slice(&xs[i]), &mut g6).unwrap();
        let (_, tg) = by_tape(&P, &xs);
        for j in 0..6 {
            assert!(close(g6[j], tg[j], 1e-13));
        }
    }
}

/// A term that does not depend on the varying inputs at all: the gradient
/// is `terms` times the term's.
#[test]
fn a_term_without_varying_inputs() {
    let mut c = reverse::compile(|z| z[0].exp() * z[1], &[1.0, 2.0, 3.0]);
    let mut g = [0.0; 2];
    let fx = c.gradient_sum(&[0.5, 2.0], 4, |i, v| v[0] = i as f64, &mut g).unwrap();
    assert_eq!(fx, 4.0 * (0.5f64.exp() * 2.0));
    assert!(close(g[0], 4.0 * 0.5f64.exp() * 2.0, 1e-15));
    assert!(close(g[1], 4.0 * 0.5f64.exp(), 1e-15));
    // No terms: zero.
    assert_eq!(c.gradient_sum(&[0.5, 2.0], 0, |_, _| unreachable!(), &mut g).unwrap(), 0.0);
    assert_eq!(g, [0.0; 2]);
}

/// A term whose branch changes at some point is refused, `grad` is left
/// as it was, and the next call is right.
#[test]
fn a_changed_branch_is_refused() {
    fn f<T: Float>(z: &[T]) -> T {
        if z[1] > T::zero() { z[0] * z[1] } else { z[0].sin() }
    }
    let mut c = reverse::compile(|z| f(z), &[2.0, 1.0]);
    let mut g = [7.0];
    let e = c.gradient_sum(&[2.0], 3, |i, v| v[0] = 1.0 - i as f64, &mut g).unwrap_err();
    assert!(matches!(e, ReplayError::BranchChanged { test: ">", .. }), "{e}");
    assert_eq!(g, [7.0]);
    let fx = c.gradient_sum(&[2.0], 3, |i, v| v[0] = 1.0 + i as f64, &mut g).unwrap();
    assert_eq!((fx, g), (12.0, [6.0]));
    assert_eq!(
        c.gradient_sum(&[2.0, 1.0, 0.0], 1, |_, _| {}, &mut [0.0; 3]),
        Err(ReplayError::InputCount { expected: 2, found: 3 })
    );
}

#[test]
#[should_panic(expected = "2 fixed inputs but a gradient slice of length 3")]
fn a_gradient_of_the_wrong_length_panics() {
    let mut c = compiled();
    let _ = c.gradient_sum(&P[..2], 1, |_, _| {}, &mut [0.0; 3]);
}

/// Zero stays zero: `v·√p` at `p = 0`, `v = 0` has the partial `0·∞` in
/// the plain products; the gradient is the tape's, 0 (and `+∞` where the
/// adjoint is not zero).
#[test]
fn the_nan_safe_policy_holds() {
    let mut c = reverse::compile(|z| z[1] * z[0].sqrt(), &[1.0, 1.0]);
    let mut g = [f64::NAN];
    c.gradient_sum(&[0.0], 2, |_, v| v[0] = 0.0, &mut g).unwrap();
    assert_eq!(g, [0.0]);
    let (_, tg) = reverse::gradient(|z| z[1] * z[0].sqrt(), &[0.0, 0.0]);
    assert_eq!(tg[0], 0.0);
    c.gradient_sum(&[0.0], 2, |i, v| v[0] = i as f64, &mut g).unwrap();
    assert_eq!(g, [f64::INFINITY]);
    // And the buffers are clean again for plain replays.
    let mut gz = [0.0; 2];
    c.gradient(&[4.0, 3.0], &mut gz).unwrap();
    assert_eq!(gz, [0.75, 2.0]);
}

quickcheck! {
    /// Random parameters and points: the replayed sum equals the tape's.
    fn random_sums_equal_the_tapes(p: Vec<f64>, seed: u64, n: u8) -> bool {
        let mut q = P;
        for (qi, &pi) in q.iter_mut().zip(&p) {
            if pi.is_finite() {
                *qi = (pi % 1.5).clamp(-1.5, 1.5);
            }
        }
        let xs = points(n as usize % 40, seed);
        let mut c = compiled();
        let mut g = [0.0; 6];
        let fx = c.gradient_sum(&q, xs.len(), |i, v| v.copy_from_slice(&xs[i]), &mut g).unwrap();
        let (tv, tg) = by_tape(&q, &xs);
        fx.to_bits() == tv.to_bits() && (0..6).all(|j| close(g[j], tg[j], 1e-12))
    }
}
