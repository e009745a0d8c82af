//! Sparse Hessians: star against acyclic colouring (direct against
//! substitution recovery), closures against function objects (the checked
//! fast path), each against the dense reverse-mode Hessian.
#![cfg(feature = "sparse")]

use dualnum::Function;
use dualnum::sparse::colour::Colouring;
use dualnum::sparse::colour::{
    acyclic_colouring, is_acyclic_colouring, is_star_colouring, star_colouring,
};
use dualnum::sparse::{HessianPattern, SparseHessian};
use dualnum::test_functions::{rosenbrock, rosenbrock_hessian_csc};
use nalgebra::DMatrix;
use num_traits::Float;
use quickcheck::{QuickCheck, TestResult};

/// `f(x) = Σ_(i<j) cᵢⱼ·sin(xᵢ·xⱼ) + Σᵢ xᵢ³/6`: a Hessian whose pattern is
/// the pairs and the diagonal.
fn pairs<T: Float>(x: &[T], edges: &[(usize, usize, f64)]) -> T {
    let c = |v: f64| T::from(v).unwrap();
    let cubes = x.iter().fold(T::zero(), |s, &v| s + v * v * v * c(1.0 / 6.0));
    edges.iter().fold(cubes, |s, &(i, j, w)| s + c(w) * (x[i] * x[j]).sin())
}

struct Pairs(Vec<(usize, usize, f64)>);
impl Function for Pairs {
    fn eval<T: Float>(&self, x: &[T]) -> T {
        pairs(x, &self.0)
    }
}

fn point(n: usize, seed: u64) -> Vec<f64> {
    (0..n).map(|i| 0.4 * ((i as f64 + 1.0) * 0.77 + seed as f64).sin() + 0.2).collect()
}

/// The largest difference from the dense Hessian, relative to its scale.
fn error(h: &nalgebra_sparse::CscMatrix<f64>, dense: &DMatrix<f64>) -> f64 {
    let scale = dense.iter().fold(1.0f64, |m, v| m.max(v.abs()));
    (DMatrix::from(h) - dense).abs().max() / scale
}

#[test]
fn acyclic_needs_fewer_colours_than_star_on_a_path_and_a_grid() {
    // tridiagonal (chained Rosenbrock): 3 star colours, 2 acyclic
    let n = 200;
    let x = point(n, 1);
    let p = HessianPattern::detect(rosenbrock, &x).unwrap();
    let (star, acyclic) = (star_colouring(&p), acyclic_colouring(&p));
    assert_eq!((star.count(), acyclic.count()), (3, 2));
    assert!(is_acyclic_colouring(&p, &acyclic) && !is_star_colouring(&p, &acyclic));
    let mut want = vec![0.0; p.nnz()];
    rosenbrock_hessian_csc(&x, &mut want);
    let sh = SparseHessian::new(p.clone());
    assert_eq!(sh.colours(), 2);
    // C = 2: 2 acyclic passes + 1 check against 2 star + 1: a tie, star
    // (copy) wins; C = 3: the acyclic colouring leaves a spare lane for the
    // check (1 pass against 2)
    assert!(!sh.substitutes(2) && sh.substitutes(3));
    for (c, subst) in [(2, false), (3, true)] {
        let (_, _, h) = if c == 2 {
            sh.hessian::<2, _>(|x| rosenbrock(x), &x).unwrap()
        } else {
            sh.hessian::<3, _>(|x| rosenbrock(x), &x).unwrap()
        };
        for (a, b) in h.values().iter().zip(&want) {
            let tol = if subst { 1e-11 } else { 1e-12 };
            assert!((a - b).abs() <= tol * b.abs().max(1.0), "C = {c}: {a} vs {b}");
        }
    }
    // the 2-D five-point grid (k × k): acyclic colouring finds fewer
    let k = 8;
    let id = |r: usize, c: usize| r * k + c;
    let mut grid = Vec::new();
    for r in 0..k {
        for c in 0..k {
            grid.push((id(r, c), id(r, c)));
            if c + 1 < k {
                grid.push((id(r, c), id(r, c + 1)));
            }
            if r + 1 < k {
                grid.push((id(r, c), id(r + 1, c)));
            }
        }
    }
    let p = HessianPattern::from_entries(k * k, &grid);
    let (star, acyclic) = (star_colouring(&p), acyclic_colouring(&p));
    assert!(acyclic.count() < star.count(), "{} vs {}", acyclic.count(), star.count());
    assert!(is_acyclic_colouring(&p, &acyclic));
}

#[test]
fn a_two_coloured_cycle_is_not_acyclic() {
    let cycle = HessianPattern::from_entries(4, &[(0, 1), (1, 2), (2, 3), (3, 0)]);
    assert!(!is_acyclic_colouring(&cycle, &Colouring::new(vec![0, 1, 0, 1])));
    assert!(is_acyclic_colouring(&cycle, &Colouring::new(vec![0, 1, 0, 2])));
    // neighbours of one colour
    assert!(!is_acyclic_colouring(&cycle, &Colouring::new(vec![0, 0, 1, 2])));
    assert_eq!(acyclic_colouring(&cycle).count(), 3);
}

