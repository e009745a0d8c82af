//! The rule table, tested as a whole.
//!
//! One table of rows `(name, partial, dual function, plain function,
//! analytic derivative, domain, tolerance)` covers every differentiable
//! `Float` method and operator; binary and ternary functions have one row
//! per partial. One quickcheck property draws a random point, maps it into
//! each row's domain, and checks, row by row:
//!
//! - the dual's value is bit-for-bit what plain `T` computes;
//! - the tangent lane of the row's argument equals the analytic derivative
//!   written here by hand (exactly where the rule is exact, else to a
//!   relative tolerance of at most 1e-13);
//! - lanes of arguments the function does not take stay exactly 0;
//! - (f64) the derivative agrees with a central difference of the plain
//!   function.
//!
//! The same table, instantiated at `f32`, runs against the `f64` analytic
//! derivatives at the same (exactly representable) points.
#![allow(deprecated)] // Float::abs_sub is deprecated but still part of the surface.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};

use common::{Dom, Fd, Unit, central_difference, close};
use dualnum::Dual;
use num_traits::{Float, FloatConst};
use quickcheck::{QuickCheck, TestResult};

use Dom::{Lin, Log, Sym};

/// Every argument is seeded in its own lane, so lane `i` is `∂/∂argᵢ`.
type D<T> = Dual<T, 3>;

/// A function of one, two or three arguments.
#[derive(Clone, Copy)]
enum Fun<A> {
    One(fn(A) -> A),
    Two(fn(A, A) -> A),
    Three(fn(A, A, A) -> A),
}

impl<A: Copy> Fun<A> {
    fn call(&self, a: [A; 3]) -> A {
        match self {
            Fun::One(f) => f(a[0]),
            Fun::Two(f) => f(a[0], a[1]),
            Fun::Three(f) => f(a[0], a[1], a[2]),
        }
    }

    fn arity(&self) -> usize {
        match self {
            Fun::One(_) => 1,
            Fun::Two(_) => 2,
            Fun::Three(_) => 3,
        }
    }
}

/// One row: the partial derivative of `name` with respect to argument `wrt`.
struct Row<T> {
    name: &'static str,
    wrt: usize,
    dual: Fun<D<T>>,
    plain: Fun<T>,
    deriv: Fun<T>,
    dom: [Dom; 3],
    /// Relative tolerance of the f64 derivative against `deriv`; 0 = exact.
    tol: f64,
}

const ANY: Dom = Lin(0.0, 1.0);

fn r1<T>(
    name: &'static str,
    dual: fn(D<T>) -> D<T>,
    plain: fn(T) -> T,
    deriv: fn(T) -> T,
    dom: Dom,
    tol: f64,
) -> Row<T> {
    let (dual, plain, deriv) = (Fun::One(dual), Fun::One(plain), Fun::One(deriv));
    Row { name, wrt: 0, dual, plain, deriv, dom: [dom, ANY, ANY], tol }
}

#[allow(clippy::too_many_arguments)]
fn r2<T>(
    name: &'static str,
    wrt: usize,
    dual: fn(D<T>, D<T>) -> D<T>,
    plain: fn(T, T) -> T,
    deriv: fn(T, T) -> T,
    dom: [Dom; 2],
    tol: f64,
) -> Row<T> {
    let (dual, plain, deriv) = (Fun::Two(dual), Fun::Two(plain), Fun::Two(deriv));
    Row { name, wrt, dual, plain, deriv, dom: [dom[0], dom[1], ANY], tol }
}

#[allow(clippy::too_many_arguments)]
fn r3<T>(
    name: &'static str,
    wrt: usize,
    dual: fn(D<T>, D<T>, D<T>) -> D<T>,
    plain: fn(T, T, T) -> T,
    deriv: fn(T, T, T) -> T,
    dom: [Dom; 3],
    tol: f64,
) -> Row<T> {
    let (dual, plain, deriv) = (Fun::Three(dual), Fun::Three(plain), Fun::Three(deriv));
    Row { name, wrt, dual, plain, deriv, dom, tol }
}

/// A constant of type `T`.
fn k<T: Float>(v: f64) -> T {
    T::from(v).unwrap()
}

/// 1 where a piecewise function takes the branch of this argument, else 0.
fn step<T: Float>(cond: bool) -> T {
    if cond { T::one() } else { T::zero() }
}

/// The partial of `max` with respect to `a`: 1 if `a` wins, 0 if `b` does,
/// and the average ½ at a tie (the documented convention).
fn wins<T: Float>(a: T, b: T) -> T {
    if a == b { T::from(0.5).unwrap() } else { step(a > b) }
}

