//! Plain `f64`/`f32` literals next to duals, at every nesting depth, and the
//! elementary functions as inherent methods (issue 11, point 1).
//!
//! Most of this file is a compile-pass test: each case below failed to
//! compile before the scalar impls of `src/forward/dual/ops_scalar.rs` and the inherent
//! methods of `src/forward/dual/inherent.rs`. The assertions then check that a plain
//! scalar behaves exactly as the same scalar lifted to a constant dual.

// Each comparison is a case under test, however redundant it looks.
#![allow(clippy::nonminimal_bool, clippy::manual_range_contains, clippy::eq_op)]
#![allow(clippy::double_comparisons, clippy::overly_complex_bool_expr)]

use dualnum::{Dual, DualOver, lit};
use nalgebra::{matrix, vector};

type D1 = Dual<f64, 2>;
type D2 = Dual<Dual<f64, 2>, 2>;
type D3 = Dual<Dual<Dual<f64, 1>, 1>, 1>;

/// Every number of a dual of any depth, value first, as `f64`.
trait Flat {
    fn flat(&self, out: &mut Vec<f64>);
}
impl Flat for f64 {
    fn flat(&self, out: &mut Vec<f64>) {
        out.push(*self);
    }
}
impl Flat for f32 {
    fn flat(&self, out: &mut Vec<f64>) {
        out.push(f64::from(*self));
    }
}
impl<T: Flat, const N: usize> Flat for Dual<T, N> {
    fn flat(&self, out: &mut Vec<f64>) {
        self.re.flat(out);
        self.eps.iter().for_each(|e| e.flat(out));
    }
}
fn flat(x: &impl Flat) -> Vec<f64> {
    let mut v = Vec::new();
    x.flat(&mut v);
    v
}

/// Asserts equal values and tangents at every level (`==` on each number,
/// so `−0 == +0` but NaN fails).
macro_rules! assert_same {
    ($got:expr, $want:expr) => {{
        let (g, w) = ($got, $want);
        assert_eq!(flat(&g), flat(&w), "{}", stringify!($got));
    }};
}

#[test]
fn the_issue_hessian_closure_compiles_and_is_right() {
    let x = vector![1.5, -2.0];
    let (fx, g, h) = dualnum::hessian(|x| 0.5 * x[0] * x[0] + x[1] * 3.0, &x);
    assert_eq!(fx, 0.5 * 1.5 * 1.5 - 6.0);
    assert_eq!(g, vector![1.5, 3.0]);
    assert_eq!(h, matrix![1.0, 0.0; 0.0, 0.0]);
}

/// Every operator, both sides, by value and reference, and the assign form,
/// against the scalar lifted to a constant of the same type.
macro_rules! all_ops_against_lifted {
    ($D:ty, $x:expr, $s:expr) => {{
        let x: $D = $x;
        let s = $s;
        let c = <$D>::from_scalar(s);
        assert_same!(x + s, x + c);
        assert_same!(x - s, x - c);
        assert_same!(x * s, x * c);
        assert_same!(x / s, x / c);
        assert_same!(x % s, x % c);
        assert_same!(s + x, c + x);
        assert_same!(s - x, c - x);
        assert_same!(s * x, c * x);
        assert_same!(s / x, c / x);
        assert_same!(s % x, c % x);
        assert_same!(&x * s, x * c);
        assert_same!(s * &x, c * x);
        let mut y = x;
        y += s;
        y -= s;
        y *= s;
        y /= s;
        y %= s;
        let mut z = x;
        z += c;
        z -= c;
        z *= c;
        z /= c;
        z %= c;
        assert_same!(y, z);
    }};
}

#[test]
fn operators_with_plain_scalars_at_every_depth() {
    let d1: D1 = Dual::new(1.25, [1.0, -0.5]);
    all_ops_against_lifted!(D1, d1, 0.75f64);
    let d2: D2 = Dual { re: d1, eps: [Dual::new(0.5, [0.25, 1.0]), Dual::new(-1.0, [2.0, 0.0])] };
    all_ops_against_lifted!(D2, d2, 0.75f64);
    let d3: D3 = dualnum::linalg::variables(&vector![Dual {
        re: Dual::new(1.5, [1.0]),
        eps: [Dual::new(1.0, [0.0])]
    }])[0];
    all_ops_against_lifted!(D3, d3, 2.0f64);
    let f2: Dual<Dual<f32, 1>, 1> =
        Dual { re: Dual::new(1.5f32, [1.0]), eps: [Dual::new(1.0, [0.0])] };
    all_ops_against_lifted!(Dual<Dual<f32, 1>, 1>, f2, 0.75f32);
}

