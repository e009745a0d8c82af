//! Sparse Jacobians and Hessians (feature `sparse`): the directional check
//! that turns a changed pattern into an error, the checked fast path for
//! function objects (equal to the NaN-safe closures, with the per-pass
//! fallback), and exact zeros as `+0`.
#![cfg(feature = "sparse")]

use dualnum::VectorFunction;
use dualnum::sparse::{
    Branches, JacobianPattern, PatternCheck, SparseError, SparseHessian, SparseJacobian, Tracer,
};
use dualnum::test_functions::*;
use nalgebra::DMatrix;
use nalgebra_sparse::CscMatrix;
use num_traits::Float;
use quickcheck::{TestResult, quickcheck};

/// Maps arbitrary quickcheck floats into `[-1, 1]`, `n` of them.
fn point(seed: &[f64], n: usize) -> Option<Vec<f64>> {
    if seed.is_empty() || seed.iter().any(|v| !v.is_finite()) {
        return None;
    }
    Some((0..n).map(|i| (seed[i % seed.len()] + 0.37 * i as f64).sin()).collect())
}

/// Bit-for-bit equality of two sparse matrices (values and structure).
fn same_bits(a: &CscMatrix<f64>, b: &CscMatrix<f64>) -> bool {
    a.col_offsets() == b.col_offsets()
        && a.row_indices() == b.row_indices()
        && a.values().iter().zip(b.values()).all(|(x, y)| x.to_bits() == y.to_bits())
}

// ---------------------------------------------------------------------------
// A planted pattern change
// ---------------------------------------------------------------------------

/// Tridiagonal, except that output 0 also depends on `x₃` when `x₀ < 0`
/// (through a comparison, so the pattern detected at `x₀ > 0` lacks it).
/// With the tridiagonal colouring (`c(j) = j mod 3`), column 3 has column
/// 0's colour: the new entry `(0, 3)` lands in the lane of `(0, 0)`.
fn planted<T: Float>(x: &[T], out: &mut [T]) {
    let n = x.len();
    for i in 0..n {
        let l = if i > 0 { x[i - 1] } else { T::zero() };
        let r = if i + 1 < n { x[i + 1] } else { T::zero() };
        out[i] = x[i] * x[i] + l * r.sin() + r;
    }
    if x[0] < T::zero() {
        out[0] = out[0] + x[3] * T::from(0.9).unwrap();
    }
}

struct Planted;
impl VectorFunction for Planted {
    fn outputs(&self, n: usize) -> usize {
        n
    }
    fn eval<T: Float>(&self, x: &[T], out: &mut [T]) {
        planted(x, out)
    }
}

fn planted_jacobian(n: usize) -> SparseJacobian {
    let x = vec![0.5; n];
    let p = JacobianPattern::detect_with(
        |x| {
            let mut o = vec![Tracer::constant(0.0); n];
            planted(x, &mut o);
            o
        },
        &x,
        Branches::AtPoint,
    )
    .unwrap();
    let sj = SparseJacobian::new(p);
    assert_eq!(sj.colours(), 3);
    let c = sj.colouring().colours();
    assert_eq!(c[3], c[0], "the test needs x₃ in row 0's colour of x₀");
    sj
}