/// The table. Derivatives are the textbook formulas, written independently
/// of `src/rules.rs` (often in a different but equivalent form).
#[rustfmt::skip]
fn table<T: Float + FloatConst>() -> Vec<Row<T>> {
    const E: f64 = 1e-13; // default relative tolerance
    vec![
        // ---- arithmetic operators
        r2("a + b", 0, |a, b| a + b, |a, b| a + b, |_, _| T::one(), [Lin(-9., 9.), Lin(-9., 9.)], 0.),
        r2("a + b", 1, |a, b| a + b, |a, b| a + b, |_, _| T::one(), [Lin(-9., 9.), Lin(-9., 9.)], 0.),
        r2("a - b", 0, |a, b| a - b, |a, b| a - b, |_, _| T::one(), [Lin(-9., 9.), Lin(-9., 9.)], 0.),
        r2("a - b", 1, |a, b| a - b, |a, b| a - b, |_, _| -T::one(), [Lin(-9., 9.), Lin(-9., 9.)], 0.),
        r2("a * b", 0, |a, b| a * b, |a, b| a * b, |_, b| b, [Lin(-9., 9.), Lin(-9., 9.)], 0.),
        r2("a * b", 1, |a, b| a * b, |a, b| a * b, |a, _| a, [Lin(-9., 9.), Lin(-9., 9.)], 0.),
        r2("a / b", 0, |a, b| a / b, |a, b| a / b, |_, b| T::one() / b, [Lin(-9., 9.), Sym(0.1, 9.)], E),
        r2("a / b", 1, |a, b| a / b, |a, b| a / b, |a, b| -a / (b * b), [Lin(-9., 9.), Sym(0.1, 9.)], E),
        r2("a % b", 0, |a, b| a % b, |a, b| a % b, |_, _| T::one(), [Lin(-50., 50.), Sym(0.3, 7.)], 0.),
        r2("a % b", 1, |a, b| a % b, |a, b| a % b, |a, b| -(a / b).trunc(), [Lin(-50., 50.), Sym(0.3, 7.)], 0.),
        r1("-x", |x| -x, |x| -x, |_| -T::one(), Lin(-9., 9.), 0.),
        r1("recip", |x| x.recip(), |x| x.recip(), |x| -T::one() / (x * x), Sym(0.05, 100.), E),
        r3("mul_add", 0, |x, a, b| x.mul_add(a, b), |x, a, b| x.mul_add(a, b), |_, a, _| a, [Lin(-9., 9.); 3], 0.),
        r3("mul_add", 1, |x, a, b| x.mul_add(a, b), |x, a, b| x.mul_add(a, b), |x, _, _| x, [Lin(-9., 9.); 3], 0.),
        r3("mul_add", 2, |x, a, b| x.mul_add(a, b), |x, a, b| x.mul_add(a, b), |_, _, _| T::one(), [Lin(-9., 9.); 3], 0.),

        // ---- powers and roots
        r1("powi(x, 0)", |x| x.powi(0), |x| x.powi(0), |_| T::zero(), Sym(0.1, 10.), 0.),
        r1("powi(x, 1)", |x| x.powi(1), |x| x.powi(1), |_| T::one(), Sym(0.1, 10.), 0.),
        r1("powi(x, 2)", |x| x.powi(2), |x| x.powi(2), |x| x + x, Sym(0.1, 10.), 0.),
        r1("powi(x, 3)", |x| x.powi(3), |x| x.powi(3), |x| k::<T>(3.) * x * x, Sym(0.1, 10.), E),
        r1("powi(x, 7)", |x| x.powi(7), |x| x.powi(7), |x| { let c = x * x * x; k::<T>(7.) * c * c }, Sym(0.1, 10.), E),
        r1("powi(x, -1)", |x| x.powi(-1), |x| x.powi(-1), |x| -T::one() / (x * x), Sym(0.1, 10.), E),
        r1("powi(x, -3)", |x| x.powi(-3), |x| x.powi(-3), |x| k::<T>(-3.) / (x * x * x * x), Sym(0.1, 10.), E),
        r2("powf(x, y)", 0, |x, y| x.powf(y), |x, y| x.powf(y), |x, y| y * ((y - T::one()) * x.ln()).exp(), [Log(0.1, 10.), Lin(-3., 3.)], E),
        r2("powf(x, y)", 1, |x, y| x.powf(y), |x, y| x.powf(y), |x, y| x.powf(y) * x.ln(), [Log(0.1, 10.), Lin(-3., 3.)], E),
        r1("powf(x, 2.5)", |x| x.powf(Dual::constant(k(2.5))), |x| x.powf(k(2.5)), |x| k::<T>(2.5) * x * x.sqrt(), Log(0.01, 100.), E),
        r1("powf(x, -1.5)", |x| x.powf(Dual::constant(k(-1.5))), |x| x.powf(k(-1.5)), |x| k::<T>(-1.5) / (x * x * x.sqrt()), Log(0.05, 100.), E),
        r1("powf(x, 0.5)", |x| x.powf(Dual::constant(k(0.5))), |x| x.powf(k(0.5)), |x| k::<T>(0.5) / x.sqrt(), Log(0.01, 100.), E),
        r1("powf(x<0, 3.0)", |x| x.powf(Dual::constant(k(3.))), |x| x.powf(k(3.)), |x| k::<T>(3.) * x * x, Lin(-10., -0.1), E),
        r1("powf(x<0, -2.0)", |x| x.powf(Dual::constant(k(-2.))), |x| x.powf(k(-2.)), |x| k::<T>(-2.) / (x * x * x), Lin(-10., -0.1), E),
        r1("sqrt", |x| x.sqrt(), |x| x.sqrt(), |x| k::<T>(0.5) / x.sqrt(), Log(0.01, 100.), E),
        r1("cbrt", |x| x.cbrt(), |x| x.cbrt(), |x| (x * x).powf(k(-1. / 3.)) / k(3.), Sym(0.01, 100.), E),
        r2("hypot", 0, |x, y| x.hypot(y), |x, y| x.hypot(y), |x, y| x / (x * x + y * y).sqrt(), [Lin(-50., 50.), Sym(0.1, 50.)], E),
        r2("hypot", 1, |x, y| x.hypot(y), |x, y| x.hypot(y), |x, y| y / (x * x + y * y).sqrt(), [Lin(-50., 50.), Sym(0.1, 50.)], E),

        // ---- exponentials and logarithms
        r1("exp", |x| x.exp(), |x| x.exp(), |x| x.exp(), Lin(-30., 30.), 0.),
        r1("exp2", |x| x.exp2(), |x| x.exp2(), |x| x.exp2() * T::LN_2(), Lin(-30., 30.), E),
        r1("exp_m1", |x| x.exp_m1(), |x| x.exp_m1(), |x| x.exp(), Lin(-30., 30.), 0.),
        r1("ln", |x| x.ln(), |x| x.ln(), |x| T::one() / x, Log(0.05, 1e3), E),
        r1("log2", |x| x.log2(), |x| x.log2(), |x| T::LOG2_E() / x, Log(0.05, 1e3), E),
        r1("log10", |x| x.log10(), |x| x.log10(), |x| T::LOG10_E() / x, Log(0.05, 1e3), E),
        r1("ln_1p", |x| x.ln_1p(), |x| x.ln_1p(), |x| T::one() / (T::one() + x), Lin(-0.9, 100.), E),
        r2("log(x, b)", 0, |x, b| x.log(b), |x, b| x.log(b), |x, b| T::one() / (x * b.ln()), [Log(0.05, 1e3), Log(1.5, 20.)], E),
        r2("log(x, b)", 1, |x, b| x.log(b), |x, b| x.log(b), |x, b| -x.ln() / (b * b.ln() * b.ln()), [Log(0.05, 1e3), Log(1.5, 20.)], E),
        r1("log(x, 3)", |x| x.log(Dual::constant(k(3.))), |x| x.log(k(3.)), |x| T::one() / (x * k::<T>(3.).ln()), Log(0.05, 1e3), E),

        // ---- trigonometric
        r1("sin", |x| x.sin(), |x| x.sin(), |x| x.cos(), Lin(-10., 10.), 0.),
        r1("cos", |x| x.cos(), |x| x.cos(), |x| -x.sin(), Lin(-10., 10.), 0.),
        r1("tan", |x| x.tan(), |x| x.tan(), |x| T::one() / (x.cos() * x.cos()), Lin(-1.4, 1.4), E),
        r1("sin_cos.0", |x| x.sin_cos().0, |x| x.sin_cos().0, |x| x.cos(), Lin(-10., 10.), 0.),
        r1("sin_cos.1", |x| x.sin_cos().1, |x| x.sin_cos().1, |x| -x.sin(), Lin(-10., 10.), 0.),
        r1("asin", |x| x.asin(), |x| x.asin(), |x| T::one() / (T::one() - x * x).sqrt(), Lin(-0.95, 0.95), E),
        r1("acos", |x| x.acos(), |x| x.acos(), |x| -T::one() / (T::one() - x * x).sqrt(), Lin(-0.95, 0.95), E),
        r1("atan", |x| x.atan(), |x| x.atan(), |x| T::one() / (T::one() + x * x), Lin(-50., 50.), E),
        r2("atan2(y, x)", 0, |y, x| y.atan2(x), |y, x| y.atan2(x), |y, x| x / (x * x + y * y), [Sym(0.1, 10.), Sym(0.1, 10.)], E),
        r2("atan2(y, x)", 1, |y, x| y.atan2(x), |y, x| y.atan2(x), |y, x| -y / (x * x + y * y), [Sym(0.1, 10.), Sym(0.1, 10.)], E),

        // ---- hyperbolic
        r1("sinh", |x| x.sinh(), |x| x.sinh(), |x| (x.exp() + (-x).exp()) / k(2.), Lin(-20., 20.), E),
        r1("cosh", |x| x.cosh(), |x| x.cosh(), |x| (x.exp() - (-x).exp()) / k(2.), Sym(0.01, 20.), E),
        r1("tanh", |x| x.tanh(), |x| x.tanh(), |x| { let s = k::<T>(2.) / (x.exp() + (-x).exp()); s * s }, Lin(-20., 20.), E),
        r1("asinh", |x| x.asinh(), |x| x.asinh(), |x| T::one() / (x * x + T::one()).sqrt(), Lin(-100., 100.), E),
        r1("acosh", |x| x.acosh(), |x| x.acosh(), |x| T::one() / (x * x - T::one()).sqrt(), Log(1.05, 100.), E),
        r1("atanh", |x| x.atanh(), |x| x.atanh(), |x| T::one() / (T::one() - x * x), Lin(-0.95, 0.95), E),

        // ---- piecewise: sign, rounding, extrema (exact: the rule picks a branch)
        r1("abs", |x| x.abs(), |x| x.abs(), |x| if x < T::zero() { -T::one() } else { T::one() }, Sym(0.01, 100.), 0.),
        r1("signum", |x| x.signum(), |x| x.signum(), |_| T::zero(), Sym(0.01, 100.), 0.),
        r2("copysign", 0, |x, s| x.copysign(s), |x, s| x.copysign(s), |x, s| if (x < T::zero()) == (s < T::zero()) { T::one() } else { -T::one() }, [Sym(0.1, 9.), Sym(0.1, 9.)], 0.),
        r2("copysign", 1, |x, s| x.copysign(s), |x, s| x.copysign(s), |_, _| T::zero(), [Sym(0.1, 9.), Sym(0.1, 9.)], 0.),
        r2("abs_sub", 0, |x, y| x.abs_sub(y), |x, y| x.abs_sub(y), |x, y| step(x > y), [Lin(-9., 9.), Lin(-9., 9.)], 0.),
        r2("abs_sub", 1, |x, y| x.abs_sub(y), |x, y| x.abs_sub(y), |x, y| -step::<T>(x > y), [Lin(-9., 9.), Lin(-9., 9.)], 0.),
        r2("max", 0, |x, y| x.max(y), |x, y| x.max(y), |x, y| wins(x, y), [Lin(-9., 9.), Lin(-9., 9.)], 0.),
        r2("max", 1, |x, y| x.max(y), |x, y| x.max(y), |x, y| wins(y, x), [Lin(-9., 9.), Lin(-9., 9.)], 0.),
        r2("min", 0, |x, y| x.min(y), |x, y| x.min(y), |x, y| wins(-x, -y), [Lin(-9., 9.), Lin(-9., 9.)], 0.),
        r2("min", 1, |x, y| x.min(y), |x, y| x.min(y), |x, y| wins(-y, -x), [Lin(-9., 9.), Lin(-9., 9.)], 0.),
        r3("clamp", 0, |x, lo, hi| x.clamp(lo, hi), |x, lo, hi| x.clamp(lo, hi), |x, lo, hi| step(lo <= x && x <= hi), [Lin(-9., 9.), Lin(-6., -1.), Lin(1., 6.)], 0.),
        r3("clamp", 1, |x, lo, hi| x.clamp(lo, hi), |x, lo, hi| x.clamp(lo, hi), |x, lo, _| step(x < lo), [Lin(-9., 9.), Lin(-6., -1.), Lin(1., 6.)], 0.),
        r3("clamp", 2, |x, lo, hi| x.clamp(lo, hi), |x, lo, hi| x.clamp(lo, hi), |x, _, hi| step(x > hi), [Lin(-9., 9.), Lin(-6., -1.), Lin(1., 6.)], 0.),
        r1("floor", |x| x.floor(), |x| x.floor(), |_| T::zero(), Lin(-20., 20.), 0.),
        r1("ceil", |x| x.ceil(), |x| x.ceil(), |_| T::zero(), Lin(-20., 20.), 0.),
        r1("round", |x| x.round(), |x| x.round(), |_| T::zero(), Lin(-20., 20.), 0.),
        r1("trunc", |x| x.trunc(), |x| x.trunc(), |_| T::zero(), Lin(-20., 20.), 0.),
        r1("fract", |x| x.fract(), |x| x.fract(), |_| T::one(), Lin(-20., 20.), 0.),

        // ---- angle conversion
        r1("to_degrees", |x| x.to_degrees(), |x| x.to_degrees(), |_| k::<T>(180.) / T::PI(), Lin(-10., 10.), 0.),
        r1("to_radians", |x| x.to_radians(), |x| x.to_radians(), |_| T::PI() / k(180.), Lin(-500., 500.), 0.),
    ]
}

