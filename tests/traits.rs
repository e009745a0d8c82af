//! The trait surface besides operators and derivative rules: `approx`
//! comparisons, and num-traits' `Num`, `NumCast`, `ToPrimitive`,
//! `FromPrimitive`, `Signed`, `Inv`, `MulAdd`, `Pow`, `FloatConst`, and the
//! parts of `Float` that act on the value (classification,
//! `integer_decode`, constants); plus the constructors and std traits.
#![allow(deprecated)] // Signed::abs_sub forwards to the deprecated Float::abs_sub.

use std::hash::{BuildHasher, RandomState};

use approx::{AbsDiffEq, RelativeEq, UlpsEq, assert_relative_eq};
use dualnum::Dual;
use num_traits::{
    Float, FloatConst, FromPrimitive, Inv, MulAdd, MulAddAssign, Num, NumCast, One, Pow, Signed,
    ToPrimitive, Zero,
};

type D = Dual<f64, 3>;

// ---- approx

/// The base number and copies with exactly one component moved by `delta`:
/// component 0 is the value, 1..=3 the tangent lanes.
fn perturbed(delta: impl Fn(f64) -> f64) -> (D, Vec<D>) {
    let base: D = Dual::new(1.5, [-2.0, 0.25, 1e3]);
    let moved = (0..4)
        .map(|k| {
            let mut d = base;
            if k == 0 {
                d.re = delta(d.re);
            } else {
                d.eps[k - 1] = delta(d.eps[k - 1]);
            }
            d
        })
        .collect();
    (base, moved)
}

/// approx tolerances are duals (`Epsilon = Self`, as nalgebra's `RealField`
/// requires); only their value is used.
fn tol(x: f64) -> D {
    D::constant(x)
}

#[test]
fn abs_diff_eq_compares_value_and_every_lane() {
    let (base, far) = perturbed(|v| v + 1e-3);
    assert!(base.abs_diff_eq(&base, tol(0.0)));
    for (k, d) in far.iter().enumerate() {
        assert!(!base.abs_diff_eq(d, tol(1e-6)), "component {k} differs by 1e-3");
        assert!(base.abs_diff_eq(d, tol(1e-2)), "component {k} within 1e-2");
    }
    assert_eq!(D::default_epsilon().re, f64::default_epsilon());
    assert!(D::default_epsilon().is_constant());
}

#[test]
fn relative_eq_compares_value_and_every_lane() {
    let (base, far) = perturbed(|v| v * (1.0 + 1e-6));
    let (_, near) = perturbed(|v| v * (1.0 + 1e-14));
    for k in 0..4 {
        assert!(
            !base.relative_eq(&far[k], tol(0.0), tol(1e-9)),
            "component {k} differs by 1e-6 relative"
        );
        assert!(
            base.relative_eq(&near[k], tol(0.0), tol(1e-12)),
            "component {k} within 1e-12 relative"
        );
    }
    assert_relative_eq!(base, near[3], max_relative = tol(1e-12));
    assert_eq!(D::default_max_relative().re, f64::default_max_relative());
}

#[test]
fn ulps_eq_compares_value_and_every_lane() {
    let (base, one_ulp) = perturbed(f64::next_up);
    let (_, many) = perturbed(|v| (0..50).fold(v, |v, _| v.next_up()));
    for k in 0..4 {
        assert!(base.ulps_eq(&one_ulp[k], tol(0.0), 4), "component {k}: 1 ulp apart");
        assert!(!base.ulps_eq(&many[k], tol(0.0), 4), "component {k}: 50 ulps apart");
    }
    assert_eq!(D::default_max_ulps(), f64::default_max_ulps());
}

// ---- num-traits: construction and conversion give constants

#[test]
fn from_str_radix_gives_a_constant() {
    for (s, radix) in [("1.5", 10), ("-0.125", 10), ("a.8", 16), ("101", 2), ("inf", 10)] {
        let d = D::from_str_radix(s, radix).unwrap();
        let want = <f64 as Num>::from_str_radix(s, radix).unwrap();
        assert_eq!(d.re.to_bits(), want.to_bits(), "{s} in base {radix}");
        assert_eq!(d.eps, [0.0; 3]);
    }
    assert_eq!(D::from_str_radix("a.8", 16).unwrap().re, 10.5);
    assert!(D::from_str_radix("1.5x", 10).is_err());
}

