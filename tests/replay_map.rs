//! Replays of vector-valued recordings (`compile_map`): Jacobians, VJPs
//! and JVPs at new inputs against forward mode, hand-written Jacobians and
//! fresh recordings; the same refusals as scalar replays.

use dualnum::Dual;
use dualnum::reverse::{self, ReplayError, Var};
use dualnum::test_functions as tf;
use num_traits::Float;
use quickcheck::quickcheck;

fn bounded(v: f64, lim: f64) -> f64 {
    if v.is_finite() { (v % lim).clamp(-lim, lim) } else { 0.5 }
}

fn close(a: f64, b: f64, rel: f64) -> bool {
    a == b || (a - b).abs() <= rel * a.abs().max(b.abs()).max(1.0)
}

type Map<T> = fn(&[T], &mut [T]);

/// The replayed Jacobian of `f: Rᴺ → Rᵐ` at `x` against forward mode (one
/// pass with N lanes) and the hand-written Jacobian; values bit for bit.
fn check_jacobian<const N: usize>(
    mut c: reverse::CompiledMap<f64>,
    fd: Map<Dual<f64, N>>,
    hand: &dyn Fn(&[f64], &mut [f64]),
    m: usize,
    x: [f64; N],
) {
    assert_eq!((c.inputs(), c.outputs()), (N, m));
    let (fx, jac) = c.jacobian(&x).unwrap();
    let mut od = vec![Dual::<f64, N>::constant(0.0); m];
    fd(&Dual::variables(x), &mut od);
    let mut jh = vec![0.0; m * N];
    hand(&x, &mut jh);
    for i in 0..m {
        assert_eq!(fx[i].to_bits(), od[i].value().to_bits(), "value {i}");
        for j in 0..N {
            assert!(close(jac[(i, j)], od[i].partial(j), 1e-12), "({i}, {j}) vs forward");
            assert!(close(jac[(i, j)], jh[i * N + j], 1e-12), "({i}, {j}) vs hand-written");
        }
    }
    assert_eq!(c.value(&x).unwrap(), fx);
}

/// `compile_map` of a `(x, out)` test map with `m` outputs.
macro_rules! compiled {
    ($f:path, $m:expr, $x0:expr) => {
        reverse::compile_map(
            |v| {
                let mut o = vec![Var::constant(0.0); $m];
                $f(v, &mut o);
                o
            },
            &$x0,
        )
    };
}

#[test]
fn replayed_jacobians_match_forward_mode_and_hand_written() {
    // Square: rows by backward sweeps.
    let x = [0.3, -1.1, 0.7, 1.9];
    let c = compiled!(tf::broyden_tridiagonal, 4, [0.1, 0.2, 0.3, 0.4]);
    check_jacobian::<4>(c, tf::broyden_tridiagonal, &tf::broyden_tridiagonal_jacobian, 4, x);
    // Wider than tall (n > m): rows.
    let c = compiled!(tf::map_r4_r3, 3, [0.5, 0.2, 0.3, 0.4]);
    check_jacobian::<4>(c, tf::map_r4_r3, &tf::map_r4_r3_jacobian, 3, x);
    // Taller than wide (n < m): columns by tangent sweeps.
    let c = compiled!(tf::tall_map, 64, [0.1, 0.2, 0.3, 0.4]);
    check_jacobian::<4>(c, tf::tall_map, &|x, j| tf::tall_map_jacobian(x, 64, j), 64, x);
    let x0: [f64; 16] = core::array::from_fn(|i| 0.1 * i as f64);
    let x: [f64; 16] = core::array::from_fn(|i| 0.3 - 0.07 * i as f64);
    let c = compiled!(tf::wide_map, 4, x0);
    check_jacobian::<16>(c, tf::wide_map, &|x, j| tf::wide_map_jacobian(x, 4, j), 4, x);
}

fn map3<T: Float>(v: &[T]) -> Vec<T> {
    let c = |x: f64| T::from(x).unwrap();
    vec![
        v[0].sin() * v[1].exp() / (c(1.0) + v[2] * v[2]),
        v[0].mul_add(v[1], v[2]).tanh() - v[3].powi(3),
        (v[0] * v[3]).hypot(v[1]) + v[2].max(v[3]) * c(0.5),
        Float::abs(v[0] - v[2]).sqrt() + c(2.0),
        T::from(3.0).unwrap(), // a constant output
    ]
}

