//! The num-traits surface is generated for `Dual`, `Var` and `Active` from
//! one list (`src/surface.rs`): every number type must offer the same
//! traits, by value and by reference, and give the same numbers through
//! them.

use dualnum::reverse;
use num_traits::{
    Float, FloatConst, FromPrimitive, Inv, MulAdd, MulAddAssign, NumCast, One, Pow, Signed,
    ToPrimitive, Zero,
};

/// Uses every trait of the shared surface once; compiles only if the type
/// has all of them.
fn everything<T>(x: &[T]) -> T
where
    T: Float + FloatConst + Signed + FromPrimitive + MulAddAssign,
    T: Inv<Output = T> + MulAdd<Output = T> + Pow<i32, Output = T> + Pow<u8, Output = T>,
    T: Pow<T, Output = T>,
{
    let (a, b) = (x[0], x[1]);
    let c = T::from_f64(0.25).unwrap() + T::from_u8(1).unwrap() + <T as NumCast>::from(2).unwrap();
    let mut m = Float::mul_add(a, b, c);
    m.mul_add_assign(T::FRAC_PI_4(), T::LN_2());
    let p = a.pow(2i32) + b.pow(3u8) + a.pow(b);
    let s = Signed::abs(&(a - b)) + Signed::signum(&b) + Signed::abs_sub(&a, &b);
    let i = a.inv() + MulAdd::mul_add(a, b, T::one());
    m + p + s + i + T::zero() + T::TAU() * T::E()
}

const X: [f64; 2] = [1.3, 0.7];

#[test]
fn forward_and_reverse_agree_through_every_trait() {
    let (fv, fg) = dualnum::gradient(|x| everything(x.as_slice()), &X.into());
    let (rv, rg) = reverse::gradient(|x| everything(x), &X);
    let value = everything(&X);
    assert_eq!(fv, value);
    assert_eq!(rv, value);
    for k in 0..2 {
        let scale = fg[k].abs().max(1.0);
        assert!((fg[k] - rg[k]).abs() <= 1e-13 * scale, "∂{k}: {} vs {}", fg[k], rg[k]);
    }
    let (av, ag) = reverse::active::gradient(everything, &X);
    assert_eq!(av, value);
    assert_eq!(ag, rg, "Active records what Var records");
    let (_, ng) = dualnum::numeric::gradient(|x: &[f64]| everything(x), &X);
    for k in 0..2 {
        assert!(
            (fg[k] - ng[k]).abs() <= 1e-6 * fg[k].abs().max(1.0),
            "∂{k}: {} vs {}",
            fg[k],
            ng[k]
        );
    }
}

#[test]
fn conversions_read_the_value_in_both_modes() {
    let d = dualnum::Dual::<f64, 1>::variable(-3.75, 0);
    let tape = reverse::Tape::new();
    let v = tape.var(-3.75);
    let p = -3.75f64;
    assert_eq!(d.to_i8(), p.to_i8());
    assert_eq!(v.to_i8(), p.to_i8());
    assert_eq!(d.to_u32(), p.to_u32());
    assert_eq!(v.to_u32(), p.to_u32());
    assert_eq!(d.to_i128(), p.to_i128());
    assert_eq!(v.to_i128(), p.to_i128());
    assert_eq!(d.to_f32(), p.to_f32());
    assert_eq!(v.to_f32(), p.to_f32());
    // A variable is never the constant zero or one; a constant is.
    assert!(!(d - d.re).is_zero() && !(v - v).is_zero());
    assert!(dualnum::Dual::<f64, 1>::zero().is_zero() && reverse::Var::<f64>::one().is_one());
}

#[test]
fn reference_forms_exist_in_both_modes() {
    let d = dualnum::Dual::<f64, 1>::variable(1.5, 0);
    let e = dualnum::Dual::<f64, 1>::variable(0.5, 0);
    assert_eq!((&d).inv(), d.inv());
    assert_eq!((&d).pow(3i16), d.powi(3));
    assert_eq!(d.pow(&e), d.powf(e));
    assert_eq!((&d).pow(e), d.powf(e));
    let tape = reverse::Tape::new();
    let (x, y) = (tape.var(1.5), tape.var(0.5));
    assert_eq!((&x).inv().value(), x.inv().value());
    assert_eq!((&x).pow(3i16).value(), x.powi(3).value());
    assert_eq!(x.pow(&y).value(), x.powf(y).value());
    assert_eq!((&x).pow(y).value(), x.powf(y).value());
    let z = (&x).pow(y);
    let g = tape.adjoints(z);
    // ∂/∂x x^y = y·x^(y−1), ∂/∂y x^y = x^y·ln x.
    assert!((g.wrt(x) - 0.5 * 1.5f64.powf(-0.5)).abs() < 1e-15);
    assert!((g.wrt(y) - 1.5f64.powf(0.5) * 1.5f64.ln()).abs() < 1e-15);
}
