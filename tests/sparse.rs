//! Sparse Jacobians and Hessians (feature `sparse`): detected patterns,
//! exact equality with the dense forward Jacobian, the colour and pass
//! counts of the test problems, the in-place and CSR outputs, and every
//! bad input as an error.
#![cfg(feature = "sparse")]

use dualnum::sparse::{
    Branches, HessianPattern, JacobianPattern, PatternCheck, SparseError, SparseHessian,
    SparseJacobian, Tracer,
};
use dualnum::test_functions::*;
use dualnum::{Dual, chunked};
use nalgebra::DMatrix;
use nalgebra_sparse::{CscMatrix, CsrMatrix};
use num_traits::Float;

fn point(n: usize, seed: u64) -> Vec<f64> {
    (0..n).map(|i| 0.4 * ((i as f64) * 0.37 + seed as f64 * 1.3).sin() + 0.05).collect()
}

/// Every entry of `sparse` equals the dense one, and the dense one is zero
/// outside the pattern.
fn assert_same(sparse: &CscMatrix<f64>, dense: &DMatrix<f64>) {
    assert_eq!((sparse.nrows(), sparse.ncols()), dense.shape());
    let full = DMatrix::from(sparse);
    assert_eq!(&full, dense, "sparse Jacobian differs from the dense one");
}

// ---------------------------------------------------------------------------
// Detection
// ---------------------------------------------------------------------------

#[test]
fn jacobian_patterns_of_the_test_problems() {
    let x = point(16, 0);
    let p = JacobianPattern::detect_inplace(broyden_tridiagonal, &x, 16).unwrap();
    for i in 0..16usize {
        let want: Vec<usize> = (i.saturating_sub(1)..(i + 2).min(16)).collect();
        assert_eq!(p.row(i), &want[..]);
    }
    let p = JacobianPattern::detect_inplace(|x, o| bratu(x, 6.0, o), &x, 16).unwrap();
    assert_eq!(p.nnz(), 5 * 16 - 4 * 4);
    assert_eq!(p.row(5), &[1, 4, 5, 6, 9]);
    let p = JacobianPattern::detect_inplace(map_r4_r3, &[0.5, 0.6, 0.7, 0.8], 3).unwrap();
    assert_eq!((p.row(0), p.row(1), p.row(2)), (&[0, 1][..], &[1, 2, 3][..], &[0, 1, 2, 3][..]));
}

#[test]
fn hessian_patterns_record_interactions_only() {
    let x = [0.3, 0.5, 0.7];
    // Σ xᵢ²: diagonal only, although the gradient touches everything
    let p = HessianPattern::detect(|x| x.iter().map(|&v| v * v).sum(), &x).unwrap();
    assert_eq!((p.row(0), p.row(1), p.row(2)), (&[0][..], &[1][..], &[2][..]));
    // x₀·x₁ + x₂: the cross term, no diagonal
    let p = HessianPattern::detect(|x| x[0] * x[1] + x[2], &x).unwrap();
    assert_eq!((p.row(0), p.row(1), p.nnz()), (&[1][..], &[0][..], 2));
    // x₀/x₁: cross terms and ∂²/∂x₁²
    let p = HessianPattern::detect(|x| x[0] / x[1], &x).unwrap();
    assert_eq!((p.row(0), p.row(1)), (&[1][..], &[0, 1][..]));
    // sin(x₀ + x₂): the full block of {0, 2}
    let p = HessianPattern::detect(|x| (x[0] + x[2]).sin(), &x).unwrap();
    assert_eq!((p.row(0), p.row(1), p.row(2)), (&[0, 2][..], &[][..], &[0, 2][..]));
    // linear, and floor/round cut dependence
    let p = HessianPattern::detect(|x| x[0] * 3.0 - x[1] + x[2].floor() * x[0], &x).unwrap();
    assert_eq!(p.nnz(), 0);
    // chained Rosenbrock: tridiagonal
    let p = HessianPattern::detect(rosenbrock, &point(7, 1)).unwrap();
    assert_eq!(p.nnz(), 7 + 2 * 6);
}

/// A function bounded by more than `Float`: the tracer has the whole
/// shared surface (`FloatConst`, `Signed`, `Pow`, …) as `Dual` and `Var` do.
fn bounded<T>(x: &[T]) -> T
where
    T: Float + num_traits::FloatConst + num_traits::Signed + num_traits::Pow<i32, Output = T>,
{
    T::PI() * x[0].pow(2) + num_traits::Signed::abs(&x[1]) * T::E() + x[2].pow(3) * x[0]
}

