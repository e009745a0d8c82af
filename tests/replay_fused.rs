//! Replays of recordings in which compile fuses a product used once into
//! the sum or difference that uses it (`a + b·c`, `b·c + a`, `a − b·c`),
//! against plain `f64` (values, bit for bit), forward mode and a fresh
//! recording (gradients, tangents), hand-written derivatives, and the
//! tape's NaN-safe policy. The forms that must not fuse (`b·c − a`, a
//! product used twice or as an output) are mixed in.

use dualnum::Dual;
use dualnum::reverse::{self, Tape, Var};
use num_traits::Float;
use quickcheck::quickcheck;

fn c<T: Float>(v: f64) -> T {
    T::from(v).unwrap()
}

/// Every fused form and its neighbours on `x` of length 6.
fn mixed<T: Float>(x: &[T]) -> T {
    let (a, b, cc, d, e, f) = (x[0], x[1], x[2], x[3], x[4], x[5]);
    // a + b·c, b·c + a, a − b·c, b·c − a (not fused)
    let mut s = a + b * cc;
    s = s * e + (d * f + a);
    s = s - (cc - b * d);
    s = s + (e * f - b);
    // a product used twice (not fused), then fused into a sum
    let p = a * f;
    s = s + p + p * d;
    // constants as a, b and c; squares; a == b
    s = s + (c::<T>(2.0) + b * e) * (a + c::<T>(3.0) * d);
    s = s * (c::<T>(1.5) - f * c::<T>(0.25)) + (a + a * cc);
    s = s + e * e;
    // a chain whose sums are used once (carried), then one whose sums are
    // used again (not lone)
    let mut t = T::zero();
    for w in x.windows(2) {
        t = t + w[0] * w[1];
    }
    let mut u = a;
    let mut v = T::zero();
    for w in x.windows(2) {
        u = u - w[0] * w[1];
        v = v + u.sin();
    }
    s + t * c::<T>(0.5) + v + u
}

/// `∂mixed/∂x` by forward mode, one pass with six lanes.
fn forward(x: &[f64]) -> (f64, [f64; 6]) {
    let xs: [f64; 6] = x.try_into().unwrap();
    let y = mixed(&Dual::<f64, 6>::variables(xs));
    (y.value(), core::array::from_fn(|i| y.partial(i)))
}

fn close(a: f64, b: f64, rel: f64) -> bool {
    a == b || (a - b).abs() <= rel * a.abs().max(b.abs()).max(1.0)
}

fn bounded(v: f64) -> f64 {
    if v.is_finite() { (v % 3.0).clamp(-3.0, 3.0) } else { 0.5 }
}

/// Values bit for bit, gradients against forward mode and a fresh tape,
/// at random points, one compiled recording.
#[test]
fn fused_replays_match_forward_mode_and_a_fresh_tape() {
    fn check(x: (f64, f64, f64, f64, f64, f64)) -> bool {
        let mut f = reverse::compile(|v| mixed(v), &[0.1, 0.2, 0.3, 0.4, 0.5, 0.6]);
        let mut tape = Tape::new();
        let x = [x.0, x.1, x.2, x.3, x.4, x.5].map(bounded);
        let mut g = [0.0; 6];
        let v = f.gradient(&x, &mut g).unwrap();
        let (fv, fg) = forward(&x);
        let mut tg = [0.0; 6];
        let tv = tape.gradient(|v| mixed(v), &x, &mut tg);
        v.to_bits() == mixed(&x).to_bits()
            && v.to_bits() == fv.to_bits()
            && v.to_bits() == tv.to_bits()
            && (0..6).all(|i| close(g[i], fg[i], 1e-11) && close(g[i], tg[i], 1e-11))
    }
    for x in [(0.0, 0.0, 0.0, 0.0, 0.0, 0.0), (1.0, -2.0, 0.5, 3.0, -0.25, 2.0)] {
        assert!(check(x), "at {x:?}");
    }
    quickcheck(check as fn(_) -> bool);
}

