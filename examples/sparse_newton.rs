//! Newton's method on the 2-D Bratu problem `Δu + λe^u = 0` (zero on the
//! boundary of the unit square), discretised on an `N × N` grid: 10,000
//! unknowns by default, the Jacobian from one compressed forward pass.
//!
//! The residual is written once, generic over `Float`
//! (`dualnum::test_functions::bratu`); its sparsity is detected by running
//! it on tracers, the columns are coloured (five colours for the five-point
//! stencil), and each Newton step takes the sparse Jacobian `J` from
//! one pass on `Dual<f64, 6>` (five colours and the lane of the
//! directional self-check) and solves `(−J)·δ = F` by
//! nalgebra-sparse's sparse Cholesky (`−J` is symmetric positive definite
//! below the fold, λ < 6.808…). The symbolic factorisation is done once and
//! reused, as the pattern is.
//!
//! `cargo run --release --features sparse --example sparse_newton [N] [λ]`

use std::time::Instant;

use dualnum::sparse::SparseJacobian;
use dualnum::test_functions::bratu;
use nalgebra::DMatrix;
use nalgebra_sparse::factorization::CscCholesky;

/// Tangent lanes per pass: the five-point stencil needs five colours, and
/// the sixth lane carries the directional self-check of every Jacobian
/// (`dualnum::sparse::PatternCheck`), so one pass does both.
const C: usize = 6;

fn norm(v: &[f64]) -> f64 {
    v.iter().map(|x| x * x).sum::<f64>().sqrt()
}

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().map_or(100, |s| s.parse().expect("N: the grid side, an integer"));
    let lambda: f64 = args.next().map_or(6.0, |s| s.parse().expect("λ: a number"));
    let unknowns = n * n;
    let mut u = vec![0.0; unknowns];

    let t = Instant::now();
    let sj = SparseJacobian::detect_inplace(|u, out| bratu(u, lambda, out), &u, unknowns)
        .expect("the Bratu residual has no value-dependent branches");
    println!(
        "Bratu {n} × {n} ({unknowns} unknowns, λ = {lambda}): {} entries, {} colours, {} pass(es) of \
         Dual<f64, {C}> per Jacobian (dense chunked forward mode: {} passes of 8); detection and \
         colouring {:.1} ms",
        sj.pattern().nnz(),
        sj.colours(),
        sj.passes(C),
        unknowns.div_ceil(8),
        t.elapsed().as_secs_f64() * 1e3
    );

    let mut history = Vec::new();
    let mut chol: Option<CscCholesky<f64>> = None;
    let (mut jac_time, mut jacs) = (0.0, 0);
    for step in 0..20 {
        let t = Instant::now();
        let (f, mut j) = sj
            .jacobian_inplace::<C, _>(|u, out| bratu(u, lambda, out), &u)
            .expect("the pattern holds at every point: no branches");
        jac_time += t.elapsed().as_secs_f64();
        jacs += 1;
        let r = norm(f.as_slice());
        history.push(r);
        println!("  step {step:2}: ‖F(u)‖ = {r:.3e}");
        if r <= 1e-9 * history[0] {
            break;
        }
        // −J is symmetric positive definite: Cholesky, the symbolic part once
        for v in j.values_mut() {
            *v = -*v;
        }
        match chol.as_mut() {
            Some(c) => c.refactor(j.values()).expect("−J is positive definite below the fold"),
            None => {
                chol =
                    Some(CscCholesky::factor(&j).expect("−J is positive definite below the fold"))
            }
        }
        let rhs = DMatrix::from_column_slice(unknowns, 1, f.as_slice());
        let delta = chol.as_ref().map(|c| c.solve(&rhs)).expect("factored above");
        for (ui, di) in u.iter_mut().zip(delta.iter()) {
            *ui += di;
        }
    }

    println!(
        "time per sparse Jacobian: {:.3} ms (mean of {jacs}); max u = {:.6}",
        jac_time / jacs as f64 * 1e3,
        u.iter().copied().fold(f64::MIN, f64::max)
    );
    check_quadratic(&history);
    println!("converged quadratically in {} Newton steps", history.len() - 1);
}

/// Panics unless the residual fell below 1e-9 of its start, and every step
/// taken once the residual was below 10% of its start at least squared the
/// relative residual (up to a factor 10), above the rounding floor (about
/// 1e-12 relative here: the residual carries a factor 1/h² = 10⁴).
fn check_quadratic(history: &[f64]) {
    let r0 = history[0];
    let last = *history.last().expect("at least one residual");
    assert!(last <= 1e-9 * r0, "Newton did not converge: residuals {history:?}");
    for w in history.windows(2) {
        let (a, b) = (w[0] / r0, w[1] / r0);
        if a < 0.1 && b > 1e-11 {
            assert!(
                b <= 10.0 * a * a,
                "not quadratic: {a:.3e} → {b:.3e} (relative), history {history:?}"
            );
        }
    }
}
