//! Sparse Jacobians and Hessians (feature `sparse`): the compressed forward
//! Jacobian of dualnum against a hand-written sparse Jacobian (the
//! baseline), dense chunked forward mode, reverse mode, colour-compressed
//! central differences and echidna's sparse Jacobian on its bytecode tape;
//! the sparse Hessian of chained Rosenbrock; and the cost of detection
//! against one plain evaluation.
//!
//! Problems: Broyden tridiagonal (n = 1,000 and 10,000; 3 colours) and the
//! 2-D Bratu residual (50×50 and 100×100 grids; 5 colours). Every method is
//! prepared outside the timed loop where it can be (pattern, colouring,
//! tape), so the times are those of one more Jacobian at a new point, which
//! is what a Newton or implicit ODE solver pays per step. Before timing,
//! each group checks dualnum's sparse values against the hand-written ones
//! and echidna's against dualnum's (same pattern order: CSC).
//!
//! Groups: `sparse_jacobian/{broyden_1000, broyden_10000, bratu_50x50,
//! bratu_100x100}` (closures on NaN-safe duals, and function objects on the
//! checked fast path, `sparse_fn_object_*`, with the default directional
//! check or without), `sparse_jacobian/{arrowhead_1000, arrowhead_10000}`
//! (columns, rows, both directions), `sparse_detection/bratu_100x100`,
//! `sparse_hessian/rosenbrock_10000`. Dense chunked forward mode is timed
//! at every size (the 10,000-unknown ones take seconds and 800 MB each);
//! dense reverse mode (`reverse::jacobian`, one sweep per row) only at
//! n ≤ 2,500, as at 10,000 it would take minutes per sample.
//!
//! `cargo bench -p dualnum-bench --bench sparse`

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use dualnum::VectorFunction;
use dualnum::chunked;
use dualnum::sparse::{Direction, JacobianPattern, PatternCheck, SparseHessian, SparseJacobian};
use dualnum::test_functions::{
    bratu, bratu_jacobian_csc, broyden_tridiagonal, broyden_tridiagonal_jacobian_csc, rosenbrock,
    rosenbrock_hessian_csc,
};
use num_traits::Float;

const LAMBDA: f64 = 6.0;

fn bratu6<T: Float>(u: &[T], out: &mut [T]) {
    bratu(u, LAMBDA, out);
}

fn point(n: usize) -> Vec<f64> {
    (0..n).map(|i| 0.3 * ((i as f64) * 0.37).sin() + 0.1).collect()
}

/// Colour-compressed central differences: two plain evaluations per
/// colour at `x ± hⱼ·(columns of colour c)`, `hⱼ = ε^(1/3)·max(|xⱼ|, 1)`,
/// each entry read from the one column of its colour in its row.
struct CentralDiff {
    sj: SparseJacobian,
    h: Vec<f64>,
}

impl CentralDiff {
    fn new(sj: SparseJacobian, x: &[f64]) -> Self {
        let h = x.iter().map(|v| f64::EPSILON.cbrt() * v.abs().max(1.0)).collect();
        CentralDiff { sj, h }
    }

    fn values(&self, f: impl Fn(&[f64], &mut [f64]), x: &[f64], values: &mut [f64]) {
        let (m, n) = (self.sj.pattern().nrows(), self.sj.pattern().ncols());
        let colour = self.sj.colouring().colours();
        let (offs, rows) = self.sj.pattern().csc();
        let (mut xp, mut xm) = (x.to_vec(), x.to_vec());
        let (mut fp, mut fm) = (vec![0.0; m], vec![0.0; m]);
        for c in 0..self.sj.colours() {
            for j in 0..n {
                let d = if colour[j] == c { self.h[j] } else { 0.0 };
                xp[j] = x[j] + d;
                xm[j] = x[j] - d;
            }
            f(&xp, &mut fp);
            f(&xm, &mut fm);
            for j in (0..n).filter(|&j| colour[j] == c) {
                let inv = 1.0 / (xp[j] - xm[j]);
                for k in offs[j]..offs[j + 1] {
                    values[k] = (fp[rows[k]] - fm[rows[k]]) * inv;
                }
            }
        }
    }
}