#[test]
fn comparisons_with_plain_scalars() {
    let x: D1 = Dual::variable(1.0, 0);
    assert!(x == 1.0 && 1.0 == x && x != 2.0);
    assert!(x > 0.0 && x < 2.0 && x >= 1.0 && x <= 1.0 && 0.0 < x && 2.0 > x);
    let y: D2 = dualnum::linalg::variables(&vector![x, x])[1];
    assert!(y == 1.0 && 1.0 == y && y > 0.5 && 0.5 < y && y <= 1.0);
    // comparisons look at values only
    let z: D1 = Dual::new(1.0, [5.0, 5.0]);
    assert!(z == 1.0 && z == x);
    let w: Dual<f32, 1> = Dual::variable(-1.0, 0);
    assert!(w < 0.0f32);
    assert!(0.0f32 > w);
}

#[test]
fn two_argument_methods_take_a_plain_scalar() {
    let x: D1 = Dual::new(0.5, [1.0, 0.0]);
    assert_same!(x.max(0.0), x.max(D1::constant(0.0)));
    assert_same!(x.min(0.0), x.min(D1::constant(0.0)));
    assert_same!(x.powf(1.5), x.powf(D1::constant(1.5)));
    assert_same!(x.atan2(1.0), x.atan2(D1::constant(1.0)));
    assert_same!(x.hypot(2.0), x.hypot(D1::constant(2.0)));
    assert_same!(x.log(3.0), x.log(D1::constant(3.0)));
    assert_same!(x.copysign(-1.0), x.copysign(D1::constant(-1.0)));
    assert_same!(x.clamp(0.0, 1.0), x.clamp(D1::constant(0.0), D1::constant(1.0)));
    assert_same!(x.mul_add(2.0, 1.0), x.mul_add(D1::constant(2.0), D1::constant(1.0)));
    // and still a dual second argument
    let y: D1 = Dual::new(2.0, [0.0, 1.0]);
    assert_eq!(x.max(y).tangent(), [0.0, 1.0]);
    assert_eq!(x.powf(y).value(), 0.25);
    // nested: a ReLU and a power inside a Hessian
    let (_, g, h) = dualnum::hessian(|x| x[0].max(0.0) * x[1].powf(1.5), &vector![2.0, 4.0]);
    assert_eq!(g, vector![8.0, 2.0 * 1.5 * 2.0]);
    assert_eq!(h, matrix![0.0, 3.0; 3.0, 2.0 * 0.75 / 2.0]);
}

#[test]
fn methods_need_no_trait_import() {
    // No `use num_traits::Float` in this file.
    let x: D1 = Dual::variable(0.3, 0);
    let y = x.sin() * x.cos() + x.exp().ln() + x.sqrt().powi(2) + x.tanh().abs();
    assert!(
        (y.partial(0) - ((0.6f64).cos() + 1.0 + 1.0 + 1.0 / 0.3f64.cosh().powi(2))).abs() < 1e-14
    );
    let (s, c) = x.sin_cos();
    assert_eq!((s.value(), c.value()), 0.3f64.sin_cos());
    assert!(x.is_finite() && !x.is_nan() && x.is_sign_positive());
}

/// The E0034 case of the issue: both traits in scope, the method still
/// resolves (to the inherent one, which forwards to `Float`).
mod both_traits_in_scope {
    #[allow(unused_imports)]
    use nalgebra::{ComplexField, RealField};
    #[allow(unused_imports)]
    use num_traits::Float;

    use super::D1;
    use dualnum::Dual;

    #[test]
    fn not_ambiguous() {
        let x: D1 = Dual::variable(0.7, 0);
        let y = x.sin() + x.abs() + x.sqrt() + x.powf(2.0) + x.max(0.0) + x.atan2(1.0) + x.exp();
        let want = <D1 as Float>::sin(x)
            + <D1 as Float>::abs(x)
            + <D1 as Float>::sqrt(x)
            + <D1 as Float>::powf(x, D1::constant(2.0))
            + <D1 as Float>::max(x, D1::constant(0.0))
            + <D1 as Float>::atan2(x, D1::constant(1.0))
            + <D1 as Float>::exp(x);
        assert_eq!(y.tangent(), want.tangent());
        assert_eq!(y.value(), want.value());
    }
}

/// Generic code keeps the `Float` methods and writes literals with `lit`.
fn generic<T: num_traits::Float>(x: T) -> T {
    lit::<T>(100.0) * x.sin() + x * lit(0.5)
}

#[test]
fn lit_in_generic_code() {
    let x: D2 =
        dualnum::linalg::variables(&vector![Dual::<f64, 2>::variable(0.4, 0), Dual::constant(0.0)])
            [0];
    let y = generic(x);
    assert_eq!(y.value().value(), generic(0.4f64));
    assert_eq!(generic(0.4f32), 100.0 * 0.4f32.sin() + 0.2);
    assert!((y.partial(0).value() - (100.0 * 0.4f64.cos() + 0.5)).abs() < 1e-12);
}