fn point<T: Float>(row: &Row<T>, u: [Unit; 3]) -> [f64; 3] {
    [0, 1, 2].map(|i| row.dom[i].at(u[i].0))
}

/// Checks value, unused lanes and analytic derivative of one row at `x`;
/// returns the dual's derivative.
fn check_row<T: Float + std::fmt::Debug>(
    row: &Row<T>,
    x: [T; 3],
    deriv: f64,
    tol: f64,
) -> Result<f64, String> {
    let out = row.dual.call(Dual::variables(x));
    let plain = row.plain.call(x);
    let bits = |v: T| v.to_f64().unwrap().to_bits();
    if bits(out.re) != bits(plain) {
        return Err(format!(
            "{} at {x:?}: value {:?} differs from plain {plain:?}",
            row.name, out.re
        ));
    }
    for lane in row.dual.arity()..3 {
        if out.eps[lane] != T::zero() {
            return Err(format!(
                "{} at {x:?}: lane {lane} of an unused input is {:?}",
                row.name, out.eps[lane]
            ));
        }
    }
    let got = out.eps[row.wrt].to_f64().unwrap();
    if !close(got, deriv, tol) {
        return Err(format!(
            "{} ∂{} at {x:?}: derivative {got:e}, analytic {deriv:e} (tolerance {tol:e})",
            row.name, row.wrt
        ));
    }
    Ok(got)
}

