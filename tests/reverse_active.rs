//! `reverse::Active`: its surface against `Var`'s (every `Float` method and
//! operator records the same rule, so values and gradients agree bit for
//! bit), the drivers' shapes, the nalgebra/simba/approx traits, threads,
//! and every panic: a variable kept from an earlier recording, used
//! outside any recording, sent to another thread, returned from another
//! recording, and a nested recording.
//!
//! Impls covered, in the order of the source files: `var.rs` (constant,
//! comparisons with `Active`/`T`/`f64`/`f32`, `Debug`, `Display`,
//! `Default`, `From`), `ops.rs` (`+ - * / %` by value and reference, assign
//! forms, scalar on the left, `Neg`, `Sum`, `Product`), `float.rs`
//! (`Float`), `num.rs` (the shared surface: `Zero`, `One`, `Num`,
//! `NumCast`, `ToPrimitive`, `FromPrimitive`, `FloatConst`, `Signed`,
//! `Inv`, `MulAdd`, `Pow`), `simba.rs` and `field.rs` (`SimdValue`,
//! `Field`, `SubsetOf`, `ComplexField`, `RealField`, approx),
//! `inherent.rs`, `block.rs` (`BlockScalar`), and the drivers of `mod.rs`.
#![allow(deprecated)]
// Float::abs_sub is deprecated but still part of the surface.
// The reference forms and self-comparisons are what is under test.
#![allow(clippy::op_ref, clippy::nonminimal_bool, clippy::eq_op)]

use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};

use dualnum::reverse::{self, Active, Var, active};
use dualnum::test_functions as tf;
use nalgebra::{ComplexField, DVector, RealField, Scalar};
use num_traits::{
    Float, FloatConst, FromPrimitive, Inv, MulAdd, Num, NumCast, One, Pow, Signed, ToPrimitive,
    Zero,
};

/// Same bits, or both NaN.
fn same(a: f64, b: f64) -> bool {
    a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
}

fn same_all(a: &DVector<f64>, b: &DVector<f64>) -> bool {
    a.len() == b.len() && a.iter().zip(b.iter()).all(|(p, q)| same(*p, *q))
}

// ---------------------------------------------------------------------------
// Traits
// ---------------------------------------------------------------------------

#[test]
fn active_is_an_nalgebra_scalar_and_send_sync_static() {
    fn scalar<T: Scalar + RealField + ComplexField + Copy + Send + Sync + 'static>() {}
    fn num<T: Float + FloatConst + Signed + Num + NumCast + FromPrimitive + ToPrimitive>() {}
    scalar::<Active<f64>>();
    scalar::<Active<f32>>();
    num::<Active<f64>>();
    num::<Active<f32>>();
    assert_eq!(std::mem::size_of::<Active<f64>>(), 24);
}

// ---------------------------------------------------------------------------
// Float: every method records the same rule as Var
// ---------------------------------------------------------------------------

/// `v` as a constant of the type the context wants.
fn c<T: NumCast>(v: f64) -> T {
    T::from(v).unwrap()
}

/// `τ` in the type of `x` (a constant through `FloatConst`).
fn tau<T: FloatConst + Float>(_: T) -> T {
    T::TAU()
}

fn sum_values<S: std::iter::Sum + Copy>(xs: &[S]) -> S {
    xs.iter().copied().sum()
}

fn sum_refs<'a, S: std::iter::Sum<&'a S>>(xs: &'a [S]) -> S {
    xs.iter().sum()
}

fn product_values<S: std::iter::Product + Copy>(xs: &[S]) -> S {
    xs.iter().copied().product()
}

fn product_refs<'a, S: std::iter::Product<&'a S>>(xs: &'a [S]) -> S {
    xs.iter().product()
}

