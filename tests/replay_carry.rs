//! Replayed accumulation chains (each operation uses the one before, which
//! the replay carries in a register): the previous value as the first or
//! the second operand, the other operand a variable or a constant, for
//! `+`, `−` and `·`, against the tape's gradient and a hand-written one.

use dualnum::reverse::{self, Var};

type F = for<'t> fn(&[Var<'t, f64>]) -> Var<'t, f64>;

/// `(name, chain, its gradient by hand)`: each chain starts from `x₀` and
/// runs over `x₁ … xₙ₋₁` (or constants) with the previous value on one side.
#[allow(clippy::type_complexity)]
fn chains() -> Vec<(&'static str, F, fn(&[f64]) -> Vec<f64>)> {
    vec![
        (
            "s − xᵢ",
            |x| x[1..].iter().fold(x[0], |s, &xi| s - xi),
            |x| {
                let mut g = vec![-1.0; x.len()];
                g[0] = 1.0;
                g
            },
        ),
        (
            "xᵢ − s",
            |x| x[1..].iter().fold(x[0], |s, &xi| xi - s),
            |x| {
                // s_k = x_k − s_{k−1}: ∂s_n/∂x_k = (−1)^(n−k), x₀ as x_0.
                let n = x.len() - 1;
                (0..=n).map(|k| if (n - k) % 2 == 0 { 1.0 } else { -1.0 }).collect()
            },
        ),
        (
            "xᵢ · s",
            |x| x[1..].iter().fold(x[0], |s, &xi| xi * s),
            |x| {
                let p: f64 = x.iter().product();
                x.iter().map(|&xi| p / xi).collect()
            },
        ),
        (
            "c − s",
            |x| (1..5).fold(x[0], |s, k| f64::from(k) - s),
            |x| {
                let mut g = vec![0.0; x.len()];
                g[0] = 1.0; // four negations
                g
            },
        ),
        (
            "s · c + xᵢ",
            |x| x[1..].iter().fold(x[0], |s, &xi| s * 0.5 + xi),
            |x| {
                let n = x.len() - 1;
                (0..=n).map(|k| 0.5f64.powi((n - k) as i32)).collect()
            },
        ),
        (
            "c · s",
            |x| (1..5).fold(x[0] + x[1], |s, k| f64::from(k) * s),
            |x| {
                let mut g = vec![0.0; x.len()];
                (g[0], g[1]) = (24.0, 24.0);
                g
            },
        ),
    ]
}

#[test]
fn chains_replay_to_the_tapes_gradient() {
    let x0 = [0.5, 1.5, -0.25, 2.0, 0.75, -1.25, 1.125];
    let x1 = [1.5, -0.5, 0.75, 1.25, -2.0, 0.5, 0.625];
    for (name, f, hand) in chains() {
        let mut c = reverse::compile(f, &x0);
        for x in [x0, x1] {
            let mut g = [0.0; 7];
            let v = c.gradient(&x, &mut g).unwrap();
            let (fv, fg) = reverse::gradient(f, &x);
            assert_eq!(v.to_bits(), fv.to_bits(), "{name}");
            let h = hand(&x);
            for j in 0..7 {
                let tol = 1e-14 * (1.0 + h[j].abs());
                assert!((g[j] - fg[j]).abs() <= tol, "{name} x{j}: {} vs tape {}", g[j], fg[j]);
                assert!((g[j] - h[j]).abs() <= tol, "{name} x{j}: {} vs hand {}", g[j], h[j]);
            }
        }
    }
}
