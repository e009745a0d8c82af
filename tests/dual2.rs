//! The second-order number `Dual2` (issue 17, item 3): the Hessian drivers
//! on it against nested duals over random points of the crate's test
//! functions, its zero-stays-zero policy at singular points, symmetry, and
//! its panics. The rule table itself is checked against nested duals in
//! `rule_table.rs`.

use dualnum::test_functions::*;
use dualnum::{Dual, Dual2, Function};
use nalgebra::{SMatrix, SVector, vector};
use num_traits::Float;
use quickcheck::{QuickCheck, TestResult};

/// The Hessian by nesting: the Jacobian of the gradient, as `hessian`
/// computed it before `Dual2`.
fn nested<const N: usize>(
    f: impl Fn(&[Dual<Dual<f64, N>, N>]) -> Dual<Dual<f64, N>, N>,
    x: &SVector<f64, N>,
) -> (f64, SVector<f64, N>, SMatrix<f64, N, N>) {
    let mut fx = 0.0;
    let (g, h) = dualnum::jacobian(
        |xd: SVector<Dual<f64, N>, N>| {
            let (y, g) = dualnum::gradient(|v| f(v.as_slice()), &xd);
            fx = y.re;
            g
        },
        x,
    );
    (fx, g, h)
}

/// Equal values, gradients and Hessians to a few roundings of the largest
/// entry.
fn agree<const N: usize>(
    a: &(f64, SVector<f64, N>, SMatrix<f64, N, N>),
    b: &(f64, SVector<f64, N>, SMatrix<f64, N, N>),
) -> Result<(), String> {
    if a.0.to_bits() != b.0.to_bits() {
        return Err(format!("value {} against {}", a.0, b.0));
    }
    let gs = b.1.amax().max(1.0);
    if (a.1 - b.1).amax() > 1e-14 * gs {
        return Err(format!("gradient {} against {}", a.1, b.1));
    }
    let hs = b.2.amax().max(1.0);
    if (a.2 - b.2).amax() > 1e-13 * hs {
        return Err(format!("Hessian {} against {}", a.2, b.2));
    }
    if a.2 != a.2.transpose() {
        return Err(format!("Hessian not symmetric: {}", a.2));
    }
    Ok(())
}

struct LogSumExp;
impl Function for LogSumExp {
    fn eval<T: Float>(&self, x: &[T]) -> T {
        log_sum_exp(x)
    }
}

/// Maps an arbitrary f64 into [lo, hi].
fn into(u: f64, lo: f64, hi: f64) -> f64 {
    let t = if u.is_finite() { (u.sin() + 1.0) / 2.0 } else { 0.5 };
    lo + t * (hi - lo)
}

fn drivers_match_nesting(a: f64, b: f64, c: f64, d: f64) -> TestResult {
    let x4 =
        vector![into(a, -2.0, 2.0), into(b, -2.0, 2.0), into(c, -2.0, 2.0), into(d, -2.0, 2.0)];
    let x3 = vector![into(a, 0.2, 3.0), into(b, -2.0, 2.0), into(c, -2.0, 2.0)];
    let checks = [
        (
            "rosenbrock",
            agree(&dualnum::hessian(|x| rosenbrock(x.as_slice()), &x4), &nested(rosenbrock, &x4)),
        ),
        (
            "log_sum_exp",
            agree(&dualnum::hessian(|x| log_sum_exp(x.as_slice()), &x4), &nested(log_sum_exp, &x4)),
        ),
        (
            "log_sum_exp (fn object)",
            agree(&dualnum::hessian_of(&LogSumExp, &x4), &nested(log_sum_exp, &x4)),
        ),
        (
            "sin_exp_sum",
            agree(&dualnum::hessian(|x| sin_exp_sum(x.as_slice()), &x4), &nested(sin_exp_sum, &x4)),
        ),
        (
            "exp_sin_ln",
            agree(&dualnum::hessian(|x| exp_sin_ln(x.as_slice()), &x4), &nested(exp_sin_ln, &x4)),
        ),
        (
            "lecture_z",
            agree(&dualnum::hessian(|x| lecture_z(x.as_slice()), &x3), &nested(lecture_z, &x3)),
        ),
        (
            "mixed",
            agree(
                &dualnum::hessian(
                    |x| (x[0] / x[1].cosh()).atan2(x[2]) * x[0].hypot(x[2]).sqrt(),
                    &x3,
                ),
                &nested(|x| (x[0] / x[1].cosh()).atan2(x[2]) * x[0].hypot(x[2]).sqrt(), &x3),
            ),
        ),
    ];
    for (name, r) in checks {
        if let Err(e) = r {
            return TestResult::error(format!("{name} at {x4} / {x3}: {e}"));
        }
    }
    TestResult::passed()
}

