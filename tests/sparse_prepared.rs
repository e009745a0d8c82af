//! Sparse Hessians bound to one function object ([`PreparedHessian`]): the
//! compressed passes replayed from a compiled recording, against the
//! fresh recordings of `values_of`, the dense reverse-mode Hessian and
//! central differences of the hand-written gradient; the replay guard
//! (a branch that flips records again) and the directional check (a
//! pattern that changes with the branch is still caught).
#![cfg(feature = "sparse")]

use dualnum::Function;
use dualnum::sparse::{Branches, HessianPattern, PatternCheck, SparseError, SparseHessian};
use dualnum::test_functions::{rosenbrock, rosenbrock_gradient};
use nalgebra::DMatrix;
use num_traits::Float;
use quickcheck::{QuickCheck, TestResult};

/// `f(x) = Σ_(i<j) cᵢⱼ·sin(xᵢ·xⱼ) + Σᵢ xᵢ³/6`.
struct Pairs(Vec<(usize, usize, f64)>);
impl Function for Pairs {
    fn eval<T: Float>(&self, x: &[T]) -> T {
        let c = |v: f64| T::from(v).unwrap();
        let cubes = x.iter().fold(T::zero(), |s, &v| s + v * v * v * c(1.0 / 6.0));
        self.0.iter().fold(cubes, |s, &(i, j, w)| s + c(w) * (x[i] * x[j]).sin())
    }
}

struct Rosen;
impl Function for Rosen {
    fn eval<T: Float>(&self, x: &[T]) -> T {
        rosenbrock(x)
    }
}

fn point(n: usize, seed: u64) -> Vec<f64> {
    (0..n).map(|i| 0.4 * ((i as f64 + 1.0) * 0.77 + seed as f64).sin() + 0.2).collect()
}

/// A random symmetric pattern on `n` vertices from the quickcheck input.
fn edges(n: usize, raw: &[(u8, u8, i8)]) -> Vec<(usize, usize, f64)> {
    let mut e: Vec<(usize, usize, f64)> = raw
        .iter()
        .map(|&(a, b, w)| (a as usize % n, b as usize % n, 0.5 + f64::from(w) / 64.0))
        .filter(|&(a, b, _)| a != b)
        .map(|(a, b, w)| (a.min(b), a.max(b), w))
        .collect();
    e.sort_by_key(|&(a, b, _)| (a, b));
    e.dedup_by_key(|&mut (a, b, _)| (a, b));
    e
}

/// The entries (CSC order) as a dense matrix.
fn dense(sh: &SparseHessian, values: &[f64]) -> DMatrix<f64> {
    let n = sh.pattern().n();
    let (offsets, rows) = sh.pattern().as_jacobian_pattern().csc();
    let mut m = DMatrix::zeros(n, n);
    for j in 0..n {
        for k in offsets[j]..offsets[j + 1] {
            m[(rows[k], j)] = values[k];
        }
    }
    m
}

/// The largest difference, relative to the larger's scale.
fn rel(a: &[f64], b: &[f64]) -> f64 {
    let scale = a.iter().chain(b).fold(1.0f64, |m, v| m.max(v.abs()));
    a.iter().zip(b).fold(0.0f64, |m, (x, y)| m.max((x - y).abs())) / scale
}

