//! The chain rule in matrix form, as the lecture teaches it: the Jacobian of
//! a composition is the product of the Jacobians.
//!
//! First the lecture's case, `f(x₁(s, t), x₂(s, t))`: the 1×2 row
//! `df/d(s, t)` equals the row `df/dx` times the 2×2 Jacobian `dx/d(s, t)`.
//! Then a general composition `F ∘ G` with `G: R² → R³` and `F: R³ → R²`.
//! Every Jacobian comes from `dualnum::jacobian` in one forward pass.
//!
//! Run with `cargo run --example chain_rule`.

use dualnum::jacobian;
use nalgebra::{SVector, Scalar, Vector2, Vector3};
use num_traits::Float;

/// The inner map `x(s, t) = (s·t, s + t²)`.
fn inner<T: Float + Scalar>(st: SVector<T, 2>) -> SVector<T, 2> {
    let (s, t) = (st[0], st[1]);
    Vector2::new(s * t, s + t * t)
}

/// The outer function `f(x₁, x₂) = x₁²·sin x₂`, as a 1-vector.
fn outer<T: Float + Scalar>(x: SVector<T, 2>) -> SVector<T, 1> {
    SVector::<T, 1>::new(x[0] * x[0] * x[1].sin())
}

/// `G: R² → R³`, `G(u, v) = (u·v, eᵘ, cos v)`.
fn g3<T: Float + Scalar>(p: SVector<T, 2>) -> SVector<T, 3> {
    Vector3::new(p[0] * p[1], p[0].exp(), p[1].cos())
}

/// `F: R³ → R²`, `F(a, b, c) = (a + b·c, a·b − c²)`.
fn f2<T: Float + Scalar>(q: SVector<T, 3>) -> SVector<T, 2> {
    Vector2::new(q[0] + q[1] * q[2], q[0] * q[1] - q[2] * q[2])
}

fn main() {
    // The lecture's case: f(x₁(s, t), x₂(s, t)) at (s, t) = (1.5, 0.5).
    let st = Vector2::new(1.5, 0.5);
    let (x, dx_dst) = jacobian(inner, &st);
    let (_, df_dx) = jacobian(outer, &x);
    let (_, df_dst) = jacobian(|p| outer(inner(p)), &st);
    let product = df_dx * dx_dst;

    println!("f(x1(s,t), x2(s,t)) at (s, t) = (1.5, 0.5)");
    println!("df/dx (1x2):{df_dx:.6}");
    println!("dx/d(s,t) (2x2):{dx_dst:.6}");
    println!("df/dx * dx/d(s,t):{product:.6}");
    println!("df/d(s,t) of the composition, directly:{df_dst:.6}");
    let gap = (product - df_dst).abs().max();
    println!("largest difference: {gap:.1e}\n");
    assert!(gap <= 1e-13 * df_dst.abs().max());

    // A general composition F ∘ G: R² → R³ → R².
    let p = Vector2::new(0.3, -1.2);
    let (q, jg) = jacobian(g3, &p);
    let (_, jf) = jacobian(f2, &q);
    let (_, jfg) = jacobian(|p| f2(g3(p)), &p);
    println!("F o G at p = (0.3, -1.2)");
    println!("J_G(p) (3x2):{jg:.6}");
    println!("J_F(G(p)) (2x3):{jf:.6}");
    println!("J_F(G(p)) * J_G(p) (2x2):{:.6}", jf * jg);
    println!("J_(F o G)(p), directly (2x2):{jfg:.6}");
    let gap = (jf * jg - jfg).abs().max();
    println!("largest difference: {gap:.1e}");
    assert!(gap <= 1e-13 * jfg.abs().max());
}
