//! A derivative that is exactly zero comes out as +0.0 (issue 19): from
//! every driver, in both modes, and in `Display`/`Debug`, whatever the
//! dual kernels use internally (constants carry −0 tangents there, so
//! that adding one never changes a sign). Values keep their sign: the
//! value part is what plain `f64` computes.

use dualnum::chunked::{self, Chunk};
use dualnum::reverse::{self, Active, active};
use dualnum::{Dual, Function, VectorFunction};
use nalgebra::{SVector, vector};
use num_traits::Float;

/// True when no entry is −0.0.
fn no_negative_zero(xs: &[f64], what: &str) {
    for (i, &v) in xs.iter().enumerate() {
        assert!(!(v == 0.0 && v.is_sign_negative()), "{what}: entry {i} is -0.0 (all: {xs:?})");
    }
}

/// Functions whose derivatives have exact zeros that come from constant
/// lanes (x₁ is unused, or multiplied by zero, or clamped away).
fn f<T: Float>(x: &[T]) -> T {
    x[0] * T::from(3.0).unwrap() - x[2].clamp(T::zero(), T::one()) + x[1] * T::zero()
        - x[0] * x[0] * T::from(0.5).unwrap()
}

fn map<T: Float>(x: &[T], out: &mut [T]) {
    out[0] = f(x);
    out[1] = -x[0] * T::from(2.0).unwrap();
    out[2] = x[2].max(T::from(5.0).unwrap());
}

struct F;
impl Function for F {
    fn eval<T: Float>(&self, x: &[T]) -> T {
        f(x)
    }
}

struct Map;
impl VectorFunction for Map {
    fn outputs(&self, _: usize) -> usize {
        3
    }
    fn eval<T: Float>(&self, x: &[T], out: &mut [T]) {
        map(x, out)
    }
}

/// `x·0 + 1`: derivative exactly zero.
struct Flat;
impl Function for Flat {
    fn eval<T: Float>(&self, x: &[T]) -> T {
        x[0] * T::zero() + T::one()
    }
}

const X: [f64; 3] = [1.0, 2.0, 1.5];

#[test]
fn static_forward_drivers() {
    let x = SVector::from(X);
    let v = vector![0.0, 1.0, 0.0];
    no_negative_zero(dualnum::gradient(|x| f(x.as_slice()), &x).1.as_slice(), "gradient");
    no_negative_zero(dualnum::gradient(|x| x[0] * 3.0, &x).1.as_slice(), "gradient x0·3");
    no_negative_zero(dualnum::gradient_of(&F, &x).1.as_slice(), "gradient_of");
    let (_, g, h) = dualnum::hessian(|x| f(x.as_slice()), &x);
    no_negative_zero(g.as_slice(), "hessian: gradient");
    no_negative_zero(h.as_slice(), "hessian");
    let (_, g, h) = dualnum::hessian_of(&F, &x);
    no_negative_zero(g.as_slice(), "hessian_of: gradient");
    no_negative_zero(h.as_slice(), "hessian_of");
    let (_, g, hv) = dualnum::hvp(|x| f(x.as_slice()), &x, &v);
    no_negative_zero(g.as_slice(), "hvp: gradient");
    no_negative_zero(hv.as_slice(), "hvp");
    let (_, g, hv) = dualnum::hvp_of(&F, &x, &v);
    no_negative_zero(g.as_slice(), "hvp_of: gradient");
    no_negative_zero(hv.as_slice(), "hvp_of");
    let (_, j) = dualnum::jacobian(
        |x| {
            let mut out = [x[0]; 3];
            map(x.as_slice(), &mut out);
            out
        },
        &x,
    );
    no_negative_zero(j.as_slice(), "jacobian");
    let (_, j): (SVector<f64, 3>, _) = dualnum::jacobian_of(&Map, &x);
    no_negative_zero(j.as_slice(), "jacobian_of");
    let (_, jv) = dualnum::jvp(|x| f(x.as_slice()), &x, &v);
    no_negative_zero(&[jv], "jvp");
    let (_, jv): (SVector<f64, 3>, _) = dualnum::jvp_of(&Map, &x, &v);
    no_negative_zero(jv.as_slice(), "jvp_of");
    no_negative_zero(&[dualnum::derivative(|x| x * 0.0 + 1.0, 2.0).1], "derivative");
    no_negative_zero(&[dualnum::derivative_of(&Flat, 2.0).1], "derivative_of");
}