quickcheck! {
    /// At random points: VJP = wᵀJ and JVP = Jv for the replayed J, J by
    /// rows (backward sweeps) = J by columns (tangent sweeps) = a fresh
    /// reverse-mode Jacobian, values bit for bit.
    fn vjp_jvp_and_jacobian_agree(a: f64, b: f64, c: f64, d: f64, w: (f64, f64, f64), v: (f64, f64)) -> bool {
        let x = [bounded(a, 2.0), bounded(b, 2.0), bounded(c, 2.0), bounded(d, 2.0)];
        let x0 = [0.3, -0.4, 0.5, 0.1];
        // The recorded branches of `max` and `abs` are taken by value.
        if (x[2] > x[3]) != (x0[2] > x0[3]) || (x[0] - x[2] >= 0.0) != (x0[0] - x0[2] >= 0.0) {
            return true;
        }
        let mut cm = reverse::compile_map(|u| map3(u), &x0);
        let (fx, jac) = cm.jacobian(&x).unwrap();
        let (ffx, fjac) = reverse::jacobian(|u| map3(u), &x);
        let wv = [bounded(w.0, 3.0), bounded(w.1, 3.0), bounded(w.2, 3.0), 1.0, 7.0];
        let vv = [bounded(v.0, 3.0), bounded(v.1, 3.0), 1.0, -0.5];
        let (_, wj) = cm.vjp(&x, &wv).unwrap();
        let (_, jv) = cm.jvp(&x, &vv).unwrap();
        let scale = fjac.iter().fold(1.0f64, |m, e| m.max(e.abs()));
        let ok = |p: f64, q: f64| (p - q).abs() <= 1e-12 * scale * 10.0;
        let mut cols = true;
        for j in 0..4 {
            let mut e = [0.0; 4];
            e[j] = 1.0;
            let (_, col) = cm.jvp(&x, &e).unwrap();
            cols &= (0..5).all(|i| ok(col[i], jac[(i, j)]));
        }
        fx.iter().zip(ffx.iter()).all(|(p, q)| p.to_bits() == q.to_bits())
            && jac.iter().zip(fjac.iter()).all(|(p, q)| ok(*p, *q))
            && (0..4).all(|j| ok(wj[j], (0..5).map(|i| wv[i] * jac[(i, j)]).sum()))
            && (0..5).all(|i| ok(jv[i], (0..4).map(|j| jac[(i, j)] * vv[j]).sum()))
            && cols
            && (0..4).all(|j| jac[(4, j)] == 0.0)
    }
}

#[test]
fn vector_replays_refuse_what_scalar_replays_refuse() {
    let mut c = reverse::compile_map(
        |v| if v[0] > v[1] { vec![v[0], v[1] * v[0]] } else { vec![v[1], v[0]] },
        &[2.0, 1.0],
    );
    assert!(c.jacobian(&[3.0, 1.0]).is_ok());
    assert!(matches!(c.jacobian(&[0.0, 1.0]), Err(ReplayError::BranchChanged { test: ">", .. })));
    assert!(matches!(c.vjp(&[0.0, 1.0], &[1.0, 1.0]), Err(ReplayError::BranchChanged { .. })));
    assert!(matches!(c.jvp(&[0.0, 1.0], &[1.0, 1.0]), Err(ReplayError::BranchChanged { .. })));
    assert_eq!(c.value(&[1.0]), Err(ReplayError::InputCount { expected: 2, found: 1 }));
    use num_traits::ToPrimitive;
    let mut r = reverse::compile_map(|v| vec![v[0] * v[0].to_f64().unwrap()], &[2.0]);
    assert!(matches!(r.jacobian(&[3.0]), Err(ReplayError::ValueRead { read: "to_f64", .. })));
}

#[test]
fn tangents_stay_zero_through_infinite_partials() {
    // √(x₀·x₁) at x₀ = 0 along (0, 1): ∂/∂x₁ = x₀/(2√(x₀x₁)) is 0·∞ naively.
    let mut c = reverse::compile_map(|v| vec![(v[0] * v[1]).sqrt(), v[1]], &[1.0, 1.0]);
    let (_, jv) = c.jvp(&[0.0, 2.0], &[0.0, 1.0]).unwrap();
    assert_eq!(jv.as_slice(), &[0.0, 1.0]);
    let (_, wj) = c.vjp(&[0.0, 2.0], &[1.0, 0.0]).unwrap();
    assert_eq!(wj[1], 0.0);
}

#[test]
#[should_panic(expected = "CompiledMap::vjp: 2 outputs but w has length 3")]
fn vjp_with_a_wrong_weight_length_panics() {
    let mut c = reverse::compile_map(|v| vec![v[0], v[0] * v[0]], &[1.0]);
    let _ = c.vjp(&[1.0], &[1.0, 2.0, 3.0]);
}