#[test]
fn a_planted_pattern_change_is_caught_by_the_default_check() {
    let n = 9;
    let sj = planted_jacobian(n);
    assert_eq!(sj.pattern_check(), PatternCheck::Directional);
    let good: Vec<f64> = (0..n).map(|i| 0.3 + 0.1 * i as f64).collect();
    let mut bad = good.clone();
    bad[0] = -0.4;
    let dense = |x: &[f64]| dualnum::chunked::Chunk::<4>::jacobian_inplace(planted, x, n).1;
    // where the pattern holds, every lane width and driver agrees with dense
    macro_rules! at {
        ($c:literal, $x:expr) => {
            (sj.jacobian_inplace::<$c, _>(planted, $x), sj.jacobian_of::<$c, _>(&Planted, $x))
        };
    }
    let (a, b) = at!(4, &good);
    assert_eq!(DMatrix::from(&a.unwrap().1), dense(&good));
    assert_eq!(DMatrix::from(&b.unwrap().1), dense(&good));
    // where it does not: an error naming row 0, whether the check rides in
    // a spare lane (C = 4, 8), needs an extra pass (C = 3, 1) on Dual<T, C>
    // (closures) or Dual<T, 1> (function objects)
    for (a, b) in [at!(1, &bad), at!(2, &bad), at!(3, &bad), at!(4, &bad), at!(8, &bad)] {
        assert_eq!(a.unwrap_err(), SparseError::PatternChanged { row: 0 });
        assert_eq!(b.unwrap_err(), SparseError::PatternChanged { row: 0 });
    }
    let err = sj.jacobian_of::<4, _>(&Planted, &bad).unwrap_err();
    assert!(err.to_string().contains("detect the pattern again"), "{err}");
    // without the check the same call returns a wrong matrix: the check is
    // what catches it
    let off = sj.clone().with_pattern_check(PatternCheck::Off);
    let (_, j) = off.jacobian_inplace::<4, _>(planted, &bad).unwrap();
    let (j, want) = (DMatrix::from(&j), dense(&bad));
    assert_ne!(j[(0, 0)], want[(0, 0)]);
    assert!((j[(0, 0)] - (want[(0, 0)] + want[(0, 3)])).abs() < 1e-15);
    assert_eq!(off.evaluations(3), 1);
    assert_eq!((sj.evaluations(3), sj.evaluations(4), sj.evaluations(1)), (2, 1, 4));
}

/// [`planted`] plus `√0` of a constant in output 0: the fast kernels give
/// `∞·0 = NaN` in every lane of that output (the check's own pass too),
/// the NaN-safe ones 0.
struct PlantedRoot;
impl VectorFunction for PlantedRoot {
    fn outputs(&self, n: usize) -> usize {
        n
    }
    fn eval<T: Float>(&self, x: &[T], out: &mut [T]) {
        planted(x, out);
        out[0] = out[0] + T::zero().sqrt();
    }
}

#[test]
fn a_planted_change_is_caught_when_the_fast_check_pass_is_not_finite() {
    // C = 3 = the colour count: the check's own pass of `Dual<T, 1>`, whose
    // fast lane is NaN in row 0; that pass must be run again NaN-safe and
    // compared, not taken as passing (a NaN compares as nothing)
    let n = 9;
    let sj = planted_jacobian(n);
    let good: Vec<f64> = (0..n).map(|i| 0.3 + 0.1 * i as f64).collect();
    let mut bad = good.clone();
    bad[0] = -0.4;
    let dense = dualnum::chunked::Chunk::<4>::jacobian_inplace(planted, &good, n).1;
    for _ in 0..2 {
        assert_eq!(DMatrix::from(&sj.jacobian_of::<3, _>(&PlantedRoot, &good).unwrap().1), dense);
        let err = sj.jacobian_of::<3, _>(&PlantedRoot, &bad).unwrap_err();
        assert_eq!(err, SparseError::PatternChanged { row: 0 });
    }
}

/// The same kind of change in a Hessian: `x₀·xₖ` appears when `x₀ < 0`,
/// with `k` a column of `x₀`'s colour (so `H[0, 0]` is read from the lane
/// that now also holds `H[0, k]`).
fn planted_scalar<T: Float>(x: &[T], k: usize) -> T {
    let mut s = rosenbrock(x);
    if x[0] < T::zero() {
        s = s + x[0] * x[k];
    }
    s
}

#[test]
fn a_planted_hessian_change_is_caught_by_the_default_check() {
    let n = 9;
    let x0 = vec![0.5; n];
    let p = dualnum::sparse::HessianPattern::detect_with(
        |x| planted_scalar(x, 0),
        &x0,
        Branches::AtPoint,
    )
    .unwrap();
    let sh = SparseHessian::new(p);
    let c = sh.colouring().colours();
    let k = (2..n).find(|&k| c[k] == c[0]).expect("a column of x₀'s colour");
    let good: Vec<f64> = (0..n).map(|i| 0.3 + 0.1 * i as f64).collect();
    let mut bad = good.clone();
    bad[0] = -0.4;
    assert!(sh.hessian::<4, _>(|x| planted_scalar(x, k), &good).is_ok());
    for r in [
        sh.hessian::<4, _>(|x| planted_scalar(x, k), &bad).map(|_| ()),
        sh.hessian::<3, _>(|x| planted_scalar(x, k), &bad).map(|_| ()),
        sh.hessian::<1, _>(|x| planted_scalar(x, k), &bad).map(|_| ()),
    ] {
        assert!(
            matches!(r, Err(SparseError::PatternChanged { row }) if row == 0 || row == k),
            "{r:?}"
        );
    }
    // without the check: Ok, and H[0, 0] wrong by the new H[0, k] = 1
    let off = sh.with_pattern_check(PatternCheck::Off);
    let (_, _, h) = off.hessian::<4, _>(|x| planted_scalar(x, k), &bad).unwrap();
    let mut want = vec![0.0; n * n];
    rosenbrock_hessian(&bad, &mut want);
    let h00 = DMatrix::from(&h)[(0, 0)];
    assert!((h00 - (want[0] + 1.0)).abs() < 1e-12, "{h00} vs {}", want[0]);
}