#[test]
fn functions_bounded_by_the_rest_of_num_traits_are_traced() {
    let x = [0.3, -0.5, 0.7];
    let p = HessianPattern::detect(bounded, &x).unwrap();
    assert_eq!((p.row(0), p.row(1), p.row(2)), (&[0, 2][..], &[][..], &[0, 2][..]));
    let (_, _, h) = dualnum::hessian(|x| bounded(x.as_slice()), &nalgebra::Vector3::from(x));
    for i in 0..3 {
        for j in 0..3 {
            assert_eq!(h[(i, j)] != 0.0, p.row(i).contains(&j), "({i}, {j})");
        }
    }
}

fn branchy<T: Float>(x: &[T]) -> Vec<T> {
    let y = if x[0] > T::zero() { x[1] * x[0] } else { x[2].sin() };
    vec![y, x[0].max(x[2]), x[1].abs().clamp(x[0], x[2])]
}

#[test]
fn branches_are_rejected_by_default_and_followed_at_a_point() {
    let err = JacobianPattern::detect(branchy, &[1.0, 2.0, 3.0]).unwrap_err();
    assert_eq!(err, SparseError::ValueDependentBranches { count: 1 });
    assert!(err.to_string().contains("Branches::AtPoint"));
    let p = JacobianPattern::detect_with(branchy, &[1.0, 2.0, 3.0], Branches::AtPoint).unwrap();
    assert_eq!(p.row(0), &[0, 1]);
    let q = JacobianPattern::detect_with(branchy, &[-1.0, 2.0, 3.0], Branches::AtPoint).unwrap();
    assert_eq!(q.row(0), &[2]);
    // max, min, clamp and abs are unions, valid everywhere: no branch counted
    assert_eq!((p.row(1), p.row(2)), (&[0, 2][..], &[0, 1, 2][..]));
    // predicates and conversions on input-dependent values count too
    for f in [
        (|x: &[Tracer<f64>]| vec![if x[0].is_nan() { x[0] } else { x[1] }])
            as fn(&[Tracer<f64>]) -> Vec<Tracer<f64>>,
        |x| vec![x[0] * num_traits::ToPrimitive::to_f64(&x[1]).unwrap()],
        |x| vec![if num_traits::Zero::is_zero(&x[0]) { x[0] } else { x[1] }],
    ] {
        assert!(matches!(
            JacobianPattern::detect(f, &[1.0, 2.0]),
            Err(SparseError::ValueDependentBranches { .. })
        ));
    }
    // comparisons between constants are not branches on the inputs
    let p = JacobianPattern::detect(
        |x| vec![if Tracer::constant(1.0) > Tracer::constant(0.0) { x[0] } else { x[1] }],
        &[1.0, 2.0],
    )
    .unwrap();
    assert_eq!(p.row(0), &[0]);
}

#[test]
#[should_panic(expected = "detection")]
fn a_tracer_kept_from_a_detection_panics() {
    let mut kept = Vec::new();
    let _ = JacobianPattern::detect(
        |x| {
            kept.push(x[0]);
            vec![x[0]]
        },
        &[1.0],
    );
    let _ = JacobianPattern::detect(|x| vec![x[0] * kept[0]], &[1.0]);
}

// ---------------------------------------------------------------------------
// Jacobians: exact equality with dense forward mode
// ---------------------------------------------------------------------------

macro_rules! check_exact {
    ($f:expr, $n:expr, $m:expr) => {{
        let x0 = point($n, 0);
        let sj = SparseJacobian::detect_inplace(|x, o| $f(x, o), &x0, $m).unwrap();
        for seed in 1..4 {
            let x = point($n, seed);
            let (_, dense) = chunked::Chunk::<8>::jacobian_inplace(|x, o| $f(x, o), &x, $m);
            let (fx1, j1) = sj.jacobian_inplace::<1, _>(|x, o| $f(x, o), &x).unwrap();
            let (fx3, j3) = sj.jacobian_inplace::<3, _>(|x, o| $f(x, o), &x).unwrap();
            let (fx8, j8) = sj.jacobian_inplace::<8, _>(|x, o| $f(x, o), &x).unwrap();
            assert_same(&j1, &dense);
            assert_same(&j3, &dense);
            assert_same(&j8, &dense);
            let mut want = vec![0.0; $m];
            $f(&x, &mut want);
            assert_eq!(
                (fx1.as_slice(), fx3.as_slice(), fx8.as_slice()),
                (&want[..], &want[..], &want[..])
            );
        }
        sj
    }};
}

