//! Properties of derivatives that must hold at every point, checked with
//! quickcheck on random inputs: identities (d(sin² + cos²) = 0, inverse
//! functions), the product, quotient and chain rules assembled from the
//! derivatives of the parts, linearity in the tangent, Hessian symmetry.

mod common;

use common::{Dom, Unit};
use dualnum::Dual;
use num_traits::Float;
use quickcheck::{QuickCheck, TestResult};

type D = Dual<f64, 1>;

fn k<T: Float>(v: f64) -> T {
    T::from(v).unwrap()
}

/// A named building block.
type Part<T> = (&'static str, fn(T) -> T);

/// Building blocks, each defined and smooth on all of ℝ (so any can be
/// composed with any), written once for any `Float`.
fn parts<T: Float>() -> Vec<Part<T>> {
    vec![
        ("sin", |x| x.sin()),
        ("cos", |x| x.cos()),
        ("atan", |x| x.atan()),
        ("tanh", |x| x.tanh()),
        ("exp(x/4)", |x| (x / k(4.0)).exp()),
        ("x³ + 2x", |x| x.powi(3) + k::<T>(2.0) * x),
        ("cosh(x/2)", |x| (x * k(0.5)).cosh()),
        ("ln(1 + x²)", |x| (x * x).ln_1p()),
        ("√(1 + x²)", |x| x.hypot(T::one())),
        ("sinh(x)/3", |x| x.sinh() / k(3.0)),
    ]
}

/// Value and derivative of a part at `x`.
fn eval(f: fn(D) -> D, x: f64) -> (f64, f64) {
    let r = f(D::variable(x, 0));
    (r.re, r.eps[0])
}

fn pick<T: Float>(i: u8) -> Part<T> {
    let ps = parts();
    ps[usize::from(i) % ps.len()]
}

/// `|got − want| ≤ rel·scale`, where `scale` bounds the terms that were
/// summed to get `want` (a relative test on a cancelling sum would be
/// meaningless).
fn agrees(got: f64, want: f64, scale: f64, rel: f64) -> bool {
    (got - want).abs() <= rel * scale
}

const X: Dom = Dom::Lin(-4.0, 4.0);

fn run<A: quickcheck::Arbitrary + std::fmt::Debug>(prop: fn(A, u8, u8) -> TestResult) {
    QuickCheck::new().tests(500).quickcheck(prop);
}

#[test]
fn pythagoras_has_derivative_zero() {
    fn prop(u: Unit, v: Unit) -> bool {
        let x = Dom::Lin(-100.0, 100.0).at(u.0);
        let dir = Dom::Lin(-10.0, 10.0).at(v.0);
        let t = Dual::<f64, 2>::new(x, [dir, 1.0]);
        let (s, c) = t.sin_cos();
        let one = s * s + c * c;
        (one.re - 1.0).abs() <= 4.0 * f64::EPSILON
            && one.eps[0].abs() <= 8.0 * f64::EPSILON * dir.abs()
            && one.eps[1].abs() <= 8.0 * f64::EPSILON
    }
    QuickCheck::new().tests(500).quickcheck(prop as fn(Unit, Unit) -> bool);
}

#[test]
fn product_rule() {
    fn prop(u: Unit, i: u8, j: u8) -> TestResult {
        let x = X.at(u.0);
        let ((nf, f), (ng, g)) = (pick(i), pick(j));
        let ((fv, df), (gv, dg)) = (eval(f, x), eval(g, x));
        let got = (f(D::variable(x, 0)) * g(D::variable(x, 0))).eps[0];
        let want = df * gv + fv * dg;
        let scale = (df * gv).abs() + (fv * dg).abs();
        if agrees(got, want, scale, 4.0 * f64::EPSILON) {
            TestResult::passed()
        } else {
            TestResult::error(format!("({nf})·({ng}) at {x}: {got:e} vs {want:e}"))
        }
    }
    run(prop);
}

#[test]
fn quotient_rule() {
    fn prop(u: Unit, i: u8, j: u8) -> TestResult {
        let x = X.at(u.0);
        let ((nf, f), (ng, g)) = (pick(i), pick(j));
        let ((fv, df), (gv, dg)) = (eval(f, x), eval(g, x));
        if gv.abs() < 1e-3 {
            return TestResult::discard();
        }
        let got = (f(D::variable(x, 0)) / g(D::variable(x, 0))).eps[0];
        let want = (df * gv - fv * dg) / (gv * gv);
        let scale = ((df * gv).abs() + (fv * dg).abs()) / (gv * gv);
        if agrees(got, want, scale, 8.0 * f64::EPSILON) {
            TestResult::passed()
        } else {
            TestResult::error(format!("({nf})/({ng}) at {x}: {got:e} vs {want:e}"))
        }
    }
    run(prop);
}

#[test]
fn chain_rule() {
    fn prop(u: Unit, i: u8, j: u8) -> TestResult {
        let x = X.at(u.0);
        let ((nf, f), (ng, g)) = (pick(i), pick(j));
        let (gv, dg) = eval(g, x);
        let (_, df_at_g) = eval(f, gv);
        let got = f(g(D::variable(x, 0))).eps[0];
        let want = df_at_g * dg;
        if agrees(got, want, want.abs(), 4.0 * f64::EPSILON) {
            TestResult::passed()
        } else {
            TestResult::error(format!("({nf})∘({ng}) at {x}: {got:e} vs {want:e}"))
        }
    }
    run(prop);
}

#[test]
fn tangent_is_linear_in_the_seed() {
    // f(x + a·ε₀ + b·ε₁) has tangent f'(x)·(a, b): each lane scales the one
    // derivative by its own seed, independently of the other lane.
    fn prop(u: Unit, i: u8, a: u8) -> TestResult {
        let x = X.at(u.0);
        let (name, f) = pick::<D>(i);
        let (_, d) = eval(f, x);
        let seed = [f64::from(a) / 16.0 - 8.0, -1.5];
        let (_, f2) = pick::<Dual<f64, 2>>(i);
        let r = f2(Dual::new(x, seed));
        let ok =
            (0..2).all(|l| agrees(r.eps[l], d * seed[l], (d * seed[l]).abs(), 2.0 * f64::EPSILON));
        if ok && r.re.to_bits() == f(D::constant(x)).re.to_bits() {
            TestResult::passed()
        } else {
            TestResult::error(format!("{name} at {x}: {r:?} vs {d:e}·{seed:?}"))
        }
    }
    run(prop);
}

/// A generic function of two variables, written once for any Float.
fn mix<T: Float>(x: T, y: T) -> T {
    (x * y).sin() + x.exp() * y.atan() - (x * x + y * y).sqrt() / (T::one() + y * y)
}

#[test]
fn gradient_lanes_equal_single_direction_runs() {
    // One pass with two lanes equals two passes with one lane each.
    fn prop(u: Unit, v: Unit) -> bool {
        let (x, y) = (X.at(u.0), X.at(v.0));
        let [gx, gy] = Dual::<f64, 2>::variables([x, y]);
        let both = mix(gx, gy);
        let dx = mix(Dual::<f64, 1>::variable(x, 0), Dual::constant(y));
        let dy = mix(Dual::<f64, 1>::constant(x), Dual::variable(y, 0));
        both.re.to_bits() == mix(x, y).to_bits()
            && both.eps[0].to_bits() == dx.eps[0].to_bits()
            && both.eps[1].to_bits() == dy.eps[0].to_bits()
    }
    QuickCheck::new().tests(300).quickcheck(prop as fn(Unit, Unit) -> bool);
}

#[test]
fn hessian_is_symmetric() {
    fn prop(u: Unit, v: Unit) -> bool {
        let p = [X.at(u.0), X.at(v.0)];
        let seed = |i: usize| {
            Dual::new(Dual::variable(p[i], i), [0, 1].map(|j| Dual::constant(f64::from(i == j))))
        };
        let r: Dual<Dual<f64, 2>, 2> = mix(seed(0), seed(1));
        let (a, b) = (r.eps[0].eps[1], r.eps[1].eps[0]);
        (a - b).abs() <= 1e-13 * (a.abs() + b.abs()).max(1.0)
    }
    QuickCheck::new().tests(300).quickcheck(prop as fn(Unit, Unit) -> bool);
}

#[test]
fn inverse_functions_have_derivative_one() {
    fn prop(u: Unit) -> TestResult {
        let x = Dom::Lin(-1.4, 1.4).at(u.0);
        let p = Dom::Log(0.05, 50.0).at(u.0);
        let id = |f: fn(D) -> D, x: f64| f(D::variable(x, 0)).eps[0];
        let cases = [
            ("ln∘exp", id(|t| t.exp().ln(), x)),
            ("asin∘sin", id(|t| t.sin().asin(), x)),
            ("atan∘tan", id(|t| t.tan().atan(), x)),
            ("asinh∘sinh", id(|t| t.sinh().asinh(), x)),
            ("atanh∘tanh", id(|t| t.tanh().atanh(), x)),
            ("cbrt∘cube", id(|t| t.powi(3).cbrt(), x)),
            ("sqrt∘square", id(|t| t.powi(2).sqrt(), p)),
            ("exp∘ln", id(|t| t.ln().exp(), p)),
            ("acosh∘cosh", id(|t| t.cosh().acosh(), p)),
            ("log2∘exp2", id(|t| t.exp2().log2(), x)),
            ("recip∘recip", id(|t| t.recip().recip(), p)),
            ("to_radians∘to_degrees", id(|t| t.to_degrees().to_radians(), x)),
        ];
        for (name, d) in cases {
            if (d - 1.0).abs() > 1e-12 {
                return TestResult::error(format!("{name} at x = {x}, p = {p}: derivative {d:e}"));
            }
        }
        TestResult::passed()
    }
    QuickCheck::new().tests(500).quickcheck(prop as fn(Unit) -> TestResult);
}
