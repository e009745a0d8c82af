//! Issue 18: the function-object forms (`Tape::gradient_of`,
//! `compile_of`, `compile_map_of`), prepared gradients and prepared
//! Hessian-vector products (replay, re-recording when the replay guard
//! refuses), and reverse over reverse.

use dualnum::block::Block;
use dualnum::test_functions::*;
use dualnum::{Function, VectorFunction, reverse};
use num_traits::Float;
use quickcheck::quickcheck;

/// Maps an arbitrary quickcheck float to a point in `[-lim, lim]`.
fn bounded(v: f64, lim: f64) -> f64 {
    if v.is_finite() { (v % lim).clamp(-lim, lim) } else { 0.5 }
}

fn close(a: &[f64], b: &[f64], rel: f64) -> bool {
    let scale = b.iter().fold(1.0f64, |m, v| m.max(v.abs()));
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| (x - y).abs() <= rel * scale)
}

/// A function with branches on its inputs: which branch depends on the
/// point, so a replay is refused wherever the signs differ from the
/// recording's.
fn piecewise<T: Float>(x: &[T]) -> T {
    let mut s = T::zero();
    for w in x.windows(2) {
        s = s + if w[0] > w[1] { (w[0] - w[1]).sin() * w[0] } else { w[1].exp() * w[0] * w[0] };
    }
    s + rosenbrock(x)
}

fn piecewise_gradient(x: &[f64]) -> Vec<f64> {
    let mut g = vec![0.0; x.len()];
    rosenbrock_gradient(x, &mut g);
    for i in 0..x.len() - 1 {
        let (a, b) = (x[i], x[i + 1]);
        if a > b {
            let (s, c) = (a - b).sin_cos();
            g[i] += c * a + s;
            g[i + 1] -= c * a;
        } else {
            g[i] += 2.0 * a * b.exp();
            g[i + 1] += b.exp() * a * a;
        }
    }
    g
}

struct Piecewise;
impl Function for Piecewise {
    fn eval<T: Float>(&self, x: &[T]) -> T {
        piecewise(x)
    }
}

struct Broyden;
impl VectorFunction for Broyden {
    fn outputs(&self, inputs: usize) -> usize {
        inputs
    }
    fn eval<T: Float>(&self, x: &[T], out: &mut [T]) {
        broyden_tridiagonal(x, out)
    }
}

/// `Σ Fᵢ(x)²` of the Broyden map.
struct BroydenSum;
impl Function for BroydenSum {
    fn eval<T: Float>(&self, x: &[T]) -> T {
        let mut out = x.to_vec();
        broyden_tridiagonal(x, &mut out);
        out.iter().fold(T::zero(), |s, &v| s + v * v)
    }
}

