//! Jets nested with duals both ways, literals at every depth, and jets as
//! nalgebra scalars.
//!
//! `f(x; p) = e^{p·x}` has Taylor coefficients in `x`
//! `cₖ = pᵏ·e^{px}/k!` and `∂cₖ/∂p = (k·p^{k−1} + x·pᵏ)·e^{px}/k!`:
//! `Jet<Dual<f64, 1>, K>` (the gradient of every coefficient) and
//! `Dual<Jet<f64, K>, 1>` (the series of the gradient) must both give
//! these, and agree with each other.

use dualnum::{Dual, Jet, Real};
use nalgebra::{Matrix3, Vector3};
use num_traits::Float;

fn fact(k: usize) -> f64 {
    (1..=k).product::<usize>() as f64
}

fn f<T: Real>(x: T, p: T) -> T {
    (p * x).exp() * 1.0 + x * 0.0
}

#[test]
fn jet_of_duals_gives_the_gradient_of_every_coefficient() {
    let (x, p) = (0.6, 1.3);
    let xj = Jet::<Dual<f64, 1>, 6>::variable(Dual::constant(x));
    let pj = Jet::<Dual<f64, 1>, 6>::constant(Dual::variable(p, 0));
    let y = f(xj, pj);
    for k in 0..=6 {
        let ck = y.coefficient(k);
        let kf = k as f64;
        let want = p.powi(k as i32) * (p * x).exp() / fact(k);
        let dwant = (kf * p.powi(k as i32 - 1) + x * p.powi(k as i32)) * (p * x).exp() / fact(k);
        assert!((ck.value() - want).abs() < 1e-14 * want.abs().max(1.0), "c{k}");
        assert!((ck.partial(0) - dwant).abs() < 1e-13 * dwant.abs().max(1.0), "∂c{k}/∂p");
    }
}

#[test]
fn dual_of_jets_gives_the_series_of_the_gradient() {
    let (x, p) = (0.6, 1.3);
    let xd = Dual::<Jet<f64, 6>, 1>::constant(Jet::variable(x));
    let pd = Dual::<Jet<f64, 6>, 1>::variable(Jet::constant(p), 0);
    let y = f(xd, pd);
    let yj =
        f(Jet::<Dual<f64, 1>, 6>::variable(Dual::constant(x)), Jet::constant(Dual::variable(p, 0)));
    for k in 0..=6 {
        let (a, b) = (y.partial(0).coefficient(k), yj.coefficient(k).partial(0));
        assert!((a - b).abs() < 1e-13 * b.abs().max(1.0), "∂c{k}/∂p: {a} vs {b}");
        assert_eq!(y.value().coefficient(k), yj.coefficient(k).value());
    }
}

#[test]
fn literals_at_every_depth() {
    let x = Jet::<f64, 3>::variable(2.0);
    let y = 3.0 * x * 2.0 + 1.0 - x / 4.0 + (x % 1.5);
    assert!(y > 0.0 && 100.0 > y && y == y.value());
    let n = Jet::<Dual<f64, 2>, 3>::variable(Dual::variable(2.0, 1));
    let m = 2.0 * n + 1.0;
    assert_eq!(m.value().value(), 5.0);
    assert_eq!(m.coefficient(1).value(), 2.0);
    assert_eq!(m.value().partial(1), 2.0);
    let d = Dual::<Jet<f64, 3>, 2>::variable(Jet::variable(2.0), 0);
    let e = d * 0.5 - 1.0;
    assert_eq!(e.value().coefficient(1), 0.5);
    assert!(e < 1.0 && e == 0.0);
    let mut a = x;
    a += 1.0;
    a *= 2.0;
    assert_eq!(a.coefficient(1), 2.0);
}

#[test]
fn jets_as_nalgebra_scalars() {
    // (A + tB)⁻¹ = Σₖ (−A⁻¹B)ᵏ A⁻¹ tᵏ, and a solve through LU gives it.
    let a = Matrix3::new(4.0, 1.0, 0.5, 1.0, 3.0, 0.2, 0.5, 0.2, 2.0);
    let b = Matrix3::new(0.3, -0.1, 0.0, 0.2, 0.1, 0.4, -0.2, 0.0, 0.5);
    let rhs = Vector3::new(1.0, -2.0, 0.5);
    let m = Matrix3::from_fn(|i, j| Jet::<f64, 4>::new(a[(i, j)], [b[(i, j)], 0.0, 0.0, 0.0]));
    let r = rhs.map(Jet::<f64, 4>::constant);
    let x = m.lu().solve(&r).unwrap();
    let ainv = a.try_inverse().unwrap();
    let mut term = ainv * rhs;
    for k in 0..=4 {
        for i in 0..3 {
            assert!((x[i].coefficient(k) - term[i]).abs() < 1e-13, "t^{k}, row {i}");
        }
        term = -(ainv * b) * term;
    }
    // det(A + tB) to order 3 against the closed form of a 3×3 determinant
    let det = m.determinant();
    let dj = |t: f64| (a + b * t).determinant();
    let h = 1e-3;
    let d1 = (dj(h) - dj(-h)) / (2.0 * h);
    assert!((det.coefficient(1) - d1).abs() < 1e-5);
    assert_eq!(det.value(), m.map(|e| e.value()).determinant());
    // jets of duals in a matrix
    let md = m.map(|e| Jet::<Dual<f64, 1>, 4>::new(Dual::constant(e.re), e.c.map(Dual::constant)));
    assert!((md.determinant().coefficient(2).value() - det.coefficient(2)).abs() < 1e-13);
}

#[test]
fn generic_code_over_every_number_type() {
    fn g<T: Float>(x: T) -> T {
        x.sin().powi(2) + x.cos().powi(2)
    }
    // sin² + cos² = 1: every coefficient above the value vanishes
    let y = g(Jet::<f64, 6>::variable(0.9));
    assert!((y.value() - 1.0).abs() < 1e-15);
    assert!((1..=6).all(|k| y.coefficient(k).abs() < 1e-14));
    let y = g(Jet::<Dual<f64, 2>, 4>::variable(Dual::variable(0.9, 1)));
    assert!((1..=4).all(|k| y.coefficient(k).value().abs() < 1e-14));
    assert!(y.value().partial(1).abs() < 1e-15);
}
