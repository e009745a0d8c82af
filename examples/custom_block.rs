//! A user-defined block: a function you supply together with its
//! derivative, used inside a larger generic function, in both modes.
//!
//! The block is `logaddexp(a, b) = ln(eᵃ + eᵇ)`, computed the stable way,
//! `m + ln(1 + e^(−|a − b|))` with `m = max(a, b)`, whose partials are the
//! logistic sigmoid: `∂/∂a = σ(a − b)`, `∂/∂b = σ(b − a)`. Wrapping it as a
//! block gives the derivative from that closed form (no overflow where the
//! naive formula overflows) and records one node on the reverse tape.
//!
//! It is then used in a logistic-regression loss, differentiated in forward
//! mode (`Dual`) and reverse mode (`reverse::gradient`), and checked against
//! the hand-written gradient and central differences. Last, the lecture's
//! `Product` and `Cosine` blocks rebuild its example `z = x²·e^(x + cos y)`.
//!
//! Run with `cargo run --release --example custom_block`.

use dualnum::block::{Block, BlockScalar};
use dualnum::reverse::{self, Tape};
use dualnum::{Dual, lit, numeric};
use nalgebra::SVector;
use num_traits::Float;

/// `ln(eᵃ + eᵇ)` with partials `(σ(a − b), σ(b − a))`.
struct LogAddExp;

impl<T: Float> Block<T, 2> for LogAddExp {
    fn eval(&self, [a, b]: [T; 2]) -> (T, [T; 2]) {
        let (hi, lo) = if a >= b { (a, b) } else { (b, a) };
        let e = (lo - hi).exp(); // in (0, 1]: never overflows
        let value = hi + e.ln_1p();
        let (d_hi, d_lo) = (T::one() / (T::one() + e), e / (T::one() + e));
        (value, if a >= b { [d_hi, d_lo] } else { [d_lo, d_hi] })
    }
}

/// Training data `(t, s, label)` with labels ±1, and the L2 weight.
const DATA: [(f64, f64, f64); 8] = [
    (-1.5, 0.3, -1.0),
    (-1.0, -0.8, -1.0),
    (-0.6, 1.1, 1.0),
    (-0.2, -0.4, -1.0),
    (0.3, 0.9, 1.0),
    (0.7, -1.2, -1.0),
    (1.1, 0.2, 1.0),
    (1.6, -0.5, 1.0),
];
const LAMBDA: f64 = 0.1;

/// The logistic-regression loss `Σᵢ ln(1 + e^(−mᵢ)) + λ/2·|w|²` with margins
/// `mᵢ = yᵢ·(w₀ + w₁tᵢ + w₂sᵢ)`, each term `logaddexp(0, −mᵢ)`. Written
/// once for every number type blocks apply to (`f64`, `Dual`, `Var`).
fn loss<T: BlockScalar>(w: &[T]) -> T {
    let c = lit::<T>;
    let mut sum = T::zero();
    for &(t, s, y) in &DATA {
        let margin = c(y) * (w[0] + w[1] * c(t) + w[2] * c(s));
        sum = sum + LogAddExp.call([T::zero(), -margin]);
    }
    sum + c(0.5 * LAMBDA) * w.iter().fold(T::zero(), |acc, &wi| acc + wi * wi)
}

/// By hand: `∂L/∂w = Σᵢ −yᵢ·σ(−mᵢ)·(1, tᵢ, sᵢ) + λ·w`.
fn loss_gradient(w: &[f64; 3]) -> [f64; 3] {
    let mut g = w.map(|wi| LAMBDA * wi);
    for &(t, s, y) in &DATA {
        let margin = y * (w[0] + w[1] * t + w[2] * s);
        let k = -y / (1.0 + margin.exp()); // −y·σ(−m)
        for (gj, xj) in g.iter_mut().zip([1.0, t, s]) {
            *gj += k * xj;
        }
    }
    g
}

fn main() {
    block_alone();
    in_a_loss();
    lecture_blocks();
}