/// The residuals as function objects, for the checked fast path
/// (`values_of`).
struct Broyden;
impl VectorFunction for Broyden {
    fn outputs(&self, n: usize) -> usize {
        n
    }
    fn eval<T: Float>(&self, x: &[T], out: &mut [T]) {
        broyden_tridiagonal(x, out)
    }
}

struct Bratu;
impl VectorFunction for Bratu {
    fn outputs(&self, n: usize) -> usize {
        n
    }
    fn eval<T: Float>(&self, x: &[T], out: &mut [T]) {
        bratu6(x, out)
    }
}

/// The arrowhead `F₀ = Σ xⱼ²`, `Fᵢ = x₀·xᵢ + sin xᵢ`: one dense row, one
/// dense column; `n` colours by columns or by rows, 3 in both directions.
struct Arrow;
impl VectorFunction for Arrow {
    fn outputs(&self, n: usize) -> usize {
        n
    }
    fn eval<T: Float>(&self, x: &[T], out: &mut [T]) {
        out[0] = x.iter().fold(T::zero(), |s, &v| s + v * v);
        for i in 1..x.len() {
            out[i] = x[0] * x[i] + x[i].sin();
        }
    }
}

/// The arrowhead's Jacobian by hand, CSC order.
fn arrow_jacobian_csc(x: &[f64], values: &mut [f64]) {
    let n = x.len();
    values[0] = 2.0 * x[0];
    values[1..n].copy_from_slice(&x[1..]);
    for j in 1..n {
        values[n + 2 * (j - 1)] = 2.0 * x[j];
        values[n + 2 * (j - 1) + 1] = x[0] + x[j].cos();
    }
}

macro_rules! jacobian_group {
    ($c:expr, $name:expr, $n:expr, $f:ident, $obj:expr, $hand:expr, $lanes:expr, dense: $dense:expr, reverse: $rev:expr) => {{
        const L: usize = $lanes;
        let n = $n;
        let x = point(n);
        let mut g = $c.benchmark_group(format!("sparse_jacobian/{}", $name));
        if n >= 10_000 {
            g.sample_size(10);
        }
        let sj = SparseJacobian::detect_inplace(|x, o| $f(x, o), &x, n).unwrap();
        eprintln!(
            "{}: n = {n}, nnz = {}, colours {}, passes with {L} lanes {}",
            $name,
            sj.pattern().nnz(),
            sj.colours(),
            sj.passes(L)
        );
        let mut values = vec![0.0; sj.pattern().nnz()];
        let mut fx = vec![0.0; n];
        // check before timing: dualnum against the hand-written values
        let mut want = vec![0.0; sj.pattern().nnz()];
        $hand(&x, &mut want);
        sj.values_inplace::<L, _>(|x, o| $f(x, o), &x, &mut fx, &mut values).unwrap();
        for (a, w) in values.iter().zip(&want) {
            assert!((a - w).abs() <= 1e-12 * w.abs().max(1.0), "{}: {a} vs {w}", $name);
        }
        g.bench_function("hand_written", |b| b.iter(|| $hand(black_box(&x), &mut values)));
        g.bench_function("f64_residual", |b| b.iter(|| $f(black_box(&x), &mut fx)));
        g.bench_function(BenchmarkId::new("sparse_forward_inplace", L), |b| {
            b.iter(|| {
                sj.values_inplace::<L, _>(|x, o| $f(x, o), black_box(&x), &mut fx, &mut values)
                    .unwrap()
            })
        });
        g.bench_function("sparse_forward_inplace_8", |b| {
            b.iter(|| {
                sj.values_inplace::<8, _>(|x, o| $f(x, o), black_box(&x), &mut fx, &mut values)
                    .unwrap()
            })
        });
        g.bench_function(BenchmarkId::new("sparse_fn_object", L), |b| {
            b.iter(|| sj.values_of::<L, _>(&$obj, black_box(&x), &mut fx, &mut values).unwrap())
        });
        g.bench_function("sparse_fn_object_8", |b| {
            b.iter(|| sj.values_of::<8, _>(&$obj, black_box(&x), &mut fx, &mut values).unwrap())
        });
        let off = sj.clone().with_pattern_check(PatternCheck::Off);
        g.bench_function("sparse_fn_object_8_no_check", |b| {
            b.iter(|| off.values_of::<8, _>(&$obj, black_box(&x), &mut fx, &mut values).unwrap())
        });
        g.bench_function("sparse_forward_csc_8", |b| {
            b.iter(|| sj.jacobian_inplace::<8, _>(|x, o| $f(x, o), black_box(&x)).unwrap())
        });
        let cd = CentralDiff::new(sj.clone(), &x);
        g.bench_function("central_differences_compressed", |b| {
            b.iter(|| cd.values(|x, o| $f(x, o), black_box(&x), &mut values))
        });
        if $dense {
            g.bench_function("dense_chunked_8", |b| {
                b.iter(|| chunked::Chunk::<8>::jacobian_inplace(|x, o| $f(x, o), black_box(&x), n))
            });
        }
        if $rev {
            g.bench_function("reverse_dense", |b| {
                b.iter(|| {
                    dualnum::reverse::jacobian(
                        |x| {
                            let mut o = vec![x[0] * 0.0; n];
                            $f(x, &mut o);
                            o
                        },
                        black_box(&x),
                    )
                })
            });
        }
        // echidna: record once, then the prepared sparse Jacobian
        let (mut tape, _) = echidna::record_multi(
            |x: &[echidna::BReverse<f64>]| {
                let mut o = vec![num_traits::Zero::zero(); n];
                $f(x, &mut o);
                o
            },
            &x,
        );
        let ep = tape.detect_jacobian_sparsity();
        let (ecol, ecount) = echidna::sparse::column_coloring(&ep);
        let (_, evals) = tape.sparse_jacobian_with_pattern(&x, &ep, &ecol, ecount, true);
        for ((&i, &j), v) in ep.rows.iter().zip(&ep.cols).zip(&evals) {
            let (offs, rows) = sj.pattern().csc();
            let k = offs[j as usize]
                + rows[offs[j as usize]..offs[j as usize + 1]]
                    .binary_search(&(i as usize))
                    .unwrap();
            assert!((v - want[k]).abs() <= 1e-12 * v.abs().max(1.0), "{}: echidna differs", $name);
        }
        eprintln!("{}: echidna colours {ecount} (dualnum {})", $name, sj.colours());
        g.bench_function("echidna_with_pattern", |b| {
            b.iter(|| tape.sparse_jacobian_with_pattern(black_box(&x), &ep, &ecol, ecount, true))
        });
        g.bench_function("echidna_vec_8_redetect", |b| {
            b.iter(|| tape.sparse_jacobian_vec::<8>(black_box(&x)))
        });
        g.finish();
    }};
}