#[test]
fn sparse_jacobians_equal_dense_ones_exactly() {
    let sj = check_exact!(broyden_tridiagonal, 40, 40);
    assert_eq!((sj.colours(), sj.passes(1), sj.passes(3), sj.passes(8)), (3, 3, 1, 1));
    let sj = check_exact!(broyden_exp_sin, 40, 40);
    assert_eq!(sj.colours(), 3);
    let sj = check_exact!(|x, o| bratu(x, 6.0, o), 49, 49);
    assert_eq!((sj.colours(), sj.passes(5)), (5, 1));
    check_exact!(map_r4_r3, 4, 3);
    check_exact!(tall_map, 5, 23);
    let sj = check_exact!(wide_map, 20, 3);
    assert_eq!(sj.colours(), 20); // dense rows: every column its own colour
}

#[test]
fn the_goal_problems_colour_counts() {
    let n = 100;
    let x = vec![0.0; n * n];
    let sj = SparseJacobian::detect_inplace(|u, o| bratu(u, 6.0, o), &x, n * n).unwrap();
    assert_eq!((sj.colours(), sj.passes(8), sj.passes(5), sj.passes(4)), (5, 1, 1, 2));
    let x = vec![0.5; 10_000];
    let sj = SparseJacobian::detect_inplace(broyden_tridiagonal, &x, 10_000).unwrap();
    assert_eq!(sj.colours(), 3);
}

#[test]
fn hand_written_csc_values_match() {
    let n = 12;
    let u = point(n * n, 2);
    let sj = SparseJacobian::detect_inplace(|u, o| bratu(u, 5.0, o), &u, n * n).unwrap();
    let (_, j) = sj.jacobian_inplace::<8, _>(|u, o| bratu(u, 5.0, o), &u).unwrap();
    let mut want = vec![0.0; j.nnz()];
    bratu_jacobian_csc(&u, 5.0, &mut want);
    assert_eq!(j.values(), &want[..]);
    let x = point(30, 3);
    let sj = SparseJacobian::detect_inplace(broyden_tridiagonal, &x, 30).unwrap();
    let (_, j) = sj.jacobian_inplace::<4, _>(broyden_tridiagonal, &x).unwrap();
    let mut want = vec![0.0; j.nnz()];
    broyden_tridiagonal_jacobian_csc(&x, &mut want);
    // (3 − 2x)·1 + x·(−2) against 3 − 4x: equal to rounding
    for (a, b) in j.values().iter().zip(&want) {
        assert!((a - b).abs() <= 4.0 * f64::EPSILON * b.abs(), "{a} vs {b}");
    }
}

#[test]
fn returning_closure_in_place_update_and_csr() {
    let x = point(10, 4);
    let f = |x: &[Dual<f64, 2>]| {
        let mut o = vec![Dual::from(0.0); 10];
        broyden_exp_sin(x, &mut o);
        o
    };
    let sj = SparseJacobian::detect(
        |x| {
            let mut o = vec![Tracer::constant(0.0); 10];
            broyden_exp_sin(x, &mut o);
            o
        },
        &x,
    )
    .unwrap();
    let (fx, j) = sj.jacobian::<2, _, _>(f, &x).unwrap();
    // in place, into the matrix's own values
    let y = point(10, 5);
    let mut m = j.clone();
    let mut fy = vec![0.0; 10];
    sj.values_inplace::<2, _>(broyden_exp_sin, &y, &mut fy, m.values_mut()).unwrap();
    let (fy2, j2) = sj.jacobian::<2, _, _>(f, &y).unwrap();
    assert_eq!((fy.as_slice(), &m), (fy2.as_slice(), &j2));
    assert_ne!(m, j);
    // raw indices and CSR
    let (rows, cols) = sj.pattern().indices();
    let triplets: Vec<_> = j.triplet_iter().map(|(i, k, v)| (i, k, *v)).collect();
    for (t, (&i, &k)) in triplets.iter().zip(rows.iter().zip(&cols)) {
        assert_eq!((t.0, t.1), (i, k));
    }
    let csr = CsrMatrix::from(&j);
    assert_eq!(DMatrix::from(&csr), DMatrix::from(&j));
    let _ = fx;
}