// ---------------------------------------------------------------------------
// The checked fast path for function objects
// ---------------------------------------------------------------------------

struct Bratu;
impl VectorFunction for Bratu {
    fn outputs(&self, n: usize) -> usize {
        n
    }
    fn eval<T: Float>(&self, x: &[T], out: &mut [T]) {
        bratu(x, 6.0, out)
    }
}

struct Broyden;
impl VectorFunction for Broyden {
    fn outputs(&self, n: usize) -> usize {
        n
    }
    fn eval<T: Float>(&self, x: &[T], out: &mut [T]) {
        broyden_tridiagonal(x, out)
    }
}

fn fast_equals_safe(seed: Vec<f64>) -> TestResult {
    let (Some(xb), Some(xr)) = (point(&seed, 64), point(&seed, 40)) else {
        return TestResult::discard();
    };
    let bj = SparseJacobian::detect_inplace(|x, o| bratu(x, 6.0, o), &xb, 64).unwrap();
    let rj = SparseJacobian::detect_inplace(broyden_tridiagonal, &xr, 40).unwrap();
    macro_rules! agree {
        ($($c:literal)*) => {$(
            let (f1, j1) = bj.jacobian_of::<$c, _>(&Bratu, &xb).unwrap();
            let (f2, j2) = bj.jacobian_inplace::<$c, _>(|x, o| bratu(x, 6.0, o), &xb).unwrap();
            if f1 != f2 || !same_bits(&j1, &j2) {
                return TestResult::error(format!("bratu, C = {}", $c));
            }
            let (f1, j1) = rj.jacobian_of::<$c, _>(&Broyden, &xr).unwrap();
            let (f2, j2) = rj.jacobian_inplace::<$c, _>(broyden_tridiagonal, &xr).unwrap();
            if f1 != f2 || !same_bits(&j1, &j2) {
                return TestResult::error(format!("broyden, C = {}", $c));
            }
            let (mut fx, mut v) = (vec![0.0; 40], vec![0.0; rj.pattern().nnz()]);
            rj.values_of::<$c, _>(&Broyden, &xr, &mut fx, &mut v).unwrap();
            if v.iter().zip(j1.values()).any(|(a, b)| a.to_bits() != b.to_bits()) {
                return TestResult::error(format!("broyden values_of, C = {}", $c));
            }
        )*};
    }
    agree!(1 2 3 4 5 6 8 16);
    TestResult::passed()
}

#[test]
fn the_fast_path_equals_the_nan_safe_closures() {
    quickcheck(fast_equals_safe as fn(Vec<f64>) -> TestResult);
}

/// `xᵢ·√xᵢ₊₁`: at `xᵢ₊₁ = 0` the fast kernels give `0·∞ = NaN` in the lane
/// of `xᵢ`, the NaN-safe ones 0.
struct Root;
impl VectorFunction for Root {
    fn outputs(&self, n: usize) -> usize {
        n - 1
    }
    fn eval<T: Float>(&self, x: &[T], out: &mut [T]) {
        for i in 0..x.len() - 1 {
            out[i] = x[i] * x[i + 1].sqrt();
        }
    }
}