#[test]
fn chunked_drivers() {
    for_widths::<1>();
    for_widths::<2>();
    for_widths::<8>();
    let (_, g) = chunked::gradient(|x| x[0] * 3.0, &X);
    no_negative_zero(g.as_slice(), "chunked::gradient x0·3");
}

fn for_widths<const C: usize>() {
    let v = [0.0, 1.0, 0.0];
    let w = format!("C = {C}");
    no_negative_zero(Chunk::<C>::gradient(f, &X).1.as_slice(), &w);
    no_negative_zero(Chunk::<C>::gradient_of(&F, &X).1.as_slice(), &w);
    no_negative_zero(Chunk::<C>::jacobian_inplace(map, &X, 3).1.as_slice(), &w);
    no_negative_zero(Chunk::<C>::jacobian_of(&Map, &X).1.as_slice(), &w);
    let (_, j) = Chunk::<C>::jacobian(
        |x| {
            let mut out = vec![x[0]; 3];
            map(x, &mut out);
            out
        },
        &X,
    );
    no_negative_zero(j.as_slice(), &w);
    let (_, g, h) = Chunk::<C>::hessian(f, &X);
    no_negative_zero(g.as_slice(), &w);
    no_negative_zero(h.as_slice(), &w);
    let (_, g, hv) = Chunk::<C>::hvp(f, &X, &v);
    no_negative_zero(g.as_slice(), &w);
    no_negative_zero(hv.as_slice(), &w);
    #[cfg(feature = "rayon")]
    no_negative_zero(Chunk::<C>::par_jacobian_inplace(map, &X, 3).1.as_slice(), &w);
}

#[test]
fn reverse_drivers() {
    let v = [0.0, 1.0, 0.0];
    no_negative_zero(reverse::gradient(|x| f(x), &X).1.as_slice(), "reverse::gradient");
    no_negative_zero(
        reverse::jacobian(
            |x| {
                let mut out = vec![x[0]; 3];
                map(x, &mut out);
                out
            },
            &X,
        )
        .1
        .as_slice(),
        "reverse::jacobian",
    );
    let (_, g, h) = reverse::hessian(|x| f(x), &X);
    no_negative_zero(g.as_slice(), "reverse::hessian: gradient");
    no_negative_zero(h.as_slice(), "reverse::hessian");
    let (_, g, hv) = reverse::hvp(|x| f(x), &X, &v);
    no_negative_zero(g.as_slice(), "reverse::hvp: gradient");
    no_negative_zero(hv.as_slice(), "reverse::hvp");
    no_negative_zero(
        active::gradient(|x: &[Active<f64>]| f(x), &X).1.as_slice(),
        "active::gradient",
    );
}

#[test]
fn display_and_debug() {
    let c = Dual::<f64, 2>::constant(7.0);
    assert_eq!(format!("{c}"), "7 + [0, 0]ε");
    assert!(!format!("{c:?}").contains("-0"), "{c:?}");
    let y = Dual::<f64, 2>::variable(1.5, 0).clamp(Dual::constant(0.0), Dual::constant(1.0));
    assert_eq!(format!("{y}"), "1 + [0, 0]ε");
    let nested = Dual::<Dual<f64, 1>, 1>::constant(Dual::constant(2.0));
    assert_eq!(format!("{nested}"), "2 + [0]ε + [0 + [0]ε]ε");
    // The value keeps its sign, as plain f64 does.
    let m = Dual::<f64, 1>::new(-0.0, [1.0]);
    assert_eq!(format!("{m}"), "-0 + [1]ε");
}

#[test]
fn values_keep_their_sign() {
    let (fx, g) = dualnum::gradient(|x| -x[0] * 0.0, &vector![1.0]);
    assert!(fx == 0.0 && fx.is_sign_negative(), "value {fx} as plain f64 computes it");
    no_negative_zero(g.as_slice(), "gradient of -x·0");
}