// ---------------------------------------------------------------------------
// Bad input: errors, never a wrong matrix
// ---------------------------------------------------------------------------

#[test]
fn wrong_lengths_are_errors() {
    let x = point(6, 0);
    let sj = SparseJacobian::detect_inplace(broyden_tridiagonal, &x, 6).unwrap();
    let f = |x: &[Dual<f64, 4>], o: &mut [Dual<f64, 4>]| broyden_tridiagonal(x, o);
    assert_eq!(
        sj.jacobian_inplace::<4, _>(f, &x[..5]).unwrap_err(),
        SparseError::InputLength { expected: 6, got: 5 }
    );
    let mut calls = 0;
    let grows = |x: &[Dual<f64, 1>]| {
        calls += 1;
        let mut o = vec![Dual::from(0.0); 6];
        broyden_tridiagonal(x, &mut o);
        if calls > 1 {
            o.push(x[0]);
        }
        o
    };
    assert_eq!(
        sj.jacobian::<1, _, _>(grows, &x).unwrap_err(),
        SparseError::OutputLength { expected: 6, got: 7 }
    );
    let (mut fx, mut v) = (vec![0.0; 6], vec![0.0; 3]);
    assert_eq!(
        sj.values_inplace::<4, _>(f, &x, &mut fx, &mut v).unwrap_err(),
        SparseError::ValuesLength { expected: 16, got: 3 }
    );
    let mut short = vec![0.0; 5];
    let mut v = vec![0.0; 16];
    assert!(matches!(
        sj.values_inplace::<4, _>(f, &x, &mut short, &mut v),
        Err(SparseError::OutputLength { .. })
    ));
}

fn switch<T: Float>(x: &[T], out: &mut [T]) {
    // output 0 depends on x₃ only when x₀ < 0
    out[0] = if x[0] < T::zero() { x[0] * x[3] } else { x[0] * x[0] };
    for i in 1..x.len() {
        out[i] = x[i] * x[i - 1];
    }
}

#[test]
fn an_entry_outside_the_pattern_is_an_error() {
    let n = 8;
    let x = vec![1.0; n];
    assert!(JacobianPattern::detect_inplace(switch, &x, n).is_err());
    let p = JacobianPattern::detect_with(
        |x| {
            let mut o = vec![Tracer::constant(0.0); n];
            switch(x, &mut o);
            o
        },
        &x,
        Branches::AtPoint,
    )
    .unwrap();
    let sj = SparseJacobian::new(p);
    let c = sj.colouring().colours();
    assert_ne!(c[3], c[0], "x₃ must not share row 0's colour for this test");
    let mut y = x.clone();
    assert!(sj.jacobian_inplace::<8, _>(switch, &y).is_ok());
    y[0] = -1.0;
    let err = sj.jacobian_inplace::<8, _>(switch, &y).unwrap_err();
    assert!(
        matches!(&err, SparseError::OutsidePattern { row: 0, colour, columns } if *colour == c[3] && columns.contains(&3))
    );
    assert!(err.to_string().contains("detect the pattern again"));
    // also in a later pass
    let err = sj.jacobian_inplace::<1, _>(switch, &y).unwrap_err();
    assert!(matches!(err, SparseError::OutsidePattern { row: 0, .. }));
}