/// A random symmetric pattern on `n ≤ 24` vertices from the quickcheck
/// input: pairs `(a mod n, b mod n)`, `a ≠ b`, each with a weight.
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

#[test]
fn star_and_acyclic_recover_the_dense_hessian_on_random_patterns() {
    fn prop(n: u8, raw: Vec<(u8, u8, i8)>, seed: u8) -> TestResult {
        let n = 2 + n as usize % 23;
        let e = edges(n, &raw);
        let x = point(n, u64::from(seed));
        let mut entries: Vec<(usize, usize)> = (0..n).map(|i| (i, i)).collect();
        entries.extend(e.iter().map(|&(a, b, _)| (a, b)));
        let p = HessianPattern::from_entries(n, &entries);
        let (_, _, dense) = dualnum::reverse::hessian(|x| pairs(x, &e), &x);
        let (star, acyclic) = (star_colouring(&p), acyclic_colouring(&p));
        if !is_star_colouring(&p, &star) || !is_acyclic_colouring(&p, &acyclic) {
            return TestResult::error("a colouring fails its own test");
        }
        if acyclic.count() > star.count() {
            return TestResult::error("acyclic with more colours than star");
        }
        let f = Pairs(e.clone());
        for c in [star, acyclic] {
            let sh = SparseHessian::with_colouring(p.clone(), c).unwrap();
            let (_, g, h) = sh.hessian::<4, _>(|x| pairs(x, &e), &x).unwrap();
            let (_, g2, h2) = sh.hessian_of::<3, _>(&f, &x).unwrap();
            let (_, g3, h3) = sh.hessian_of::<1, _>(&f, &x).unwrap();
            if g != g2 || g != g3 {
                return TestResult::error("the gradients differ");
            }
            for h in [&h, &h2, &h3] {
                if error(h, &dense) > 1e-12 {
                    return TestResult::error(format!("error {}", error(h, &dense)));
                }
            }
        }
        let sh = SparseHessian::new(p);
        let (_, _, h) = sh.hessian_of::<4, _>(&f, &x).unwrap();
        TestResult::from_bool(error(&h, &dense) <= 1e-12)
    }
    QuickCheck::new().tests(200).quickcheck(prop as fn(u8, Vec<(u8, u8, i8)>, u8) -> TestResult);
}

#[test]
fn the_fast_path_reruns_a_pass_that_is_not_finite() {
    // √(x₂²) at x₂ = 0: the policy-free pass gives NaN (∞·0), the safe
    // re-run the NaN-safe answer, as the closure does
    struct Root;
    impl Function for Root {
        fn eval<T: Float>(&self, x: &[T]) -> T {
            x[0] * x[1] + (x[2] * x[2]).sqrt() + x[1] * x[2]
        }
    }
    let x = [0.7, -0.4, 0.0];
    let sh = SparseHessian::detect(|x| Root.eval(x), &[0.7, -0.4, 0.3]).unwrap();
    let want = sh.hessian::<4, _>(|x| Root.eval(x), &x);
    let got = sh.hessian_of::<4, _>(&Root, &x);
    type Out = Result<
        (f64, nalgebra::DVector<f64>, nalgebra_sparse::CscMatrix<f64>),
        dualnum::sparse::SparseError,
    >;
    fn bits(r: &Out) -> Result<Vec<u64>, dualnum::sparse::SparseError> {
        r.clone().map(|(fx, g, h)| {
            let mut v = vec![fx.to_bits()];
            v.extend(g.iter().chain(h.values()).map(|v| v.to_bits()));
            v
        })
    }
    assert_eq!(bits(&got), bits(&want));
}

#[test]
fn a_changed_function_is_caught_under_substitution() {
    // a new interaction (0, 2) whose colour row 0 already uses (acyclic, C = 3)
    let n = 30;
    let x = point(n, 2);
    let sh = SparseHessian::detect(rosenbrock, &x).unwrap();
    assert!(sh.substitutes(3));
    let c = sh.colouring().colours();
    let k = (2..n).find(|&k| c[k] == c[1]).unwrap();
    let err = sh.hessian::<3, _>(|x| rosenbrock(x) + x[0] * x[k] * 3.0, &x).unwrap_err();
    assert!(matches!(err, dualnum::sparse::SparseError::PatternChanged { .. }), "{err:?}");
}