static FD_CHECKED: AtomicUsize = AtomicUsize::new(0);
static FD_KINKS: AtomicUsize = AtomicUsize::new(0);

fn table_f64(u0: Unit, u1: Unit, u2: Unit) -> TestResult {
    for row in &table::<f64>() {
        let x = point(row, [u0, u1, u2]);
        let analytic = row.deriv.call(x);
        let got = match check_row(row, x, analytic, row.tol) {
            Ok(got) => got,
            Err(e) => return TestResult::error(e),
        };
        let along = |t: f64| {
            let mut y = x;
            y[row.wrt] = t;
            row.plain.call(y)
        };
        match central_difference(along, x[row.wrt]) {
            Fd::Kink => {
                FD_KINKS.fetch_add(1, Ordering::Relaxed);
            }
            Fd::Smooth { slope, noise } => {
                FD_CHECKED.fetch_add(1, Ordering::Relaxed);
                if (slope - got).abs() > 1e-6 * got.abs() + noise {
                    return TestResult::error(format!(
                        "{} ∂{} at {x:?}: derivative {got:e}, central difference {slope:e}",
                        row.name, row.wrt
                    ));
                }
            }
        }
    }
    TestResult::passed()
}

#[test]
fn every_rule_at_f64_matches_plain_value_analytic_derivative_and_central_difference() {
    QuickCheck::new().tests(300).quickcheck(table_f64 as fn(Unit, Unit, Unit) -> TestResult);
    // The kink detector must not have excused a meaningful share of points.
    let (checked, kinks) = (FD_CHECKED.load(Ordering::Relaxed), FD_KINKS.load(Ordering::Relaxed));
    assert!(checked > 0 && kinks * 50 < checked, "{kinks} kinks among {checked} differences");
}

