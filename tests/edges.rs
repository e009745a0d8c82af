//! Edge cases (issue 2, point 4) and the convention table of the crate docs,
//! one test per row, in the table's order. Tangent lane 0 varies, lane 1 is
//! exactly zero unless a test says otherwise: "zero stays zero" is checked
//! in lane 1.
#![allow(deprecated)] // Float::abs_sub is deprecated but still part of the surface.

use dualnum::Dual;
use num_traits::{Float, One, Pow, Zero};

type D = Dual<f64, 2>;

/// `x` varying in lane 0, constant in lane 1.
fn var(x: f64) -> D {
    Dual::new(x, [1.0, 0.0])
}

/// Asserts a lane is exactly +0 or −0 (not NaN, not tiny).
#[track_caller]
fn assert_zero(v: f64, what: &str) {
    assert!(v == 0.0, "{what}: expected 0, got {v:?}");
}

// ---- zero tangent lane, infinite or undefined local derivative

#[test]
fn sqrt_at_zero_is_infinite_in_the_varying_lane_and_zero_elsewhere() {
    let r = var(0.0).sqrt();
    assert_eq!(r.re.to_bits(), 0.0f64.to_bits());
    assert_eq!(r.eps[0], f64::INFINITY);
    assert_zero(r.eps[1], "sqrt(0), constant lane");
    // A constant zero under a square root contributes nothing.
    assert_eq!(D::constant(0.0).sqrt().eps, [0.0, 0.0]);
}

#[test]
fn sqrt_at_negative_zero_has_the_same_derivative_as_at_zero() {
    // −0 == +0, and √x grows to the right of both: the derivative is +∞.
    let r = var(-0.0).sqrt();
    assert_eq!(r.re.to_bits(), (-0.0f64).sqrt().to_bits());
    assert_eq!(r.eps[0], f64::INFINITY);
    assert_zero(r.eps[1], "sqrt(-0), constant lane");
}

#[test]
fn ln_at_zero_is_infinite_in_the_varying_lane_and_zero_elsewhere() {
    let r = var(0.0).ln();
    assert_eq!(r.re, f64::NEG_INFINITY);
    assert_eq!(r.eps[0], f64::INFINITY);
    assert_zero(r.eps[1], "ln(0), constant lane");
    // Also log2, log10 and log with a constant base.
    for r in [var(0.0).log2(), var(0.0).log10(), var(0.0).log(D::constant(3.0))] {
        assert_eq!(r.eps[0], f64::INFINITY);
        assert_zero(r.eps[1], "log at 0, constant lane");
    }
}

#[test]
fn exp_overflow_keeps_a_zero_lane_zero() {
    let r = var(1000.0).exp();
    assert_eq!(r.re, f64::INFINITY);
    assert_eq!(r.eps[0], f64::INFINITY);
    assert_zero(r.eps[1], "exp overflow, constant lane");
    for r in [var(1100.0).exp2(), var(1000.0).exp_m1(), var(1000.0).cosh(), var(1000.0).sinh()] {
        assert!(r.re.is_infinite());
        assert_zero(r.eps[1], "overflow, constant lane");
    }
}

#[test]
fn asin_acos_atanh_acosh_at_the_domain_edge() {
    for (r, want) in [
        (var(1.0).asin(), f64::INFINITY),
        (var(-1.0).acos(), f64::NEG_INFINITY),
        (var(1.0).atanh(), f64::INFINITY),
        (var(1.0).acosh(), f64::INFINITY),
        (var(0.0).cbrt(), f64::INFINITY),
    ] {
        assert_eq!(r.eps[0], want);
        assert_zero(r.eps[1], "domain edge, constant lane");
    }
}

