//! Nesting: `Dual<Dual<f64, N>, M>` is a `Float`, and seeding the same
//! direction at both levels gives second derivatives. Each is checked
//! against the second derivative worked out by hand, at several points.

use dualnum::Dual;

/// One variable, second order.
type S = Dual<Dual<f64, 1>, 1>;
/// Two variables, second order (Hessians).
type H = Dual<Dual<f64, 2>, 2>;

/// `(f, f', f'')` at `x`, by seeding `x` at both levels.
fn second(f: impl Fn(S) -> S, x: f64) -> (f64, f64, f64) {
    let r = f(Dual::new(Dual::variable(x, 0), [Dual::constant(1.0)]));
    // The first derivative appears twice (inner tangent, outer tangent's
    // value); the two must agree exactly, as they run the same rules.
    assert_eq!(r.re.eps[0].to_bits(), r.eps[0].re.to_bits(), "f' at both levels, x = {x}");
    (r.re.re, r.re.eps[0], r.eps[0].eps[0])
}

/// `(f, ∇f, ∇²f)` at `p`.
fn hessian(f: impl Fn(H, H) -> H, p: [f64; 2]) -> (f64, [f64; 2], [[f64; 2]; 2]) {
    let seed = |i: usize| {
        Dual::new(
            Dual::variable(p[i], i),
            [0, 1].map(|j| Dual::constant(if i == j { 1.0 } else { 0.0 })),
        )
    };
    let r = f(seed(0), seed(1));
    for j in 0..2 {
        assert_eq!(r.re.eps[j].to_bits(), r.eps[j].re.to_bits(), "∂{j}f at both levels at {p:?}");
    }
    (r.re.re, r.re.eps, [0, 1].map(|j| r.eps[j].eps))
}

#[track_caller]
fn assert_rel(what: &str, got: f64, want: f64) {
    let tol = 1e-13 * want.abs().max(1e-300);
    assert!((got - want).abs() <= tol, "{what}: got {got:e}, want {want:e}");
}

/// Checks `f, f', f''` of a one-variable function against hand formulas.
fn check_second(
    name: &str,
    f: impl Fn(S) -> S,
    plain: impl Fn(f64) -> f64,
    d1: impl Fn(f64) -> f64,
    d2: impl Fn(f64) -> f64,
    xs: &[f64],
) {
    for &x in xs {
        let (v, g, h) = second(&f, x);
        assert_eq!(v.to_bits(), plain(x).to_bits(), "{name}({x}) value");
        assert_rel(&format!("{name}'({x})"), g, d1(x));
        assert_rel(&format!("{name}''({x})"), h, d2(x));
    }
}

const XS: [f64; 5] = [-2.3, -0.4, 0.3, 1.1, 2.9];
const POS: [f64; 5] = [0.05, 0.4, 1.0, 2.5, 40.0];

#[test]
fn second_derivative_of_sin() {
    check_second("sin", |x| x.sin(), f64::sin, f64::cos, |x| -x.sin(), &XS);
}

#[test]
fn second_derivative_of_exp() {
    check_second("exp", |x| x.exp(), f64::exp, f64::exp, f64::exp, &XS);
}

#[test]
fn second_derivative_of_ln() {
    check_second("ln", |x| x.ln(), f64::ln, |x| 1.0 / x, |x| -1.0 / (x * x), &POS);
}

#[test]
fn second_derivative_of_a_power_with_constant_exponent() {
    // (x^2.5)'' = 2.5·1.5·x^0.5
    let c = |x: S| x.powf(Dual::constant(Dual::constant(2.5)));
    check_second("x^2.5", c, |x| x.powf(2.5), |x| 2.5 * x * x.sqrt(), |x| 3.75 * x.sqrt(), &POS);
    // (x^7)'' = 42 x^5 by powi
    check_second(
        "x^7",
        |x| x.powi(7),
        |x| x.powi(7),
        |x| 7.0 * x.powi(6),
        |x| 42.0 * x.powi(5),
        &XS,
    );
}