#[test]
fn values_into_buffers_match_the_matrix() {
    let n = 40;
    let x = point(n, 5);
    let sh = SparseHessian::detect(rosenbrock, &x).unwrap();
    let (fx, g, h) = sh.hessian::<3, _>(|x| rosenbrock(x), &x).unwrap();
    struct Rosen;
    impl Function for Rosen {
        fn eval<T: Float>(&self, x: &[T]) -> T {
            rosenbrock(x)
        }
    }
    let (mut g2, mut v2) = (vec![0.0; n], vec![0.0; sh.pattern().nnz()]);
    let (mut g3, mut v3) = (vec![0.0; n], vec![0.0; sh.pattern().nnz()]);
    let fx2 = sh.values_of::<3, _>(&Rosen, &x, &mut g2, &mut v2).unwrap();
    let fx3 = sh.values::<3, _>(|x| rosenbrock(x), &x, &mut g3, &mut v3).unwrap();
    assert_eq!((fx, g.as_slice(), h.values()), (fx2, &g2[..], &v2[..]));
    assert_eq!((fx, g.as_slice(), h.values()), (fx3, &g3[..], &v3[..]));
    use dualnum::sparse::SparseError;
    let nnz = sh.pattern().nnz();
    assert_eq!(
        sh.values_of::<3, _>(&Rosen, &x, &mut g2[1..], &mut v2),
        Err(SparseError::OutputLength { expected: n, got: n - 1 })
    );
    assert_eq!(
        sh.values_of::<3, _>(&Rosen, &x, &mut g2, &mut v2[1..]),
        Err(SparseError::ValuesLength { expected: nnz, got: nnz - 1 })
    );
}

/// `f(x) = Σ_(i<j) cᵢⱼ·xᵢ·xⱼ`: a Hessian with no diagonal.
fn bilinear<T: Float>(x: &[T], edges: &[(usize, usize, f64)]) -> T {
    let c = |v: f64| T::from(v).unwrap();
    edges.iter().fold(T::zero(), |s, &(i, j, w)| s + c(w) * x[i] * x[j])
}

struct Bilinear(Vec<(usize, usize, f64)>);
impl Function for Bilinear {
    fn eval<T: Float>(&self, x: &[T]) -> T {
        bilinear(x, &self.0)
    }
}

#[test]
fn neutral_colours_drop_the_lanes_no_entry_is_read_from() {
    // arrowhead without its diagonal: 2 star colours, the spokes' never
    // read (each (i, 0) is read at row i from the hub's lane): 1 lane
    let n = 50;
    let e: Vec<_> = (1..n).map(|j| (0, j, 1.0 + j as f64 / 7.0)).collect();
    let x = point(n, 3);
    let sh = SparseHessian::detect(|x| bilinear(x, &e), &x).unwrap();
    assert_eq!((star_colouring(sh.pattern()).count(), sh.colours()), (2, 1));
    // the check rides in the second lane: one pass of two
    assert_eq!((sh.passes(1), sh.evaluations(2)), (1, 1));
    let (_, _, dense) = dualnum::reverse::hessian(|x| bilinear(x, &e), &x);
    let (_, _, h) = sh.hessian_of::<2, _>(&Bilinear(e.clone()), &x).unwrap();
    assert_eq!(DMatrix::from(&h), dense);
    // with its diagonal every vertex is read through: no lane dropped
    let sh = SparseHessian::detect(|x| pairs(x, &e), &x).unwrap();
    assert_eq!(sh.colours(), 2);
    // a changed function is still caught with the spokes unseeded
    let err = sh.hessian::<2, _>(|x| bilinear(x, &e) + x[3] * x[4], &x).unwrap_err();
    assert!(
        matches!(
            err,
            dualnum::sparse::SparseError::PatternChanged { .. }
                | dualnum::sparse::SparseError::OutsidePattern { .. }
        ),
        "{err:?}"
    );
}

#[test]
fn neutral_colours_never_add_a_lane_and_recover_random_hessians_without_diagonal() {
    fn prop(n: u8, raw: Vec<(u8, u8, i8)>, seed: u8) -> TestResult {
        let n = 2 + n as usize % 23;
        let e = edges(n, &raw);
        if e.is_empty() {
            return TestResult::discard();
        }
        let x = point(n, u64::from(seed));
        let entries: Vec<(usize, usize)> = e.iter().map(|&(a, b, _)| (a, b)).collect();
        let p = HessianPattern::from_entries(n, &entries);
        let (_, _, dense) = dualnum::reverse::hessian(|x| bilinear(x, &e), &x);
        let star = star_colouring(&p);
        let sh = SparseHessian::with_colouring(p.clone(), star.clone()).unwrap();
        if sh.colours() > star.count() {
            return TestResult::error("post-processing added a lane");
        }
        let f = Bilinear(e.clone());
        for h in [
            sh.hessian::<1, _>(|x| bilinear(x, &e), &x).unwrap().2,
            sh.hessian_of::<3, _>(&f, &x).unwrap().2,
            SparseHessian::new(p).hessian_of::<2, _>(&f, &x).unwrap().2,
        ] {
            if error(&h, &dense) > 1e-12 {
                return TestResult::error(format!("error {}", error(&h, &dense)));
            }
        }
        TestResult::passed()
    }
    QuickCheck::new().tests(200).quickcheck(prop as fn(u8, Vec<(u8, u8, i8)>, u8) -> TestResult);
}