#[test]
fn outside_the_domain_the_varying_lane_is_nan_and_the_constant_lane_zero() {
    let outside = [
        ("sqrt(-1)", var(-1.0).sqrt()),
        ("ln(-1)", var(-1.0).ln()),
        ("log2(-1)", var(-1.0).log2()),
        ("log10(-1)", var(-1.0).log10()),
        ("ln_1p(-2)", var(-2.0).ln_1p()),
        ("log(-1, 3)", var(-1.0).log(D::constant(3.0))),
        ("asin(2)", var(2.0).asin()),
        ("acos(-2)", var(-2.0).acos()),
        ("acosh(0.5)", var(0.5).acosh()),
        ("atanh(2)", var(2.0).atanh()),
        ("(-2)^0.5", var(-2.0).powf(D::constant(0.5))),
    ];
    for (name, r) in outside {
        assert!(r.re.is_nan() && r.eps[0].is_nan(), "{name}: {r:?}");
        assert_zero(r.eps[1], "outside the domain, constant lane");
    }
}

// ---- x.powf(c) with a constant exponent

#[test]
fn square_by_powf_at_zero_has_derivative_zero() {
    // d/dx x^2.0 = 2x = 0 at x = 0, never NaN from the ln x term.
    for r in [var(0.0).powf(D::constant(2.0)), var(0.0).pow(2.0), var(0.0).pow(D::constant(2.0))] {
        assert_eq!(r.re, 0.0);
        assert_eq!(r.eps, [0.0, 0.0]);
    }
}

#[test]
fn powf_of_a_negative_base_with_integral_exponent() {
    // (−2)^3 = −8, d/dx x³ = 3x² = 12.
    let r = var(-2.0).powf(D::constant(3.0));
    assert_eq!(r.re, -8.0);
    assert_eq!(r.eps, [12.0, 0.0]);
    // With the exponent varying in lane 1 instead: lane 0 is still 12, and
    // lane 1 (∂/∂y = x^y·ln x, ln of a negative number) is NaN.
    let [x, y] = Dual::variables([-2.0, 3.0]);
    let r = x.powf(y);
    assert_eq!(r.re, -8.0);
    assert_eq!(r.eps[0], 12.0);
    assert!(r.eps[1].is_nan());
}

#[test]
fn powf_with_both_varying_at_zero_base_takes_the_limit() {
    // ∂/∂y 0^y = 0 for y > 0 (x^y·ln x → 0), and ∂/∂x 0^2 = 0.
    let [x, y] = Dual::variables([0.0, 2.0]);
    let r = x.powf(y);
    assert_eq!(r.re, 0.0);
    assert_eq!(r.eps, [0.0, 0.0]);
    // √x as x^0.5 at 0: infinite where x varies, 0 where it does not.
    let r = var(0.0).powf(D::constant(0.5));
    assert_eq!(r.eps[0], f64::INFINITY);
    assert_zero(r.eps[1], "x^0.5 at 0, constant lane");
}

#[test]
fn powf_with_exponent_zero_or_one() {
    let r = var(0.0).powf(D::constant(0.0));
    assert_eq!((r.re, r.eps), (1.0, [0.0, 0.0]));
    let r = var(-3.0).powf(D::constant(1.0));
    assert_eq!((r.re, r.eps), (-3.0, [1.0, 0.0]));
}

// ---- x.powi(n)

#[test]
fn powi_at_zero() {
    let at0 = |n: i32| var(0.0).powi(n);
    assert_eq!((at0(0).re, at0(0).eps), (1.0, [0.0, 0.0]));
    assert_eq!((at0(1).re, at0(1).eps), (0.0, [1.0, 0.0]));
    assert_eq!((at0(2).re, at0(2).eps), (0.0, [0.0, 0.0]));
    assert_eq!((at0(3).re, at0(3).eps), (0.0, [0.0, 0.0]));
    // 1/x at 0: −∞ where x varies, 0 where it does not.
    let r = at0(-1);
    assert_eq!(r.re, f64::INFINITY);
    assert_eq!(r.eps[0], f64::NEG_INFINITY);
    assert_zero(r.eps[1], "powi(0, -1), constant lane");
}