#[test]
fn second_derivative_of_tan_and_tanh() {
    // tan'' = 2 tan x / cos² x ; tanh'' = −2 tanh x / cosh² x
    let sec2 = |x: f64| 1.0 / (x.cos() * x.cos());
    let sech2 = |x: f64| 1.0 / (x.cosh() * x.cosh());
    check_second(
        "tan",
        |x| x.tan(),
        f64::tan,
        sec2,
        |x| 2.0 * x.tan() * sec2(x),
        &[-1.2, 0.3, 1.4],
    );
    check_second("tanh", |x| x.tanh(), f64::tanh, sech2, |x| -2.0 * x.tanh() * sech2(x), &XS);
}

#[test]
fn second_derivative_of_a_composite() {
    // f = sin(x²)·eˣ
    // f'  = (2x cos x² + sin x²)·eˣ
    // f'' = (2 cos x² − 4x² sin x² + 4x cos x² + sin x²)·eˣ
    let f = |x: S| (x * x).sin() * x.exp();
    let plain = |x: f64| (x * x).sin() * x.exp();
    let d1 = |x: f64| (2.0 * x * (x * x).cos() + (x * x).sin()) * x.exp();
    let d2 = |x: f64| {
        let (s, c) = (x * x).sin_cos();
        (2.0 * c - 4.0 * x * x * s + 4.0 * x * c + s) * x.exp()
    };
    // Away from zeros of f'' the relative check is meaningful.
    check_second("sin(x²)eˣ", f, plain, d1, d2, &[-1.3, 0.45, 0.8, 1.6]);
}

#[test]
fn second_derivative_of_a_square_at_zero_is_two() {
    // Zero stays zero at second order too: no NaN from ln 0.
    let (v, g, h) = second(|x| x.powf(Dual::constant(Dual::constant(2.0))), 0.0);
    assert_eq!((v, g, h), (0.0, 0.0, 2.0));
    let (v, g, h) = second(|x| x * x, 0.0);
    assert_eq!((v, g, h), (0.0, 0.0, 2.0));
    let (v, g, h) = second(|x| x.powi(2), 0.0);
    assert_eq!((v, g, h), (0.0, 0.0, 2.0));
}

/// Checks the value, gradient and Hessian of a two-variable function.
fn check_hessian(
    name: &str,
    f: impl Fn(H, H) -> H,
    plain: impl Fn(f64, f64) -> f64,
    grad: impl Fn(f64, f64) -> [f64; 2],
    hess: impl Fn(f64, f64) -> [[f64; 2]; 2],
    points: &[[f64; 2]],
) {
    for &p in points {
        let (v, g, h) = hessian(&f, p);
        let [x, y] = p;
        assert_eq!(v.to_bits(), plain(x, y).to_bits(), "{name} at {p:?}");
        let (gw, hw) = (grad(x, y), hess(x, y));
        for i in 0..2 {
            assert_rel(&format!("{name} ∂{i} at {p:?}"), g[i], gw[i]);
            for j in 0..2 {
                assert_rel(&format!("{name} ∂{i}∂{j} at {p:?}"), h[i][j], hw[i][j]);
            }
        }
    }
}

const PTS: [[f64; 2]; 4] = [[0.7, 1.9], [2.2, -0.6], [-1.4, 0.35], [3.0, 2.5]];

#[test]
fn hessian_of_x_to_the_y() {
    // f = x^y, x > 0:
    // f_x = y x^(y−1), f_y = x^y ln x,
    // f_xx = y(y−1) x^(y−2), f_yy = x^y ln² x, f_xy = x^(y−1)(1 + y ln x).
    let pts = PTS.map(|[x, y]| [x.abs(), y]);
    check_hessian(
        "x^y",
        |x, y| x.powf(y),
        f64::powf,
        |x, y| [y * x.powf(y - 1.0), x.powf(y) * x.ln()],
        |x, y| {
            let (l, xy1) = (x.ln(), x.powf(y - 1.0));
            let fxy = xy1 * (1.0 + y * l);
            [[y * (y - 1.0) * x.powf(y - 2.0), fxy], [fxy, x.powf(y) * l * l]]
        },
        &pts,
    );
}