/// Prepared with `C` lanes, called at `points`: every call against
/// `values_of` (the first, a recording, bit for bit; the replays to
/// rounding) and against the dense Hessian.
fn agrees<const C: usize>(
    sh: &SparseHessian,
    f: &Pairs,
    points: &[Vec<f64>],
) -> Result<(), String> {
    let n = sh.pattern().n();
    let nnz = sh.pattern().nnz();
    let mut prep = sh.prepare_of::<C, f64, _>(f);
    let (mut g, mut v, mut g2, mut v2) =
        (vec![0.0; n], vec![0.0; nnz], vec![0.0; n], vec![0.0; nnz]);
    for (k, x) in points.iter().enumerate() {
        let fx = prep.values(x, &mut g, &mut v).map_err(|e| format!("{e:?}"))?;
        let fx2 = sh.values_of::<C, _>(f, x, &mut g2, &mut v2).map_err(|e| format!("{e:?}"))?;
        if fx.to_bits() != fx2.to_bits() {
            return Err(format!("value {fx} against {fx2}"));
        }
        let bits = |s: &[f64]| s.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
        // one pass a call: the first call is a recording, as values_of's
        if k == 0 && sh.evaluations(C) == 1 && (bits(&g) != bits(&g2) || bits(&v) != bits(&v2)) {
            return Err("the first call (a recording) differs from values_of".into());
        }
        if rel(&g, &g2) > 1e-14 || rel(&v, &v2) > 1e-13 {
            return Err(format!("replay against values_of: {} {}", rel(&g, &g2), rel(&v, &v2)));
        }
        let (_, _, want) = dualnum::reverse::hessian_of(f, x);
        let got = dense(sh, &v);
        if rel(got.as_slice(), want.as_slice()) > 1e-12 {
            return Err(format!(
                "against the dense Hessian: {}",
                rel(got.as_slice(), want.as_slice())
            ));
        }
    }
    let passes = sh.evaluations(C) * points.len();
    if prep.recordings() != 1 || prep.recordings() + prep.replays() != passes {
        return Err(format!("{} recordings, {} replays", prep.recordings(), prep.replays()));
    }
    // the closure on NaN-safe duals, against `values`
    let mut prep = sh.prepare::<C, f64, _>(|x| f.eval(x));
    for (k, x) in points.iter().enumerate() {
        let fx = prep.values(x, &mut g, &mut v).map_err(|e| format!("{e:?}"))?;
        let fx2 =
            sh.values::<C, _>(|x| f.eval(x), x, &mut g2, &mut v2).map_err(|e| format!("{e:?}"))?;
        let bits = |s: &[f64]| s.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
        let first = k == 0 && sh.evaluations(C) == 1;
        if fx.to_bits() != fx2.to_bits()
            || first && (bits(&g) != bits(&g2) || bits(&v) != bits(&v2))
            || rel(&g, &g2) > 1e-14
            || rel(&v, &v2) > 1e-13
        {
            return Err(format!("closure: {} {}", rel(&g, &g2), rel(&v, &v2)));
        }
    }
    if prep.recordings() != 1 || prep.recordings() + prep.replays() != passes {
        return Err(format!("closure: {} recordings", prep.recordings()));
    }
    Ok(())
}

#[test]
fn replays_agree_with_fresh_recordings_and_the_dense_hessian() {
    fn prop(n: u8, raw: Vec<(u8, u8, i8)>, seed: u8) -> TestResult {
        let n = 2 + n as usize % 23;
        let e = edges(n, &raw);
        let mut entries: Vec<(usize, usize)> = (0..n).map(|i| (i, i)).collect();
        entries.extend(e.iter().map(|&(a, b, _)| (a, b)));
        let sh = SparseHessian::new(HessianPattern::from_entries(n, &entries));
        let f = Pairs(e);
        let points: Vec<Vec<f64>> = (0..3).map(|k| point(n, u64::from(seed) + k)).collect();
        let off = sh.clone().with_pattern_check(PatternCheck::Off);
        // one lane (a pass per colour and one for the check), three, four
        for r in [
            agrees::<1>(&sh, &f, &points),
            agrees::<3>(&sh, &f, &points),
            agrees::<4>(&sh, &f, &points),
            agrees::<2>(&off, &f, &points),
        ] {
            if let Err(e) = r {
                return TestResult::error(e);
            }
        }
        TestResult::passed()
    }
    QuickCheck::new().tests(100).quickcheck(prop as fn(u8, Vec<(u8, u8, i8)>, u8) -> TestResult);
}