#[test]
fn numcast_into_a_dual_gives_a_constant_and_out_of_one_reads_the_value() {
    let d: D = NumCast::from(3u8).unwrap();
    assert_eq!((d.re, d.eps), (3.0, [0.0; 3]));
    let d: D = NumCast::from(-1.5f32).unwrap();
    assert_eq!((d.re, d.eps), (-1.5, [0.0; 3]));
    let d: D = NumCast::from(u64::MAX).unwrap();
    assert_eq!(d.re, u64::MAX as f64);
    let x: D = Dual::new(2.75, [1.0, 2.0, 3.0]);
    assert_eq!(num_traits::cast::<D, f64>(x), Some(2.75));
    assert_eq!(num_traits::cast::<D, i32>(x), Some(2));
    assert_eq!(num_traits::cast::<D, u8>(-x), None);
    // Between dual types: the value converts, the tangent does not travel.
    let y: Dual<f32, 2> = NumCast::from(x).unwrap();
    assert_eq!((y.re, y.eps), (2.75f32, [0.0; 2]));
}

#[test]
fn to_primitive_reads_the_value() {
    let x: D = Dual::new(-2.75, [9.0, 9.0, 9.0]);
    assert_eq!(x.to_i64(), Some(-2));
    assert_eq!(x.to_i8(), Some(-2));
    assert_eq!(x.to_i128(), Some(-2));
    assert_eq!(x.to_u32(), None);
    assert_eq!(x.to_u128(), None);
    assert_eq!(x.to_f32(), Some(-2.75f32));
    assert_eq!(x.to_f64(), Some(-2.75));
    assert_eq!(D::constant(300.0).to_u8(), None);
    assert_eq!(D::constant(300.0).to_u16(), Some(300));
    assert_eq!(D::constant(f64::NAN).to_i32(), None);
}

#[test]
fn from_primitive_gives_a_constant() {
    let cases: [(Option<D>, f64); 6] = [
        (D::from_i64(-5), -5.0),
        (D::from_u64(7), 7.0),
        (D::from_i32(-9), -9.0),
        (D::from_u128(1 << 70), 2f64.powi(70)),
        (D::from_f32(0.1), 0.1f32 as f64),
        (D::from_f64(0.1), 0.1),
    ];
    for (d, want) in cases {
        let d = d.unwrap();
        assert_eq!((d.re, d.eps), (want, [0.0; 3]));
    }
}

// ---- num-traits: arithmetic traits

#[test]
fn signed_matches_float_and_plain_signs() {
    let x: D = Dual::new(-2.0, [1.0, -3.0, 0.5]);
    assert_eq!(Signed::abs(&x).re, 2.0);
    assert_eq!(Signed::abs(&x).eps, [-1.0, 3.0, -0.5]);
    assert_eq!(Signed::signum(&x).re, -1.0);
    assert_eq!(Signed::signum(&x).eps, [0.0; 3]);
    let y: D = Dual::new(-5.0, [0.0, 1.0, 0.0]);
    let s = Signed::abs_sub(&x, &y);
    assert_eq!((s.re, s.eps), (3.0, [1.0, -4.0, 0.5]));
    assert_eq!(Signed::abs_sub(&y, &x).eps, [0.0; 3]);
    for v in [-2.0, -0.0, 0.0, 3.0, f64::INFINITY, f64::NEG_INFINITY] {
        let d = D::variable(v, 1);
        assert_eq!(d.is_positive(), Signed::is_positive(&v), "is_positive({v})");
        assert_eq!(d.is_negative(), Signed::is_negative(&v), "is_negative({v})");
    }
}

#[test]
fn inv_is_recip() {
    let x: D = Dual::new(-4.0, [1.0, 2.0, 0.0]);
    let r = x.inv();
    assert_eq!(r.re, -0.25);
    // (1/x)' = −1/x² = −1/16
    assert_eq!(r.eps, [-1.0 / 16.0, -2.0 / 16.0, 0.0]);
    assert_eq!((&x).inv().eps, r.eps);
}

