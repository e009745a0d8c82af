//! Sensitivity of a linear system to its parameters, in one forward pass.
//!
//! A chain of four springs hangs from a wall: spring `i` (stiffness `kᵢ`)
//! joins node `i − 1` to node `i`, node 0 is the wall. Each node carries a
//! load `fᵢ`. The displacements solve `K(k)·u = f` with the tridiagonal
//! stiffness matrix `Kᵢᵢ = kᵢ + kᵢ₊₁`, `Kᵢ,ᵢ₊₁ = Kᵢ₊₁,ᵢ = −kᵢ₊₁`.
//!
//! The solver is written once, generic over nalgebra's `RealField`.
//! `dualnum::jacobian` runs it on `Dual<f64, 4>` with the stiffnesses seeded
//! as variables: one Cholesky solve gives `u` and the whole Jacobian
//! `∂u/∂k`, printed beside central finite differences of the plain `f64`
//! solve and the closed form.
//!
//! Run with `cargo run --example sensitivity`.

use dualnum::linalg;
use nalgebra::{RealField, SMatrix, SVector};

const N: usize = 4;

/// Displacements of the spring chain: `u = K(k)⁻¹ f`, by Cholesky (K is
/// symmetric positive definite for positive stiffnesses).
fn displacements<T: RealField + Copy>(k: &SVector<T, N>, f: &SVector<T, N>) -> SVector<T, N> {
    let mut stiffness = SMatrix::<T, N, N>::zeros();
    for i in 0..N {
        stiffness[(i, i)] = k[i] + if i + 1 < N { k[i + 1] } else { T::zero() };
        if i + 1 < N {
            stiffness[(i, i + 1)] = -k[i + 1];
            stiffness[(i + 1, i)] = -k[i + 1];
        }
    }
    stiffness.cholesky().expect("positive stiffnesses give an SPD matrix").solve(f)
}

fn main() {
    let k = SVector::<f64, N>::new(100.0, 200.0, 150.0, 300.0); // N/m
    let f = SVector::<f64, N>::new(2.0, 2.0, 2.0, 10.0); // N

    // One pass: value and Jacobian together, the loads lifted to constants.
    let loads = linalg::constants(&f);
    let (u, jac) = dualnum::jacobian(|k| displacements(&k, &loads), &k);

    // Central differences, one pair of solves per parameter.
    let fd = SMatrix::<f64, N, N>::from_fn(|i, j| {
        let h = 1e-6 * k[j];
        let (mut kp, mut km) = (k, k);
        kp[j] += h;
        km[j] -= h;
        (displacements(&kp, &f)[i] - displacements(&km, &f)[i]) / (2.0 * h)
    });

    // Closed form for a check: the force through spring j is the load
    // below it, Fⱼ = Σ_{i≥j} fᵢ, so uᵢ = Σ_{j≤i} Fⱼ/kⱼ and
    // ∂uᵢ/∂kⱼ = −Fⱼ/kⱼ² for j ≤ i, 0 otherwise.
    let force = |j: usize| (j..N).map(|i| f[i]).sum::<f64>();
    let exact =
        SMatrix::<f64, N, N>::from_fn(|i, j| if j <= i { -force(j) / (k[j] * k[j]) } else { 0.0 });

    println!("spring chain: k = {:?} N/m, loads f = {:?} N", k.as_slice(), f.as_slice());
    println!("displacements u = {:.6?} m\n", u.as_slice());
    println!("  ∂uᵢ/∂kⱼ [m²/N]    forward mode  central diff.    closed form");
    for i in 0..N {
        for j in 0..N {
            println!(
                "  ∂u{i}/∂k{j}      {:>+14.6e} {:>+14.6e} {:>+14.6e}",
                jac[(i, j)],
                fd[(i, j)],
                exact[(i, j)]
            );
        }
    }
    let rel = (jac - fd).amax() / jac.amax();
    let err = (jac - exact).amax() / exact.amax();
    println!(
        "\nlargest difference / largest entry: forward vs central {rel:.1e}, forward vs closed form {err:.1e}"
    );
    assert!(err < 1e-12 && rel < 1e-6, "derivatives disagree");
}