/// Each form alone, against its hand-written gradient, exactly (one or
/// two products of the inputs per component: no rounding to differ).
#[test]
fn each_fused_form_has_its_partials() {
    type F = for<'t> fn(&[Var<'t, f64>]) -> Var<'t, f64>;
    type P = fn(&[f64]) -> f64;
    type G = fn(&[f64]) -> [f64; 3];
    let cases: [(F, P, G); 7] = [
        (|v| v[0] + v[1] * v[2], |x| x[0] + x[1] * x[2], |x| [1.0, x[2], x[1]]),
        (|v| v[1] * v[2] + v[0], |x| x[1] * x[2] + x[0], |x| [1.0, x[2], x[1]]),
        (|v| v[0] - v[1] * v[2], |x| x[0] - x[1] * x[2], |x| [1.0, -x[2], -x[1]]),
        (|v| v[1] * v[2] - v[0], |x| x[1] * x[2] - x[0], |x| [-1.0, x[2], x[1]]),
        (|v| v[0] + v[1] * v[1], |x| x[0] + x[1] * x[1], |x| [1.0, 2.0 * x[1], 0.0]),
        (|v| v[0] - v[0] * v[2], |x| x[0] - x[0] * x[2], |x| [1.0 - x[2], 0.0, -x[0]]),
        (|v| 2.0 - v[1] * 0.5 + v[2], |x| 2.0 - x[1] * 0.5 + x[2], |_| [0.0, -0.5, 1.0]),
    ];
    for (i, (f, plain, grad)) in cases.into_iter().enumerate() {
        let mut cf = reverse::compile(f, &[0.3, -0.7, 1.1]);
        for x in [[1.5, -2.0, 0.25], [0.0, 3.0, -1.0], [-4.0, 0.5, 8.0]] {
            let mut g = [0.0; 3];
            let v: f64 = cf.gradient(&x, &mut g).unwrap();
            assert_eq!(v.to_bits(), plain(&x).to_bits(), "case {i} at {x:?}");
            assert_eq!(g, grad(&x), "case {i} at {x:?}");
        }
    }
}

/// The tangent sweep through fused nodes: replayed JVPs and Jacobians of
/// a map with fused outputs against forward mode.
#[test]
fn fused_tangents_match_forward_mode() {
    fn map<T: Float>(x: &[T], out: &mut [T]) {
        out[0] = mixed(x);
        out[1] = x[0] - x[1] * x[2] + x[3] * x[4];
        out[2] = x[5] * x[5] + x[0] * out[1];
    }
    fn check(x: (f64, f64, f64, f64, f64, f64), t: (f64, f64, f64)) -> bool {
        let mut cm = reverse::compile_map(
            |v| {
                let mut o = vec![Var::constant(0.0); 3];
                map(v, &mut o);
                o
            },
            &[0.1, 0.2, 0.3, 0.4, 0.5, 0.6],
        );
        let x = [x.0, x.1, x.2, x.3, x.4, x.5].map(bounded);
        let dir = [t.0, t.1, t.2, t.0 - t.1, 0.0, t.2].map(bounded);
        let xd: [Dual<f64, 1>; 6] = core::array::from_fn(|i| Dual::new(x[i], [dir[i]]));
        let mut od = [Dual::constant(0.0); 3];
        map(&xd, &mut od);
        let (fx, jv) = cm.jvp(&x, &dir).unwrap();
        let (_, jac) = cm.jacobian(&x).unwrap();
        let mut fd = [0.0; 3];
        map(&x, &mut fd);
        (0..3).all(|i| {
            let by_jac: f64 = (0..6).map(|j| jac[(i, j)] * dir[j]).sum();
            fx[i].to_bits() == fd[i].to_bits()
                && close(jv[i], od[i].partial(0), 1e-11)
                && close(by_jac, od[i].partial(0), 1e-10)
        })
    }
    assert!(check((1.0, -2.0, 0.5, 3.0, -0.25, 2.0), (1.0, 0.0, -1.0)));
    quickcheck(check as fn(_, _) -> bool);
}