#[test]
fn hessian_of_atan2() {
    // θ = atan2(y, x) with the first argument y:
    // θ_y = x/r², θ_x = −y/r², θ_yy = −2xy/r⁴, θ_xx = 2xy/r⁴, θ_xy = (y² − x²)/r⁴.
    check_hessian(
        "atan2",
        |y, x| y.atan2(x),
        f64::atan2,
        |y, x| {
            let r2 = x * x + y * y;
            [x / r2, -y / r2]
        },
        |y, x| {
            let r4 = (x * x + y * y).powi(2);
            let m = (y * y - x * x) / r4;
            [[-2.0 * x * y / r4, m], [m, 2.0 * x * y / r4]]
        },
        &PTS,
    );
}

#[test]
fn hessian_of_hypot() {
    // h = √(x² + y²): h_x = x/h, h_xx = y²/h³, h_yy = x²/h³, h_xy = −xy/h³.
    check_hessian(
        "hypot",
        |x, y| x.hypot(y),
        f64::hypot,
        |x, y| {
            let h = (x * x + y * y).sqrt();
            [x / h, y / h]
        },
        |x, y| {
            let h3 = (x * x + y * y).powf(1.5);
            [[y * y / h3, -x * y / h3], [-x * y / h3, x * x / h3]]
        },
        &PTS,
    );
}

#[test]
fn hessian_of_the_lectures_example() {
    // z = x²·e^u, u = x + cos y:
    // z_x = (2x + x²)e^u, z_y = −x² sin y e^u,
    // z_xx = (2 + 4x + x²)e^u, z_yy = x²(sin² y − cos y)e^u,
    // z_xy = −(2x + x²) sin y e^u.
    check_hessian(
        "x²e^(x+cos y)",
        |x, y| x.powi(2) * (x + y.cos()).exp(),
        |x, y| x.powi(2) * (x + y.cos()).exp(),
        |x, y| {
            let e = (x + y.cos()).exp();
            [(2.0 * x + x * x) * e, -x * x * y.sin() * e]
        },
        |x, y| {
            let (e, (s, c)) = ((x + y.cos()).exp(), y.sin_cos());
            let m = -(2.0 * x + x * x) * s * e;
            [[(2.0 + 4.0 * x + x * x) * e, m], [m, x * x * (s * s - c) * e]]
        },
        &[[2.0, std::f64::consts::FRAC_PI_2], [0.5, 1.0], [-1.5, 2.0]],
    );
}

#[test]
fn mixed_partial_of_a_product_and_symmetry() {
    // f = sin(x)·ln(y): f_xy = cos x / y, and the Hessian is symmetric.
    for p in [[0.3, 0.5], [2.0, 3.0], [-1.0, 7.5]] {
        let (_, _, h) = hessian(|x, y| x.sin() * y.ln(), p);
        assert_rel("f_xy", h[0][1], p[0].cos() / p[1]);
        assert_rel("f_yx", h[1][0], p[0].cos() / p[1]);
        assert_rel("f_xx", h[0][0], -p[0].sin() * p[1].ln());
        assert_rel("f_yy", h[1][1], -p[0].sin() / (p[1] * p[1]));
    }
}

