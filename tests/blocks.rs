//! User-defined blocks in both modes: against each other, against analytic
//! derivatives, with constant inputs, nested, and NaN-safe.

use dualnum::block::{self, Block, BlockScalar};
use dualnum::reverse::{self, Tape, Var};
use dualnum::{Dual, test_functions as tf};
use num_traits::Float;
use quickcheck::quickcheck;

struct Product;
impl<T: Float> Block<T, 2> for Product {
    fn eval(&self, [x, y]: [T; 2]) -> (T, [T; 2]) {
        (x * y, [y, x])
    }
}

struct Cosine;
impl<T: Float> Block<T, 1> for Cosine {
    fn eval(&self, [x]: [T; 1]) -> (T, [T; 1]) {
        let (s, c) = x.sin_cos();
        (c, [-s])
    }
}

/// `f(x, y, z, w) = softplus(x·y + z) · w`, a 4-input block with its
/// partials by hand.
struct Gate;
impl<T: Float> Block<T, 4> for Gate {
    fn eval(&self, [x, y, z, w]: [T; 4]) -> (T, [T; 4]) {
        let u = x * y + z;
        let sp = u.exp().ln_1p();
        let sig = T::one() / (T::one() + (-u).exp());
        (sp * w, [sig * y * w, sig * x * w, sig * w, sp])
    }
}

/// `√x`, with its infinite derivative at 0.
struct Root;
impl<T: Float> Block<T, 1> for Root {
    fn eval(&self, [x]: [T; 1]) -> (T, [T; 1]) {
        let s = x.sqrt();
        (s, [(s + s).recip()])
    }
}

/// The lecture's z(x, y) built from its blocks.
fn z_blocks<T: BlockScalar>(v: &[T]) -> T {
    let (x, y) = (v[0], v[1]);
    Product.call([Product.call([x, x]), (x + Cosine.call([y])).exp()])
}

fn gate_expr<T: BlockScalar>(v: &[T]) -> T {
    block::apply(&Gate, [v[0], v[1], v[2], v[3]]) + Gate.call([v[3], v[2], v[1], v[0]])
}

fn bounded(v: f64, lim: f64) -> f64 {
    if v.is_finite() { (v % lim).clamp(-lim, lim) } else { 0.5 }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-12 * a.abs().max(b.abs()).max(1.0)
}

quickcheck! {
    fn blocks_agree_in_both_modes_and_with_analytic(a: f64, b: f64, c: f64, d: f64) -> bool {
        let x = [bounded(a, 2.0), bounded(b, 2.0), bounded(c, 2.0), bounded(d, 2.0)];
        // The lecture's example through blocks against its hand-written gradient.
        let mut h = [0.0; 2];
        tf::lecture_z_gradient(&x[..2], &mut h);
        let fwd = z_blocks(&Dual::<f64, 2>::variables([x[0], x[1]]));
        let (rv, rg) = reverse::gradient(|v| z_blocks(v), &x[..2]);
        let lecture = rv == fwd.value() && rv == z_blocks(&x[..2])
            && (0..2).all(|i| close(rg[i], h[i]) && close(fwd.partial(i), h[i]));
        // A 4-input block in both modes, against the same expression unblocked.
        let plain = |v: &[Dual<f64, 4>]| {
            let g = |x: Dual<f64, 4>, y: Dual<f64, 4>, z: Dual<f64, 4>, w: Dual<f64, 4>| (x * y + z).exp().ln_1p() * w;
            g(v[0], v[1], v[2], v[3]) + g(v[3], v[2], v[1], v[0])
        };
        let p = plain(&Dual::variables(x));
        let fb = gate_expr(&Dual::variables(x));
        let (_, rb) = reverse::gradient(|v| gate_expr(v), &x);
        lecture && (0..4).all(|i| close(fb.partial(i), p.partial(i)) && close(rb[i], p.partial(i)))
    }
}

#[test]
fn blocks_on_plain_floats_give_values() {
    assert_eq!(Product.call([3.0f64, 4.0]), 12.0);
    assert_eq!(Cosine.call([0.0f32]), 1.0);
    assert_eq!(z_blocks(&[2.0f64, 0.0]), 4.0 * 3.0f64.exp());
}

#[test]
fn constant_inputs_record_only_varying_partials() {
    let tape = Tape::new();
    let x = tape.var(0.5);
    let k = Var::constant(2.0);
    // All inputs constant: a constant, nothing recorded.
    let n0 = tape.len();
    let c = Gate.call([k, k, k, k]);
    assert!(c.is_constant() && tape.len() == n0);
    // One varying input of four: one node.
    let y = Gate.call([k, x, k, k]);
    assert_eq!(tape.len(), n0 + 1);
    let (_, d) = Gate.eval([2.0, 0.5, 2.0, 2.0]);
    assert_eq!(tape.adjoints(y).wrt(x), d[1]);
    // Three varying inputs: a chain of two nodes.
    let u = tape.var(-0.3);
    let n1 = tape.len();
    let y = Gate.call([x, k, u, x]);
    assert_eq!(tape.len(), n1 + 2);
    let (_, d) = Gate.eval([0.5, 2.0, -0.3, 0.5]);
    let adj = tape.adjoints(y);
    assert!(close(adj.wrt(x), d[0] + d[3]) && close(adj.wrt(u), d[2]));
    // The trace shows the block.
    assert!(tape.trace(y).to_string().contains("block"));
}

#[test]
fn nested_duals_give_second_derivatives_through_blocks() {
    // Hessian of x·y·cos(x) by forward-over-forward through the blocks.
    type D2 = Dual<Dual<f64, 2>, 2>;
    let (x0, y0) = (0.7, -1.2);
    let seed = |v: f64, i: usize| {
        let mut d = D2::constant(Dual::variable(v, i));
        d.eps[i] = Dual::constant(1.0);
        d
    };
    let (x, y) = (seed(x0, 0), seed(y0, 1));
    let f = Product.call([Product.call([x, y]), Cosine.call([x])]);
    let (s, c) = x0.sin_cos();
    let hxx = y0 * (-2.0 * s - x0 * c);
    let hxy = c - x0 * s;
    assert!(close(f.eps[0].eps[0], hxx) && close(f.eps[0].eps[1], hxy));
    assert!(close(f.eps[1].eps[0], hxy) && close(f.eps[1].eps[1], 0.0));
}

#[test]
fn blocks_are_nan_safe_in_both_modes() {
    // √ at 0 reached through a constant-valued path contributes 0, not NaN.
    let fwd = Root.call([Dual::<f64, 2>::variable(0.0, 0) * 0.0]) + Dual::variable(1.0, 1);
    assert_eq!(fwd.tangent(), [0.0, 1.0]);
    let (_, g) = reverse::gradient(|v| Root.call([v[0] * 0.0]) + v[1], &[0.0, 1.0]);
    assert_eq!(g.as_slice(), &[0.0, 1.0]);
    // On a path that matters, the honest infinity.
    let (_, g) = reverse::gradient(|v| Root.call([v[0]]), &[0.0]);
    assert_eq!(g[0], f64::INFINITY);
}