/// The f32 table: values exactly as plain f32, derivatives against the f64
/// analytic formula at the same point, to a few f32 roundings.
fn table_f32(u0: Unit, u1: Unit, u2: Unit) -> TestResult {
    let (rows32, rows64) = (table::<f32>(), table::<f64>());
    for (r32, r64) in rows32.iter().zip(&rows64) {
        let x32 = point(r32, [u0, u1, u2]).map(|v| v as f32);
        let analytic = r64.deriv.call(x32.map(f64::from));
        // Exact rules stay exact where the answer is an f32; elsewhere allow
        // a few f32 roundings (f32::EPSILON ≈ 1.2e-7).
        let exact = r64.tol == 0.0 && f64::from(analytic as f32) == analytic;
        if let Err(e) = check_row(r32, x32, analytic, if exact { 0.0 } else { 2e-6 }) {
            return TestResult::error(e);
        }
    }
    TestResult::passed()
}

#[test]
fn every_rule_at_f32_matches_plain_value_and_f64_analytic_derivative() {
    QuickCheck::new().tests(300).quickcheck(table_f32 as fn(Unit, Unit, Unit) -> TestResult);
}

#[test]
fn the_table_covers_every_differentiable_float_method() {
    let names: Vec<_> = table::<f64>().iter().map(|r| r.name).collect();
    let want = [
        "powi",
        "powf",
        "sqrt",
        "cbrt",
        "exp",
        "exp2",
        "exp_m1",
        "ln",
        "log",
        "log2",
        "log10",
        "ln_1p",
        "sin",
        "cos",
        "tan",
        "sin_cos",
        "asin",
        "acos",
        "atan",
        "atan2",
        "sinh",
        "cosh",
        "tanh",
        "asinh",
        "acosh",
        "atanh",
        "hypot",
        "mul_add",
        "recip",
        "abs",
        "signum",
        "abs_sub",
        "max",
        "min",
        "clamp",
        "floor",
        "ceil",
        "round",
        "trunc",
        "fract",
        "to_degrees",
        "to_radians",
        "copysign",
        "%",
    ];
    for w in want {
        assert!(names.iter().any(|n| n.starts_with(w) || n.contains(w)), "no row for {w}");
    }
    // Every binary or ternary function has a row for each of its partials.
    for row in &table::<f64>() {
        for i in 0..row.dual.arity() {
            assert!(
                table::<f64>().iter().any(|r| r.name == row.name && r.wrt == i),
                "{} has no row for ∂{i}",
                row.name
            );
        }
    }
}

