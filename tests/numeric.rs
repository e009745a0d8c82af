//! Central differences: their error order (O(h²) truncation, O(ε^(2/3)) at
//! the chosen step), agreement with the hand-written derivatives, and the
//! gradient checker's report.

use dualnum::numeric;
use dualnum::test_functions::*;
use nalgebra::DMatrix;
use quickcheck::quickcheck;

/// The best accuracy central differences can reach, `ε^(2/3)`.
fn eps23() -> f64 {
    f64::EPSILON.powf(2.0 / 3.0)
}

fn bounded(v: f64) -> f64 {
    if v.is_finite() { v % 2.0 } else { 0.5 }
}

#[test]
fn step_scales_with_the_coordinate() {
    let e3 = f64::EPSILON.cbrt();
    assert_eq!(numeric::step(0.0), e3);
    assert_eq!(numeric::step(-0.5), e3);
    assert_eq!(numeric::step(-250.0), 250.0 * e3);
    assert_eq!(numeric::step(1.0f32), f32::EPSILON.cbrt());
}

#[test]
fn truncation_error_is_second_order() {
    // halving h divides the error by 4 while truncation dominates
    let x = 0.7;
    let exact = transcendental_derivative(x);
    let err = |h: f64| (numeric::derivative_with_step(transcendental, x, h).1 - exact).abs();
    for h in [0.04, 0.02, 0.01] {
        let ratio = err(h) / err(h / 2.0);
        assert!((3.8..4.2).contains(&ratio), "h = {h}: ratio {ratio}");
    }
}

#[test]
fn derivative_reaches_the_expected_order() {
    // f''' by nesting the forward driver three times
    let d3 = |x: f64| {
        dualnum::derivative(
            |a| dualnum::derivative(|b| dualnum::derivative(transcendental, b).1, a).1,
            x,
        )
        .1
    };
    for x in [-2.5f64, -0.3, 0.0, 0.7, 1.9, 40.0] {
        let (fx0, d) = numeric::derivative(transcendental, x);
        assert_eq!(fx0, transcendental(x));
        let exact = transcendental_derivative(x);
        // truncation h²·|f'''|/6 plus rounding of a few ulps of f over 2h
        let h = numeric::step(x);
        let fx = transcendental(x).abs().max(1.0);
        let bound = 1.5 * h * h * d3(x).abs() / 6.0 + 10.0 * f64::EPSILON * fx / h;
        assert!((d - exact).abs() <= bound, "x = {x}: {d} vs {exact}, bound {bound}");
        // which is O(ε^(2/3)) for a well-scaled function
        if x.abs() < 2.0 {
            assert!(bound <= 100.0 * eps23() * exact.abs().max(1.0));
        }
    }
    // and is far from exact at a careless fixed step
    let (_, coarse) = numeric::derivative_with_step(transcendental, 0.7f64, 1e-3);
    assert!((coarse - transcendental_derivative(0.7)).abs() > 100.0 * eps23());
}

#[test]
fn jacobian_matches_hand_written() {
    let x = [0.3, -1.1, 0.7, 1.9];
    let (fx, j) = numeric::jacobian_inplace(map_r4_r3, &x, 3);
    let mut want_fx = [0.0; 3];
    map_r4_r3(&x, &mut want_fx);
    assert_eq!(fx.as_slice(), &want_fx);
    let mut want = [0.0; 12];
    map_r4_r3_jacobian(&x, &mut want);
    let want = DMatrix::from_row_slice(3, 4, &want);
    assert!((&j - &want).amax() <= 100.0 * eps23() * want.amax(), "{j}{want}");

    let (_, j2) = numeric::jacobian(
        |x| {
            let mut out = vec![0.0; 3];
            map_r4_r3(x, &mut out);
            out
        },
        &x,
    );
    assert_eq!(j, j2);

    let x: Vec<f64> = (0..7).map(|i| 0.3 * i as f64 - 1.0).collect();
    let (_, j) = numeric::jacobian_inplace(broyden_exp_sin, &x, 7);
    let mut want = vec![0.0; 49];
    broyden_exp_sin_jacobian(&x, &mut want);
    let want = DMatrix::from_row_slice(7, 7, &want);
    assert!((&j - &want).amax() <= 100.0 * eps23() * want.amax());
}

#[test]
#[should_panic(
    expected = "numeric::jacobian: the function returned 2 outputs on its first evaluation but 1"
)]
fn jacobian_panics_when_the_output_length_changes() {
    let _ = numeric::jacobian(|x| vec![x[0]; if x[0] > 1.0 { 1 } else { 2 }], &[1.0, 2.0]);
}

#[test]
fn checker_flags_a_wrong_gradient() {
    let x = [1.2f64, -0.7, 0.4, 2.1, -1.3];
    let mut g = [0.0; 5];
    rosenbrock_gradient(&x, &mut g);
    let good = numeric::check_gradient(rosenbrock, &x, &g);
    assert!(good.passes(1e-7), "{good}");
    assert_eq!(good.len, 5);

    // a typical bug: one term of one component dropped
    let mut bad = g;
    bad[3] -= 200.0 * (x[3] - x[2] * x[2]);
    let report = numeric::check_gradient(rosenbrock, &x, &bad);
    assert_eq!(report.index, 3);
    assert!(!report.passes(1e-3));
    assert_eq!(report.analytic, bad[3]);
    assert!((report.numeric - g[3]).abs() <= 1e-6 * g[3].abs());
    assert!((report.abs_error - (bad[3] - report.numeric).abs()).abs() <= 1e-12);
    assert!(report.rel_error > 0.01);
    let text = report.to_string();
    assert!(text.contains("worst is [3]"), "{text}");

    // a NaN in the gradient is always the worst and never passes
    let mut nan = g;
    nan[1] = f64::NAN;
    let report = numeric::check_gradient(rosenbrock, &x, &nan);
    assert_eq!(report.index, 1);
    assert!(!report.passes(1.0));
}

#[test]
#[should_panic(expected = "the gradient has 2 components but x has 3")]
fn checker_panics_on_a_length_mismatch() {
    let _ = numeric::check_gradient(|x| x[0], &[1.0, 2.0, 3.0], &[1.0, 0.0]);
}

quickcheck! {
    fn numeric_gradient_matches_hand_written(a: f64, b: f64, c: f64, d: f64) -> bool {
        let x = [bounded(a), bounded(b), bounded(c), bounded(d)];
        let mut ok = true;
        for (f, df) in [
            (rosenbrock::<f64> as fn(&[f64]) -> f64, rosenbrock_gradient::<f64> as fn(&[f64], &mut [f64])),
            (log_sum_exp, log_sum_exp_gradient),
            (sin_exp_sum, sin_exp_sum_gradient),
        ] {
            let mut g = [0.0; 4];
            df(&x, &mut g);
            let (_, num) = numeric::gradient(f, &x);
            let scale = f(&x).abs().max(g.iter().fold(1.0, |m, v| v.abs().max(m)));
            ok &= num.iter().zip(&g).all(|(n, e)| (n - e).abs() <= 1e3 * eps23() * scale);
            ok &= numeric::check_gradient(f, &x, &g).passes(1e-6);
        }
        let z = [bounded(a), bounded(b)];
        let mut gz = [0.0; 2];
        lecture_z_gradient(&z, &mut gz);
        ok && numeric::check_gradient(lecture_z, &z, &gz).passes(1e-6)
    }
}