#[test]
fn mul_add_rounds_once_and_has_all_three_partials() {
    // With u = 2⁻³⁰: (1 + u)(1 − u) − 1 = −u² exactly, which an unfused
    // product rounds away.
    let u = 2f64.powi(-30);
    let [x, a, b] = Dual::variables([1.0 + u, 1.0 - u, -1.0]);
    let r = MulAdd::mul_add(x, a, b);
    assert_eq!(r.re, -u * u);
    assert_eq!(((1.0 + u) * (1.0 - u)) - 1.0, 0.0, "the unfused result differs");
    assert_eq!(r.eps, [1.0 - u, 1.0 + u, 1.0]);
    let f = Float::mul_add(x, a, b);
    assert_eq!((f.re, f.eps), (r.re, r.eps));
    let mut m = x;
    m.mul_add_assign(a, b);
    assert_eq!((m.re, m.eps), (r.re, r.eps));
}

#[test]
fn pow_with_integer_float_and_dual_exponents() {
    let x: Dual<f64, 2> = Dual::variable(1.5, 0);
    let y: Dual<f64, 2> = Dual::variable(2.5, 1);
    // Integer exponents: n·x^(n−1).
    for (r, n) in [
        (x.pow(3i32), 3),
        (x.pow(2u8), 2),
        (x.pow(-2i8), -2),
        (x.pow(4i16), 4),
        (x.pow(5u16), 5),
        ((&x).pow(3i32), 3),
    ] {
        assert_eq!(r.re.to_bits(), 1.5f64.powi(n).to_bits(), "x^{n}");
        let want = n as f64 * 1.5f64.powi(n - 1);
        assert!((r.eps[0] - want).abs() <= 2.0 * f64::EPSILON * want.abs(), "(x^{n})'");
        assert_eq!(r.eps[1], 0.0);
    }
    // A constant float exponent: 2.5·x^1.5.
    let r = x.pow(2.5f64);
    assert_eq!(r.re.to_bits(), 1.5f64.powf(2.5).to_bits());
    assert_relative_eq!(r.eps[0], 2.5 * 1.5f64.powf(1.5), max_relative = 1e-15);
    assert_eq!(r.eps[1], 0.0);
    // A dual exponent: both partials, by value and by reference.
    let want = [2.5 * 1.5f64.powf(1.5), 1.5f64.powf(2.5) * 1.5f64.ln()];
    for r in [x.pow(y), x.pow(&y), (&x).pow(y)] {
        assert_eq!(r.re.to_bits(), 1.5f64.powf(2.5).to_bits());
        assert_relative_eq!(r.eps[0], want[0], max_relative = 1e-15);
        assert_relative_eq!(r.eps[1], want[1], max_relative = 1e-15);
    }
    // f32 with an f32 exponent.
    let r = Dual::<f32, 1>::variable(4.0, 0).pow(0.5f32);
    assert_eq!((r.re, r.eps), (2.0f32, [0.25f32]));
}

#[test]
fn float_const_values_are_constants() {
    macro_rules! each {
        ($($c:ident),*) => {$(
            let d = <D as FloatConst>::$c();
            assert_eq!(d.re.to_bits(), <f64 as FloatConst>::$c().to_bits(), stringify!($c));
            assert_eq!(d.eps, [0.0; 3], stringify!($c));
        )*};
    }
    each!(
        E,
        FRAC_1_PI,
        FRAC_1_SQRT_2,
        FRAC_2_PI,
        FRAC_2_SQRT_PI,
        FRAC_PI_2,
        FRAC_PI_3,
        FRAC_PI_4,
        FRAC_PI_6,
        FRAC_PI_8,
        LN_10,
        LN_2,
        LOG10_E,
        LOG2_E,
        PI,
        SQRT_2,
        TAU,
        LOG10_2,
        LOG2_10
    );
    assert_eq!(D::PI().re, std::f64::consts::PI);
}

