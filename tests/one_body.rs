//! One closure body, unchanged, through every driver of the crate
//! (issue 19): plain floats on either side of every operator and
//! comparison, as the second argument of every two-argument method, and
//! `lit` where generic code needs a `T`. The file is a compile-pass test
//! (a form that does not compile on one number type fails the build) and a
//! numeric one: every mode's gradient and Hessian must agree with the
//! hand-written derivatives of the body.

// The body spells out each form on purpose (`y = y * 0.0` beside `y *= 1.0`,
// `a == a`, both sides of each comparison), and indexes the small hand-made
// matrices by (i, j).
#![allow(clippy::assign_op_pattern, clippy::eq_op, clippy::nonminimal_bool)]
#![allow(clippy::overly_complex_bool_expr, clippy::needless_range_loop)]

use dualnum::reverse::{self, Active, active};
use dualnum::{Real, chunked, lit};
use nalgebra::{SVector, vector};
use num_traits::Float;

/// The body, pasted as a closure into each driver: `$x` is the input
/// (a slice or a static vector of the driver's number type).
///
/// f(a, b, c) = 2ab + a/3 − 1 + (1 − c)/2 + [a > 0 …] − 2/c
///            + c^1.5 + max(b − 3, 0) + min(a, 2) + atan2(a, 2) + hypot(b, 0.5)
///            + log₂ c + copysign(a, 1) + clamp(b, 0, 10) + (2a + 1)
///            + 0.25·a² − a·b·c/4
macro_rules! body {
    ($x:ident) => {{
        let (a, b, c) = ($x[0], $x[1], $x[2]);
        let mut y = 2.0 * a * b + a / 3.0 - 1.0 + (1.0 - c) * 0.5;
        if a > 0.0 && 0.0 < b && a != 7.0 && 7.0 != b && a >= -1.0 && -1.0 <= b && a == a {
            y += 1.0;
        } else {
            y -= 1.0;
        }
        if 0.0 > c || c < 0.0 || c == 0.0 || 0.0 == c || c <= -1.0 || -1.0 >= c {
            y = y * 0.0;
        }
        y = y - 2.0 / c
            + c.powf(1.5)
            + (b - 3.0).max(0.0)
            + a.min(2.0)
            + a.atan2(2.0)
            + b.hypot(0.5)
            + c.log(2.0)
            + a.copysign(1.0)
            + b.clamp(0.0, 10.0)
            + a.mul_add(2.0, 1.0);
        y *= 1.0;
        y /= 1.0;
        y -= 0.0;
        y + 0.25 * a * a - a * b * c / 4.0
    }};
}

const X: [f64; 3] = [0.7, 1.3, 2.1];

/// The body's value, gradient and Hessian, written by hand.
fn want() -> (f64, [f64; 3], [[f64; 3]; 3]) {
    let [a, b, c] = X;
    let ln2 = 2f64.ln();
    let f = 2.0 * a * b + a / 3.0 - 1.0 + (1.0 - c) * 0.5 + 1.0 - 2.0 / c
        + c.powf(1.5)
        + 0.0
        + a
        + a.atan2(2.0)
        + b.hypot(0.5)
        + c.log2()
        + a
        + b
        + (2.0 * a + 1.0)
        + 0.25 * a * a
        - a * b * c / 4.0;
    let h = b.hypot(0.5);
    let g = [
        2.0 * b + 1.0 / 3.0 + 1.0 + 2.0 / (a * a + 4.0) + 1.0 + 2.0 + 0.5 * a - b * c / 4.0,
        2.0 * a + b / h + 1.0 - a * c / 4.0,
        -0.5 + 2.0 / (c * c) + 1.5 * c.sqrt() + 1.0 / (c * ln2) - a * b / 4.0,
    ];
    let haa = 0.5 - 4.0 * a / ((a * a + 4.0) * (a * a + 4.0));
    let hbb = 0.25 / (h * h * h);
    let hcc = -4.0 / (c * c * c) + 0.75 / c.sqrt() - 1.0 / (c * c * ln2);
    let hab = 2.0 - c / 4.0;
    let hac = -b / 4.0;
    let hbc = -a / 4.0;
    (f, g, [[haa, hab, hac], [hab, hbb, hbc], [hac, hbc, hcc]])
}