#[test]
fn hessian_and_hessian_of_match_nested_duals_at_random_points() {
    QuickCheck::new()
        .tests(200)
        .quickcheck(drivers_match_nesting as fn(f64, f64, f64, f64) -> TestResult);
}

#[test]
fn hessian_matches_the_hand_written_hessians() {
    let x = vector![0.3, -1.2, 0.8, 1.7, -0.4, 0.9, 1.1, 0.2];
    let (fx, g, h) = dualnum::hessian(|x| rosenbrock(x.as_slice()), &x);
    let (mut gw, mut hw) = ([0.0; 8], [0.0; 64]);
    rosenbrock_gradient(x.as_slice(), &mut gw);
    rosenbrock_hessian(x.as_slice(), &mut hw);
    assert_eq!(fx, rosenbrock(x.as_slice()));
    assert!((g - SVector::from(gw)).amax() <= 1e-13 * g.amax());
    assert!((h - SMatrix::<f64, 8, 8>::from_column_slice(&hw)).amax() <= 1e-13 * h.amax());
    let (_, _, h) = dualnum::hessian(|x| log_sum_exp(x.as_slice()), &x);
    log_sum_exp_hessian(x.as_slice(), &mut hw);
    assert!((h - SMatrix::<f64, 8, 8>::from_column_slice(&hw)).amax() <= 1e-14);
}

// ---- zero stays zero: a singular term leaves the entries of inputs it does
// not involve exact (lane 0 singular, lanes 1 and 2 regular)

/// Asserts an entry is exactly zero (not NaN, not tiny).
#[track_caller]
fn zero(v: f64, what: &str) {
    assert!(v == 0.0, "{what}: expected 0, got {v:?}");
}

#[test]
fn a_singular_term_does_not_poison_other_entries() {
    type F = fn(Dual2<f64, 3>) -> Dual2<f64, 3>;
    // (name, singular term at x₀ = 0 (or overflow at x₀ = 800), its ∂₀, its ∂₀₀)
    let cases: [(&str, f64, F, f64, f64); 6] = [
        ("sqrt", 0.0, |x| x.sqrt(), f64::INFINITY, f64::NEG_INFINITY),
        ("ln", 0.0, |x| x.ln(), f64::INFINITY, f64::NEG_INFINITY),
        ("x^1.5", 0.0, |x| x.powf(1.5), 0.0, f64::INFINITY),
        ("cbrt", 0.0, |x| x.cbrt(), f64::INFINITY, f64::NEG_INFINITY),
        ("exp overflow", 800.0, |x| x.exp(), f64::INFINITY, f64::INFINITY),
        ("asin at 1", 1.0, |x| x.asin(), f64::INFINITY, f64::INFINITY),
    ];
    for (name, x0, f, d, d2) in cases {
        let [x, y, z] = Dual2::variables([x0, 1.5, -0.5]);
        let r = f(x) + y * y * z;
        assert_eq!(r.partial(0), d, "{name}: ∂₀");
        assert_eq!(r.partial2(0, 0), d2, "{name}: ∂₀₀");
        for (i, j) in [(0, 1), (0, 2), (1, 0), (2, 0)] {
            zero(r.partial2(i, j), &format!("{name}: ∂{i}∂{j}"));
        }
        assert_eq!((r.partial(1), r.partial(2)), (-1.5, 2.25), "{name}: gradient");
        assert_eq!(r.hessian()[1], [0.0, -1.0, 3.0], "{name}: row 1");
        assert_eq!(r.partial2(2, 2), 0.0, "{name}: ∂₂₂");
    }
}