#[test]
fn powi_with_extreme_exponents() {
    // n·x^(n−1) also for i32::MIN, whose n − 1 does not exist.
    let r = var(1.0).powi(i32::MIN);
    assert_eq!(r.re, 1.0);
    assert_eq!(r.eps[0], i32::MIN as f64);
    let r = var(1.0).powi(i32::MAX);
    assert_eq!(r.eps[0], i32::MAX as f64);
}

#[test]
fn square_at_1e200_has_a_finite_derivative() {
    // x² overflows, (x²)' = 2x = 2e200 does not: no k·value/x.
    let x = var(1e200);
    for (name, r) in
        [("x*x", x * x), ("powi(2)", x.powi(2)), ("powf(2.0)", x.powf(D::constant(2.0)))]
    {
        assert_eq!(r.re, f64::INFINITY, "{name}");
        assert_eq!(r.eps, [2e200, 0.0], "{name}");
    }
    // x³ at 1e120 overflows (1e360), its derivative 3x² = 3e240 does not.
    let r = var(1e120).powi(3);
    assert_eq!(r.re, f64::INFINITY);
    assert!((r.eps[0] - 3e240).abs() <= 1e-15 * 3e240);
}

// ---- hypot and atan2 at the origin

#[test]
fn hypot_at_the_origin_has_zero_partials() {
    let [x, y] = Dual::<f64, 2>::variables([0.0, 0.0]);
    let r = x.hypot(y);
    assert_eq!(r.re, 0.0);
    assert_eq!(r.eps, [0.0, 0.0]);
    // Written out as √(x² + y²): the tangent of x² + y² is exactly 0 at the
    // origin, so √'s infinite slope meets only zero lanes and the gradient
    // is 0, not NaN.
    let n = (x * x + y * y).sqrt();
    assert_eq!(n.re, 0.0);
    assert_eq!(n.eps, [0.0, 0.0]);
}

#[test]
fn atan2_at_the_origin_is_nan_where_it_varies_and_zero_elsewhere() {
    let y: Dual<f64, 3> = Dual::new(0.0, [1.0, 0.0, 0.0]);
    let x: Dual<f64, 3> = Dual::new(0.0, [0.0, 1.0, 0.0]);
    let r = y.atan2(x);
    assert_eq!(r.re.to_bits(), 0.0f64.atan2(0.0).to_bits());
    assert!(r.eps[0].is_nan() && r.eps[1].is_nan());
    assert_zero(r.eps[2], "atan2(0, 0), constant lane");
}

// ---- piecewise functions and their ties

#[test]
fn abs_at_signed_zeros_follows_the_sign_bit() {
    let p = Dual::<f64, 1>::new(0.0, [3.0]).abs();
    let m = Dual::<f64, 1>::new(-0.0, [3.0]).abs();
    assert_eq!(p.re.to_bits(), 0.0f64.to_bits());
    assert_eq!(m.re.to_bits(), 0.0f64.to_bits());
    assert_eq!(p.eps, [3.0]);
    assert_eq!(m.eps, [-3.0]);
    assert_eq!(Dual::<f64, 1>::new(-2.0, [3.0]).abs().eps, [-3.0]);
}

#[test]
fn signum_has_derivative_zero_everywhere() {
    for x in [-3.0, -0.0, 0.0, 5.0] {
        let r = var(x).signum();
        assert_eq!(r.re.to_bits(), x.signum().to_bits(), "signum({x})");
        assert_eq!(r.eps, [0.0, 0.0], "signum'({x})");
    }
}

#[test]
fn max_and_min_at_a_tie_average_the_tangents() {
    let a: D = Dual::new(1.0, [2.0, 0.0]);
    let b: D = Dual::new(1.0, [0.0, 4.0]);
    for r in [a.max(b), b.max(a), a.min(b), b.min(a)] {
        assert_eq!(r.re, 1.0);
        assert_eq!(r.eps, [1.0, 2.0]);
    }
    // Away from a tie the chosen tangent is copied exactly.
    let c: D = Dual::new(1.5, [0.1, 0.3]);
    assert_eq!(a.max(c).eps, c.eps);
    assert_eq!(c.max(a).eps, c.eps);
    assert_eq!(a.min(c).eps, a.eps);
    assert_eq!(c.min(a).eps, a.eps);
}