// ---------------------------------------------------------------------------
// Second order: `Dual2` against nested duals
// ---------------------------------------------------------------------------
//
// Every rule again, on the second-order number `Dual2<f64, 3>` (its
// second derivatives come from `rules::second`) and on the nested
// `Dual<Dual<f64, 3>, 3>` (whose second derivatives come from applying the
// first-order rules twice): the values must agree bit for bit, the
// gradients and the whole 3 × 3 Hessians to rounding, and the Hessian
// entries of arguments a function does not take must be exactly zero.

use dualnum::Dual2;

type S2 = Dual2<f64, 3>;
type SN = Dual<Dual<f64, 3>, 3>;

/// One row of the second-order table: the same body on both numbers.
struct Row2 {
    name: &'static str,
    second: Fun<S2>,
    nested: Fun<SN>,
    dom: [Dom; 3],
}

macro_rules! fun {
    ($t:ty; $a:ident => $body:expr) => {
        Fun::One(|$a: $t| $body)
    };
    ($t:ty; $a:ident, $b:ident => $body:expr) => {
        Fun::Two(|$a: $t, $b: $t| $body)
    };
    ($t:ty; $a:ident, $b:ident, $c:ident => $body:expr) => {
        Fun::Three(|$a: $t, $b: $t, $c: $t| $body)
    };
}

macro_rules! second_table {
    ($($name:literal [$($dom:expr),+] |$($arg:ident),+| $body:expr;)*) => {
        fn second_table() -> Vec<Row2> {
            vec![$({
                let d = [$($dom),+];
                Row2 {
                    name: $name,
                    second: fun!(S2; $($arg),+ => $body),
                    nested: fun!(SN; $($arg),+ => $body),
                    dom: core::array::from_fn(|i| d.get(i).copied().unwrap_or(ANY)),
                }
            }),*]
        }
    };
}