#[test]
fn a_non_finite_pass_is_rerun_nan_safe() {
    let n = 7;
    let x = [2.0, 0.0, 1.0, 3.0, 0.5, 4.0, 0.25];
    let sj = SparseJacobian::detect_inplace(|x, o| Root.eval(x, o), &x, n - 1).unwrap();
    assert_eq!(sj.colours(), 2);
    // one pass with the spare lane, and one colour per pass (the second
    // fast pass is finite: only the NaN-producing pass is re-run)
    for (j, want) in [
        (
            sj.jacobian_of::<4, _>(&Root, &x).unwrap().1,
            sj.jacobian_inplace::<4, _>(|x, o| Root.eval(x, o), &x),
        ),
        (
            sj.jacobian_of::<1, _>(&Root, &x).unwrap().1,
            sj.jacobian_inplace::<1, _>(|x, o| Root.eval(x, o), &x),
        ),
    ] {
        let want = want.unwrap().1;
        assert!(same_bits(&j, &want));
        let d = DMatrix::from(&j);
        assert_eq!(d[(0, 0)], 0.0); // √0, not NaN
        assert_eq!(d[(0, 1)], f64::INFINITY);
        assert_eq!(d[(1, 1)], 1.0);
    }
    // the one-pass gather tests what it stores (no check: C = 2 and 4),
    // the row dot products kept for the check's own pass what they read
    // (C = 2 = the colour count, with the check), each twice in a row
    let off = sj.clone().with_pattern_check(PatternCheck::Off);
    let want = sj.jacobian_inplace::<1, _>(|x, o| Root.eval(x, o), &x).unwrap().1;
    for _ in 0..2 {
        for j in [
            off.jacobian_of::<2, _>(&Root, &x).unwrap().1,
            off.jacobian_of::<4, _>(&Root, &x).unwrap().1,
            sj.jacobian_of::<2, _>(&Root, &x).unwrap().1,
        ] {
            assert!(same_bits(&j, &want));
        }
    }
}

// ---------------------------------------------------------------------------
// Exact zeros are +0
// ---------------------------------------------------------------------------

/// Output 0's derivative along `x₀` is `−(1 − 1) = −0` in forward mode.
#[allow(clippy::eq_op)]
fn negzero<T: Float>(x: &[T], out: &mut [T]) {
    out[0] = -(x[0] - x[0]) + x[1] * x[1];
    out[1] = x[0] * x[1] - x[1] * x[0] + x[1];
}

#[test]
fn exact_zero_entries_are_positive_zero() {
    let x = [0.7, -1.2];
    let sj = SparseJacobian::detect_inplace(negzero, &x, 2).unwrap();
    assert!(sj.pattern().contains(0, 0));
    struct Z;
    impl VectorFunction for Z {
        fn outputs(&self, _: usize) -> usize {
            2
        }
        fn eval<T: Float>(&self, x: &[T], out: &mut [T]) {
            negzero(x, out)
        }
    }
    for j in [
        sj.jacobian_inplace::<2, _>(negzero, &x).unwrap().1,
        sj.jacobian_inplace::<1, _>(negzero, &x).unwrap().1,
        sj.jacobian_of::<4, _>(&Z, &x).unwrap().1,
    ] {
        let zeros: Vec<f64> = j.values().iter().copied().filter(|v| *v == 0.0).collect();
        assert!(!zeros.is_empty());
        assert!(zeros.iter().all(|v| v.is_sign_positive()), "{zeros:?}");
    }
    // Hessians: x₀·x₁ − x₁·x₀ has a zero cross term
    #[allow(clippy::eq_op)]
    let sh = SparseHessian::detect(|x| x[0] * x[1] - x[1] * x[0] - (x[0] - x[0]), &x).unwrap();
    let (_, g, h) = sh.hessian::<2, _>(|x| x[0] * x[1] - x[1] * x[0] - (x[0] - x[0]), &x).unwrap();
    assert!(g.iter().all(|v| *v != 0.0 || v.is_sign_positive()), "{g:?}");
    assert!(h.values().iter().all(|v| *v != 0.0 || v.is_sign_positive()));
}

// ---------------------------------------------------------------------------
// Rows and both directions
// ---------------------------------------------------------------------------

use dualnum::sparse::Direction;
use dualnum::sparse::colour;

/// `F₀ = Σ xⱼ²` (a dense row), `Fᵢ = x₀·xᵢ + sin xᵢ` (a dense column).
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

fn close(a: &DMatrix<f64>, b: &DMatrix<f64>) -> bool {
    a.shape() == b.shape()
        && a.iter().zip(b.iter()).all(|(x, y)| (x - y).abs() <= 1e-12 * y.abs().max(1.0))
}