#[test]
fn float_constants_are_constants() {
    macro_rules! each {
        ($($c:ident),*) => {$(
            let d = <D as Float>::$c();
            assert_eq!(d.re.to_bits(), <f64 as Float>::$c().to_bits(), stringify!($c));
            assert_eq!(d.eps, [0.0; 3], stringify!($c));
        )*};
    }
    each!(nan, infinity, neg_infinity, neg_zero, min_value, min_positive_value, epsilon, max_value);
    assert!(D::nan().re.is_nan() && D::neg_zero().re.is_sign_negative());
    let (z, o) = (D::zero(), D::one());
    assert_eq!((z.re, z.eps, o.re, o.eps), (0.0, [0.0; 3], 1.0, [0.0; 3]));
}

#[test]
fn classification_and_integer_decode_act_on_the_value() {
    // An infinite or NaN tangent does not make the number infinite or NaN.
    let wild = [f64::INFINITY, f64::NAN, -0.0];
    let values = [1.5, -0.0, 0.0, f64::INFINITY, f64::NAN, 1e-310, -f64::MAX, f64::MIN_POSITIVE];
    for v in values {
        let d: D = Dual::new(v, wild);
        let what = format!("{v:?}");
        assert_eq!(d.is_nan(), v.is_nan(), "is_nan {what}");
        assert_eq!(d.is_infinite(), v.is_infinite(), "is_infinite {what}");
        assert_eq!(d.is_finite(), v.is_finite(), "is_finite {what}");
        assert_eq!(d.is_normal(), v.is_normal(), "is_normal {what}");
        assert_eq!(Float::is_subnormal(d), v.is_subnormal(), "is_subnormal {what}");
        assert_eq!(d.classify(), v.classify(), "classify {what}");
        assert_eq!(d.is_sign_positive(), v.is_sign_positive(), "is_sign_positive {what}");
        assert_eq!(d.is_sign_negative(), v.is_sign_negative(), "is_sign_negative {what}");
        assert_eq!(Float::integer_decode(d), Float::integer_decode(v), "integer_decode {what}");
    }
    // 1.5 = 3·2⁻¹ = (3·2⁵¹)·2⁻⁵², sign +1.
    assert_eq!(Float::integer_decode(D::variable(1.5, 0)), (3 << 51, -52, 1));
}

// ---- constructors, accessors, std traits

#[test]
fn constructors_and_accessors() {
    let x = Dual::new(1.5, [0.5, 1.0]);
    assert_eq!((x.value(), x.tangent(), x.partial(1)), (1.5, [0.5, 1.0], 1.0));
    let c = Dual::<f64, 3>::constant(2.0);
    assert!(c.is_constant() && c.tangent() == [0.0; 3]);
    let v = Dual::<f64, 3>::variable(2.0, 2);
    assert_eq!(v.tangent(), [0.0, 0.0, 1.0]);
    assert!(!v.is_constant());
    let vs = Dual::variables([1.0, 2.0, 3.0]);
    for (i, d) in vs.iter().enumerate() {
        assert_eq!(d.value(), (i + 1) as f64);
        assert_eq!(d.tangent(), std::array::from_fn(|j| if i == j { 1.0 } else { 0.0 }));
    }
    let from: D = 4.0.into();
    assert_eq!((from.re, from.eps), (4.0, [0.0; 3]));
    let default = D::default();
    assert_eq!((default.re, default.eps), (0.0, [0.0; 3]));
}

#[test]
fn hash_agrees_with_value_equality() {
    let s = RandomState::new();
    // Dual<f64, N> is not Hash (f64 is not), but with a Hash scalar it is,
    // and hashes the value only.
    #[derive(Clone, Copy, Debug, PartialEq, PartialOrd, Hash)]
    struct Bits(u64);
    let (p, q) = (
        Dual::<Bits, 1> { re: Bits(1), eps: [Bits(2)] },
        Dual::<Bits, 1> { re: Bits(1), eps: [Bits(9)] },
    );
    assert!(p == q);
    assert_eq!(s.hash_one(p), s.hash_one(q));
}