#[test]
fn replayed_rosenbrock_matches_central_differences_of_its_gradient() {
    let n = 60;
    let sh = SparseHessian::detect(rosenbrock, &point(n, 0)).unwrap();
    let mut prep = sh.prepare_of::<3, f64, _>(&Rosen);
    let (mut g, mut v) = (vec![0.0; n], vec![0.0; sh.pattern().nnz()]);
    for seed in 0..4 {
        let x = point(n, seed);
        prep.values(&x, &mut g, &mut v).unwrap();
        let mut want = vec![0.0; n];
        rosenbrock_gradient(&x, &mut want);
        assert!(rel(&g, &want) < 1e-14);
        let h = dense(&sh, &v);
        let step = 1e-5;
        let (mut gp, mut gm) = (vec![0.0; n], vec![0.0; n]);
        for j in 0..n {
            let (mut xp, mut xm) = (x.clone(), x.clone());
            xp[j] += step;
            xm[j] -= step;
            rosenbrock_gradient(&xp, &mut gp);
            rosenbrock_gradient(&xm, &mut gm);
            for i in 0..n {
                let fd = (gp[i] - gm[i]) / (2.0 * step);
                assert!((h[(i, j)] - fd).abs() < 1e-6 * fd.abs().max(1.0), "({i}, {j})");
            }
        }
    }
    assert_eq!((prep.recordings(), prep.replays()), (1, 3));
}

/// One branch on `x₀`, the same pattern either way.
struct Branchy;
impl Function for Branchy {
    fn eval<T: Float>(&self, x: &[T]) -> T {
        let r = rosenbrock(x);
        if x[0] > T::zero() { r + x[0] * x[1] } else { r + (x[0] * x[1]).sin() }
    }
}

#[test]
fn a_refused_replay_records_again_and_stays_right() {
    let n = 12;
    // (Rosenbrock holds every entry either branch adds)
    let p = HessianPattern::detect_with(|x| Branchy.eval(x), &point(n, 0), Branches::AtPoint);
    let sh = SparseHessian::new(p.unwrap());
    let mut prep = sh.prepare_of::<3, f64, _>(&Branchy);
    let (mut g, mut v, mut v2) = (vec![0.0; n], vec![0.0; sh.pattern().nnz()], vec![0.0; 0]);
    v2.resize(v.len(), 0.0);
    let mut x = point(n, 1);
    for (sign, replayed) in [(1.0, false), (1.0, true), (-1.0, false), (-1.0, true), (1.0, false)] {
        x[0] = sign * x[0].abs();
        let before = prep.replays();
        prep.values(&x, &mut g, &mut v).unwrap();
        assert_eq!(prep.replays() > before, replayed, "x₀ = {}", x[0]);
        sh.values_of::<3, _>(&Branchy, &x, &mut vec![0.0; n], &mut v2).unwrap();
        assert!(rel(&v, &v2) < 1e-13);
        x[1] += 0.1;
    }
}

/// `x₀·xₖ` appears when `x₀ < 0`, `k` of `x₀`'s colour.
struct Planted(usize);
impl Function for Planted {
    fn eval<T: Float>(&self, x: &[T]) -> T {
        let mut s = rosenbrock(x);
        if x[0] < T::zero() {
            s = s + x[0] * x[self.0];
        }
        s
    }
}

#[test]
fn a_pattern_that_changes_with_a_branch_is_caught_after_replays() {
    let n = 9;
    let p =
        HessianPattern::detect_with(|x| Planted(0).eval(x), &[0.5; 9], Branches::AtPoint).unwrap();
    let sh = SparseHessian::new(p);
    let c = sh.colouring().colours();
    let k = (2..n).find(|&k| c[k] == c[0]).expect("a column of x₀'s colour");
    let f = Planted(k);
    let good: Vec<f64> = (0..n).map(|i| 0.3 + 0.1 * i as f64).collect();
    let mut bad = good.clone();
    bad[0] = -0.4;
    let (mut g, mut v) = (vec![0.0; n], vec![0.0; sh.pattern().nnz()]);
    let mut prep = sh.prepare_of::<4, f64, _>(&f);
    for _ in 0..2 {
        assert!(prep.values(&good, &mut g, &mut v).is_ok());
    }
    assert_eq!(prep.replays(), 1);
    let r = prep.values(&bad, &mut g, &mut v);
    assert!(matches!(r, Err(SparseError::PatternChanged { row }) if row == 0 || row == k), "{r:?}");
    let mut one = sh.prepare_of::<1, f64, _>(&f);
    assert!(one.values(&good, &mut g, &mut v).is_ok());
    let r = one.values(&bad, &mut g, &mut v);
    assert!(matches!(r, Err(SparseError::PatternChanged { .. })), "{r:?}");
    // without the check the replayed program would be the old branch's:
    // the guard records the new one, and H[0, 0] comes out wrong by H[0, k]
    let off = sh.clone().with_pattern_check(PatternCheck::Off);
    let mut prep = off.prepare_of::<4, f64, _>(&f);
    prep.values(&good, &mut g, &mut v).unwrap();
    prep.values(&bad, &mut g, &mut v).unwrap();
    let (_, _, want) = dualnum::reverse::hessian_of(&f, &bad);
    assert_eq!(dense(&sh, &v)[(0, 0)], want[(0, 0)] + want[(0, k)]);
}