/// `f` on Active and on Var at `x`: the same value and gradient, bit for bit.
macro_rules! same_as_var {
    ($x:expr, |$v:ident| $body:expr) => {{
        let x: &[f64] = &$x;
        let (a, ga) = active::gradient(|$v: &[Active<f64>]| $body, x);
        let (b, gb) = reverse::gradient(|$v: &[Var<'_, f64>]| $body, x);
        assert!(same(a, b) && same_all(&ga, &gb), "{}: {a} {ga} vs {b} {gb}", stringify!($body));
    }};
}

#[test]
fn every_unary_float_method_matches_var() {
    for p in [-1.7, -0.4, 0.0, 0.4, 1.4, 3.0] {
        macro_rules! each {
            ($($m:ident),*) => {$( same_as_var!([p], |v| Float::$m(v[0])); )*};
        }
        each!(
            floor, ceil, round, trunc, fract, abs, signum, recip, sqrt, cbrt, exp, exp2, exp_m1,
            ln, log2, log10, ln_1p, sin, cos, tan, asin, acos, atan, sinh, cosh, tanh, asinh,
            acosh, atanh, to_degrees, to_radians
        );
        same_as_var!([p], |v| Float::powi(v[0], 3));
        same_as_var!([p], |v| Float::powi(v[0], -2));
        same_as_var!([p], |v| Float::sin_cos(v[0]).0 * Float::sin_cos(v[0]).1);
        same_as_var!([p], |v| -v[0]);
    }
}

#[test]
fn every_binary_and_ternary_float_method_matches_var() {
    for (p, q, r) in [(0.7, -1.3, 2.0), (2.5, 0.5, -0.5), (-0.3, -0.3, 0.1), (0.0, 1.0, 0.0)] {
        macro_rules! each {
            ($($m:ident),*) => {$(
                same_as_var!([p, q], |v| Float::$m(v[0], v[1]));
                // A constant on either side.
                same_as_var!([p], |v| Float::$m(v[0], <_ as NumCast>::from(q).unwrap()));
                same_as_var!([q], |v| Float::$m(<_ as NumCast>::from(p).unwrap(), v[0]));
            )*};
        }
        each!(hypot, atan2, abs_sub, max, min, powf, log, copysign);
        same_as_var!([p, q, r], |v| Float::mul_add(v[0], v[1], v[2]));
        same_as_var!([p, q, r], |v| Float::clamp(v[0], v[1].min(v[2]), v[1].max(v[2])));
        same_as_var!([p, r], |v| Float::mul_add(v[0], num_traits::one(), v[1]));
        same_as_var!([p, q], |v| v[0] + v[1]
            - v[0] * v[1] / (v[1] + 5.0) % Float::max(v[0], c(0.25)));
    }
}

#[test]
fn test_functions_match_var_and_the_hand_written_gradients() {
    let x = [1.2, -0.7, 0.8, 0.3, -1.1];
    same_as_var!(x, |v| tf::rosenbrock(v));
    same_as_var!(x, |v| tf::log_sum_exp(v));
    same_as_var!(x, |v| tf::sin_exp_sum(v));
    same_as_var!(x, |v| tf::lecture_z(v));
    let (_, g) = active::gradient(tf::rosenbrock, &x); // a function item works
    let mut want = [0.0; 5];
    tf::rosenbrock_gradient(&x, &mut want);
    assert!(g.iter().zip(want).all(|(a, b)| (a - b).abs() <= 1e-12 * b.abs().max(1.0)));
}

#[test]
fn predicates_constants_and_conversions_look_at_the_value() {
    let (_, _) = active::gradient(
        |v| {
            let x = v[0];
            assert!(x.is_finite() && !x.is_nan() && !x.is_infinite() && x.is_normal());
            assert!(x.is_sign_negative() && !Float::is_sign_positive(x) && Signed::is_negative(&x));
            assert_eq!(x.classify(), std::num::FpCategory::Normal);
            assert_eq!(Float::integer_decode(x), Float::integer_decode(-2.5f64));
            assert_eq!((x.to_f64(), x.to_i32(), x.to_f32()), (Some(-2.5), Some(-2), Some(-2.5)));
            assert!(!x.is_zero() && !x.is_one() && !x.is_constant());
            assert!(Active::<f64>::zero().is_zero() && Active::<f64>::one().is_one());
            assert_eq!(<Active<f64> as Float>::epsilon(), f64::EPSILON);
            assert_eq!(Active::<f64>::PI().value(), std::f64::consts::PI);
            assert_eq!(<Active<f64> as RealField>::pi().value(), std::f64::consts::PI);
            assert_eq!(Active::<f64>::from_str_radix("1.5", 10).unwrap(), 1.5);
            assert_eq!(Active::<f64>::from_i32(3).unwrap(), 3.0);
            assert_eq!(<Active<f64> as NumCast>::from(7u8).unwrap(), 7.0);
            assert_eq!(<Active<f64> as From<f64>>::from(0.5), 0.5);
            assert_eq!(Active::<f64>::default(), 0.0);
            x
        },
        &[-2.5],
    );
}

// ---------------------------------------------------------------------------
// Operators
// ---------------------------------------------------------------------------

#[test]
fn every_operator_form_records_the_same_rule() {
    // d/dx and d/dy of each form at (x, y) = (1.5, -0.5), against Var's.
    same_as_var!([1.5, -0.5], |v| {
        let (x, y) = (v[0], v[1]);
        let (rx, ry) = (&v[0], &v[1]);
        let mut s = x;
        s += y;
        s -= ry;
        s *= y;
        s /= rx;
        s %= 0.75;
        s += 1.0;
        s -= &2.0;
        s *= 3.0;
        s /= &4.0;
        s += rx;
        (x + y) * (rx - y) / (x * ry) % (rx + ry - 3.0) + (rx * 2.0) + (x / &2.0) + (rx % 1.0)
            - (&x - 0.5)
            + (y + &0.25)
            + 2.0 * x
            + 3.0 / ry
            - 1.0 % rx
            + &2.0 * y
            - &1.0
            + x
            + -x
            + -ry
            + s
            + sum_values(&[x, y, x])
            + sum_refs(&[x, y])
            + product_values(&[x, y, rx * 2.0])
            + product_refs(&[x, y])
    });
}

#[test]
fn f32_works_and_takes_f32_literals_on_either_side() {
    let (v, g) =
        active::gradient(|x: &[Active<f32>]| 2.0f32 * x[0] * x[1] + x[0] / 4.0, &[3.0f32, 5.0]);
    assert_eq!((v, g.as_slice()), (30.75, &[10.25f32, 6.0][..]));
    let (_, g) = active::gradient(|x| Float::sin(x[0]).powi(2) + x[0].cos().powi(2), &[0.3f32]);
    assert!(g[0].abs() < 1e-6);
}

#[test]
fn comparisons_look_at_values_against_active_and_scalars() {
    let (_, _) = active::gradient(
        |v| {
            let (x, y) = (v[0], v[1]);
            assert!(x < y && y > x && x <= x && x >= x && x == x && x != y);
            assert!(x == 1.0 && x < 2.0 && x > 0.0 && 1.0 == x && 2.0 > x && 0.0 < x);
            assert_eq!(x.partial_cmp(&y), Some(std::cmp::Ordering::Less));
            assert!(x == Active::constant(1.0)); // values only
            x
        },
        &[1.0, 2.0],
    );
}

#[test]
fn num_traits_extras_record_their_rules() {
    same_as_var!([0.8, 1.7], |v| {
        let (x, y) = (v[0], v[1]);
        let mut m = x;
        num_traits::MulAddAssign::mul_add_assign(&mut m, y, x);
        x.inv()
            + MulAdd::mul_add(x, y, y)
            + m
            + x.pow(3i32)
            + x.pow(2u8)
            + x.pow(0.5)
            + x.pow(y)
            + Signed::abs(&x)
            + Signed::abs_sub(&y, &x)
            + Signed::signum(&x)
            // The reference forms of the shared surface.
            + (&x).inv()
            + (&x).pow(3i16)
            + x.pow(&y)
            + (&x).pow(y)
            + x * tau(x)
    });
}

#[test]
fn debug_and_display() {
    let (_, _) = active::gradient(
        |v| {
            assert_eq!(format!("{:.2}", v[0]), "1.50");
            let d = format!("{:?}", v[0]);
            assert!(d.starts_with("Active(1.5 @ node 1 of recording #"), "{d}");
            assert_eq!(format!("{:?}", Active::constant(2.0)), "Active(2.0, constant)");
            v[0]
        },
        &[1.5],
    );
}

// ---------------------------------------------------------------------------
// simba, nalgebra and approx
// ---------------------------------------------------------------------------

#[test]
fn complex_and_real_field_methods_forward_to_float() {
    same_as_var!([0.6, -1.2], |v| {
        let (x, y) = (v[0], v[1]);
        Float::sin(x)
            + Float::hypot(x, y)
            + Float::atan2(x, y)
            + Float::powf(x, y)
            + Float::log(x, c(2.5))
            + Float::copysign(x, y)
            + Float::max(x, y)
            + Float::min(x, y)
            + Float::clamp(x, c(-0.5), c(0.5))
            + Float::mul_add(x, y, c(1.0))
            + Float::powi(x, 2)
            + Float::sin_cos(x).1
    });
    let (v, g) = active::gradient(
        |v| {
            let (x, y) = (v[0], v[1]);
            assert_eq!(ComplexField::real(x), x);
            assert_eq!(ComplexField::imaginary(x), 0.0);
            assert_eq!(ComplexField::argument(y).value(), std::f64::consts::PI);
            assert_eq!(ComplexField::to_exp(y).1, -1.0);
            assert!(ComplexField::try_sqrt(y).is_none());
            assert!(ComplexField::is_finite(&x));
            assert!(RealField::is_sign_positive(&x) && RealField::is_sign_negative(&y));
            assert_eq!(<Active<f64> as RealField>::max_value().unwrap(), f64::MAX);
            ComplexField::modulus_squared(x)
                + ComplexField::modulus(y)
                + ComplexField::norm1(y)
                + ComplexField::scale(x, y)
                + ComplexField::unscale(x, y)
                + ComplexField::conjugate(x)
                + <Active<f64> as ComplexField>::from_real(y)
                + ComplexField::sinc(x)
                + ComplexField::sinhc(x)
                + ComplexField::cosc(x)
                + ComplexField::coshc(x)
                + RealField::atan2(x, y)
                + ComplexField::powc(x, y)
                + ComplexField::try_sqrt(x).unwrap()
        },
        &[0.6, -1.2],
    );
    let want = |x: f64, y: f64| {
        x * x
            + y.abs()
            + y.abs()
            + x * y
            + x / y
            + x
            + y
            + x.sin() / x
            + x.sinh() / x
            + x.cos() / x
            + x.cosh() / x
            + x.atan2(y)
            + x.powf(y)
            + x.sqrt()
    };
    assert_eq!(v, want(0.6, -1.2));
    let (_, gn) = dualnum::numeric::gradient(|x| want(x[0], x[1]), &[0.6, -1.2]);
    assert!((&g - gn).amax() < 1e-7, "{g}");
}

#[test]
fn sinc_at_zero_uses_the_series() {
    let (v, g) = active::gradient(|x| ComplexField::sinc(x[0]) + ComplexField::sinhc(x[0]), &[0.0]);
    assert_eq!((v, g[0]), (2.0, 0.0));
}

#[test]
fn simd_value_subset_and_approx() {
    use approx::{AbsDiffEq, RelativeEq, UlpsEq};
    use simba::scalar::SubsetOf;
    use simba::simd::SimdValue;
    let (_, g) = active::gradient(
        |v| {
            let x = v[0];
            assert_eq!(<Active<f64> as SimdValue>::LANES, 1);
            assert_eq!(x.extract(0), x);
            assert_eq!(Active::splat(x).select(false, Active::constant(2.0)), 2.0);
            let mut y = x;
            y.replace(0, Active::constant(4.0));
            assert_eq!(y, 4.0);
            // f64 → Active is a constant; Active → f64 reads the value.
            let c: Active<f64> = nalgebra::convert(2.5);
            assert!(c.is_constant());
            assert_eq!(nalgebra::try_convert::<Active<f64>, f64>(x), Some(1.25));
            assert!(<f32 as SubsetOf<Active<f64>>>::is_in_subset(&x));
            let m = nalgebra::Matrix2::new(1.0f64, 2.0, 3.0, 4.0).cast::<Active<f64>>();
            assert_eq!(m[(1, 0)], 3.0);
            assert!(x.abs_diff_eq(&(x + 1e-17), Active::constant(1e-15)));
            assert!(x.relative_eq(
                &(x * 1.0),
                Active::default_epsilon(),
                Active::default_max_relative()
            ));
            assert!(x.ulps_eq(&x, Active::default_epsilon(), 4));
            approx::assert_relative_eq!(x, Active::constant(1.25));
            x * c
        },
        &[1.25],
    );
    assert_eq!(g[0], 2.5);
}

// ---------------------------------------------------------------------------
// Drivers
// ---------------------------------------------------------------------------

#[test]
fn drivers_agree_with_var_drivers() {
    let x = [0.3, -1.1, 0.7, 1.9];
    let map = |v: &[Active<f64>]| {
        let mut o = vec![v[0]; 3];
        tf::map_r4_r3(v, &mut o);
        o
    };
    fn map_var<'t>(v: &[Var<'t, f64>]) -> Vec<Var<'t, f64>> {
        let mut o = vec![v[0]; 3];
        tf::map_r4_r3(v, &mut o);
        o
    }
    assert_eq!(active::jacobian(map, &x), reverse::jacobian(map_var, &x));
    // A DVector and an array as outputs.
    let (_, jd) = active::jacobian(|v| DVector::from_vec(map(v)), &x);
    let (_, ja) = active::jacobian(|v| [v[0] * v[1], v[2]], &x);
    assert_eq!(jd, reverse::jacobian(map_var, &x).1);
    assert_eq!(ja.as_slice(), &[-1.1, 0.0, 0.3, 0.0, 0.0, 1.0, 0.0, 0.0]);
    let w = [1.0, -2.0, 0.5];
    assert_eq!(active::vjp(map, &x, &w), reverse::vjp(map_var, &x, &w));
    let (mut fx, mut wj, mut fx2, mut wj2) = ([0.0; 3], [0.0; 4], [0.0; 3], [0.0; 4]);
    active::vjp_into(tf::map_r4_r3, &x, &w, &mut fx, &mut wj);
    reverse::vjp_into(|v, o| tf::map_r4_r3(v, o), &x, &w, &mut fx2, &mut wj2);
    assert_eq!((fx, wj), (fx2, wj2));
    let (mut fx, mut jac) = ([0.0; 3], [0.0; 12]);
    active::jacobian_into(tf::map_r4_r3, &x, &mut fx, &mut jac);
    assert_eq!(jac, reverse::jacobian(map_var, &x).1.as_slice());
    let mut g = [0.0; 4];
    let f = active::gradient_into(tf::rosenbrock, &x, &mut g);
    assert_eq!(
        (f, &g[..]),
        (tf::rosenbrock(&x), reverse::gradient(|v| tf::rosenbrock(v), &x).1.as_slice())
    );
}