quickcheck! {
    /// A prepared gradient equals the hand-written one at every point of a
    /// random walk, through branch changes (replays refused and
    /// re-recorded), and every call is either a replay or a recording.
    fn prepared_gradient_follows_branches(steps: Vec<(f64, f64, f64, f64)>) -> bool {
        let mut prep = reverse::prepare_of(&Piecewise);
        let mut g = [0.0; 4];
        let mut ok = true;
        for s in &steps {
            let x = [bounded(s.0, 2.0), bounded(s.1, 2.0), bounded(s.2, 2.0), bounded(s.3, 2.0)];
            let fx = prep.gradient(&x, &mut g);
            ok &= fx.to_bits() == piecewise(&x).to_bits();
            ok &= close(&g, &piecewise_gradient(&x), 1e-12);
        }
        ok && prep.recordings() + prep.replays() == steps.len()
    }

    /// The function-object forms give what the closure forms give.
    fn of_forms_match_closures(a: f64, b: f64, c: f64, d: f64) -> bool {
        let x = [bounded(a, 2.0), bounded(b, 2.0), bounded(c, 2.0), bounded(d, 2.0)];
        let x0 = [0.5, 0.25, -0.5, 1.0];
        let (mut g1, mut g2, mut g3) = ([0.0; 4], [0.0; 4], [0.0; 4]);
        let mut tape = reverse::Tape::new();
        let f1 = tape.gradient_of(&BroydenSum, &x, &mut g1);
        let f2 = tape.gradient(|v| BroydenSum.eval(v), &x, &mut g2);
        let mut c_of = reverse::compile_of(&BroydenSum, &x0);
        let mut c_cl = reverse::compile(|v| BroydenSum.eval(v), &x0);
        let f3 = c_of.gradient(&x, &mut g3).unwrap();
        let f4 = c_cl.gradient(&x, &mut g1.clone()).unwrap();
        let mut m_of = reverse::compile_map_of(&Broyden, &x0);
        let mut m_cl = reverse::compile_map(
            |v| {
                let mut out = vec![v[0]; v.len()];
                broyden_tridiagonal(v, &mut out);
                out
            },
            &x0,
        );
        let (v1, j1) = m_of.jacobian(&x).unwrap();
        let (v2, j2) = m_cl.jacobian(&x).unwrap();
        let mut expected = [0.0; 16];
        broyden_tridiagonal_jacobian(&x, &mut expected);
        f1 == f2 && g1 == g2 && f3 == f4 && close(&g3, &g2, 1e-13)
            && v1 == v2 && j1 == j2 && close(j1.transpose().as_slice(), &expected, 1e-13)
    }

    /// A prepared H·v equals the hand-written Hessian times v, and the
    /// gradient the hand-written gradient, at random points and directions;
    /// after the first call every call replays (Rosenbrock has no branch).
    fn prepared_hvp_is_hessian_times_v(pts: Vec<(f64, f64, f64, f64)>) -> bool {
        let mut h = reverse::prepare_hvp(|v| rosenbrock(v));
        let (mut g, mut hv, mut ge, mut he) = ([0.0; 4], [0.0; 4], [0.0; 4], [0.0; 16]);
        let mut ok = true;
        // Under Miri one point costs about a second and quickcheck draws up
        // to 100 a case: a few points a case keep the file's run in minutes.
        let pts = if cfg!(miri) { &pts[..pts.len().min(3)] } else { &pts[..] };
        for p in pts {
            let x = [bounded(p.0, 2.0), bounded(p.1, 2.0), bounded(p.2, 2.0), bounded(p.3, 2.0)];
            let v = [bounded(p.1, 3.0).cos(), bounded(p.2, 3.0).sin(), 1.0, -0.5];
            let fx = h.hvp(&x, &v, &mut g, &mut hv);
            rosenbrock_gradient(&x, &mut ge);
            rosenbrock_hessian(&x, &mut he);
            let want: Vec<f64> =
                (0..4).map(|i| (0..4).map(|j| he[i * 4 + j] * v[j]).sum()).collect();
            let (fr, gr, hr) = reverse::hvp(|v| rosenbrock(v), &x, &v);
            ok &= fx.to_bits() == rosenbrock(&x).to_bits() && fx == fr;
            ok &= close(&g, &ge, 1e-13) && close(&hv, &want, 1e-12);
            ok &= close(&g, gr.as_slice(), 1e-13) && close(&hv, hr.as_slice(), 1e-13);
        }
        ok && h.recordings() == usize::from(!pts.is_empty()) && h.replays() + h.recordings() == pts.len()
    }
}

/// `x ↦ Σ xᵢ²` as a block with a hand-written partial, which replays
/// cannot evaluate.
struct Square;
impl<T: Float> Block<T, 1> for Square {
    fn eval(&self, x: [T; 1]) -> (T, [T; 1]) {
        (x[0] * x[0], [x[0] + x[0]])
    }
}

#[test]
fn prepared_gradient_with_a_user_block_records_every_call() {
    let mut prep = reverse::prepare(|x| {
        x.iter().fold(reverse::Var::constant(0.0), |s, &v| s + Square.call([v])) * x[0]
    });
    let mut g = [0.0; 3];
    for k in 0..5 {
        let x = [1.0 + k as f64, -2.0, 0.5 * k as f64];
        let q: f64 = x.iter().map(|v| v * v).sum();
        let fx = prep.gradient(&x, &mut g);
        assert_eq!(fx, q * x[0]);
        let want = [q + 2.0 * x[0] * x[0], 2.0 * x[1] * x[0], 2.0 * x[2] * x[0]];
        assert!(close(&g, &want, 1e-14), "{g:?} vs {want:?}");
    }
    assert_eq!((prep.recordings(), prep.replays()), (5, 0));
}

