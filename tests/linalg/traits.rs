//! Every method of the simba traits, checked against the `num_traits::Float`
//! method it forwards to (value and tangent bit for bit, NaN matching NaN),
//! or against its definition where simba's has no `Float` twin.

use dualnum::Dual;
use nalgebra::{ComplexField, RealField};
use num_traits::{Float, FloatConst, One, Zero};
use simba::scalar::SupersetOf;
use simba::simd::SimdValue;

type D = Dual<f64, 2>;

/// Points across the domains of every function, including ±0 and ±1.
fn points() -> Vec<D> {
    [-2.5, -1.0, -0.7, -0.0, 0.0, 0.3, 0.5, 1.0, 1.5, 4.0]
        .iter()
        .map(|&x| Dual::new(x, [1.0, -2.5]))
        .collect()
}

/// Bitwise equal value and tangent, with any NaN equal to any NaN.
fn same(a: D, b: D) -> bool {
    let eq = |x: f64, y: f64| x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan());
    eq(a.re, b.re) && a.eps.iter().zip(&b.eps).all(|(x, y)| eq(*x, *y))
}

type Unary = fn(D) -> D;

#[test]
fn unary_methods_forward_to_float() {
    let table: &[(&str, Unary, Unary)] = &[
        ("floor", <D as ComplexField>::floor, Float::floor),
        ("ceil", <D as ComplexField>::ceil, Float::ceil),
        ("round", <D as ComplexField>::round, Float::round),
        ("trunc", <D as ComplexField>::trunc, Float::trunc),
        ("fract", <D as ComplexField>::fract, Float::fract),
        ("recip", <D as ComplexField>::recip, Float::recip),
        ("sin", <D as ComplexField>::sin, Float::sin),
        ("cos", <D as ComplexField>::cos, Float::cos),
        ("tan", <D as ComplexField>::tan, Float::tan),
        ("asin", <D as ComplexField>::asin, Float::asin),
        ("acos", <D as ComplexField>::acos, Float::acos),
        ("atan", <D as ComplexField>::atan, Float::atan),
        ("sinh", <D as ComplexField>::sinh, Float::sinh),
        ("cosh", <D as ComplexField>::cosh, Float::cosh),
        ("tanh", <D as ComplexField>::tanh, Float::tanh),
        ("asinh", <D as ComplexField>::asinh, Float::asinh),
        ("acosh", <D as ComplexField>::acosh, Float::acosh),
        ("atanh", <D as ComplexField>::atanh, Float::atanh),
        ("log2", <D as ComplexField>::log2, Float::log2),
        ("log10", <D as ComplexField>::log10, Float::log10),
        ("ln", <D as ComplexField>::ln, Float::ln),
        ("ln_1p", <D as ComplexField>::ln_1p, Float::ln_1p),
        ("sqrt", <D as ComplexField>::sqrt, Float::sqrt),
        ("exp", <D as ComplexField>::exp, Float::exp),
        ("exp2", <D as ComplexField>::exp2, Float::exp2),
        ("exp_m1", <D as ComplexField>::exp_m1, Float::exp_m1),
        ("cbrt", <D as ComplexField>::cbrt, Float::cbrt),
        ("abs", <D as ComplexField>::abs, Float::abs),
        ("modulus", <D as ComplexField>::modulus, Float::abs),
        ("norm1", <D as ComplexField>::norm1, Float::abs),
        ("signum", <D as ComplexField>::signum, Float::signum),
        ("modulus_squared", <D as ComplexField>::modulus_squared, |x| x * x),
        ("real", <D as ComplexField>::real, |x| x),
        ("conjugate", <D as ComplexField>::conjugate, |x| x),
        ("from_real", <D as ComplexField>::from_real, |x| x),
        ("imaginary", <D as ComplexField>::imaginary, |_| D::zero()),
    ];
    for (name, ours, float) in table {
        for x in points() {
            assert!(same(ours(x), float(x)), "{name} at {x}: {} vs {}", ours(x), float(x));
        }
    }
}

type Binary = fn(D, D) -> D;

