//! Replays of batches with one operand broadcast (the same slot for every
//! node, as `xᵢ − max x` in a log-sum-exp), which run over slices with the
//! broadcast value read once and its adjoint summed in a register: values
//! bit for bit against plain `f64`, gradients against hand-written ones,
//! forward mode and a fresh tape, for each operand position and whether
//! each operand varies.

use dualnum::Dual;
use dualnum::reverse::{self, Tape, Var};
use dualnum::test_functions as tf;
use num_traits::Float;
use quickcheck::quickcheck;

const N: usize = 40;

fn c<T: Float>(v: f64) -> T {
    T::from(v).unwrap()
}

/// Broadcasts in both positions, varying or constant, against runs that
/// vary or are constants, and one whose slot lies inside its run.
fn broadcasts<T: Float>(x: &[T]) -> T {
    let m = x.iter().copied().fold(x[0], T::max);
    let h = x[N / 2];
    let mut s = T::zero();
    for (i, &xi) in x.iter().enumerate() {
        let ci = c::<T>(0.25 + i as f64 / N as f64);
        // second operand broadcast (varying), first a varying run
        let d = xi - m;
        // first operand broadcast (varying), second a varying run
        let e = m * xi;
        // a broadcast inside its own run
        let f = xi + h;
        // a constant run with a varying broadcast
        let g = ci * h;
        s = s + d.exp() + e.sin() + f * f + g.cos() - (c::<T>(0.5) - xi).tanh();
    }
    s
}

fn close(a: f64, b: f64, rel: f64) -> bool {
    a == b || (a - b).abs() <= rel * a.abs().max(b.abs()).max(1.0)
}

fn point(seed: u64) -> [f64; N] {
    let mut state = seed | 1;
    core::array::from_fn(|_| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 11) as f64 / (1u64 << 53) as f64 * 4.0 - 2.0
    })
}

/// Log-sum-exp: the replayed gradient is the softmax, the value plain
/// `f64`'s bit for bit.
#[test]
fn log_sum_exp_replays_give_the_softmax() {
    let mut f = reverse::compile(|v| tf::log_sum_exp(v), &point(7));
    for seed in 1..20 {
        let x = point(seed);
        let mut g = [0.0; N];
        let v = f.gradient(&x, &mut g).unwrap();
        assert_eq!(v.to_bits(), tf::log_sum_exp(&x).to_bits());
        let mut want = [0.0; N];
        tf::log_sum_exp_gradient(&x, &mut want);
        for i in 0..N {
            assert!(close(g[i], want[i], 1e-13), "seed {seed}, {i}: {} vs {}", g[i], want[i]);
        }
    }
}

/// Every broadcast form: against forward mode and a fresh tape.
#[test]
fn broadcast_replays_match_forward_mode_and_a_fresh_tape() {
    fn check(seed: u64) -> bool {
        let mut f = reverse::compile(|v| broadcasts(v), &point(3));
        let x = point(seed);
        let mut g = [0.0; N];
        let v = f.gradient(&x, &mut g).unwrap();
        let mut tg = [0.0; N];
        let tv = Tape::new().gradient(|v| broadcasts(v), &x, &mut tg);
        let y = broadcasts(&Dual::<f64, N>::variables(x));
        v.to_bits() == broadcasts(&x).to_bits()
            && v.to_bits() == tv.to_bits()
            && v.to_bits() == y.value().to_bits()
            && (0..N).all(|i| close(g[i], y.partial(i), 1e-12) && close(g[i], tg[i], 1e-12))
    }
    assert!(check(11));
    quickcheck(check as fn(u64) -> bool);
}

/// The tangent sweep and several outputs through broadcast batches.
#[test]
fn broadcast_jacobians_match_forward_mode() {
    fn map<'t>(v: &[Var<'t, f64>]) -> Vec<Var<'t, f64>> {
        vec![broadcasts(v), tf::log_sum_exp(v)]
    }
    let mut cm = reverse::compile_map(map, &point(5));
    let x = point(9);
    let (fx, jac) = cm.jacobian(&x).unwrap();
    let xd = Dual::<f64, N>::variables(x);
    for (i, y) in [broadcasts(&xd), tf::log_sum_exp(&xd)].into_iter().enumerate() {
        assert_eq!(fx[i].to_bits(), y.value().to_bits());
        for j in 0..N {
            assert!(close(jac[(i, j)], y.partial(j), 1e-12), "({i}, {j})");
        }
    }
}

/// `max` and `min`, whose partials the backward sweep recomputes from the
/// operands' values (no stored partials): chains (carried), batches with
/// a constant operand, ties (partials ½) and NaN arguments, against a
/// fresh tape exactly and forward mode.
#[test]
fn max_and_min_replays_recompute_their_partials() {
    fn f<T: Float>(x: &[T]) -> T {
        let hi = x.iter().copied().fold(x[0], T::max);
        let lo = x.iter().copied().fold(x[0], T::min);
        let clipped = x.iter().fold(T::zero(), |s, &xi| s + xi.max(c(0.25)) * xi.min(x[1]));
        hi * c::<T>(3.0) + lo + clipped
    }
    let mut cf = reverse::compile(|v| f(v), &point(1));
    let mut points = vec![point(2), point(3)];
    // ties: the maximum and minimum taken twice, and xᵢ = 0.25, xᵢ = x₁
    let mut tie = point(4);
    (tie[3], tie[7]) = (5.0, 5.0);
    (tie[5], tie[9]) = (-5.0, -5.0);
    (tie[11], tie[12]) = (0.25, tie[1]);
    points.push(tie);
    let mut nan = point(5);
    nan[6] = f64::NAN;
    points.push(nan);
    for (k, x) in points.iter().enumerate() {
        let mut g = [0.0; N];
        let v = cf.gradient(x, &mut g).unwrap();
        let mut tg = [0.0; N];
        let tv = Tape::new().gradient(|v| f(v), x, &mut tg);
        let y = f(&Dual::<f64, N>::variables(*x));
        assert_eq!(v.to_bits(), tv.to_bits(), "point {k}");
        assert_eq!(v.to_bits(), f(x).to_bits(), "point {k}");
        for i in 0..N {
            let same = |a: f64, b: f64| close(a, b, 1e-13) || (a.is_nan() && b.is_nan());
            assert!(same(g[i], tg[i]), "point {k}, {i}: {} vs tape {}", g[i], tg[i]);
            assert!(same(g[i], y.partial(i)), "point {k}, {i}: {} vs {}", g[i], y.partial(i));
        }
    }
}
