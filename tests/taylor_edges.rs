//! Taylor mode at domain edges and through its drivers: constants stay
//! constant everywhere, values and NaN/∞ patterns follow the plain value,
//! exact polynomials stay exact, and the drivers agree with the other
//! modes (Hessian, JVP) and with exact integer arithmetic (mixed partials).

use dualnum::test_functions::rosenbrock;
use dualnum::{Function, Jet, VectorFunction};
use nalgebra::{SVector, vector};
use num_traits::Float;

type Unary = (&'static str, fn(Jet<f64, 5>) -> Jet<f64, 5>, fn(f64) -> f64);

fn u(name: &'static str, j: fn(Jet<f64, 5>) -> Jet<f64, 5>, p: fn(f64) -> f64) -> Unary {
    (name, j, p)
}

fn methods() -> Vec<Unary> {
    macro_rules! m {
        ($($f:ident),*) => { vec![$((stringify!($f), Jet::<f64, 5>::$f as fn(_) -> _, f64::$f as fn(_) -> _)),*] };
    }
    let mut v = m!(
        sqrt, cbrt, recip, exp, exp2, exp_m1, ln, log2, log10, ln_1p, sin, cos, tan, asin, acos,
        atan, sinh, cosh, tanh, asinh, acosh, atanh, abs, signum, floor, ceil, round, trunc, fract,
        to_degrees, to_radians
    );
    v.push(u("powf(0.5)", |x| x.powf(0.5), |x| x.powf(0.5)));
    v.push(u("powf(-1.5)", |x| x.powf(-1.5), |x| x.powf(-1.5)));
    v.push(u("powf(2)", |x| x.powf(2.0), |x| x.powf(2.0)));
    v.push(u("powi(-2)", |x| x.powi(-2), |x| x.powi(-2)));
    v.push(u("powi(3)", |x| x.powi(3), |x| x.powi(3)));
    v.push(u("2^x", |x| Jet::constant(2.0).powf(x), |x| 2f64.powf(x)));
    v.push(u("0^x", |x| Jet::constant(0.0).powf(x), |x| 0f64.powf(x)));
    v.push(u("(-2)^x", |x| Jet::constant(-2.0).powf(x), |x| (-2f64).powf(x)));
    v.push(u("1/x", |x| 1.0 / x, |x| 1.0 / x));
    v.push(u("atan2(x, 0)", |x| x.atan2(Jet::constant(0.0)), |x| x.atan2(0.0)));
    v.push(u("hypot(x, 0)", |x| x.hypot(Jet::constant(0.0)), |x| x.hypot(0.0)));
    v.push(u("log_x(2)", |x| Jet::constant(2.0).log(x), |x| 2f64.log(x)));
    v
}

const EDGES: [f64; 12] = [
    0.0,
    -0.0,
    1.0,
    -1.0,
    2.0,
    -2.0,
    0.5,
    1e300,
    -1e300,
    f64::INFINITY,
    f64::NEG_INFINITY,
    f64::NAN,
];

fn same(a: f64, b: f64) -> bool {
    a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
}

#[test]
fn a_constant_stays_constant_everywhere() {
    for (name, fj, fp) in methods() {
        for x in EDGES {
            let y = fj(Jet::constant(x));
            assert!(same(y.value(), fp(x)), "{name}({x}): value {} vs {}", y.value(), fp(x));
            for k in 1..=5 {
                assert_eq!(y.coefficient(k), 0.0, "{name}({x}): coefficient {k} of a constant");
            }
        }
    }
}

#[test]
fn a_coefficient_that_does_not_depend_on_the_input_stays_zero() {
    // x = x₀ + t³: coefficients 1 and 2 of any f(x) do not depend on t.
    for (name, fj, fp) in methods() {
        for x in EDGES {
            let y = fj(Jet::new(x, [0.0, 0.0, 1.0, 0.0, 0.0]));
            assert!(same(y.value(), fp(x)), "{name}({x}) value");
            assert_eq!(y.coefficient(1), 0.0, "{name}({x} + t³): t¹");
            assert_eq!(y.coefficient(2), 0.0, "{name}({x} + t³): t²");
        }
    }
}

#[test]
fn outside_the_domain_the_varying_coefficients_are_nan_like_the_value() {
    for (name, fj, fp) in methods() {
        for x in EDGES {
            // The piecewise-linear methods keep Dual's fixed slopes
            // (`fract(∞)` is NaN with slope 1), as the convention table says.
            let linear = ["abs", "signum", "floor", "ceil", "round", "trunc", "fract"];
            if !fp(x).is_nan() || x.is_nan() || linear.contains(&name) {
                continue;
            }
            let y = fj(Jet::variable(x));
            for k in 1..=5 {
                let c = y.coefficient(k);
                assert!(c.is_nan(), "{name}({x} + t): value NaN but coefficient {k} = {c}");
            }
        }
    }
}

#[test]
fn edges_of_order_above_one() {
    let t0 = Jet::<f64, 4>::variable(0.0);
    // √t at 0: no Taylor series; the first coefficient is +∞ as for Dual,
    // the rest are not finite either.
    let s = t0.sqrt();
    assert_eq!(s.value(), 0.0);
    assert_eq!(s.coefficient(1), f64::INFINITY);
    assert!((2..=4).all(|k| !s.coefficient(k).is_finite()));
    // √(t²) = |t| is not analytic either; (1 + t)^(1/2) is.
    let s = (1.0 + t0).sqrt();
    assert_eq!([s.coefficient(1), s.coefficient(2)], [0.5, -0.125]);
    // ln t at 0: −∞, then the series of a pole: 1/t·… is infinite.
    let l = t0.ln();
    assert_eq!(l.value(), f64::NEG_INFINITY);
    assert_eq!(l.coefficient(1), f64::INFINITY);
    // An integral exponent is a polynomial, exactly, also at 0.
    let p = t0.powf(2.0);
    assert_eq!(p.coefficients(), [0.0, 1.0, 0.0, 0.0]);
    let p = (t0 - 1.0).powf(3.0);
    assert_eq!(
        [p.value(), p.coefficient(1), p.coefficient(2), p.coefficient(3)],
        [-1.0, 3.0, -3.0, 1.0]
    );
    let p = t0.powi(4);
    assert_eq!(p.coefficients(), [0.0, 0.0, 0.0, 1.0]);
    // A non-integral power at 0: not analytic, infinite slope.
    assert_eq!(t0.powf(0.5).coefficient(1), f64::INFINITY);
    assert_eq!(t0.powf(1.5).coefficient(1), 0.0);
    // 0^y with a varying exponent: the constant 0 (as Dual's ∂/∂y = 0).
    let z = Jet::<f64, 4>::constant(0.0).powf(Jet::variable(2.5));
    assert_eq!(z.value(), 0.0);
    assert!((1..=4).all(|k| z.coefficient(k) == 0.0));
    // Overflowing exp: the value is ∞ and so are the varying coefficients.
    let e = Jet::<f64, 3>::variable(1000.0).exp();
    assert_eq!(e.value(), f64::INFINITY);
    assert!((1..=3).all(|k| e.coefficient(k) == f64::INFINITY));
    // hypot at the origin: the subgradient (0, 0) as for Dual in order 1.
    let h = Jet::<f64, 2>::variable(0.0).hypot(Jet::variable(0.0));
    assert_eq!((h.value(), h.coefficient(1)), (0.0, 0.0));
    // max at a tie averages every coefficient, as Dual does the tangent.
    let m = Jet::<f64, 2>::new(1.0, [1.0, 2.0]).max(Jet::new(1.0, [3.0, 0.0]));
    assert_eq!(m.coefficients(), [2.0, 1.0]);
}

#[test]
#[should_panic(expected = "order 4 is beyond this jet's order K = 3")]
fn a_coefficient_beyond_the_order_panics() {
    let _ = Jet::<f64, 3>::variable(1.0).coefficient(4);
}

#[test]
fn derivatives_and_their_twin() {
    struct F;
    impl Function for F {
        fn eval<T: Float>(&self, x: &[T]) -> T {
            (x[0] * x[0]).sin() / (T::one() + x[0].exp())
        }
    }
    let (v, d) = dualnum::taylor::derivatives::<6, _>(|x| F.eval(&[x]), 0.4);
    assert_eq!(dualnum::taylor::derivatives_of::<6, _>(&F, 0.4), (v, d));
    assert_eq!(v, F.eval(&[0.4]));
    let (_, d1) = dualnum::derivative(|x| F.eval(&[x]), 0.4);
    assert_eq!(d[0], d1);
    // f'' against the nested-dual second derivative
    let x = dualnum::Dual::<dualnum::Dual<f64, 1>, 1>::new(
        dualnum::Dual::new(0.4, [1.0]),
        [dualnum::Dual::new(1.0, [0.0])],
    );
    let d2 = F.eval(&[x]).eps[0].eps[0];
    assert!((d[1] - d2).abs() < 1e-14 * d2.abs().max(1.0));
}

#[test]
fn hessian_by_jets_equals_the_other_modes() {
    let x = vector![1.2, 1.0, 0.8, -0.5];
    let (f, g, h) = dualnum::taylor::hessian(|x| rosenbrock(x.as_slice()), &x);
    let (f2, g2, h2) = dualnum::hessian(|x| rosenbrock(x.as_slice()), &x);
    assert_eq!(f, f2);
    assert_eq!(g, g2);
    assert!((h - h2).amax() <= 1e-12 * h2.amax(), "{h} vs {h2}");
    assert!((h - h.transpose()).amax() == 0.0);
    struct R;
    impl Function for R {
        fn eval<T: Float>(&self, x: &[T]) -> T {
            rosenbrock(x) + x[0].sin() * x[3].exp()
        }
    }
    let (f3, _, h3) = dualnum::taylor::hessian_of(&R, &x);
    let (f4, _, h4) = dualnum::hessian_of(&R, &x);
    assert_eq!(f3, f4);
    assert!((h3 - h4).amax() <= 1e-12 * h4.amax());
}

#[test]
fn directional_derivatives_agree_with_jvp_and_the_hessian() {
    struct Map;
    impl VectorFunction for Map {
        fn outputs(&self, _: usize) -> usize {
            2
        }
        fn eval<T: Float>(&self, x: &[T], out: &mut [T]) {
            out[0] = x[0].sin() * x[1] + x[2];
            out[1] = (x[0] * x[1] * x[2]).exp();
        }
    }
    let x = vector![0.3, -0.7, 0.2];
    let v = vector![1.0, 0.5, -2.0];
    let (fx, d) = dualnum::taylor::directional_of::<3, 2, 3, f64>(&Map, &x, &v);
    let (fx1, jv) = dualnum::jvp_of::<2, 3, f64>(&Map, &x, &v);
    assert_eq!(fx, fx1);
    assert_eq!(d[0], jv);
    // second order: vᵀ∇²Fᵢv from the forward Hessian of each output
    for i in 0..2 {
        let fi = |x: SVector<dualnum::Dual2<f64, 3>, 3>| {
            let mut out = [x[0]; 2];
            Map.eval(x.as_slice(), &mut out);
            out[i]
        };
        let (_, _, h) = dualnum::hessian(fi, &x);
        let want = (v.transpose() * h * v)[0];
        assert!((d[1][i] - want).abs() < 1e-13 * want.abs().max(1.0));
    }
}

#[test]
#[should_panic(
    expected = "the function has 2 outputs for 3 inputs, but the result type asks for M = 3"
)]
fn directional_of_checks_the_output_count() {
    struct Two;
    impl VectorFunction for Two {
        fn outputs(&self, _: usize) -> usize {
            2
        }
        fn eval<T: Float>(&self, x: &[T], out: &mut [T]) {
            out[0] = x[0];
            out[1] = x[1];
        }
    }
    let x = vector![1.0, 2.0, 3.0];
    let _ = dualnum::taylor::directional_of::<2, 3, 3, f64>(&Two, &x, &x);
}