#[test]
fn an_arrowhead_takes_three_colours_in_both_directions() {
    for n in [5, 1000] {
        let x: Vec<f64> = (0..n).map(|i| 0.2 + 0.001 * i as f64).collect();
        let p = JacobianPattern::detect_inplace(|x, o| Arrow.eval(x, o), &x, n).unwrap();
        let col = SparseJacobian::new(p.clone());
        let row = SparseJacobian::with_direction(p.clone(), Direction::Row);
        let auto = SparseJacobian::with_direction(p.clone(), Direction::Auto);
        assert_eq!((col.colours(), row.colours()), (n, n));
        assert_eq!((auto.column_colours(), auto.row_colours(), auto.colours()), (2, 1, 3));
        assert!(auto.bicolouring().is_valid(&p) && row.bicolouring().is_valid(&p));
        let (_, dense) = dualnum::chunked::jacobian_of(&Arrow, &x);
        for sj in [&col, &row, &auto] {
            let (fx, j) = sj.jacobian_of::<4, _>(&Arrow, &x).unwrap();
            assert!(close(&DMatrix::from(&j), &dense), "{:?}", sj.bicolouring().row_count);
            let mut want = vec![0.0; n];
            Arrow.eval(&x, &mut want);
            assert_eq!(fx.as_slice(), &want[..]);
        }
        // closures cannot run backward sweeps: an error, not a wrong matrix
        let err = auto.jacobian_inplace::<4, _>(|x, o| Arrow.eval(x, o), &x).unwrap_err();
        assert_eq!(err, SparseError::NeedsFunctionObject);
    }
}

/// A random sparse map: output `i` is `Σₖ sin(x[aₖ])·x[bₖ]` over its pairs.
struct RandomMap {
    n: usize,
    terms: Vec<Vec<(usize, usize)>>,
}
impl VectorFunction for RandomMap {
    fn outputs(&self, _: usize) -> usize {
        self.terms.len()
    }
    fn eval<T: Float>(&self, x: &[T], out: &mut [T]) {
        for (o, t) in out.iter_mut().zip(&self.terms) {
            *o = t.iter().fold(T::zero(), |s, &(a, b)| s + x[a].sin() * x[b]);
        }
    }
}

fn random_map(seed: u64) -> RandomMap {
    let mut s = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    let mut next = |k: usize| {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        (s % k as u64) as usize
    };
    let (m, n) = (1 + next(30), 1 + next(30));
    let mut terms: Vec<Vec<(usize, usize)>> =
        (0..m).map(|_| (0..next(4)).map(|_| (next(n), next(n))).collect()).collect();
    match next(3) {
        0 => terms[next(m)].extend((0..n).map(|j| (j, j))), // a dense row
        1 => {
            let j = next(n);
            terms.iter_mut().for_each(|t| t.push((j, j))); // a dense column
        }
        _ => {}
    }
    RandomMap { n, terms }
}

fn directions_agree(seed: u64) -> TestResult {
    let f = random_map(seed);
    let x: Vec<f64> = (0..f.n).map(|i| 0.3 + 0.07 * i as f64).collect();
    let m = f.terms.len();
    let p = JacobianPattern::detect_inplace(|x, o| f.eval(x, o), &x, m).unwrap();
    let col = colour::column_colouring(&p).count();
    let row = colour::row_colouring(&p).count();
    let (_, dense) = dualnum::chunked::Chunk::<4>::jacobian_of(&f, &x);
    for d in [Direction::Column, Direction::Row, Direction::Auto] {
        let sj = SparseJacobian::with_direction(p.clone(), d);
        if !sj.bicolouring().is_valid(&p) {
            return TestResult::error(format!("{d:?}: invalid bicolouring"));
        }
        if d == Direction::Auto && sj.colours() > col.min(row) {
            return TestResult::error(format!("auto {} > min({col}, {row})", sj.colours()));
        }
        // columns only wins a tie (closures can evaluate it)
        if d == Direction::Auto && col <= sj.colours() && sj.row_colours() != 0 {
            return TestResult::error(format!("auto took a split over columns only ({col})"));
        }
        let j = DMatrix::from(&sj.jacobian_of::<3, _>(&f, &x).unwrap().1);
        if !close(&j, &dense) {
            return TestResult::error(format!("{d:?}: values differ"));
        }
    }
    TestResult::passed()
}