#[test]
fn an_invalid_colouring_is_an_error() {
    use dualnum::sparse::colour::Colouring;
    let p = JacobianPattern::from_entries(2, 3, &[(0, 0), (1, 1), (1, 2)]);
    let err = SparseJacobian::with_colouring(p.clone(), Colouring::new(vec![0, 1, 1])).unwrap_err();
    assert_eq!(err, SparseError::InvalidColouring { row: 1, columns: (1, 2) });
    assert!(err.to_string().contains("in row 1, columns 1 and 2 have the same colour"));
    let err = SparseJacobian::with_colouring(p.clone(), Colouring::new(vec![0, 1])).unwrap_err();
    assert_eq!(err, SparseError::InvalidColouring { row: usize::MAX, columns: (2, 3) });
    assert!(SparseJacobian::with_colouring(p, Colouring::new(vec![0, 0, 1])).is_ok());
    // Hessians: neighbours of one colour, and an entry readable from neither end
    let h = HessianPattern::from_entries(3, &[(0, 1), (1, 2)]);
    let err = SparseHessian::with_colouring(h.clone(), Colouring::new(vec![0, 0, 1])).unwrap_err();
    assert_eq!(err, SparseError::InvalidColouring { row: 0, columns: (0, 1) });
    // path 0–1–2–3 in two colours: (1, 2) is read from neither end, but
    // the colouring is acyclic (recovered by substitution)
    let h = HessianPattern::from_entries(4, &[(0, 1), (1, 2), (2, 3)]);
    let sh = SparseHessian::with_colouring(h.clone(), Colouring::new(vec![0, 1, 0, 1])).unwrap();
    assert!(sh.substitutes(2));
    assert!(SparseHessian::with_colouring(h, Colouring::new(vec![0, 1, 2, 0])).is_ok());
    // the cycle 0–1–2–3–0 in two colours: neither direct nor by substitution
    let h = HessianPattern::from_entries(4, &[(0, 1), (1, 2), (2, 3), (3, 0)]);
    let err =
        SparseHessian::with_colouring(h.clone(), Colouring::new(vec![0, 1, 0, 1])).unwrap_err();
    assert_eq!(err, SparseError::InvalidColouring { row: 0, columns: (1, 3) });
}

// ---------------------------------------------------------------------------
// Hessians
// ---------------------------------------------------------------------------

#[test]
fn sparse_hessian_of_rosenbrock() {
    let n = 50;
    let x0 = point(n, 0);
    let sh = SparseHessian::detect(rosenbrock, &x0).unwrap();
    // tridiagonal: 3 star colours, 2 acyclic ones
    assert_eq!(sh.colours(), 2);
    for seed in 1..4 {
        let x = point(n, seed);
        let (fx, g, h) = sh.hessian::<3, _>(|x| rosenbrock(x), &x).unwrap();
        let (fx1, g1, h1) = sh.hessian::<1, _>(|x| rosenbrock(x), &x).unwrap();
        let mut want = vec![0.0; h.nnz()];
        rosenbrock_hessian_csc(&x, &mut want);
        let mut gw = vec![0.0; n];
        rosenbrock_gradient(&x, &mut gw);
        assert_eq!(fx, rosenbrock(&x));
        assert_eq!((fx1, &g1, &h1), (fx, &g, &h));
        for (a, b) in h.values().iter().zip(&want).chain(g.iter().zip(&gw)) {
            assert!((a - b).abs() <= 1e-12 * b.abs().max(1.0), "{a} vs {b}");
        }
    }
}

/// `f(x) = x₀·Σᵢ xᵢ² + Σᵢ sin(xᵢ)`: an arrowhead Hessian.
fn arrow<T: Float>(x: &[T]) -> T {
    let s = x.iter().fold(T::zero(), |s, &v| s + v * v);
    x[0] * s + x.iter().fold(T::zero(), |s, &v| s + v.sin())
}

#[test]
fn star_colouring_beats_distance_two_on_an_arrowhead() {
    const N: usize = 6;
    let x: Vec<f64> = point(N, 3);
    let sh = SparseHessian::detect(arrow, &x).unwrap();
    assert_eq!(sh.pattern().nnz(), N + 2 * (N - 1));
    assert_eq!(sh.colours(), 2);
    let d2 = dualnum::sparse::colour::distance2_colouring(sh.pattern());
    assert_eq!(d2.count(), N);
    let (_, _, h) = sh.hessian::<2, _>(|x| arrow(x), &x).unwrap();
    let sd2 = SparseHessian::with_colouring(sh.pattern().clone(), d2).unwrap();
    let (_, _, h2) = sd2.hessian::<4, _>(|x| arrow(x), &x).unwrap();
    let xs = nalgebra::SVector::<f64, N>::from_column_slice(&x);
    let (_, _, dense) = dualnum::hessian(|x| arrow(x.as_slice()), &xs);
    for hh in [DMatrix::from(&h), DMatrix::from(&h2)] {
        for i in 0..N {
            for j in 0..N {
                assert!((hh[(i, j)] - dense[(i, j)]).abs() <= 1e-12 * dense[(i, j)].abs().max(1.0));
            }
        }
    }
}