fn jacobians(c: &mut Criterion) {
    jacobian_group!(c, "broyden_1000", 1000, broyden_tridiagonal, Broyden, broyden_tridiagonal_jacobian_csc, 3,
        dense: true, reverse: true);
    jacobian_group!(c, "broyden_10000", 10_000, broyden_tridiagonal, Broyden, broyden_tridiagonal_jacobian_csc, 3,
        dense: true, reverse: false);
    let bratu_hand = |u: &[f64], v: &mut [f64]| bratu_jacobian_csc(u, LAMBDA, v);
    jacobian_group!(c, "bratu_50x50", 2500, bratu6, Bratu, bratu_hand, 5, dense: true, reverse: true);
    jacobian_group!(c, "bratu_100x100", 10_000, bratu6, Bratu, bratu_hand, 5, dense: true, reverse: false);
}

/// The arrowhead by columns only, rows only (n = 1,000: `n` colours each)
/// and in both directions (3 colours: 2 column + 1 row).
fn arrowheads(c: &mut Criterion) {
    for n in [1000, 10_000] {
        let x = point(n);
        let mut g = c.benchmark_group(format!("sparse_jacobian/arrowhead_{n}"));
        let p = JacobianPattern::detect_inplace(|x, o| Arrow.eval(x, o), &x, n).unwrap();
        let auto = SparseJacobian::with_direction(p.clone(), Direction::Auto);
        let mut values = vec![0.0; p.nnz()];
        let mut fx = vec![0.0; n];
        let mut want = vec![0.0; p.nnz()];
        arrow_jacobian_csc(&x, &mut want);
        auto.values_of::<4, _>(&Arrow, &x, &mut fx, &mut values).unwrap();
        for (a, w) in values.iter().zip(&want) {
            assert!((a - w).abs() <= 1e-12 * w.abs().max(1.0), "arrowhead: {a} vs {w}");
        }
        eprintln!(
            "arrowhead_{n}: colours auto {} ({} column + {} row)",
            auto.colours(),
            auto.column_colours(),
            auto.row_colours()
        );
        g.bench_function("hand_written", |b| {
            b.iter(|| arrow_jacobian_csc(black_box(&x), &mut values))
        });
        g.bench_function("bidirectional_4", |b| {
            b.iter(|| auto.values_of::<4, _>(&Arrow, black_box(&x), &mut fx, &mut values).unwrap())
        });
        if n <= 1000 {
            let col = SparseJacobian::new(p.clone());
            let row = SparseJacobian::with_direction(p.clone(), Direction::Row);
            eprintln!("arrowhead_{n}: colours column {}, row {}", col.colours(), row.colours());
            g.bench_function("column_8", |b| {
                b.iter(|| {
                    col.values_of::<8, _>(&Arrow, black_box(&x), &mut fx, &mut values).unwrap()
                })
            });
            g.bench_function("row", |b| {
                b.iter(|| {
                    row.values_of::<4, _>(&Arrow, black_box(&x), &mut fx, &mut values).unwrap()
                })
            });
        }
        g.finish();
    }
}