#[test]
fn binary_methods_forward_to_float() {
    let table: &[(&str, Binary, Binary)] = &[
        ("hypot", <D as ComplexField>::hypot, Float::hypot),
        ("powf", <D as ComplexField>::powf, Float::powf),
        ("powc", <D as ComplexField>::powc, Float::powf),
        ("log", <D as ComplexField>::log, Float::log),
        ("scale", <D as ComplexField>::scale, |x, y| x * y),
        ("unscale", <D as ComplexField>::unscale, |x, y| x / y),
        ("atan2", <D as RealField>::atan2, Float::atan2),
        ("copysign", <D as RealField>::copysign, Float::copysign),
        ("max", <D as RealField>::max, Float::max),
        ("min", <D as RealField>::min, Float::min),
    ];
    let ys = [Dual::new(0.8, [0.5, 0.25]), Dual::new(-1.3, [-1.0, 2.0]), Dual::constant(2.0)];
    for (name, ours, float) in table {
        for x in points() {
            for y in ys {
                assert!(same(ours(x, y), float(x, y)), "{name} at ({x}, {y})");
            }
        }
    }
}

#[test]
fn other_methods_forward_to_float() {
    let (a, b) = (Dual::new(0.8, [0.5, 0.25]), Dual::new(-1.3, [-1.0, 2.0]));
    for x in points() {
        assert!(same(<D as ComplexField>::mul_add(x, a, b), Float::mul_add(x, a, b)));
        assert!(same(<D as ComplexField>::powi(x, 3), Float::powi(x, 3)));
        assert!(same(<D as RealField>::clamp(x, b, a), Float::clamp(x, b, a)));
        let (s, c) = <D as ComplexField>::sin_cos(x);
        let (fs, fc) = Float::sin_cos(x);
        assert!(same(s, fs) && same(c, fc));
        let (sh, ch) = <D as ComplexField>::sinh_cosh(x);
        assert!(same(sh, Float::sinh(x)) && same(ch, Float::cosh(x)));
        assert_eq!(<D as ComplexField>::is_finite(&x), x.re.is_finite());
        assert_eq!(<D as RealField>::is_sign_positive(&x), x.re.is_sign_positive());
        assert_eq!(<D as RealField>::is_sign_negative(&x), x.re.is_sign_negative());
        match <D as ComplexField>::try_sqrt(x) {
            Some(r) => assert!(x.re >= 0.0 && same(r, Float::sqrt(x))),
            None => assert!(x.re < 0.0),
        }
    }
}

/// Real numbers in polar form: `(|x|, 0 or π)` and `(|x|, ±1)` by the sign
/// of the value, the angle and unit factor constant.
#[test]
fn polar_forms_follow_the_sign_of_the_value() {
    for x in points() {
        let (m, u) = <D as ComplexField>::to_exp(x);
        let arg = <D as ComplexField>::argument(x);
        let (pm, parg) = <D as ComplexField>::to_polar(x);
        let positive = x.re >= 0.0;
        assert!(u.is_constant() && arg.is_constant() && parg.is_constant());
        assert_eq!(u.re, if positive { 1.0 } else { -1.0 });
        assert_eq!(arg.re, if positive { 0.0 } else { std::f64::consts::PI });
        assert!(same(m * u, x), "m·u rebuilds x at {x}");
        assert!(same(pm, Float::abs(x)) || (x.re == 0.0 && pm.re == 0.0));
        assert_eq!(parg.re, arg.re);
    }
}

/// sin x/x and sinh x/x: the plain quotient away from 0; at 0 the value 1
/// and the derivatives of the series (0 first, ∓⅓ second), also when the
/// tangent is not zero (simba's default would divide 0 by 0 there).
#[test]
fn cardinal_functions_are_smooth_at_zero() {
    for x in points().into_iter().filter(|x| x.re != 0.0) {
        assert!(same(<D as ComplexField>::sinc(x), Float::sin(x) / x));
        assert!(same(<D as ComplexField>::sinhc(x), Float::sinh(x) / x));
        assert!(same(<D as ComplexField>::cosc(x), Float::cos(x) / x));
        assert!(same(<D as ComplexField>::coshc(x), Float::cosh(x) / x));
    }
    let z = Dual::new(0.0, [1.0, -2.5]);
    for f in [<D as ComplexField>::sinc, <D as ComplexField>::sinhc] {
        let r = f(z);
        assert_eq!((r.re, r.eps), (1.0, [0.0, 0.0]));
    }
    for f in [<D as ComplexField>::cosc, <D as ComplexField>::coshc] {
        let r = f(z);
        assert_eq!((r.re, r.eps), (1.0, [0.0, 0.0]));
    }
    // Second derivatives at 0 through nesting: sinc'' = −1/3, sinhc'' = 1/3.
    let zz = Dual::<Dual<f64, 1>, 1> { re: Dual::new(0.0, [1.0]), eps: [Dual::new(1.0, [0.0])] };
    let s = ComplexField::sinc(zz);
    let sh = ComplexField::sinhc(zz);
    assert!((s.eps[0].eps[0] + 1.0 / 3.0).abs() < 1e-15);
    assert!((sh.eps[0].eps[0] - 1.0 / 3.0).abs() < 1e-15);
    assert_eq!((s.re.eps[0], s.eps[0].re), (0.0, 0.0));
}