#[test]
fn max_and_min_ignore_a_nan_argument_as_plain_t_does() {
    let x: D = Dual::new(1.0, [2.0, 3.0]);
    let nan: D = Dual::new(f64::NAN, [5.0, 7.0]);
    for (name, r) in [("max(x, NaN)", x.max(nan)), ("max(NaN, x)", nan.max(x))] {
        assert_eq!(r.re, 1.0f64.max(f64::NAN), "{name}");
        assert_eq!(r.eps, x.eps, "{name}: the tangent of the value kept");
    }
    for (name, r) in [("min(x, NaN)", x.min(nan)), ("min(NaN, x)", nan.min(x))] {
        assert_eq!(r.re, 1.0f64.min(f64::NAN), "{name}");
        assert_eq!(r.eps, x.eps, "{name}: the tangent of the value kept");
    }
}

#[test]
fn clamp_passes_the_input_through_at_the_bounds() {
    let lo: D = Dual::new(-1.0, [0.0, 5.0]);
    let hi: D = Dual::new(2.0, [0.0, 7.0]);
    for x in [-1.0, 2.0, 0.5] {
        let r = var(x).clamp(lo, hi);
        assert_eq!(r.re, x);
        assert_eq!(r.eps, [1.0, 0.0], "clamp at {x}");
    }
    let below = var(-3.0).clamp(lo, hi);
    assert_eq!((below.re, below.eps), (-1.0, lo.eps));
    let above = var(3.0).clamp(lo, hi);
    assert_eq!((above.re, above.eps), (2.0, hi.eps));
}

#[test]
fn abs_sub_at_a_tie_is_zero() {
    let [x, y] = Dual::<f64, 2>::variables([1.5, 1.5]);
    let r = x.abs_sub(y);
    assert_eq!((r.re, r.eps), (0.0, [0.0, 0.0]));
    let r = Dual::<f64, 2>::variables([2.5, 1.5]);
    assert_eq!(r[0].abs_sub(r[1]).eps, [1.0, -1.0]);
    assert_eq!(r[1].abs_sub(r[0]).eps, [0.0, 0.0]);
}

#[test]
fn rounding_functions_have_derivative_zero_also_at_the_jumps() {
    let below_two = 2.0f64.next_down();
    for x in [2.0, below_two, 2.5, -2.5, -0.0, 3.5] {
        for (name, r, plain) in [
            ("floor", var(x).floor(), x.floor()),
            ("ceil", var(x).ceil(), x.ceil()),
            ("round", var(x).round(), x.round()),
            ("trunc", var(x).trunc(), x.trunc()),
        ] {
            assert_eq!(r.re.to_bits(), plain.to_bits(), "{name}({x})");
            assert_eq!(r.eps, [0.0, 0.0], "{name}'({x})");
        }
    }
    // The jump itself is in the value: floor(2 − ulp) = 1, floor(2) = 2.
    assert_eq!(var(below_two).floor().re, 1.0);
}

#[test]
fn fract_has_derivative_one_also_at_the_jumps() {
    for x in [2.0, 2.0f64.next_down(), -1.25] {
        let r = var(x).fract();
        assert_eq!(r.re.to_bits(), x.fract().to_bits());
        assert_eq!(r.eps, [1.0, 0.0]);
    }
}

#[test]
fn remainder_has_partials_one_and_minus_the_truncated_quotient() {
    let rem = |a: f64, b: f64| {
        let [x, y] = Dual::<f64, 2>::variables([a, b]);
        let r = x % y;
        assert_eq!(r.re.to_bits(), (a % b).to_bits(), "{a} % {b}");
        r.eps
    };
    assert_eq!(rem(7.5, 2.0), [1.0, -3.0]);
    assert_eq!(rem(-7.5, 2.0), [1.0, 3.0]);
    assert_eq!(rem(7.5, -2.0), [1.0, 3.0]);
    assert_eq!(rem(1.5, 2.0), [1.0, -0.0]);
}