#[test]
fn every_direction_gives_the_dense_jacobian() {
    quickcheck(directions_agree as fn(u64) -> TestResult);
}

fn star_bicolouring_agrees(seed: u64) -> TestResult {
    let f = random_map(seed);
    let x: Vec<f64> = (0..f.n).map(|i| 0.3 + 0.07 * i as f64).collect();
    let m = f.terms.len();
    let p = JacobianPattern::detect_inplace(|x, o| f.eval(x, o), &x, m).unwrap();
    let col = colour::column_colouring(&p).count();
    let row = colour::row_colouring(&p).count();
    let auto = colour::bidirectional_colouring(&p).count();
    let (_, dense) = dualnum::chunked::Chunk::<4>::jacobian_of(&f, &x);
    let star = colour::star_bicolouring(&p);
    if star.count() > col.min(row).min(auto) {
        return TestResult::error(format!("star {} > min({col}, {row}, {auto})", star.count()));
    }
    for (name, b) in [("star", star), ("star only", colour::star_bicolouring_only(&p))] {
        if !b.is_valid(&p) {
            return TestResult::error(format!("{name}: invalid bicolouring"));
        }
        let sj = SparseJacobian::with_bicolouring(p.clone(), b).unwrap();
        let j = DMatrix::from(&sj.jacobian_of::<3, _>(&f, &x).unwrap().1);
        if !close(&j, &dense) {
            return TestResult::error(format!("{name}: values differ"));
        }
    }
    TestResult::passed()
}

#[test]
fn star_bicolourings_give_the_dense_jacobian() {
    quickcheck(star_bicolouring_agrees as fn(u64) -> TestResult);
}

/// A 12 × 21 pattern (one nearly dense column, 3) where the full star
/// bicolouring takes 4 colours and the splits of `Direction::Auto` 5.
#[test]
fn star_bicolouring_beats_the_splits_on_a_pattern() {
    let rows: [&[usize]; 12] = [
        &[3, 13],
        &[3, 8, 14, 16],
        &[3, 16],
        &[0, 1, 3, 7, 15],
        &[0, 2, 3, 11, 16],
        &[3, 12, 16],
        &[3, 14],
        &[0, 3],
        &[0, 3, 4],
        &[0, 3],
        &[3, 15],
        &[3, 16, 18, 20],
    ];
    // x[j]·x[j] terms: output i depends on exactly the columns of row i
    let f = RandomMap {
        n: 21,
        terms: rows.iter().map(|r| r.iter().map(|&j| (j, j)).collect()).collect(),
    };
    let x: Vec<f64> = (0..f.n).map(|i| 0.3 + 0.07 * i as f64).collect();
    let p = JacobianPattern::detect_inplace(|x, o| f.eval(x, o), &x, 12).unwrap();
    assert_eq!(p.nnz(), rows.iter().map(|r| r.len()).sum::<usize>());
    let star = colour::star_bicolouring(&p);
    assert_eq!((star.count(), colour::bidirectional_colouring(&p).count()), (4, 5));
    let sj = SparseJacobian::with_bicolouring(p, star).unwrap();
    let (_, dense) = dualnum::chunked::Chunk::<4>::jacobian_of(&f, &x);
    assert!(close(&DMatrix::from(&sj.jacobian_of::<3, _>(&f, &x).unwrap().1), &dense));
}

#[test]
fn a_planted_change_is_caught_in_backward_sweeps_too() {
    let n = 9;
    let sj = planted_jacobian(n);
    let p = sj.pattern().clone();
    let row = SparseJacobian::with_direction(p.clone(), Direction::Row);
    let good: Vec<f64> = (0..n).map(|i| 0.3 + 0.1 * i as f64).collect();
    let mut bad = good.clone();
    bad[0] = -0.4;
    assert!(row.jacobian_of::<4, _>(&Planted, &good).is_ok());
    let err = row.jacobian_of::<4, _>(&Planted, &bad).unwrap_err();
    assert!(matches!(err, SparseError::PatternChanged { .. }), "{err:?}");
    // a caller's bicolouring that reads an entry from a shared sum
    let mut b = row.bicolouring().clone();
    b.rows.iter_mut().for_each(|c| *c = Some(0));
    let err = SparseJacobian::with_bicolouring(p, b).unwrap_err();
    assert_eq!(err, SparseError::InvalidColouring { row: usize::MAX, columns: (0, 0) });
}

