//! The checked fast path of the function-object drivers (`gradient_of`,
//! `jacobian_of`, `hessian_of`): the same numbers as the NaN-safe closure
//! drivers at random points of every test function, the NaN-safe answer
//! at every singular edge (where the fast pass yields NaN and the driver
//! re-runs), and the one documented case where the two may differ: a
//! function that branches on the structural `is_zero`.

use dualnum::test_functions as tf;
use dualnum::{Dual, Function, Unchecked, VectorFunction};
use nalgebra::{SMatrix, SVector};
use num_traits::{Float, Zero};
use quickcheck::{QuickCheck, TestResult};

/// The scalar test functions, as one object per function.
macro_rules! scalar_fn {
    ($name:ident, $body:path) => {
        struct $name;
        impl Function for $name {
            fn eval<T: Float>(&self, x: &[T]) -> T {
                $body(x)
            }
        }
    };
}

scalar_fn!(Rosenbrock, tf::rosenbrock);
scalar_fn!(LogSumExp, tf::log_sum_exp);
scalar_fn!(SinExpSum, tf::sin_exp_sum);

struct Broyden;
impl VectorFunction for Broyden {
    fn outputs(&self, n: usize) -> usize {
        n
    }
    fn eval<T: Float>(&self, x: &[T], out: &mut [T]) {
        tf::broyden_exp_sin(x, out)
    }
}

/// Equal as numbers (±0 alike), NaN only with NaN.
fn same(a: f64, b: f64) -> bool {
    a == b || (a.is_nan() && b.is_nan())
}

fn point<const N: usize>(seed: &[f64]) -> Option<SVector<f64, N>> {
    if seed.len() < N || seed.iter().take(N).any(|v| !v.is_finite() || v.abs() > 1e3) {
        return None;
    }
    Some(SVector::from_fn(|i, _| seed[i] / 100.0))
}

fn gradients_agree<F: Function, const N: usize>(f: &F, x: &SVector<f64, N>) -> bool {
    let (v1, g1) = dualnum::gradient_of(f, x);
    let (v2, g2) = dualnum::gradient(|v| f.eval(v.as_slice()), x);
    v1.to_bits() == v2.to_bits() && g1.iter().zip(&g2).all(|(a, b)| same(*a, *b))
}

fn hessians_agree<F: Function, const N: usize>(f: &F, x: &SVector<f64, N>) -> bool {
    let (v1, g1, h1) = dualnum::hessian_of(f, x);
    let (v2, g2, h2) = dualnum::hessian(|v| f.eval(v.as_slice()), x);
    v1.to_bits() == v2.to_bits()
        && g1.iter().zip(&g2).all(|(a, b)| same(*a, *b))
        && h1.iter().zip(&h2).all(|(a, b)| same(*a, *b))
}

fn all_agree(seed: Vec<f64>) -> TestResult {
    let (Some(x2), Some(x4), Some(x8), Some(x16)) =
        (point::<2>(&seed), point::<4>(&seed), point::<8>(&seed), point::<16>(&seed))
    else {
        return TestResult::discard();
    };
    let fs: [(&dyn Fn() -> bool, &str); 9] = [
        (&|| gradients_agree(&Rosenbrock, &x2), "rosenbrock 2"),
        (&|| gradients_agree(&Rosenbrock, &x4), "rosenbrock 4"),
        (&|| gradients_agree(&Rosenbrock, &x8), "rosenbrock 8"),
        (&|| gradients_agree(&Rosenbrock, &x16), "rosenbrock 16"),
        (&|| gradients_agree(&LogSumExp, &x8), "log_sum_exp 8"),
        (&|| gradients_agree(&SinExpSum, &x4), "sin_exp_sum 4"),
        (&|| hessians_agree(&Rosenbrock, &x4), "hessian rosenbrock 4"),
        (&|| hessians_agree(&SinExpSum, &x2), "hessian sin_exp_sum 2"),
        (
            &|| {
                let (y1, j1) = dualnum::jacobian_of::<8, 8, _>(&Broyden, &x8);
                let (y2, j2): (SVector<f64, 8>, SMatrix<f64, 8, 8>) = dualnum::jacobian(
                    |v| {
                        let mut o = SVector::<Dual<f64, 8>, 8>::zeros();
                        Broyden.eval(v.as_slice(), o.as_mut_slice());
                        o
                    },
                    &x8,
                );
                y1 == y2 && j1 == j2
            },
            "jacobian broyden_exp_sin 8",
        ),
    ];
    for (f, name) in fs {
        if !f() {
            return TestResult::error(format!("{name}: fast path differs at {seed:?}"));
        }
    }
    TestResult::passed()
}