/// The same function written once for every number type, with the one
/// bound [`Real`]: plain `f64` on the right of operators and
/// comparisons, `lit` for the second argument of the two-argument methods.
fn generic<T: Real>(x: &[T]) -> T {
    let (a, b, c) = (x[0], x[1], x[2]);
    let mut y = a * b * 2.0 + a / 3.0 - 1.0 + (-c + 1.0) * 0.5;
    if a > 0.0 && b > 0.0 && a != 7.0 && a >= -1.0 {
        y += 1.0;
    } else {
        y -= 1.0;
    }
    y = y - c.recip() * 2.0
        + c.powf(lit(1.5))
        + (b - 3.0).max(lit(0.0))
        + a.min(lit(2.0))
        + a.atan2(lit(2.0))
        + b.hypot(lit(0.5))
        + c.log(lit(2.0))
        + a.copysign(lit(1.0))
        + b.clamp(lit(0.0), lit(10.0))
        + a.mul_add(lit(2.0), lit(1.0));
    y + a * a * 0.25 - a * b * c / 4.0
}

fn close(got: f64, want: f64, what: &str) {
    assert!((got - want).abs() <= 1e-12 * want.abs().max(1.0), "{what}: got {got}, want {want}");
}

fn check_gradient(fx: f64, g: &[f64], what: &str) {
    let (f, gw, _) = want();
    close(fx, f, what);
    assert_eq!(g.len(), 3, "{what}");
    for i in 0..3 {
        close(g[i], gw[i], &format!("{what}: ∂{i}"));
    }
}

fn check_hessian(fx: f64, g: &[f64], h: impl Fn(usize, usize) -> f64, what: &str) {
    check_gradient(fx, g, what);
    let (_, _, hw) = want();
    for i in 0..3 {
        for j in 0..3 {
            close(h(i, j), hw[i][j], &format!("{what}: ∂{i}∂{j}"));
        }
    }
}

#[test]
fn plain_f64_agrees_with_itself() {
    let x = X;
    let y: f64 = body!(x);
    close(y, want().0, "f64");
    close(generic(&X), want().0, "generic f64");
}

#[test]
fn forward_static() {
    let x = SVector::from(X);
    let (fx, g) = dualnum::gradient(|x| body!(x), &x);
    check_gradient(fx, g.as_slice(), "gradient");
    let (fx, g) = dualnum::gradient(|x| generic(x.as_slice()), &x);
    check_gradient(fx, g.as_slice(), "gradient, generic");
    let (fx, g, h) = dualnum::hessian(|x| body!(x), &x);
    check_hessian(fx, g.as_slice(), |i, j| h[(i, j)], "hessian");
    let (fx, g, h) = dualnum::hessian(|x| generic(x.as_slice()), &x);
    check_hessian(fx, g.as_slice(), |i, j| h[(i, j)], "hessian, generic");
    let v = vector![1.0, -2.0, 0.5];
    let (_, _, hv) = dualnum::hvp(|x| body!(x), &x, &v);
    let (_, _, hw) = want();
    for i in 0..3 {
        close(hv[i], (0..3).map(|j| hw[i][j] * v[j]).sum(), "hvp");
    }
}

#[test]
fn forward_chunked() {
    let (fx, g) = chunked::gradient(|x| body!(x), &X);
    check_gradient(fx, g.as_slice(), "chunked::gradient");
    let (fx, g) = chunked::Chunk::<2>::gradient(generic, &X);
    check_gradient(fx, g.as_slice(), "Chunk::<2>::gradient, generic");
    let (fx, g, h) = chunked::hessian(|x| body!(x), &X);
    check_hessian(fx, g.as_slice(), |i, j| h[(i, j)], "chunked::hessian");
    let (fx, g, h) = chunked::Chunk::<1>::hessian(generic, &X);
    check_hessian(fx, g.as_slice(), |i, j| h[(i, j)], "Chunk::<1>::hessian, generic");
    let v = [0.0, 1.0, 0.0];
    let (fx, g, hv) = chunked::hvp(|x| body!(x), &X, &v);
    check_gradient(fx, g.as_slice(), "chunked::hvp");
    let (_, _, hw) = want();
    for i in 0..3 {
        close(hv[i], hw[i][1], "chunked::hvp");
    }
}