#[rustfmt::skip]
second_table! {
    // ---- arithmetic, with plain scalars too
    "a + b" [Lin(-9., 9.), Lin(-9., 9.)] |a, b| a + b;
    "a - b" [Lin(-9., 9.), Lin(-9., 9.)] |a, b| a - b;
    "a * b" [Lin(-9., 9.), Lin(-9., 9.)] |a, b| a * b;
    "a / b" [Lin(-9., 9.), Sym(0.1, 9.)] |a, b| a / b;
    "a % b" [Lin(-50., 50.), Sym(0.3, 7.)] |a, b| a % b;
    "-x" [Lin(-9., 9.)] |x| -x;
    "x * 2.5 + 1.5" [Lin(-9., 9.)] |x| x * 2.5 + 1.5;
    "3 - x / 1.5" [Lin(-9., 9.)] |x| 3.0 - x / 1.5;
    "2.5 / x" [Sym(0.1, 9.)] |x| 2.5 / x;
    "2.5 * x % 1.5" [Lin(-9., 9.)] |x| 2.5 * x % 1.5;
    "recip" [Sym(0.05, 100.)] |x| x.recip();
    "mul_add" [Lin(-9., 9.), Lin(-9., 9.), Lin(-9., 9.)] |x, a, b| x.mul_add(a, b);
    "a * b * c" [Lin(-9., 9.), Lin(-9., 9.), Lin(-9., 9.)] |a, b, c| a * b * c;
    "sin(ab)·eᶜ" [Lin(-3., 3.), Lin(-3., 3.), Lin(-3., 3.)] |a, b, c| (a * b).sin() * c.exp();
    // ---- powers and roots
    "powi(x, 0)" [Sym(0.1, 10.)] |x| x.powi(0);
    "powi(x, 1)" [Sym(0.1, 10.)] |x| x.powi(1);
    "powi(x, 2)" [Sym(0.1, 10.)] |x| x.powi(2);
    "powi(x, 3)" [Sym(0.1, 10.)] |x| x.powi(3);
    "powi(x, 7)" [Sym(0.1, 10.)] |x| x.powi(7);
    "powi(x, -1)" [Sym(0.1, 10.)] |x| x.powi(-1);
    "powi(x, -3)" [Sym(0.1, 10.)] |x| x.powi(-3);
    "powf(x, y)" [Log(0.1, 10.), Lin(-3., 3.)] |x, y| x.powf(y);
    "powf(x, 2.5)" [Log(0.01, 100.)] |x| x.powf(2.5);
    "powf(x, -1.5)" [Log(0.05, 100.)] |x| x.powf(-1.5);
    "powf(x, 0.5)" [Log(0.01, 100.)] |x| x.powf(0.5);
    "powf(x, 2.0)" [Lin(-10., 10.)] |x| x.powf(2.0);
    "powf(x<0, 3.0)" [Lin(-10., -0.1)] |x| x.powf(3.0);
    "powf(x<0, -2.0)" [Lin(-10., -0.1)] |x| x.powf(-2.0);
    "sqrt" [Log(0.01, 100.)] |x| x.sqrt();
    "cbrt" [Sym(0.01, 100.)] |x| x.cbrt();
    "hypot" [Lin(-50., 50.), Sym(0.1, 50.)] |x, y| x.hypot(y);
    // ---- exponentials and logarithms
    "exp" [Lin(-30., 30.)] |x| x.exp();
    "exp2" [Lin(-30., 30.)] |x| x.exp2();
    "exp_m1" [Lin(-30., 30.)] |x| x.exp_m1();
    "ln" [Log(0.05, 1e3)] |x| x.ln();
    "log2" [Log(0.05, 1e3)] |x| x.log2();
    "log10" [Log(0.05, 1e3)] |x| x.log10();
    "ln_1p" [Lin(-0.9, 100.)] |x| x.ln_1p();
    "log(x, b)" [Log(0.05, 1e3), Log(1.5, 20.)] |x, b| x.log(b);
    "log(x, 3)" [Log(0.05, 1e3)] |x| x.log(3.0);
    // ---- trigonometric
    "sin" [Lin(-10., 10.)] |x| x.sin();
    "cos" [Lin(-10., 10.)] |x| x.cos();
    "tan" [Lin(-1.4, 1.4)] |x| x.tan();
    "sin_cos.0" [Lin(-10., 10.)] |x| x.sin_cos().0;
    "sin_cos.1" [Lin(-10., 10.)] |x| x.sin_cos().1;
    "asin" [Lin(-0.95, 0.95)] |x| x.asin();
    "acos" [Lin(-0.95, 0.95)] |x| x.acos();
    "atan" [Lin(-50., 50.)] |x| x.atan();
    "atan2(y, x)" [Sym(0.1, 10.), Sym(0.1, 10.)] |y, x| y.atan2(x);
    // ---- hyperbolic
    "sinh" [Lin(-20., 20.)] |x| x.sinh();
    "cosh" [Sym(0.01, 20.)] |x| x.cosh();
    "tanh" [Lin(-20., 20.)] |x| x.tanh();
    "asinh" [Lin(-100., 100.)] |x| x.asinh();
    "acosh" [Log(1.05, 100.)] |x| x.acosh();
    "atanh" [Lin(-0.95, 0.95)] |x| x.atanh();
    // ---- piecewise: the chosen piece's derivatives
    "abs" [Sym(0.01, 100.)] |x| (x * x).abs() * x.abs();
    "signum" [Sym(0.01, 100.)] |x| x.signum() * x * x;
    "copysign" [Sym(0.1, 9.), Sym(0.1, 9.)] |x, s| (x * x * x).copysign(s);
    "abs_sub" [Lin(-9., 9.), Lin(-9., 9.)] |x, y| (x * x).abs_sub(y * y);
    "max" [Lin(-9., 9.), Lin(-9., 9.)] |x, y| (x * x).max(y * x);
    "min" [Lin(-9., 9.), Lin(-9., 9.)] |x, y| (x * x).min(y * x);
    "clamp" [Lin(-9., 9.), Lin(-6., -1.), Lin(1., 6.)] |x, lo, hi| (x * x * x).clamp(lo * 2.0, hi * hi);
    "floor" [Lin(-20., 20.)] |x| x.floor() * x;
    "ceil" [Lin(-20., 20.)] |x| x.ceil() * x;
    "round" [Lin(-20., 20.)] |x| x.round() * x;
    "trunc" [Lin(-20., 20.)] |x| x.trunc() * x;
    "fract" [Lin(-20., 20.)] |x| x.fract() * x;
    // ---- angle conversion
    "to_degrees" [Lin(-10., 10.)] |x| (x * x).to_degrees();
    "to_radians" [Lin(-500., 500.)] |x| (x * x).to_radians();
}