/// p(x, y, z) = Σ c·x^a·y^b·z^c with integer coefficients: every mixed
/// partial by the formula ∂^α x^β = Π βᵢ!/(βᵢ − αᵢ)!·x^(β − α), exactly.
const POLY: [(f64, [usize; 3]); 6] = [
    (3.0, [4, 1, 0]),
    (-2.0, [2, 2, 1]),
    (5.0, [1, 1, 1]),
    (1.0, [0, 3, 2]),
    (-7.0, [3, 0, 2]),
    (4.0, [0, 0, 0]),
];

fn poly<T: Float>(x: &[T]) -> T {
    POLY.iter().fold(T::zero(), |s, (c, b)| {
        s + T::from(*c).unwrap()
            * x[0].powi(b[0] as i32)
            * x[1].powi(b[1] as i32)
            * x[2].powi(b[2] as i32)
    })
}

fn poly_partial(x: [f64; 3], alpha: [usize; 3]) -> f64 {
    POLY.iter()
        .map(|(c, b)| {
            let mut t = *c;
            for i in 0..3 {
                if alpha[i] > b[i] {
                    return 0.0;
                }
                for j in 0..alpha[i] {
                    t *= (b[i] - j) as f64;
                }
                t *= x[i].powi((b[i] - alpha[i]) as i32);
            }
            t
        })
        .sum()
}