#[test]
fn reverse_tape() {
    let (fx, g) = reverse::gradient(|x| body!(x), &X);
    check_gradient(fx, g.as_slice(), "reverse::gradient");
    let (fx, g) = reverse::gradient(|x| generic(x), &X);
    check_gradient(fx, g.as_slice(), "reverse::gradient, generic");
    let (fx, g, h) = reverse::hessian(|x| body!(x), &X);
    check_hessian(fx, g.as_slice(), |i, j| h[(i, j)], "reverse::hessian");
    let (fx, g, h) = reverse::hessian(|x| generic(x), &X);
    check_hessian(fx, g.as_slice(), |i, j| h[(i, j)], "reverse::hessian, generic");
    let v = [0.0, 0.0, 1.0];
    let (fx, g, hv) = reverse::hvp(|x| body!(x), &X, &v);
    check_gradient(fx, g.as_slice(), "reverse::hvp");
    let (_, _, hw) = want();
    for i in 0..3 {
        close(hv[i], hw[i][2], "reverse::hvp");
    }
}

#[test]
fn reverse_active() {
    let (fx, g) = active::gradient(|x: &[Active<f64>]| body!(x), &X);
    check_gradient(fx, g.as_slice(), "active::gradient");
    let (fx, g) = active::gradient(|x: &[Active<f64>]| generic(x), &X);
    check_gradient(fx, g.as_slice(), "active::gradient, generic");
}

#[cfg(feature = "sparse")]
#[test]
fn sparse() {
    use dualnum::sparse::{
        Branches, HessianPattern, JacobianPattern, SparseHessian, SparseJacobian, Tracer,
    };

    // The body branches on values: its pattern holds at `X` (and wherever
    // the branches come out the same).
    let p = JacobianPattern::detect_with(|x: &[Tracer<f64>]| [body!(x)], &X, Branches::AtPoint);
    let jac = SparseJacobian::new(p.unwrap());
    let (fx, j) = jac.jacobian::<2, f64, _>(|x| [body!(x)], &X).unwrap();
    let dense = nalgebra::DMatrix::from(&j);
    check_gradient(fx[0], &[dense[(0, 0)], dense[(0, 1)], dense[(0, 2)]], "sparse jacobian");
    let p = HessianPattern::detect_with(|x: &[Tracer<f64>]| generic(x), &X, Branches::AtPoint);
    let hes = SparseHessian::new(p.unwrap());
    let (fx, g, h) = hes.hessian::<2, f64>(|x| body!(x), &X).unwrap();
    let h = nalgebra::DMatrix::from(&h);
    check_hessian(fx, g.as_slice(), |i, j| h[(i, j)], "sparse hessian");
}

/// Every mode gives the same numbers at random points (not only the one
/// above), so a mode that records a plain-float form differently fails.
#[test]
fn modes_agree_at_random_points() {
    fn prop(a: u16, b: u16, c: u16) -> bool {
        let x =
            [f64::from(a) / 6000.0 + 0.1, f64::from(b) / 6000.0 + 0.1, f64::from(c) / 6000.0 + 0.1];
        let (f0, g0) = chunked::gradient(generic, &x);
        let (f1, g1) = reverse::gradient(|x| body!(x), &x);
        let (f2, g2) = active::gradient(|x: &[Active<f64>]| body!(x), &x);
        let (f3, g3) = dualnum::gradient(|x| body!(x), &SVector::from(x));
        let ok = |a: f64, b: f64| (a - b).abs() <= 1e-11 * b.abs().max(1.0);
        [f1, f2, f3].iter().all(|&f| ok(f, f0))
            && (0..3).all(|i| ok(g1[i], g0[i]) && ok(g2[i], g0[i]) && ok(g3[i], g0[i]))
    }
    quickcheck::quickcheck(prop as fn(u16, u16, u16) -> bool);
}