#[test]
fn hessian_errors() {
    // the star colouring: an acyclic one has only 2 colours on a path
    let p = dualnum::sparse::HessianPattern::detect(rosenbrock, &[0.5; 5]).unwrap();
    let star = dualnum::sparse::colour::star_colouring(&p);
    let sh = SparseHessian::with_colouring(p, star).unwrap();
    assert_eq!(
        sh.hessian::<3, _>(|x| rosenbrock(x), &[0.5; 4]).unwrap_err(),
        SparseError::InputLength { expected: 5, got: 4 }
    );
    // a different function with an interaction (0, k) outside the pattern,
    // k of a colour that row 0 does not use: detected
    let c = sh.colouring().colours().to_vec();
    let k = (2..5).find(|&k| c[k] != c[0] && c[k] != c[1]).expect("a path needs 3 colours");
    let err = sh.hessian::<3, _>(|x| rosenbrock(x) + x[0] * x[k], &[0.5; 5]).unwrap_err();
    assert!(matches!(err, SparseError::OutsidePattern { .. }), "{err:?}");
}

#[test]
fn reused_buffers_give_fresh_answers() {
    // one pass (values rewritten only), several passes (reseeded), and a
    // switch of lane width in between: every answer is the dense one
    let n = 36;
    let sj = SparseJacobian::detect_inplace(|u, o| bratu(u, 6.0, o), &point(n, 0), n).unwrap();
    for seed in [1, 2, 1, 3] {
        let x = point(n, seed);
        let (_, dense) = chunked::Chunk::<8>::jacobian_inplace(|u, o| bratu(u, 6.0, o), &x, n);
        let (f8, j8) = sj.jacobian_inplace::<8, _>(|u, o| bratu(u, 6.0, o), &x).unwrap();
        let (f8b, j8b) = sj.jacobian_inplace::<8, _>(|u, o| bratu(u, 6.0, o), &x).unwrap();
        let (_, j2) = sj.jacobian_inplace::<2, _>(|u, o| bratu(u, 6.0, o), &x).unwrap();
        let (_, j2b) = sj.jacobian_inplace::<2, _>(|u, o| bratu(u, 6.0, o), &x).unwrap();
        for j in [&j8, &j8b, &j2, &j2b] {
            assert_same(j, &dense);
        }
        assert_eq!(f8, f8b);
    }
}

/// Broyden's map, but output `skip` is left as it comes in (`+=` onto
/// it): the promise of `with_outputs_written` broken.
struct Sloppy {
    skip: usize,
}

impl dualnum::VectorFunction for Sloppy {
    fn outputs(&self, n: usize) -> usize {
        n
    }
    fn eval<T: Float>(&self, x: &[T], out: &mut [T]) {
        let mut full = vec![T::zero(); x.len()];
        broyden_tridiagonal(x, &mut full);
        for (i, (o, f)) in out.iter_mut().zip(full).enumerate() {
            if i == self.skip {
                // relies on the reset: adds to what is there
                *o = *o + f;
            } else if i != self.skip + 1 {
                *o = f;
            }
            // output skip + 1 is never written: zero by the reset
        }
    }
}

#[test]
fn a_broken_promise_is_caught_on_repeated_one_pass_checked_calls() {
    // the same lane width call after call, so the kept buffers hold the
    // last call's outputs: C = 4, one pass with the check (compared and
    // tested for finiteness through the row table), and C = 8
    let n = 30;
    let sj = SparseJacobian::detect_inplace(broyden_tridiagonal, &point(n, 0), n).unwrap();
    let trusting = sj.with_outputs_written(true);
    // and without the check (C = 3 and 4: the one-pass gather; the
    // outputs marked for the next call as their values are copied)
    let trusting_off = trusting.clone().with_pattern_check(PatternCheck::Off);
    for skip in [0, 11, n - 2] {
        let f = Sloppy { skip };
        for seed in [1, 2, 3, 4] {
            let x = point(n, seed);
            let (_, dense) = chunked::jacobian_of(&f, &x);
            let mut want = vec![0.0; n];
            dualnum::VectorFunction::eval(&f, &x, &mut want);
            for _ in 0..2 {
                for (fx, j) in [
                    trusting.jacobian_of::<4, _>(&f, &x).unwrap(),
                    trusting_off.jacobian_of::<3, _>(&f, &x).unwrap(),
                    trusting_off.jacobian_of::<4, _>(&f, &x).unwrap(),
                ] {
                    assert_same(&j, &dense);
                    assert_eq!(fx.as_slice(), &want[..]);
                }
            }
            let (fx, j) = trusting.jacobian_of::<8, _>(&f, &x).unwrap();
            assert_same(&j, &dense);
            assert_eq!(fx.as_slice(), &want[..]);
        }
    }
}