#[test]
fn fast_path_equals_the_safe_drivers_at_random_points() {
    QuickCheck::new().tests(200).quickcheck(all_agree as fn(Vec<f64>) -> TestResult);
}

/// A function with a singular local derivative at the given point: the fast
/// pass has NaN in a lane that does not depend on the singular input.
macro_rules! edge {
    ($name:ident, |$x:ident| $body:expr) => {
        struct $name;
        impl Function for $name {
            fn eval<T: Float>(&self, $x: &[T]) -> T {
                $body
            }
        }
    };
}

edge!(SqrtAtZero, |x| x[0] * x[1].sqrt() + x[0]);
edge!(ExpOverflow, |x| x[1].exp() * x[1] + x[0] * x[0]);
edge!(PowfAtZero, |x| x[1].powf(T::from(0.5).unwrap()) * x[0]);
edge!(AcosAtOne, |x| (x[1] + T::one()).acos() + x[0]);
edge!(LnAtZero, |x| x[0] + x[1].ln() * T::zero());

fn fast_pass_has_nan<F: Function>(f: &F, x: [f64; 2]) -> bool {
    let seeds = Dual::variables(x).map(|d| d.unchecked());
    let y: Unchecked<f64, 2> = f.eval(&seeds);
    y.eps.iter().any(|e| e.is_nan())
}

/// A value and a gradient in two variables.
type Grad2 = (f64, SVector<f64, 2>);

#[test]
fn singular_edges_fall_back_to_the_nan_safe_answer() {
    let x = SVector::from([1.5, 0.0]);
    let cases: [(&str, bool, Grad2, Grad2); 4] = [
        (
            "sqrt",
            fast_pass_has_nan(&SqrtAtZero, [1.5, 0.0]),
            dualnum::gradient_of(&SqrtAtZero, &x),
            dualnum::gradient(|v| SqrtAtZero.eval(v.as_slice()), &x),
        ),
        (
            "powf",
            fast_pass_has_nan(&PowfAtZero, [1.5, 0.0]),
            dualnum::gradient_of(&PowfAtZero, &x),
            dualnum::gradient(|v| PowfAtZero.eval(v.as_slice()), &x),
        ),
        (
            "acos",
            fast_pass_has_nan(&AcosAtOne, [1.5, 0.0]),
            dualnum::gradient_of(&AcosAtOne, &x),
            dualnum::gradient(|v| AcosAtOne.eval(v.as_slice()), &x),
        ),
        (
            "ln",
            fast_pass_has_nan(&LnAtZero, [1.5, 0.0]),
            dualnum::gradient_of(&LnAtZero, &x),
            dualnum::gradient(|v| LnAtZero.eval(v.as_slice()), &x),
        ),
    ];
    for (name, nan, (v1, g1), (v2, g2)) in cases {
        // At these widths the driver goes straight to the safe kernels, so
        // the fast pass is checked by hand here.
        assert!(nan, "{name}: the plain kernels should give a NaN lane at this edge");
        assert_eq!(v1.to_bits(), v2.to_bits(), "{name}: value");
        assert!(g1.iter().zip(&g2).all(|(a, b)| same(*a, *b)), "{name}: {g1:?} vs {g2:?}");
        // The lane of x₀ does not see the singular input: it is finite.
        assert!(g1[0].is_finite(), "{name}: ∂/∂x₀ = {}", g1[0]);
    }

    // The overflow case at N = 4 (the fast pass on the default target).
    let x4 = SVector::from([1.5, 800.0, 0.3, 0.2]);
    let (_, g) = dualnum::gradient_of(&ExpOverflow, &x4);
    let (_, g_safe) = dualnum::gradient(|v| ExpOverflow.eval(v.as_slice()), &x4);
    assert_eq!(g[0], 3.0);
    assert_eq!(g[1], f64::INFINITY);
    assert_eq!((g[2], g[3]), (0.0, 0.0));
    assert!(g.iter().zip(&g_safe).all(|(a, b)| same(*a, *b)));

    // The Hessian at √ of zero, wide enough for the fast pass at both levels.
    let x3 = SVector::from([1.5, 0.0, 0.7]);
    let (_, _, h) = dualnum::hessian_of(&SqrtAtZero, &x3);
    let (_, _, h_safe) = dualnum::hessian(|v| SqrtAtZero.eval(v.as_slice()), &x3);
    assert!(h.iter().zip(&h_safe).all(|(a, b)| same(*a, *b)), "{h} vs {h_safe}");
    assert_eq!(h[(0, 0)], 0.0);
    assert_eq!(h[(2, 2)], 0.0);
}