/// `lit` in generic code and the plain-float forms give the same value.
#[test]
fn lit_is_the_plain_float() {
    fn with_lit<T: Float>(x: T) -> T {
        x.powf(lit(1.5)) * lit(3.0)
    }
    let (_, d) = reverse::gradient(|x| with_lit(x[0]), &[2.0]);
    let (_, d2) = reverse::gradient(|x| x[0].powf(1.5) * 3.0, &[2.0]);
    assert_eq!(d[0], d2[0]);
    close(d[0], 4.5 * 2f64.sqrt(), "lit");
}

/// The body compiles and computes the plain value on every number type of
/// the crate, over `f64` and `f32`, at nesting depths the drivers above do
/// not reach.
#[test]
fn every_number_type_takes_the_body() {
    use dualnum::Dual;

    let want = want().0;
    let x = X.map(Dual::<Dual<Dual<f64, 1>, 2>, 3>::from);
    close(body!(x).value().value().value(), want, "Dual<Dual<Dual<f64>>>");
    let tape = reverse::Tape::new();
    let x = X.map(|v| tape.var(Dual::<Dual<f64, 1>, 2>::from(v)));
    close(body!(x).value().value().value(), want, "Var<Dual<Dual<f64>>>");
    close(generic(&x).value().value().value(), want, "Var<Dual<Dual<f64>>>, generic");

    let x32 = X.map(|v| v as f32);
    let want32 = body!(x32);
    assert!((f64::from(want32) - want).abs() < 1e-5);
    let same = |got: f32, what: &str| assert_eq!(got, want32, "{what}");
    let xd = x32.map(Dual::<Dual<f32, 2>, 2>::from);
    same(body!(xd).value().value(), "Dual<Dual<f32>>");
    let tape = reverse::Tape::new();
    let xv = x32.map(|v| tape.var(v));
    same(body!(xv).value(), "Var<f32>");
    let tape = reverse::Tape::new();
    let xv = x32.map(|v| tape.var(Dual::<f32, 2>::from(v)));
    same(body!(xv).value().value(), "Var<Dual<f32>>");
    let (fa, _) = active::gradient(|x: &[Active<f32>]| body!(x), &x32);
    same(fa, "Active<f32>");
    #[cfg(feature = "sparse")]
    {
        use dualnum::sparse::{Branches, JacobianPattern, Tracer};
        let p =
            JacobianPattern::detect_with(|x: &[Tracer<f32>]| [body!(x)], &x32, Branches::AtPoint);
        assert_eq!(p.unwrap().nnz(), 3, "Tracer<f32>");
    }
}

/// A plain scalar next to a reverse variable records one node, whose only
/// partial is the variable's, as the product with a constant variable
/// does: the cheapest the rule allows.
#[test]
fn a_plain_scalar_records_one_node() {
    let tape = reverse::Tape::new();
    let x = tape.var(2.0);
    let forms: [fn(reverse::Var<'_, f64>) -> reverse::Var<'_, f64>; 6] =
        [|x| x * 3.0, |x| 3.0 * x, |x| x + 3.0, |x| 3.0 - x, |x| x.max(0.0), |x| x.powf(1.5)];
    for (k, form) in forms.iter().enumerate() {
        let before = tape.len();
        let y = form(x);
        assert_eq!(tape.len(), before + 1, "form {k} recorded more than one node");
        let d = tape.adjoints(y).wrt(x);
        let want = [3.0, 3.0, 1.0, -1.0, 1.0, 1.5 * 2f64.sqrt()][k];
        close(d, want, &format!("form {k}"));
    }
    let tape = reverse::Tape::new();
    let x = tape.var(dualnum::Dual::<f64, 1>::new(2.0, [1.0]));
    let before = tape.len();
    let y = x * 3.0;
    assert_eq!(tape.len(), before + 1, "Var<Dual> · f64");
    assert!(x > 1.0 && y == 6.0);
    assert!(1.0 < x);
}