#[test]
fn constant_outputs_and_empty_inputs_give_zero_derivatives() {
    let (v, g) = active::gradient(|_| Active::constant(3.0), &[1.0, 2.0]);
    assert_eq!((v, g.as_slice()), (3.0, &[0.0, 0.0][..]));
    let (v, g) = active::gradient(|x: &[Active<f64>]| x.iter().copied().sum(), &[]);
    assert_eq!((v, g.len()), (0.0, 0));
    let (fx, j) = active::jacobian(|x| vec![x[0], Active::constant(1.0)], &[2.0]);
    assert_eq!((fx.as_slice(), j.as_slice()), (&[2.0, 1.0][..], &[1.0, 0.0][..]));
    let (fx, j) = active::jacobian(|_: &[Active<f64>]| Vec::new(), &[2.0]);
    assert_eq!((fx.len(), j.shape()), (0, (0, 1)));
}

#[test]
fn a_variable_recorded_after_the_output_has_zero_adjoint() {
    // The sweep covers only nodes up to the output: later nodes are ignored.
    let (_, g) = active::gradient(
        |x| {
            let y = x[0] * 2.0;
            let _later = x[1] * y;
            y
        },
        &[1.0, 3.0],
    );
    assert_eq!(g.as_slice(), &[2.0, 0.0]);
}