/// `x` seeded as three nested variables `xᵢ + εᵢ + δᵢ`.
fn nested_vars(x: [f64; 3]) -> [SN; 3] {
    core::array::from_fn(|i| {
        let mut d = Dual::constant(Dual::variable(x[i], i));
        d.eps[i] = Dual::constant(1.0);
        d
    })
}

#[allow(clippy::needless_range_loop)] // i, j index three parallel structures
fn second_rows(u0: Unit, u1: Unit, u2: Unit) -> TestResult {
    for row in &second_table() {
        let x: [f64; 3] = [0, 1, 2].map(|i| row.dom[i].at([u0, u1, u2][i].0));
        let a = row.second.call(Dual2::variables(x));
        let b = row.nested.call(nested_vars(x));
        let fail = |what: String| TestResult::error(format!("{} at {x:?}: {what}", row.name));
        if a.value().to_bits() != b.re.re.to_bits() {
            return fail(format!("value {} against nested {}", a.value(), b.re.re));
        }
        let g = a.gradient();
        let scale = g.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        for i in 0..3 {
            if !close(g[i], b.re.eps[i], 1e-14) || (g[i] - b.eps[i].re).abs() > 1e-14 * scale {
                return fail(format!(
                    "∂{i} {} against nested {} / {}",
                    g[i], b.re.eps[i], b.eps[i].re
                ));
            }
        }
        let h = a.hessian();
        let hscale = h.iter().flatten().fold(0.0f64, |m, v| m.max(v.abs()));
        for i in 0..3 {
            for j in 0..3 {
                let (got, want) = (h[i][j], b.eps[i].eps[j]);
                if (got - want).abs() > 1e-12 * hscale {
                    return fail(format!("∂{i}∂{j} {got:e} against nested {want:e}"));
                }
                let unused = i >= row.second.arity() || j >= row.second.arity();
                if unused && got != 0.0 {
                    return fail(format!("∂{i}∂{j} of an unused argument is {got:e}"));
                }
            }
        }
    }
    TestResult::passed()
}

#[test]
fn every_rule_on_dual2_matches_nested_duals() {
    QuickCheck::new().tests(300).quickcheck(second_rows as fn(Unit, Unit, Unit) -> TestResult);
}

#[test]
fn the_second_order_table_covers_the_first_order_one() {
    let names: Vec<_> = second_table().iter().map(|r| r.name).collect();
    for row in &table::<f64>() {
        assert!(
            names
                .iter()
                .any(|n| n == &row.name || n.starts_with(row.name.split('(').next().unwrap())),
            "no second-order row for {}",
            row.name
        );
    }
}