// ---------------------------------------------------------------------------
// Known patterns in compressed form
// ---------------------------------------------------------------------------

fn csr_csc_roundtrip(seed: u64) -> bool {
    let f = random_map(seed);
    let x: Vec<f64> = (0..f.n).map(|i| 0.3 + 0.07 * i as f64).collect();
    let m = f.terms.len();
    let p = JacobianPattern::detect_inplace(|x, o| f.eval(x, o), &x, m).unwrap();
    let (ro, rc) = p.csr();
    let (co, cr) = p.csc();
    let a = JacobianPattern::from_csr(m, f.n, ro.to_vec(), rc.to_vec()).unwrap();
    let b = JacobianPattern::from_csc(m, f.n, co.to_vec(), cr.to_vec()).unwrap();
    a == p && b == p && p.transpose().transpose() == p
}

#[test]
fn compressed_patterns_round_trip() {
    quickcheck(csr_csc_roundtrip as fn(u64) -> bool);
}

#[test]
fn bad_compressed_patterns_are_errors() {
    let bad = |row, column| Err(SparseError::InvalidPattern { row, column });
    // 2 × 3: row 0 = {0, 2}, row 1 = {1}
    let ok = JacobianPattern::from_csr(2, 3, vec![0, 2, 3], vec![0, 2, 1]).unwrap();
    assert_eq!(ok, JacobianPattern::from_entries(2, 3, &[(0, 0), (0, 2), (1, 1)]));
    assert_eq!(JacobianPattern::from_csr(2, 3, vec![0, 2], vec![0, 2, 1]), bad(Some(2), None));
    assert_eq!(JacobianPattern::from_csr(2, 3, vec![1, 2, 3], vec![0, 2, 1]), bad(Some(0), None));
    assert_eq!(JacobianPattern::from_csr(2, 3, vec![0, 2, 4], vec![0, 2, 1]), bad(Some(1), None));
    assert_eq!(JacobianPattern::from_csr(2, 3, vec![0, 3, 2], vec![0, 2, 1]), bad(Some(1), None));
    assert_eq!(
        JacobianPattern::from_csr(2, 3, vec![0, 2, 3], vec![0, 3, 1]),
        bad(Some(0), Some(3))
    );
    assert_eq!(
        JacobianPattern::from_csr(2, 3, vec![0, 2, 3], vec![2, 0, 1]),
        bad(Some(0), Some(0))
    );
    assert_eq!(
        JacobianPattern::from_csr(2, 3, vec![0, 2, 3], vec![1, 1, 1]),
        bad(Some(0), Some(1))
    );
    // CSC of the same: column 0 = {0}, 1 = {1}, 2 = {0}
    let c = JacobianPattern::from_csc(2, 3, vec![0, 1, 2, 3], vec![0, 1, 0]).unwrap();
    assert_eq!(c, ok);
    assert_eq!(
        JacobianPattern::from_csc(2, 3, vec![0, 1, 2, 3], vec![0, 2, 0]),
        bad(Some(2), Some(1))
    );
    let err = JacobianPattern::from_csc(2, 3, vec![0, 1, 3], vec![0, 1, 0]).unwrap_err();
    assert!(err.to_string().contains("invalid compressed pattern"));
}

#[test]
fn detect_inplace_with_accepts_branches_at_a_point() {
    let x = vec![0.5; 9];
    assert!(matches!(
        SparseJacobian::detect_inplace(planted, &x, 9),
        Err(SparseError::ValueDependentBranches { count: 1 })
    ));
    let sj = SparseJacobian::detect_inplace_with(planted, &x, 9, Branches::AtPoint).unwrap();
    assert_eq!(sj.pattern(), planted_jacobian(9).pattern());
}

// ---------------------------------------------------------------------------
// Values in the caller's order
// ---------------------------------------------------------------------------