/// The NaN-safe policy through a fused node: an infinite operand whose
/// term is multiplied by a zero adjoint gives zero, as on the tape.
#[test]
fn fused_nodes_follow_the_nan_safe_policy() {
    type F = for<'t> fn(&[Var<'t, f64>]) -> Var<'t, f64>;
    // y = min(a + b·c, 1) + a − d·b: with c = ∞ and the min choosing 1,
    // the fused node's adjoint is 0, and 0·c, the term to b, NaN naively.
    // y = (a + b·c)·d − a·b: with d = ∞ and c = 0, the fused node's
    // adjoint is ∞, and ∞·c, the term to b, NaN naively.
    let cases: [(F, [f64; 4], [f64; 2]); 2] = [
        (
            |v| (v[0] + v[1] * v[2]).min(Var::constant(1.0)) + v[0] - v[3] * v[1],
            [1.0, 2.0, f64::INFINITY, 0.5],
            [-0.5, 0.0],
        ),
        (
            |v| (v[0] + v[1] * v[2]) * v[3] - v[0] * v[1],
            [1.0, 2.0, 0.0, f64::INFINITY],
            [-1.0, 2.0 * f64::INFINITY],
        ),
    ];
    for (k, (f, edge, want)) in cases.into_iter().enumerate() {
        let mut cf = reverse::compile(f, &[1.0, 2.0, 3.0, 4.0]);
        for x in [edge, [1.0, 2.0, 3.0, 4.0]] {
            let mut g = [0.0; 4];
            let v = cf.gradient(&x, &mut g);
            let mut tg = [0.0; 4];
            let tv = Tape::new().gradient(f, &x, &mut tg);
            match v {
                Ok(v) => assert_eq!(v.to_bits(), tv.to_bits(), "case {k} at {x:?}"),
                Err(e) => panic!("case {k}: refused at {x:?}: {e}"),
            }
            for i in 0..4 {
                let (a, b) = (g[i], tg[i]);
                assert!(a == b || (a.is_nan() && b.is_nan()), "case {k}, {i} at {x:?}: {a} vs {b}");
            }
        }
        // Not vacuous: the policy's case arises, ∂y/∂b and ∂y/∂c.
        let mut g = [0.0; 4];
        cf.gradient(&edge, &mut g).unwrap();
        assert_eq!([g[1], g[2]], want, "case {k}");
    }
}

/// Fused nodes in a sum of terms (`gradient_sum`): the fixed inputs as a
/// product's operands, the varying ones as the sum's.
#[test]
fn fused_terms_sum_as_per_term_replays() {
    // Σᵢ (yᵢ − (p₀ + p₁·tᵢ))² + p₂·p₂·tᵢ
    fn term<'t>(z: &[Var<'t, f64>]) -> Var<'t, f64> {
        let r = z[3] - (z[0] + z[1] * z[4]);
        r * r + z[2] * z[2] * z[4]
    }
    let mut c = reverse::compile(term, &[0.0; 5]);
    let data = [(0.5, 1.0), (1.5, -2.0), (-1.0, 0.25), (2.0, 3.0)];
    let p = [0.3, -1.2, 0.7];
    let mut g = [0.0; 3];
    let total = c
        .gradient_sum(&p, data.len(), |i, v| v.copy_from_slice(&[data[i].1, data[i].0]), &mut g)
        .unwrap();
    let (mut want, mut wg) = (0.0, [0.0; 3]);
    for &(t, y) in &data {
        let r = y - (p[0] + p[1] * t);
        want += r * r + p[2] * p[2] * t;
        wg[0] += -2.0 * r;
        wg[1] += -2.0 * r * t;
        wg[2] += 2.0 * p[2] * t;
    }
    assert!(close(total, want, 1e-14), "{total} vs {want}");
    for i in 0..3 {
        assert!(close(g[i], wg[i], 1e-13), "component {i}: {} vs {}", g[i], wg[i]);
    }
}