#[test]
fn mixed_partials_of_a_polynomial_are_exact() {
    struct P;
    impl Function for P {
        fn eval<T: Float>(&self, x: &[T]) -> T {
            poly(x)
        }
    }
    let mut checked = 0;
    for x in [[2.0, -1.0, 3.0], [0.0, 1.0, -2.0], [-3.0, 2.0, 1.0]] {
        for a in 0..=4 {
            for b in 0..=3 {
                for c in 0..=2 {
                    let alpha = [a, b, c];
                    if a + b + c > 6 {
                        continue;
                    }
                    let xs = SVector::from(x);
                    let (v, d) = dualnum::taylor::mixed_partial(
                        |x: SVector<Jet<f64, 6>, 3>| poly(x.as_slice()),
                        &xs,
                        alpha,
                    );
                    assert_eq!(v, poly(&x));
                    assert_eq!(d, poly_partial(x, alpha), "∂^{alpha:?} at {x:?}");
                    assert_eq!(
                        dualnum::taylor::mixed_partial_of::<6, 3, f64>(&P, &xs, alpha),
                        (v, d)
                    );
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 100);
}

#[test]
fn mixed_partials_of_a_transcendental_function_match_nested_duals() {
    // ∂³/∂x²∂y of e^{xy}·sin x against Dual nested three deep
    type D3 = dualnum::Dual<dualnum::Dual<dualnum::Dual<f64, 1>, 1>, 1>;
    fn f<T: Float>(x: T, y: T) -> T {
        (x * y).exp() * x.sin()
    }
    let (x0, y0) = (0.4, -0.9);
    let c = |v: f64, d: [f64; 3]| -> D3 {
        use dualnum::Dual;
        Dual::new(
            Dual::new(Dual::new(v, [d[2]]), [Dual::new(d[1], [0.0])]),
            [Dual::new(Dual::new(d[0], [0.0]), [Dual::new(0.0, [0.0])])],
        )
    };
    let r = f(c(x0, [1.0, 1.0, 0.0]), c(y0, [0.0, 0.0, 1.0]));
    let want = r.eps[0].eps[0].eps[0];
    let (_, got) = dualnum::taylor::mixed_partial(
        |x: SVector<Jet<f64, 3>, 2>| f(x[0], x[1]),
        &vector![x0, y0],
        [2, 1],
    );
    assert!((got - want).abs() < 1e-13 * want.abs().max(1.0), "{got} vs {want}");
    assert_eq!(dualnum::taylor::mixed_partial_passes(&[2, 1]), 4);
}

#[test]
#[should_panic(expected = "has order 4, beyond the jet order K = 3")]
fn a_multi_index_beyond_the_order_panics() {
    let x = vector![1.0, 2.0];
    let _ = dualnum::taylor::mixed_partial(|x: SVector<Jet<f64, 3>, 2>| x[0] * x[1], &x, [2, 2]);
}