#[test]
fn a_broken_outputs_written_promise_costs_a_rerun_never_a_wrong_matrix() {
    let n = 30;
    let x0 = point(n, 0);
    let sj = SparseJacobian::detect_inplace(broyden_tridiagonal, &x0, n).unwrap();
    let trusting = sj.clone().with_outputs_written(true);
    assert!(!sj.outputs_written() && trusting.outputs_written());
    for skip in [0, 7, n - 2] {
        let f = Sloppy { skip };
        // several calls (the buffers keep the last pass's outputs), at
        // several points, with one pass and with several
        for seed in [1, 2, 3, 2] {
            let x = point(n, seed);
            let (_, dense) = chunked::jacobian_of(&f, &x);
            for (fx, j) in [
                trusting.jacobian_of::<4, _>(&f, &x).unwrap(),
                trusting.jacobian_of::<1, _>(&f, &x).unwrap(),
                trusting
                    .clone()
                    .with_pattern_check(PatternCheck::Off)
                    .jacobian_of::<3, _>(&f, &x)
                    .unwrap(),
            ] {
                assert_same(&j, &dense);
                let mut want = vec![0.0; n];
                dualnum::VectorFunction::eval(&f, &x, &mut want);
                assert_eq!(fx.as_slice(), &want[..]);
                assert_eq!(fx[skip + 1], 0.0);
            }
        }
    }
}

#[test]
fn unchecked_stores_land_in_every_value_order() {
    // the stores of a pass without the check's comparison (colour by
    // colour): CSC, CSR and a reversed order, one pass and several, columns
    // only and both directions; each equal to the dense Jacobian's entries
    use dualnum::sparse::Direction;
    struct Arrow;
    impl dualnum::VectorFunction for Arrow {
        fn outputs(&self, n: usize) -> usize {
            n
        }
        fn eval<T: Float>(&self, x: &[T], out: &mut [T]) {
            out[0] = x.iter().fold(T::zero(), |s, &v| s + v * v);
            for i in 1..x.len() {
                out[i] = x[0] * x[i] + x[i].sin() + x[i - 1] * x[i];
            }
        }
    }
    let n = 25;
    let x = point(n, 4);
    let (_, dense) = chunked::jacobian_of(&Arrow, &x);
    let p =
        JacobianPattern::detect_inplace(|x, o| dualnum::VectorFunction::eval(&Arrow, x, o), &x, n)
            .unwrap();
    let nnz = p.nnz();
    let (offs, rows) = p.csc();
    let csc: Vec<(usize, usize)> =
        (0..n).flat_map(|j| rows[offs[j]..offs[j + 1]].iter().map(move |&i| (i, j))).collect();
    for direction in [Direction::Column, Direction::Auto] {
        let sj = SparseJacobian::with_direction(p.clone(), direction)
            .with_pattern_check(PatternCheck::Off);
        let reversed: Vec<usize> = (0..nnz).rev().collect();
        for (order, sj) in [
            (None, sj.clone()),
            (Some(reversed.clone()), sj.clone().with_value_order(reversed).unwrap()),
        ] {
            for written in [false, true] {
                let sj = sj.clone().with_outputs_written(written);
                let (mut f1, mut f2) = (vec![0.0; n], vec![0.0; n]);
                let (mut v1, mut v2) = (vec![0.0; nnz], vec![0.0; nnz]);
                sj.values_of::<1, _>(&Arrow, &x, &mut f1, &mut v1).unwrap();
                sj.values_of::<8, _>(&Arrow, &x, &mut f2, &mut v2).unwrap();
                assert_eq!((&f1, &v1), (&f2, &v2));
                for (k, &(i, j)) in csc.iter().enumerate() {
                    let at = order.as_ref().map_or(k, |o| o[k]);
                    assert_eq!(v1[at], dense[(i, j)], "{direction:?} entry ({i}, {j})");
                }
            }
        }
        let csr = sj.clone().with_csr_values();
        let mut v = vec![0.0; nnz];
        csr.values_of::<2, _>(&Arrow, &x, &mut vec![0.0; n], &mut v).unwrap();
        let (_, j) = sj.jacobian_of::<2, _>(&Arrow, &x).unwrap();
        assert_eq!(CsrMatrix::from(&j).values(), &v[..]);
    }
}