/// The block next to the naive formula: same values where both work, but
/// only the block survives large inputs, and it is one node on the tape.
fn block_alone() {
    let naive = |a: Dual<f64, 2>, b: Dual<f64, 2>| (a.exp() + b.exp()).ln();
    println!("logaddexp(a, b) = ln(e^a + e^b), as a block and written naively (forward mode)");
    println!("{:>12} {:>22} {:>22}", "(a, b)", "block: value, d/da", "naive: value, d/da");
    for (a0, b0) in [(1.0, 2.0), (800.0, 1.0)] {
        let [a, b] = Dual::variables([a0, b0]);
        let (good, bad) = (LogAddExp.call([a, b]), naive(a, b));
        println!(
            "{:>12} {:>11.6} {:>10.6} {:>11.6} {:>10.6}",
            format!("({a0}, {b0})"),
            good.value(),
            good.partial(0),
            bad.value(),
            bad.partial(0)
        );
        let sigma = 1.0 / (1.0 + (b0 - a0).exp());
        assert!(
            (good.partial(0) - sigma).abs() < 1e-15
                && (good.partial(1) - (1.0 - sigma)).abs() < 1e-15
        );
        if a0 < 100.0 {
            assert!((good - bad).value().abs() < 1e-14 && (good - bad).partial(0).abs() < 1e-15);
        } else {
            assert!(good.value() == a0 && bad.value().is_infinite() && bad.partial(0).is_nan());
        }
    }

    let tape = Tape::new();
    let (a, b) = (tape.var(1.0), tape.var(2.0));
    let before = tape.len();
    let _ = LogAddExp.call([a, b]);
    let block_nodes = tape.len() - before;
    let _ = (a.exp() + b.exp()).ln();
    let naive_nodes = tape.len() - before - block_nodes;
    println!("reverse tape: the block records {block_nodes} node, the naive formula {naive_nodes}");
    assert!(block_nodes == 1 && naive_nodes > 1);
}

/// The block inside a loss, in both modes, against the hand-written
/// gradient and central differences.
fn in_a_loss() {
    let w = [0.1, -0.3, 0.8];
    let exact = loss_gradient(&w);
    let (fwd_value, fwd) = dualnum::gradient(|v| loss(v.as_slice()), &SVector::from(w));
    let (rev_value, rev) = reverse::gradient(|v| loss(v), &w);
    let (_, num) = numeric::gradient(loss, &w);

    println!();
    println!("logistic-regression loss on {} points, w = {w:?}", DATA.len());
    println!("loss: plain f64 {:.15}, forward {fwd_value:.15}, reverse {rev_value:.15}", loss(&w));
    println!(
        "{:<6} {:>19} {:>19} {:>19} {:>19}",
        "", "by hand", "forward", "reverse", "central diff"
    );
    for j in 0..3 {
        println!(
            "dL/dw{j} {:>19.15} {:>19.15} {:>19.15} {:>19.15}",
            exact[j], fwd[j], rev[j], num[j]
        );
        let scale = exact[j].abs().max(1.0);
        assert!((fwd[j] - exact[j]).abs() <= 1e-14 * scale, "forward dL/dw{j}");
        assert!((rev[j] - exact[j]).abs() <= 1e-14 * scale, "reverse dL/dw{j}");
        assert!((num[j] - exact[j]).abs() <= 1e-8 * scale, "numeric dL/dw{j}");
    }
    assert!(fwd_value == loss(&w) && rev_value == loss(&w));

    // A block is known to the tape only by the value and partials it
    // returned, so a compiled recording cannot replay it.
    let mut compiled = reverse::compile(|v| loss(v), &w);
    let mut g = [0.0; 3];
    let err = compiled.gradient(&w, &mut g).expect_err("blocks are not replayable");
    println!("compiled replay: {err}");
}

/// The lecture's blocks: `Product` (`d = (y, x)`) and `Cosine` (`d = −sin`).
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

/// `z = x²·e^(x + cos y)` from the lecture's blocks, at `(2, π/2)`, where
/// `∇z = (8e², −4e²)`.
fn lecture_blocks() {
    fn z<T: BlockScalar>(v: &[T]) -> T {
        let (x, y) = (v[0], v[1]);
        Product.call([Product.call([x, x]), (x + Cosine.call([y])).exp()])
    }
    let p = [2.0, std::f64::consts::FRAC_PI_2];
    let fwd = z(&Dual::variables(p));
    let (_, rev) = reverse::gradient(|v| z(v), &p);
    let e2 = 2.0f64.exp();
    let want = [8.0 * e2, -4.0 * e2];
    println!();
    println!(
        "the lecture's z = x^2 * exp(x + cos y) from Product and Cosine blocks, at (2, pi/2):"
    );
    println!("  exact (8e^2, -4e^2) {want:?}");
    println!("  forward             {:?}", fwd.eps);
    println!("  reverse             {:?}", rev.as_slice());
    for (got, want) in fwd.eps.iter().chain(rev.iter()).zip(want.iter().cycle()) {
        assert!((got - want).abs() <= 1e-13 * want.abs(), "lecture gradient {got} vs {want}");
    }
}