#[test]
fn remainder_where_the_quotient_rounds_across_an_integer() {
    // The double 0.1 is slightly above 1/10, so 1/0.1 is truly 9.99…, whose
    // trunc is 9, although the rounded quotient 1.0 / 0.1 is exactly 10.
    let (a, b) = (1.0f64, 0.1f64);
    assert_eq!(a / b, 10.0);
    assert!(a % b > 0.09, "fmod sees the true quotient 9.99…");
    let [x, y] = Dual::<f64, 2>::variables([a, b]);
    let r = x % y;
    assert_eq!(r.re.to_bits(), (a % b).to_bits());
    assert_eq!(r.eps, [1.0, -9.0]);
    // The same with the scalar on the left: ∂/∂b (1 % b) = −9.
    let r = 1.0 % Dual::<f64, 1>::variable(0.1, 0);
    assert_eq!(r.eps, [-9.0]);
    // And in the other direction: 3 % (1/3) where 3/(1/3) is just under 9.
    let third = 1.0f64 / 3.0;
    let q = (3.0 - 3.0 % third) / third;
    let [x, y] = Dual::<f64, 2>::variables([3.0, third]);
    assert_eq!((x % y).eps, [1.0, -q.round()]);
}

#[test]
fn copysign_flips_the_tangent_with_the_sign() {
    let s_neg: D = Dual::new(-2.0, [0.0, 9.0]);
    let s_pos: D = Dual::new(0.0, [0.0, 9.0]);
    let r = var(3.0).copysign(s_neg);
    assert_eq!((r.re, r.eps), (-3.0, [-1.0, 0.0]));
    let r = var(3.0).copysign(s_pos);
    assert_eq!((r.re, r.eps), (3.0, [1.0, 0.0]));
    let r = var(-3.0).copysign(s_pos);
    assert_eq!((r.re, r.eps), (3.0, [-1.0, 0.0]));
    // The sign of −0 counts.
    let r = var(3.0).copysign(D::constant(-0.0));
    assert_eq!((r.re, r.eps), (-3.0, [-1.0, 0.0]));
}

// ---- comparisons, zero tests, formatting, panics

#[test]
fn comparisons_look_at_values_only() {
    let a: D = Dual::new(1.0, [5.0, 0.0]);
    let b: D = Dual::new(1.0, [-3.0, 2.0]);
    let c: D = Dual::new(2.0, [-100.0, 0.0]);
    assert!(a == b);
    assert!(a != c);
    assert!(a < c);
    assert!(c > a);
    assert!(a <= b);
    assert!(a >= b);
    assert_eq!(a.partial_cmp(&b), Some(std::cmp::Ordering::Equal));
    assert_eq!(a.partial_cmp(&c), Some(std::cmp::Ordering::Less));
    assert_eq!(a.partial_cmp(&D::constant(f64::NAN)), None);
    assert!(D::constant(f64::NAN) != D::constant(f64::NAN));
    assert!(D::constant(0.0) == D::constant(-0.0));
}

#[test]
fn is_zero_is_structural() {
    assert!(D::zero().is_zero());
    assert!(D::constant(0.0).is_zero());
    assert!(Dual::new(-0.0, [0.0, -0.0]).is_zero());
    assert!(!Dual::new(0.0, [0.0, 1.0]).is_zero(), "a varying zero is not zero");
    assert!(!D::constant(1e-300).is_zero());
    // Yet it compares equal to zero.
    assert!(Dual::new(0.0, [0.0, 1.0]) == D::zero());
}

#[test]
fn is_one_is_structural_like_is_zero() {
    // `if x.is_one() { return y }` must not drop the derivative of x.
    assert!(D::one().is_one());
    assert!(D::constant(1.0).is_one());
    assert!(!D::variable(1.0, 0).is_one(), "a varying one is not one");
    assert!(!D::constant(2.0).is_one());
}