#[test]
fn a_constant_under_a_singular_function_contributes_nothing() {
    let c = Dual2::<f64, 2>::constant(0.0);
    for r in [c.sqrt(), c.ln(), c.cbrt(), c.powf(0.5), c.recip()] {
        assert!(r.is_constant(), "{r:?}");
    }
    // A product with an infinite value keeps the zero lanes of the finite factor.
    let [x, y] = Dual2::variables([2.0, 0.0]);
    let r = x * Dual2::constant(f64::INFINITY) + y;
    assert_eq!(r.gradient(), [f64::INFINITY, 1.0]);
    assert_eq!(r.hessian(), [[0.0; 2]; 2]);
}

#[test]
fn singular_curvature_with_a_vanishing_slope_stays_zero_off_the_diagonal() {
    // √(x₀² + x₁) at (0, 0): ȧ = (0, 1), ä₀₀ = 2; √'' = −∞. The mixed entry
    // multiplies −∞ by ȧ₀ = 0 and stays 0 (nested duals give NaN on one side
    // of the diagonal and 0 on the other here).
    let [x, y] = Dual2::variables([0.0, 0.0]);
    let r = (x * x + y).sqrt();
    zero(r.partial2(0, 1), "∂₀∂₁");
    assert_eq!(r.partial2(1, 1), f64::NEG_INFINITY);
}

#[test]
fn hessian_driver_keeps_the_policy() {
    let x = vector![0.0, 3.0];
    let (v, g, h) = dualnum::hessian(|x| x[0].powf(1.5) + x[1] * x[1], &x);
    assert_eq!((v, g), (9.0, vector![0.0, 6.0]));
    assert_eq!((h[(1, 1)], h[(0, 1)], h[(1, 0)]), (2.0, 0.0, 0.0));
    assert_eq!(h[(0, 0)], f64::INFINITY);
    // Exact zeros come out as +0, as from every driver.
    let (_, g, h) = dualnum::hessian(|x| x[0] * 2.0 + x[1].sin(), &vector![1.0f64, 0.0]);
    assert!(g[0].is_sign_positive() && h.iter().all(|v| v.is_sign_positive() || *v < 0.0));
    assert_eq!(h[(0, 1)].to_bits(), 0.0f64.to_bits());
}

// ---- accessors, formatting, panics

#[test]
fn accessors_and_formatting() {
    let [x, y] = Dual2::variables([1.5, 2.0]);
    let f = x * x * y;
    assert_eq!(f.value(), 4.5);
    assert_eq!(f.gradient(), [6.0, 2.25]);
    assert_eq!(f.hessian(), [[4.0, 3.0], [3.0, 0.0]]);
    assert_eq!(f.partial2(1, 0), f.partial2(0, 1));
    assert_eq!(format!("{:.1}", f), "4.5 + [6.0, 2.2]∇ + [[4.0, 3.0], [3.0, 0.0]]∇²");
    assert!(format!("{:?}", Dual2::<f64, 1>::constant(1.0)).contains("gradient: [0.0]"));
    assert!(f > 4.0 && 5.0 > f && f == 4.5 && f != y);
}

#[test]
#[should_panic(expected = "Dual2::variable: index 2 is out of range for 2 variables")]
fn variable_out_of_range_panics() {
    let _ = Dual2::<f64, 2>::variable(1.0, 2);
}

#[test]
#[should_panic(expected = "Dual2::partial2: index (0, 3) is out of range for 3 variables")]
fn partial2_out_of_range_panics() {
    let _ = Dual2::<f64, 3>::constant(1.0).partial2(0, 3);
}

#[test]
fn nalgebra_code_runs_on_dual2() {
    // ∇²‖x‖ = (I − x̂x̂ᵀ)/‖x‖
    let x = vector![1.0, -2.0, 2.0];
    let (n, g, h) = dualnum::hessian(|x| x.norm(), &x);
    assert_eq!(n, 3.0);
    assert!((g - x / 3.0).amax() < 1e-15);
    let want = (SMatrix::<f64, 3, 3>::identity() - x * x.transpose() / 9.0) / 3.0;
    assert!((h - want).amax() < 1e-15);
}