#[test]
fn a_replay_that_is_not_finite_runs_that_pass_nan_safe() {
    // √(x₂²) at x₂ = 0: the replay gives NaN (∞·0), the pass runs again
    // NaN-safe and matches the closure's answer bit for bit
    struct Root;
    impl Function for Root {
        fn eval<T: Float>(&self, x: &[T]) -> T {
            x[0] * x[1] + (x[2] * x[2]).sqrt() + x[1] * x[2]
        }
    }
    let sh = SparseHessian::detect(|x| Root.eval(x), &[0.7, -0.4, 0.3]).unwrap();
    let mut prep = sh.prepare_of::<4, f64, _>(&Root);
    let first = prep.hessian(&[0.7, -0.4, 0.3]).unwrap();
    assert!(first.2.values().iter().all(|v| v.is_finite()));
    let x = [0.7, -0.4, 0.0];
    let (fx, g, h) = prep.hessian(&x).unwrap();
    let (fx2, g2, h2) = sh.hessian::<4, _>(|x| Root.eval(x), &x).unwrap();
    assert_eq!(prep.replays(), 1);
    // the closure's own replay on NaN-safe duals
    let mut safe = sh.prepare::<4, f64, _>(|x| Root.eval(x));
    let _ = safe.hessian(&[0.7, -0.4, 0.3]).unwrap();
    let (_, _, h3) = safe.hessian(&x).unwrap();
    assert_eq!(safe.replays(), 1);
    // (H[2, 2] = ∞ both ways: √(x₂²)'s second derivative at 0)
    let same = |a: f64, b: f64| a == b || (a - b).abs() <= 1e-15;
    assert!(h3.values().iter().zip(h2.values()).all(|(&a, &b)| same(a, b)));
    assert_eq!(fx.to_bits(), fx2.to_bits());
    let bits = |s: &[f64]| s.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
    assert_eq!(bits(g.as_slice()), bits(g2.as_slice()));
    assert_eq!(bits(h.values()), bits(h2.values()));
}

#[test]
fn bad_lengths_are_errors_not_panics() {
    let n = 10;
    let x = point(n, 3);
    let sh = SparseHessian::detect(rosenbrock, &x).unwrap();
    let nnz = sh.pattern().nnz();
    let mut prep = sh.prepare_of::<3, f64, _>(&Rosen);
    let (mut g, mut v) = (vec![0.0; n], vec![0.0; nnz]);
    assert_eq!(
        prep.values(&x[1..], &mut g, &mut v),
        Err(SparseError::InputLength { expected: n, got: n - 1 })
    );
    assert_eq!(
        prep.values(&x, &mut g[1..], &mut v),
        Err(SparseError::OutputLength { expected: n, got: n - 1 })
    );
    assert_eq!(
        prep.values(&x, &mut g, &mut v[1..]),
        Err(SparseError::ValuesLength { expected: nnz, got: nnz - 1 })
    );
    assert!(prep.hessian(&x[2..]).is_err());
    assert_eq!(prep.recordings() + prep.replays(), 0);
    assert!(prep.values(&x, &mut g, &mut v).is_ok());
}