fn detection(c: &mut Criterion) {
    let n = 10_000;
    let x = point(n);
    let mut g = c.benchmark_group("sparse_detection/bratu_100x100");
    let mut fx = vec![0.0; n];
    g.bench_function("f64_residual", |b| b.iter(|| bratu6(black_box(&x), &mut fx)));
    g.bench_function("detect_pattern", |b| {
        b.iter(|| JacobianPattern::detect_inplace(bratu6, black_box(&x), n).unwrap())
    });
    g.bench_function("detect_and_colour", |b| {
        b.iter(|| SparseJacobian::detect_inplace(bratu6, black_box(&x), n).unwrap())
    });
    g.finish();
}

fn hessian(c: &mut Criterion) {
    let n = 10_000;
    let x = point(n);
    let mut g = c.benchmark_group("sparse_hessian/rosenbrock_10000");
    let sh = SparseHessian::detect(rosenbrock, &x).unwrap();
    eprintln!("rosenbrock_10000 hessian: nnz {}, colours {}", sh.pattern().nnz(), sh.colours());
    let mut values = vec![0.0; sh.pattern().nnz()];
    rosenbrock_hessian_csc(&x, &mut values);
    let (_, _, h) = sh.hessian::<3, _>(|x| rosenbrock(x), &x).unwrap();
    for (a, w) in h.values().iter().zip(&values) {
        assert!((a - w).abs() <= 1e-12 * w.abs().max(1.0), "rosenbrock hessian: {a} vs {w}");
    }
    g.bench_function("hand_written", |b| {
        b.iter(|| rosenbrock_hessian_csc(black_box(&x), &mut values))
    });
    g.bench_function("f64_function", |b| b.iter(|| rosenbrock(black_box(&x))));
    g.bench_function("sparse_reverse_over_forward_3", |b| {
        b.iter(|| sh.hessian::<3, _>(|x| rosenbrock(x), black_box(&x)).unwrap())
    });
    // the directional check in the spare fourth lane, not an extra pass
    g.bench_function("sparse_reverse_over_forward_4", |b| {
        b.iter(|| sh.hessian::<4, _>(|x| rosenbrock(x), black_box(&x)).unwrap())
    });
    let off = sh.clone().with_pattern_check(PatternCheck::Off);
    g.bench_function("sparse_reverse_over_forward_3_no_check", |b| {
        b.iter(|| off.hessian::<3, _>(|x| rosenbrock(x), black_box(&x)).unwrap())
    });
    let (tape, _) = echidna::record(|x: &[echidna::BReverse<f64>]| rosenbrock(x), &x);
    let ep = tape.detect_sparsity();
    let (ecol, ecount) = echidna::sparse::greedy_coloring(&ep);
    eprintln!("rosenbrock_10000 hessian: echidna colours {ecount} (dualnum {})", sh.colours());
    g.bench_function("echidna_with_pattern", |b| {
        b.iter(|| tape.sparse_hessian_with_pattern(black_box(&x), &ep, &ecol, ecount))
    });
    g.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
}

criterion_group! { name = benches; config = config(); targets = jacobians, arrowheads, detection, hessian }
criterion_main!(benches);