#[test]
fn prepared_gradient_recovers_after_branch_changes() {
    // Alternating branches, then a long stretch on one branch: once the
    // branch settles, calls replay again.
    let mut prep = reverse::prepare_of(&Piecewise);
    let mut g = [0.0; 3];
    for k in 0..8 {
        let x = if k % 2 == 0 { [1.0, 0.0, -1.0] } else { [-1.0, 0.0, 1.0] };
        prep.gradient(&x, &mut g);
        assert!(close(&g, &piecewise_gradient(&x), 1e-13));
    }
    let before = prep.replays();
    for k in 0..40 {
        let x = [1.0 + 0.01 * k as f64, 0.0, -1.0];
        prep.gradient(&x, &mut g);
        assert!(close(&g, &piecewise_gradient(&x), 1e-13));
    }
    assert!(prep.replays() - before >= 30, "replays {} then {}", before, prep.replays());
}

#[test]
fn prepared_gradient_of_another_size_records_again() {
    let mut prep = reverse::prepare(|x| rosenbrock(x));
    for n in [3, 5, 5, 2] {
        let x: Vec<f64> = (0..n).map(|i| 0.3 * i as f64 - 0.4).collect();
        let (mut g, mut e) = (vec![0.0; n], vec![0.0; n]);
        assert_eq!(prep.gradient(&x, &mut g), rosenbrock(&x));
        rosenbrock_gradient(&x, &mut e);
        assert!(close(&g, &e, 1e-14));
    }
}

#[test]
#[should_panic(expected = "PreparedHvp::hvp: 2 inputs but direction v has length 3")]
fn prepared_hvp_direction_length() {
    let mut h = reverse::prepare_hvp(|v| v[0] * v[1]);
    h.hvp(&[1.0, 2.0], &[1.0, 0.0, 0.0], &mut [0.0; 2], &mut [0.0; 2]);
}

/// Reverse over reverse: the gradient recorded on an inner tape whose
/// scalars are variables of an outer tape is itself differentiable, so one
/// outer sweep per gradient entry gives a row of the Hessian.
#[test]
fn reverse_over_reverse_hessian() {
    for x in [[0.5, -1.2, 0.8, 1.5], [1.0, 1.0, 1.0, 1.0], [-0.3, 0.4, 2.0, -1.0]] {
        let outer = reverse::Tape::<f64>::new();
        let xo = outer.vars(&x);
        let mut inner = reverse::Tape::new();
        let mut g = vec![reverse::Var::constant(0.0); 4];
        let fx = inner.gradient(|v| log_sum_exp(v) * rosenbrock(v), &xo, &mut g);
        let (mut gl, mut gr, mut hl, mut hr) = ([0.0; 4], [0.0; 4], [0.0; 16], [0.0; 16]);
        log_sum_exp_gradient(&x, &mut gl);
        rosenbrock_gradient(&x, &mut gr);
        log_sum_exp_hessian(&x, &mut hl);
        rosenbrock_hessian(&x, &mut hr);
        let (l, r) = (log_sum_exp(&x), rosenbrock(&x));
        assert_eq!(fx.value(), l * r);
        for i in 0..4 {
            assert!((g[i].value() - (gl[i] * r + l * gr[i])).abs() <= 1e-12 * r.max(1.0));
            let adj = outer.adjoints(g[i]);
            for j in 0..4 {
                let want = hl[i * 4 + j] * r + gl[i] * gr[j] + gr[i] * gl[j] + l * hr[i * 4 + j];
                let got = adj.wrt(xo[j]);
                assert!((got - want).abs() <= 1e-11 * want.abs().max(1.0), "H[{i},{j}]");
            }
        }
    }
}