type Constant = fn() -> D;

#[test]
fn constants_are_constants_of_t() {
    let table: &[(Constant, f64)] = &[
        (<D as RealField>::pi, f64::PI()),
        (<D as RealField>::two_pi, f64::TAU()),
        (<D as RealField>::frac_pi_2, f64::FRAC_PI_2()),
        (<D as RealField>::frac_pi_3, f64::FRAC_PI_3()),
        (<D as RealField>::frac_pi_4, f64::FRAC_PI_4()),
        (<D as RealField>::frac_pi_6, f64::FRAC_PI_6()),
        (<D as RealField>::frac_pi_8, f64::FRAC_PI_8()),
        (<D as RealField>::frac_1_pi, f64::FRAC_1_PI()),
        (<D as RealField>::frac_2_pi, f64::FRAC_2_PI()),
        (<D as RealField>::frac_2_sqrt_pi, f64::FRAC_2_SQRT_PI()),
        (<D as RealField>::e, f64::E()),
        (<D as RealField>::log2_e, f64::LOG2_E()),
        (<D as RealField>::log10_e, f64::LOG10_E()),
        (<D as RealField>::ln_2, f64::LN_2()),
        (<D as RealField>::ln_10, f64::LN_10()),
    ];
    for (c, v) in table {
        assert!(same(c(), Dual::constant(*v)));
    }
    assert!(same(<D as RealField>::min_value().unwrap(), Dual::constant(f64::MIN)));
    assert!(same(<D as RealField>::max_value().unwrap(), Dual::constant(f64::MAX)));
    assert!(<D as One>::one().is_constant());
}

#[test]
fn simd_value_is_one_lane_of_itself() {
    let x = Dual::new(1.5, [0.5, -1.0]);
    let y = Dual::new(-2.0, [3.0, 4.0]);
    assert_eq!(D::LANES, 1);
    assert!(same(D::splat(x), x));
    assert!(same(x.extract(0), x));
    let mut z = x;
    z.replace(0, y);
    assert!(same(z, y));
    assert!(same(x.select(true, y), x) && same(x.select(false, y), y));
    let w = <D as SupersetOf<f64>>::from_subset(&2.0);
    assert!(w.is_constant() && w.re == 2.0);
}

/// dualnum turns on nalgebra's `libm` backend rather than its `std` (a
/// third of a cold build saved); with `num-traits/std` on, nalgebra's plain
/// `f64` functions must still be std's, bit for bit, at many points.
#[test]
fn plain_f64_field_functions_are_std() {
    type Unary64 = fn(f64) -> f64;
    let table: &[(&str, Unary64, Unary64)] = &[
        ("sin", <f64 as ComplexField>::sin, f64::sin),
        ("cos", <f64 as ComplexField>::cos, f64::cos),
        ("tan", <f64 as ComplexField>::tan, f64::tan),
        ("exp", <f64 as ComplexField>::exp, f64::exp),
        ("ln", <f64 as ComplexField>::ln, f64::ln),
        ("sqrt", <f64 as ComplexField>::sqrt, f64::sqrt),
        ("cbrt", <f64 as ComplexField>::cbrt, f64::cbrt),
        ("atan", <f64 as ComplexField>::atan, f64::atan),
        ("tanh", <f64 as ComplexField>::tanh, f64::tanh),
        ("exp_m1", <f64 as ComplexField>::exp_m1, f64::exp_m1),
        ("ln_1p", <f64 as ComplexField>::ln_1p, f64::ln_1p),
    ];
    for (name, field, std) in table {
        for k in 1..2000 {
            let x = 0.00731 * f64::from(k) - 3.0;
            let (a, b) = (field(x), std(x));
            assert!(a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan()), "{name}({x})");
        }
    }
    assert_eq!(RealField::atan2(0.3f64, -2.0), 0.3f64.atan2(-2.0));
    assert_eq!(ComplexField::powf(1.7f64, 0.3), 1.7f64.powf(0.3));
}