#[test]
fn values_come_in_the_callers_order() {
    use nalgebra_sparse::CsrMatrix;
    for (n, d) in [(64, Direction::Column), (50, Direction::Auto), (30, Direction::Row)] {
        let x: Vec<f64> = (0..n).map(|i| 0.2 + 0.01 * i as f64).collect();
        let p = JacobianPattern::detect_inplace(|x, o| Arrow.eval(x, o), &x, n).unwrap();
        let sj = SparseJacobian::with_direction(p.clone(), d);
        let (_, j) = sj.jacobian_of::<4, _>(&Arrow, &x).unwrap();
        let csr = sj.clone().with_csr_values();
        let (mut fx, mut v) = (vec![0.0; n], vec![0.0; p.nnz()]);
        csr.values_of::<4, _>(&Arrow, &x, &mut fx, &mut v).unwrap();
        assert_eq!(CsrMatrix::from(&j).values(), &v[..], "{d:?}");
        // the matrix drivers still give CSC
        assert_eq!(csr.jacobian_of::<4, _>(&Arrow, &x).unwrap().1, j);
        // a reversed order
        let nnz = p.nnz();
        let rev = sj.clone().with_value_order((0..nnz).rev().collect()).unwrap();
        rev.values_of::<2, _>(&Arrow, &x, &mut fx, &mut v).unwrap();
        assert!(v.iter().rev().zip(j.values()).all(|(a, b)| a == b));
        if d == Direction::Column {
            rev.values_inplace::<4, _>(|x, o| Arrow.eval(x, o), &x, &mut fx, &mut v).unwrap();
            assert!(v.iter().rev().zip(j.values()).all(|(a, b)| a == b));
        }
    }
    let sj = planted_jacobian(9);
    let nnz = sj.pattern().nnz();
    let err = |position| Err(SparseError::InvalidOrder { position });
    let order = |o: Vec<usize>| sj.clone().with_value_order(o).map(|_| ());
    assert_eq!(order(vec![0; nnz]), err(1));
    assert_eq!(order((0..nnz - 1).collect()), err(nnz - 1));
    assert_eq!(order((1..=nnz).collect()), err(nnz - 1));
    // the planted change is still caught with a caller's order
    let csr = sj.with_csr_values();
    let mut bad: Vec<f64> = (0..9).map(|i| 0.3 + 0.1 * i as f64).collect();
    bad[0] = -0.4;
    assert_eq!(
        csr.jacobian_of::<4, _>(&Planted, &bad).unwrap_err(),
        SparseError::PatternChanged { row: 0 }
    );
}

/// Output `i`'s derivative along `xᵢ` is `−(1 − 1) = −0`; along `xᵢ₊₁`
/// (cyclic) `2xᵢ₊₁`.
#[allow(clippy::eq_op)]
fn negzero_ring<T: Float>(x: &[T], out: &mut [T]) {
    let n = x.len();
    for i in 0..n {
        let y = x[(i + 1) % n];
        out[i] = -(x[i] - x[i]) + y * y;
    }
}

#[test]
fn exact_zero_entries_are_positive_zero_through_the_one_pass_gather() {
    // without the check, one pass holding every colour stores through the
    // gather, sixteen places a step and then the rest (n = 21: 42 places)
    struct Z;
    impl VectorFunction for Z {
        fn outputs(&self, n: usize) -> usize {
            n
        }
        fn eval<T: Float>(&self, x: &[T], out: &mut [T]) {
            negzero_ring(x, out)
        }
    }
    let x: Vec<f64> = (0..21).map(|i| 0.1 * i as f64 - 0.7).collect();
    let sj = SparseJacobian::detect_inplace(negzero_ring, &x, 21)
        .unwrap()
        .with_pattern_check(PatternCheck::Off);
    assert!(sj.colours() <= 4);
    for sj in [sj.clone(), sj.clone().with_csr_values()] {
        let (mut fx, mut v) = (vec![0.0; 21], vec![1.0; sj.pattern().nnz()]);
        sj.values_of::<4, f64>(&Z, &x, &mut fx, &mut v).unwrap();
        let mut w = vec![1.0; v.len()];
        sj.values_inplace::<4, f64>(negzero_ring, &x, &mut fx, &mut w).unwrap();
        for v in [v, w] {
            assert_eq!(v.iter().filter(|v| **v == 0.0).count(), 21, "{v:?}");
            assert!(v.iter().all(|v| *v != 0.0 || v.is_sign_positive()), "{v:?}");
        }
    }
}