/// Branches on the structural `is_zero` of `√0`: the NaN-safe kernels keep
/// its tangent zero (a constant), the plain ones give NaN lanes, so the two
/// paths take different branches and return different finite answers. This
/// is the documented exception; the closure drivers are the safe choice.
struct BranchesOnTangent;
impl Function for BranchesOnTangent {
    fn eval<T: Float>(&self, x: &[T]) -> T {
        let root_of_zero = T::zero().sqrt();
        if root_of_zero.is_zero() { x[0] * x[1] } else { x[0] + x[1] }
    }
}

#[test]
fn a_branch_on_structural_zero_is_the_documented_difference() {
    let x = SVector::from([2.0, 3.0, 0.5]);
    let (v_fast, g_fast) = dualnum::gradient_of(&BranchesOnTangent, &x);
    let (v_safe, g_safe) = dualnum::gradient(|v| BranchesOnTangent.eval(v.as_slice()), &x);
    assert_eq!((v_safe, g_safe), (6.0, SVector::from([3.0, 2.0, 0.0])));
    // Where the NaN-safe select is as cheap as the plain kernels (AVX-512
    // and a tangent of at most 64 bytes, as here), `gradient_of` runs the
    // safe kernels directly and there is no difference; elsewhere the fast
    // pass takes the other branch.
    if cfg!(target_feature = "avx512f") {
        assert_eq!((v_fast, g_fast), (v_safe, g_safe));
    } else {
        assert_eq!((v_fast, g_fast), (5.0, SVector::from([1.0, 1.0, 0.0])));
    }
    // On plain floats the structural test is the value test: no difference.
    assert_eq!(BranchesOnTangent.eval(x.as_slice()), 6.0);
    assert!(Dual::<f64, 3>::constant(0.0).sqrt().is_zero());
}

#[test]
fn chunked_fast_path_equals_the_safe_chunks_and_falls_back_per_pass() {
    let x: Vec<f64> = (0..21).map(|i| 0.3 + 0.05 * i as f64).collect();
    for (fast, safe) in [
        (
            dualnum::chunked::Chunk::<8>::gradient_of(&Rosenbrock, &x),
            dualnum::chunked::Chunk::<8>::gradient(tf::rosenbrock, &x),
        ),
        (
            dualnum::chunked::Chunk::<4>::gradient_of(&SinExpSum, &x),
            dualnum::chunked::Chunk::<4>::gradient(tf::sin_exp_sum, &x),
        ),
    ] {
        assert_eq!(fast.0.to_bits(), safe.0.to_bits());
        assert!(fast.1.iter().zip(&safe.1).all(|(a, b)| same(*a, *b)));
    }
    // √ of input 9 at 0: the pass holding lanes 8..16 has NaN in its other
    // lanes on the plain kernels; the driver re-runs that pass NaN-safe.
    struct RootAt9;
    impl Function for RootAt9 {
        fn eval<T: Float>(&self, x: &[T]) -> T {
            x.iter().fold(T::zero(), |s, &v| s + v * v) * x[9].sqrt()
        }
    }
    let mut y = x.clone();
    y[9] = 0.0;
    let (_, g) = dualnum::chunked::Chunk::<8>::gradient_of(&RootAt9, &y);
    let (_, g_safe) = dualnum::chunked::Chunk::<8>::gradient(|v| RootAt9.eval(v), &y);
    assert!(g.iter().zip(&g_safe).all(|(a, b)| same(*a, *b)), "{g} vs {g_safe}");
    assert_eq!(g[9], f64::INFINITY);
    assert!(g.iter().enumerate().all(|(i, v)| i == 9 || *v == 0.0));
}