#[test]
fn third_order_by_nesting_three_levels() {
    // d³/dx³ sin x = −cos x, from Dual<Dual<Dual<f64, 1>, 1>, 1>.
    for x in XS {
        let inner = Dual::new(Dual::variable(x, 0), [Dual::constant(1.0)]);
        let one = Dual::new(Dual::constant(1.0), [Dual::constant(0.0)]);
        let t: Dual<Dual<Dual<f64, 1>, 1>, 1> = Dual::new(inner, [one]);
        let r = t.sin();
        assert_rel("sin'''", r.eps[0].eps[0].eps[0], -x.cos());
        assert_rel("sin''", r.eps[0].eps[0].re, -x.sin());
    }
}

#[test]
fn second_derivative_at_f32() {
    let x = 0.7f32;
    let r = Dual::new(Dual::<f32, 1>::variable(x, 0), [Dual::constant(1.0)]).exp().sin();
    // (sin eˣ)'' = eˣ cos eˣ − e²ˣ sin eˣ
    let e = f64::from(x).exp();
    let want = e * e.cos() - e * e * e.sin();
    assert!((f64::from(r.eps[0].eps[0]) - want).abs() <= 1e-5 * want.abs());
}

/// A term with a finite slope but an infinite curvature (`x^1.5` at 0) must
/// not turn the Hessian entries of other variables into NaN: the entries
/// of `y`, which the singular term does not involve, stay exact.
#[test]
fn singular_curvature_does_not_poison_other_hessian_entries() {
    let (v, g, h) = hessian(|x, y| x.powf(Dual::constant(Dual::constant(1.5))) + y * y, [0.0, 3.0]);
    assert_eq!(v, 9.0);
    assert_eq!(g, [0.0, 6.0]);
    assert_eq!(h[1][1], 2.0, "∂²/∂y²");
    assert_eq!(h[0][1], 0.0, "∂²/∂x∂y");
    assert_eq!(h[1][0], 0.0, "∂²/∂y∂x");
    assert!(h[0][0].is_infinite(), "∂²/∂x² of x^1.5 at 0 is +∞, got {}", h[0][0]);
}

/// A varying exponent whose inner levels pass through an integer: the
/// fourth derivative of (2 + 0.6t)^(3 − 1.1t) at t = 0 from four-deep
/// nested duals. The base rule's special case for an exponent of 1 must
/// test the exponent structurally (value and tangent), not by value, or
/// the inner `x^(y−1)` drops the exponent's variation from order 4 on.
/// The reference is the same function as exp(y·ln x), and a Taylor jet.
#[test]
fn a_varying_exponent_through_an_integer_keeps_its_variation() {
    type D4 = Dual<Dual<Dual<Dual<f64, 1>, 1>, 1>, 1>;
    // x + v(ε₁ + ε₂ + ε₃ + ε₄), built level by level.
    fn var4(x: f64, v: f64) -> D4 {
        let d1 = |x: f64, v: f64| Dual::<f64, 1>::new(x, [v]);
        let d2 = |x: f64, v: f64| Dual::new(d1(x, v), [d1(v, 0.0)]);
        let d3 = |x: f64, v: f64| Dual::new(d2(x, v), [d2(v, 0.0)]);
        Dual::new(d3(x, v), [d3(v, 0.0)])
    }
    fn fourth(y: D4) -> f64 {
        y.eps[0].eps[0].eps[0].eps[0]
    }
    let (b, e) = (var4(2.0, 0.6), var4(3.0, -1.1));
    let direct = fourth(b.powf(e));
    let via_exp = fourth((e * b.ln()).exp());
    let jet = (dualnum::Jet::<f64, 4>::along(2.0, 0.6))
        .powf(dualnum::Jet::<f64, 4>::along(3.0, -1.1))
        .derivative(4);
    assert!((direct - via_exp).abs() <= 1e-12 * via_exp.abs(), "{direct} vs {via_exp}");
    assert!((jet - via_exp).abs() <= 1e-12 * via_exp.abs(), "{jet} vs {via_exp}");
    // mpmath: 18.8690… (the value the broken rule missed: 21.28)
    assert!((direct - 18.869).abs() < 1e-3, "{direct}");
}