#[test]
fn recordings_on_many_threads_at_once_are_independent() {
    let handles: Vec<_> = (0..4)
        .map(|t| {
            std::thread::spawn(move || {
                for i in 0..50 {
                    let x = [t as f64 + 0.1 * i as f64, -0.5, 1.5];
                    let (v, g) = active::gradient(tf::rosenbrock, &x);
                    let (w, h) = reverse::gradient(|v| tf::rosenbrock(v), &x);
                    assert!(same(v, w) && same_all(&g, &h));
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
}

#[test]
fn a_caught_panic_inside_the_closure_leaves_the_thread_able_to_record() {
    let r = catch_unwind(|| {
        active::gradient(|x: &[Active<f64>]| -> Active<f64> { panic!("user {}", x[0]) }, &[1.0])
    });
    assert!(r.is_err());
    let (v, g) = active::gradient(|x| x[0] * x[0], &[3.0]);
    assert_eq!((v, g[0]), (9.0, 6.0));
}

#[test]
fn values_and_constants_work_outside_any_recording() {
    let mut kept = None;
    let _ = active::gradient(
        |x| {
            kept = Some(x[0]);
            x[0]
        },
        &[2.0],
    );
    let k = kept.unwrap();
    assert_eq!((k.value(), format!("{k}"), k < 3.0), (2.0, "2".to_string(), true));
    assert!(k.recording().is_some());
    let c = Active::constant(2.0) * 3.0 + Float::sin(Active::constant(0.0));
    assert_eq!(c.value(), 6.0);
}

// ---------------------------------------------------------------------------
// User-defined blocks
// ---------------------------------------------------------------------------

/// A block with hand-written partials: `f(x) = x₀·Σᵢ (i + 1)·sin xᵢ`,
/// `∂f/∂x₀ = Σᵢ (i + 1)·sin xᵢ + x₀·cos x₀`, `∂f/∂xᵢ = (i + 1)·x₀·cos xᵢ`
/// for `i > 0`.
struct SinSum;
impl<T: Float, const K: usize> dualnum::block::Block<T, K> for SinSum {
    fn eval(&self, x: [T; K]) -> (T, [T; K]) {
        let w = |i: usize| T::from(i + 1).unwrap();
        let s = (0..K).fold(T::zero(), |acc, i| acc + w(i) * x[i].sin());
        let mut d = [T::zero(); K];
        d[0] = s + x[0].cos() * x[0];
        for i in 1..K {
            d[i] = w(i) * x[i].cos() * x[0];
        }
        (s * x[0], d)
    }
}

#[test]
fn blocks_record_as_for_var() {
    use dualnum::block::{Block, BlockScalar};
    fn f<T: BlockScalar<Base = f64>>(v: &[T]) -> T {
        let c = <T as NumCast>::from(0.3).unwrap();
        Block::<f64, 1>::call(&SinSum, [v[0]])
            + Block::<f64, 2>::call(&SinSum, [v[0], v[1]])
            + Block::<f64, 3>::call(&SinSum, [v[1], c, v[2]])
            + Block::<f64, 4>::call(&SinSum, [v[0], v[1], v[2], v[3]])
            + Block::<f64, 4>::call(&SinSum, [c, v[3], c, v[1]])
            + Block::<f64, 2>::call(&SinSum, [c, c])
    }
    same_as_var!([0.7, -0.4, 1.3, 0.2], |v| f(v));
    let x = [0.7, -0.4, 1.3, 0.2];
    let (_, g) = active::gradient(f, &x);
    let (_, gn) = dualnum::numeric::gradient(|v: &[f64]| f(v), &x);
    assert!((&g - gn).amax() < 1e-8, "{g}");
}

#[test]
#[should_panic(expected = "used in recording")]
fn a_stale_variable_in_a_block_panics() {
    use dualnum::block::Block;
    let mut kept = None;
    let _ = active::gradient(
        |x| {
            kept = Some(x[0]);
            x[0]
        },
        &[1.0],
    );
    let _ = active::gradient(
        |x| Block::<f64, 3>::call(&SinSum, [x[0], x[1], kept.unwrap()]),
        &[2.0, 3.0],
    );
}

// ---------------------------------------------------------------------------
// Bad input
// ---------------------------------------------------------------------------

#[test]
#[should_panic(expected = "used in recording")]
fn a_variable_kept_from_an_earlier_recording_panics() {
    let mut kept = None;
    let _ = active::gradient(
        |x| {
            kept = Some(x[0]);
            x[0]
        },
        &[1.0],
    );
    let _ = active::gradient(|x| x[0] * kept.unwrap(), &[2.0]);
}

#[test]
#[should_panic(expected = "used in recording")]
fn a_stale_variable_returned_as_the_output_panics() {
    let mut kept = None;
    let _ = active::gradient(
        |x| {
            kept = Some(x[0]);
            x[0]
        },
        &[1.0],
    );
    let _ = active::jacobian(|x| vec![x[0], kept.unwrap()], &[2.0]);
}

#[test]
#[should_panic(expected = "outside any recording")]
fn an_operation_after_the_driver_returned_panics() {
    let mut kept = None;
    let _ = active::gradient(
        |x| {
            kept = Some(x[0]);
            x[0]
        },
        &[1.0],
    );
    let _ = kept.unwrap().sin();
}

#[test]
#[should_panic(expected = "outside any recording")]
fn a_variable_sent_to_a_thread_without_a_recording_panics() {
    let _ = active::gradient(
        |x| {
            let v = x[0];
            match std::thread::spawn(move || v * 2.0).join() {
                Ok(y) => y,
                Err(e) => resume_unwind(e),
            }
        },
        &[1.0],
    );
}

#[test]
#[should_panic(expected = "made on another thread")]
fn a_variable_sent_into_another_threads_recording_panics() {
    let _ = active::gradient(
        |x| {
            let v = x[0];
            let r = std::thread::spawn(move || active::gradient(|y| y[0] + v, &[2.0])).join();
            match r {
                Ok(_) => v,
                Err(e) => resume_unwind(e),
            }
        },
        &[1.0],
    );
}

#[test]
#[should_panic(expected = "nested Active recordings are not supported")]
fn a_driver_inside_a_drivers_closure_panics() {
    let _ = active::gradient(
        |x| {
            let (inner, _) = active::gradient(|y| y[0] * y[0], &[x[0].value()]);
            x[0] * inner
        },
        &[1.0],
    );
}

#[test]
fn a_nested_recording_of_the_other_scalar_type_is_independent() {
    // f32 and f64 have separate tapes: an f32 driver inside an f64 closure
    // is not nested.
    let (v, g) = active::gradient(
        |x| {
            let (_, inner) = active::gradient(|y: &[Active<f32>]| y[0] * y[0], &[3.0f32]);
            x[0] * (inner[0] as f64)
        },
        &[2.0],
    );
    assert_eq!((v, g[0]), (12.0, 6.0));
}

#[test]
fn the_nested_panic_leaves_the_outer_recording_usable() {
    let (v, g) = active::gradient(
        |x| {
            let r = catch_unwind(AssertUnwindSafe(|| active::gradient(|y| y[0], &[1.0])));
            assert!(r.is_err());
            x[0] * x[0]
        },
        &[3.0],
    );
    assert_eq!((v, g[0]), (9.0, 6.0));
}

#[test]
#[should_panic(expected = "`grad` has length 1 but the result needs 2")]
fn gradient_into_checks_the_slice_length() {
    let _ = active::gradient_into(|x| x[0], &[1.0, 2.0], &mut [0.0]);
}

#[test]
#[should_panic(expected = "`jac` has length 3 but the result needs 4")]
fn jacobian_into_checks_the_slice_length() {
    active::jacobian_into(|x, o| o.copy_from_slice(x), &[1.0, 2.0], &mut [0.0; 2], &mut [0.0; 3]);
}

#[test]
#[should_panic(expected = "the function has 2 outputs but w has length 1")]
fn vjp_checks_the_weights_length() {
    let _ = active::vjp(|x| vec![x[0], x[0]], &[1.0], &[1.0]);
}

#[test]
#[should_panic(expected = "`wj` has length 1 but the result needs 2")]
fn vjp_into_checks_the_slice_length() {
    active::vjp_into(
        |x, o| o.copy_from_slice(x),
        &[1.0, 2.0],
        &[1.0; 2],
        &mut [0.0; 2],
        &mut [0.0],
    );
}