#[test]
fn chunked_jacobian_fast_path_equals_the_safe_chunks_and_falls_back_per_pass() {
    // Random points and every chunk width from 1 to wider than the input.
    fn prop(seed: Vec<i16>) -> TestResult {
        if seed.is_empty() || seed.len() > 12 {
            return TestResult::discard();
        }
        let x: Vec<f64> = seed.iter().map(|&s| f64::from(s) / 8192.0).collect();
        let n = x.len();
        macro_rules! widths {
            ($($c:literal),*) => {$({
                let (fv, fj) = dualnum::chunked::Chunk::<$c>::jacobian_of(&Broyden, &x);
                let (sv, sj) = dualnum::chunked::Chunk::<$c>::jacobian_inplace(tf::broyden_exp_sin, &x, n);
                if !(fv.iter().zip(&sv).all(|(a, b)| same(*a, *b))
                    && fj.iter().zip(&sj).all(|(a, b)| same(*a, *b)))
                {
                    return TestResult::failed();
                }
            })*};
        }
        widths!(1, 3, 4, 8, 16);
        TestResult::passed()
    }
    QuickCheck::new().tests(200).quickcheck(prop as fn(Vec<i16>) -> TestResult);

    // √ of input 9 at 0 in every output: on the plain kernels the pass
    // holding lanes 8..16 has NaN in its other lanes; the driver re-runs
    // that pass NaN-safe, and only that one.
    struct RootAt9;
    impl VectorFunction for RootAt9 {
        fn outputs(&self, _: usize) -> usize {
            2
        }
        fn eval<T: Float>(&self, x: &[T], out: &mut [T]) {
            let s = x.iter().fold(T::zero(), |s, &v| s + v * v);
            out[0] = s * x[9].sqrt();
            out[1] = s + x[0];
        }
    }
    let mut y: Vec<f64> = (0..21).map(|i| 0.3 + 0.05 * i as f64).collect();
    y[9] = 0.0;
    let (v, j) = dualnum::chunked::Chunk::<8>::jacobian_of(&RootAt9, &y);
    let (sv, sj) = dualnum::chunked::Chunk::<8>::jacobian_inplace(|x, o| RootAt9.eval(x, o), &y, 2);
    assert!(v.iter().zip(&sv).all(|(a, b)| same(*a, *b)));
    assert!(j.iter().zip(&sj).all(|(a, b)| same(*a, *b)), "{j} vs {sj}");
    assert_eq!(j[(0, 9)], f64::INFINITY);
    assert!((0..21).all(|c| c == 9 || j[(0, c)] == 0.0));
    assert_eq!(j[(1, 0)], 2.0 * y[0] + 1.0);
    // The plain kernels alone would have put NaN in row 0 of that pass.
    let mut fast: Vec<Unchecked<f64, 8>> =
        y.iter().map(|&v| Dual::constant(v).unchecked()).collect();
    for l in 0..8 {
        fast[8 + l] = Dual::variable(y[8 + l], l).unchecked();
    }
    let mut out = [Dual::constant(0.0).unchecked(); 2];
    RootAt9.eval(&fast, &mut out);
    assert!(out[0].eps.iter().any(|e| e.is_nan()));
}