#[test]
fn display_matches_the_documented_form() {
    let x = Dual::new(1.5, [0.5, 1.0]);
    assert_eq!(format!("{x}"), "1.5 + [0.5, 1]ε");
    assert_eq!(format!("{x:.3}"), "1.500 + [0.500, 1.000]ε");
    assert_eq!(format!("{:+.1}", Dual::new(-1.0, [2.0])), "-1.0 + [+2.0]ε");
    assert_eq!(format!("{}", Dual::<f64, 0>::constant(2.0)), "2 + []ε");
    assert_eq!(format!("{}", Dual::new(1.0f32, [-0.25f32])), "1 + [-0.25]ε");
}

#[test]
#[should_panic(expected = "index 2 is out of range for a tangent of width N = 2")]
fn variable_out_of_range_panics_naming_i_and_n() {
    let _ = D::variable(1.0, 2);
}

#[test]
#[should_panic(expected = "index 7 is out of range for a tangent of width N = 3")]
fn partial_out_of_range_panics_naming_i_and_n() {
    let _ = Dual::<f64, 3>::variable(1.0, 0).partial(7);
}

#[test]
fn zero_coefficient_or_infinite_scalar_keeps_zero_lanes() {
    // Multiplying by an infinite constant: lanes that are 0 stay 0.
    let r = var(2.0) * f64::INFINITY;
    assert_eq!(r.eps[0], f64::INFINITY);
    assert_zero(r.eps[1], "x·∞, constant lane");
    let r = var(2.0) / 0.0;
    assert_zero(r.eps[1], "x/0, constant lane");
    let r = 1.0 / var(0.0);
    assert_eq!(r.eps[0], f64::NEG_INFINITY);
    assert_zero(r.eps[1], "1/x at 0, constant lane");
}

/// `x` of width `N` varying in every third lane (lanes `3k` carry `k + 1`,
/// the others are exactly zero), and a lifted constant `c` of the same
/// width, as generic code writes it (`T::from`).
fn spaced<const N: usize>(x: f64, c: f64) -> (Dual<f64, N>, Dual<f64, N>) {
    let eps = core::array::from_fn(|i| if i % 3 == 0 { (i / 3 + 1) as f64 } else { 0.0 });
    (Dual::new(x, eps), <Dual<f64, N> as num_traits::NumCast>::from(c).unwrap())
}

/// Products and quotients with a constant operand whose value is not
/// finite, at every kernel width (one lane; the select up to 32 bytes; the
/// coefficient test above it; the in-place large path above 256 bytes):
/// a lane that is zero in the varying operand stays exactly zero, a
/// varying lane is the plain product, and two constants stay a constant.
fn constant_products_at<const N: usize>() {
    for c in [f64::INFINITY, f64::NEG_INFINITY, f64::NAN] {
        let (x, k) = spaced::<N>(1.5, c);
        for (what, r) in [("c·x", k * x), ("x·c", x * k), ("x/0", x / spaced::<N>(0.0, 0.0).1)] {
            for (i, (&ri, &xi)) in r.eps.iter().zip(&x.eps).enumerate() {
                if xi == 0.0 {
                    assert_zero(ri, &format!("N = {N}, {what} at c = {c}, lane {i}"));
                } else if what == "x/0" {
                    assert_eq!(ri, xi / 0.0, "N = {N}, {what}, lane {i}");
                } else if c.is_nan() {
                    assert!(ri.is_nan(), "N = {N}, {what} at c = {c}, lane {i}: {ri}");
                } else {
                    assert_eq!(ri, c * xi, "N = {N}, {what} at c = {c}, lane {i}");
                }
            }
        }
        let (_, two) = spaced::<N>(0.0, 2.0);
        assert!((k * two).is_constant() && (two * k).is_constant(), "N = {N}, c = {c}");
    }
}

#[test]
fn constant_operand_products_at_non_finite_values_keep_zero_lanes() {
    constant_products_at::<1>();
    constant_products_at::<2>();
    constant_products_at::<4>();
    constant_products_at::<8>();
    constant_products_at::<16>();
    constant_products_at::<64>();
}
