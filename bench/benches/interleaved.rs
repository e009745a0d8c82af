//! The interleaved ratio harness: each method against the hand-written
//! derivative in alternating short rounds, reporting the median of the
//! per-round ratios and their spread (interquartile range and 10th–90th
//! percentile; the JSON also has min and max, which on a shared machine
//! mostly say that some batch was preempted). On a shared, noisy machine, a
//! slow spell hits both sides of a round alike, so the ratio is steadier than
//! two separately measured medians.
//!
//! # Like for like
//!
//! Every method runs the same function, operation for operation, with the
//! same literal constants:
//!
//! - the *generic body* is `dualnum::test_functions` (`T: Float`, constants
//!   as `T::from(100.0)`): dualnum and echidna (`DualVec<f64, N>`, which
//!   implements `num_traits::Float`) run it as it is;
//! - the *scalar-operator body* is `support::sc_*` (`x * 100.0`, `f64` on
//!   the right), the only form num-dual can run; it is written once against
//!   `support::ScalarOps`, and num-dual, dualnum and echidna all run that
//!   same source (rows `… scalar-op`).
//!
//! The workload `gradient/rosenbrock_unrolled/8` runs the n = 8 Rosenbrock
//! body with its loop written out in the source (both forms), for every
//! crate: LLVM keeps the rolled loop rolled at n = 8, and unrolled the unit
//! seeds' constant lanes fold, so the two workloads bracket what a user's
//! code may get.
//!
//! So "num-dual" against "dualnum scalar-op" compares the two crates on one
//! body, and "num-dual" against "dualnum (closure)" compares each crate in
//! its natural form. Nested types take no `f64` operand in dualnum or
//! echidna, so the Hessian has no scalar-op rows for them.
//!
//! Methods: `hand-written` (the unit), `dualnum (closure)` (dualnum's driver
//! on a closure: NaN-safe kernels), `dualnum (fn object)` (the same body as a
//! `dualnum::Function`/`VectorFunction` through `gradient_of`, `jacobian_of`,
//! `hessian_of`: the checked fast path), `dualnum manual` (seeded by hand, no
//! driver; for the Hessian, `Dual2` as the drivers use it), `dualnum nested`
//! and `dualnum nested unchecked` (Hessian: `Dual<Dual<f64, N>, N>` under the
//! NaN-safe and the policy-free kernels, seeded by hand: what `hessian` and
//! `hessian_of` ran before `Dual2`), `dualnum unchecked` (gradients: policy-free `Unchecked` duals
//! seeded by hand, no finiteness test, the floor under the fast path),
//! `num-dual` (its own driver; its `Dual2SVec64` for the Hessian),
//! `num-dual manual` (seeded by hand with `from_re(x).derivative(i)`),
//! `num-dual nested` (`DualSVec<DualSVec64<N>, N>` seeded by hand),
//! `echidna` (seeded by hand with `DualVec::with_tangent`: echidna has no
//! vector-mode driver; `echidna::Dual<f64>` for the scalar derivative).
//!
//! Every method seeds its inputs inside the timed body, as dualnum's drivers
//! do, so the optimizer sees the unit seeds of every crate alike.
//!
//! # Running
//!
//! `cargo bench -p dualnum-bench --bench interleaved` runs in a few seconds.
//! Environment: `INTERLEAVED_ROUNDS` (default 21), `INTERLEAVED_BATCH_US`
//! (time per batch, default 300), `INTERLEAVED_FILTER` (substring of the
//! workload name), `BENCH_LABEL` (default `default`): results also go to
//! `target/interleaved/<label>.json` for `tools/bench-report`;
//! `INTERLEAVED_TSV` (a file to append one line per workload and method:
//! `INTERLEAVED_TAG`, workload, method, median ratio, median ns), used by
//! `scripts/stack-shift.sh` and `scripts/rows-elsewhere.sh`. The feature
//! `extra-row` adds unrelated `extra/…` workloads, for the latter.
//!
//! `INTERLEAVED_PROFILE=workload/method` (for example
//! `gradient/rosenbrock/8/dualnum (closure)`) times nothing: it runs that one
//! method `INTERLEAVED_PROFILE_ITERS` times (default 1000) inside
//! `profile_loop`, for repeatable instruction counts per call:
//! `valgrind --tool=callgrind --toggle-collect='*profile_loop*' <binary>`.

mod support;

use std::hint::black_box;
use std::time::{Duration, Instant};

use dualnum::test_functions as tf;
use dualnum::{Dual, Dual2, Function, Unchecked, VectorFunction};
use echidna::DualVec;
use nalgebra::{Const, DMatrix, DVector, SMatrix, SVector, U1};
use num_dual::{Derivative, Dual2SVec64, Dual64, DualSVec, DualSVec64};
use num_traits::Float;
use support::*;

/// A method: runs its body `k` times and returns the elapsed time.
type Timed = Box<dyn FnMut(u64) -> Duration>;

/// Wraps a body in a monomorphic timing loop (no dynamic call per
/// iteration, so tiny workloads are not dwarfed by call overhead).
fn timed<R>(mut f: impl FnMut() -> R + 'static) -> Timed {
    Box::new(move |k| {
        let t = Instant::now();
        for _ in 0..k {
            black_box(f());
        }
        t.elapsed()
    })
}

/// A method whose answer is checked against `want` before it is timed:
/// `get` reads the derivative out of the body's result (row-major).
fn checked<R: 'static>(
    name: &'static str,
    want: &[f64],
    mut f: impl FnMut() -> R + 'static,
    get: impl Fn(&R) -> Vec<f64>,
) -> (&'static str, Timed) {
    assert_close(name, &get(&f()), want, 1e-12);
    (name, timed(f))
}

struct Case {
    workload: &'static str,
    /// The first method is the hand-written baseline.
    methods: Vec<(&'static str, Timed)>,
}

fn env(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// Iterations that take about `batch`.
fn calibrate(f: &mut Timed, batch: Duration) -> u64 {
    let mut k = 1;
    loop {
        let t = f(k);
        if t >= batch / 4 || k >= 1 << 30 {
            let per = t.as_secs_f64() / k as f64;
            return ((batch.as_secs_f64() / per.max(1e-12)) as u64).max(1);
        }
        k *= 4;
    }
}

/// Median, quartiles, 10th and 90th percentiles (nearest rank) and extremes
/// of a sample.
struct Spread {
    median: f64,
    q1: f64,
    q3: f64,
    p10: f64,
    p90: f64,
    min: f64,
    max: f64,
}

fn spread(v: &mut [f64]) -> Spread {
    v.sort_by(|a, b| a.total_cmp(b));
    let n = v.len();
    let m = n / 2;
    let median = if n % 2 == 1 { v[m] } else { 0.5 * (v[m - 1] + v[m]) };
    let rank = |p: usize| v[(p * (n - 1) + 50) / 100];
    Spread {
        median,
        q1: rank(25),
        q3: rank(75),
        p10: rank(10),
        p90: rank(90),
        min: v[0],
        max: v[n - 1],
    }
}

// ---------------------------------------------------------------------------
// Seeding by hand, for the crates without a driver (and dualnum manual)
// ---------------------------------------------------------------------------

/// echidna's independent variables: `xᵢ` with tangent `eᵢ`.
#[inline]
fn echidna_vars<const N: usize>(x: [f64; N]) -> [DualVec<f64, N>; N] {
    core::array::from_fn(|i| DualVec::with_tangent(x[i], i))
}

/// num-dual's independent variables, seeded by hand as its docs show
/// (`DualSVec64::from_re(x).derivative(i)`), without its `gradient` driver.
#[inline]
fn num_dual_vars<const N: usize>(x: [f64; N]) -> [DualSVec64<N>; N] {
    core::array::from_fn(|i| DualSVec64::from_re(x[i]).derivative(i))
}

/// The tangent of a num-dual result (zero if it has none).
fn num_dual_tangent<const N: usize>(d: &DualSVec64<N>) -> Vec<f64> {
    d.eps.unwrap_generic(Const::<N>, U1).as_slice().to_vec()
}

/// Nested dualnum variables for a Hessian: inner and outer tangent `eᵢ`.
#[inline]
fn dualnum_vars2<const N: usize>(x: [f64; N]) -> [Dual<Dual<f64, N>, N>; N] {
    core::array::from_fn(|i| {
        let mut d = Dual::constant(Dual::variable(x[i], i));
        d.eps[i] = Dual::constant(1.0);
        d
    })
}

/// Nested policy-free dualnum variables for a Hessian: what `hessian_of`
/// evaluated on (its fast pass) before `Dual2`.
#[inline]
fn dualnum_vars2_unchecked<const N: usize>(x: [f64; N]) -> [Dual<Unchecked<f64, N>, N, false>; N] {
    // +0 seeds, as the fast pass used.
    let c = |v: f64| Unchecked::<f64, N> { re: v, eps: [0.0; N] };
    core::array::from_fn(|i| {
        let mut d = Dual { re: c(x[i]), eps: [c(0.0); N] };
        d.re.eps[i] = 1.0;
        d.eps[i] = c(1.0);
        d
    })
}

/// Nested echidna variables for a Hessian.
#[inline]
fn echidna_vars2<const N: usize>(x: [f64; N]) -> [DualVec<DualVec<f64, N>, N>; N] {
    core::array::from_fn(|i| {
        let mut eps = [DualVec::constant(0.0); N];
        eps[i] = DualVec::constant(1.0);
        DualVec::new(DualVec::with_tangent(x[i], i), eps)
    })
}

/// Nested num-dual variables for a Hessian.
type NdNested<const N: usize> = DualSVec<DualSVec64<N>, N>;

#[inline]
fn num_dual_vars2<const N: usize>(x: [f64; N]) -> [NdNested<N>; N] {
    core::array::from_fn(|i| {
        NdNested::new(
            DualSVec64::from_re(x[i]).derivative(i),
            Derivative::derivative_generic(Const::<N>, U1, i),
        )
    })
}

/// The Hessian out of a nested num-dual result.
fn num_dual_hessian<const N: usize>(r: &NdNested<N>) -> Vec<f64> {
    let outer = r.eps.unwrap_generic(Const::<N>, U1);
    outer.iter().flat_map(|d| d.eps.unwrap_generic(Const::<N>, U1).as_slice().to_vec()).collect()
}

/// Row-major entries of a matrix.
fn rows<const M: usize, const N: usize>(m: &SMatrix<f64, M, N>) -> Vec<f64> {
    m.transpose().as_slice().to_vec()
}

// ---------------------------------------------------------------------------
// Function objects: the same bodies behind `dualnum::Function` and
// `VectorFunction`, for the drivers with the checked fast path
// (`gradient_of`, `jacobian_of`, `hessian_of`)
// ---------------------------------------------------------------------------

/// [`tf::transcendental`] as a function of `x[0]`.
struct TranscendentalFn;
impl Function for TranscendentalFn {
    #[inline(always)]
    fn eval<T: Float>(&self, x: &[T]) -> T {
        tf::transcendental(x[0])
    }
}

/// [`tf::rosenbrock`].
struct RosenbrockFn;
impl Function for RosenbrockFn {
    #[inline(always)]
    fn eval<T: Float>(&self, x: &[T]) -> T {
        tf::rosenbrock(x)
    }
}

/// [`tf::rosenbrock`] at n = 8 with its loop written out: the same
/// operations on the same constants in the same order, only unrolled in the
/// source. LLVM leaves the loop of the rolled body rolled at n = 8 for every
/// dual type (its full-unroll threshold: with `-C
/// llvm-args=-unroll-threshold=1500` it unrolls it), and the unrolled code
/// keeps the seeds and the running sums in registers (callgrind, default
/// target, instructions a call, rolled → unrolled: `Unchecked` seeded by
/// hand 788 → 469, num-dual 1 187 → 507, the closure 1 168 → 929, the fn
/// object 851 → 543). This workload shows what each crate gives on such a
/// body: an independent harness whose body was unrolled this way measured
/// num-dual's ∇ n = 8 at 6.8 × hand-written (default) and the fn object at
/// 4.3, where the rolled body gives about 10 for both.
#[inline(always)]
fn rosenbrock8_unrolled<T: Float>(x: &[T]) -> T {
    let x = &x[..8];
    let hundred = T::from(100.0).unwrap();
    let mut s = T::zero();
    macro_rules! step {
        ($($i:literal)*) => {$({
            let a = x[$i + 1] - x[$i] * x[$i];
            let b = T::one() - x[$i];
            s = s + hundred * a * a + b * b;
        })*};
    }
    step!(0 1 2 3 4 5 6);
    s
}

/// [`rosenbrock8_unrolled`] in the scalar-operator form of
/// [`sc_rosenbrock`], the only form num-dual runs.
#[inline(always)]
fn sc_rosenbrock8_unrolled<D: ScalarOps>(x: &[D]) -> D {
    let x = &x[..8];
    let mut s = D::cst(0.0);
    macro_rules! step {
        ($($i:literal)*) => {$({
            let a = x[$i + 1].clone() - x[$i].clone() * x[$i].clone();
            let b = -x[$i].clone() + 1.0;
            s = s + a.clone() * 100.0 * a + b.clone() * b;
        })*};
    }
    step!(0 1 2 3 4 5 6);
    s
}

/// [`rosenbrock8_unrolled`].
struct RosenbrockUnrolledFn;
impl Function for RosenbrockUnrolledFn {
    #[inline(always)]
    fn eval<T: Float>(&self, x: &[T]) -> T {
        rosenbrock8_unrolled(x)
    }
}

/// The generic body of a [`MapWorkload`] with `M` outputs.
struct MapFn<W, const M: usize>(core::marker::PhantomData<W>);
impl<W: MapWorkload, const M: usize> VectorFunction for MapFn<W, M> {
    fn outputs(&self, _inputs: usize) -> usize {
        M
    }
    #[inline(always)]
    fn eval<T: Float>(&self, x: &[T], out: &mut [T]) {
        W::f(x, out)
    }
}

/// Policy-free variables (`Unchecked`), seeded by hand: the floor under the
/// fast path, with no finiteness test.
#[inline]
fn unchecked_vars<const N: usize>(x: [f64; N]) -> [Unchecked<f64, N>; N] {
    core::array::from_fn(|i| {
        let mut eps = [0.0; N];
        eps[i] = 1.0;
        Unchecked::<f64, N> { re: x[i], eps }
    })
}

// ---------------------------------------------------------------------------
// Workloads
// ---------------------------------------------------------------------------

fn derivative_case() -> Case {
    let x0 = 0.7;
    let want = [tf::transcendental_derivative(x0)];
    type E = echidna::Dual<f64>;
    Case {
        workload: "derivative/transcendental",
        methods: vec![
            ("hand-written", timed(move || tf::transcendental_derivative(black_box(x0)))),
            checked(
                "dualnum (closure)",
                &want,
                move || dualnum::derivative(tf::transcendental, black_box(x0)),
                |r| vec![r.1],
            ),
            checked(
                "dualnum (fn object)",
                &want,
                move || dualnum::gradient_of(&TranscendentalFn, &SVector::from([black_box(x0)])),
                |r| vec![r.1[0]],
            ),
            checked(
                "dualnum scalar-op",
                &want,
                move || dualnum::derivative(sc_transcendental, black_box(x0)),
                |r| vec![r.1],
            ),
            checked(
                "num-dual",
                &want,
                move || num_dual::first_derivative(sc_transcendental::<Dual64>, black_box(x0)),
                |r| vec![r.1],
            ),
            checked(
                "echidna",
                &want,
                move || tf::transcendental(E::variable(black_box(x0))),
                |r| vec![r.eps],
            ),
            checked(
                "echidna scalar-op",
                &want,
                move || sc_transcendental(E::variable(black_box(x0))),
                |r| vec![r.eps],
            ),
        ],
    }
}

fn rosenbrock_case<const N: usize>(workload: &'static str) -> Case {
    let x: [f64; N] = point_array();
    let xs = SVector::from(x);
    let mut want = [0.0; N];
    tf::rosenbrock_gradient(&x, &mut want);
    let mut g = [0.0; N];
    let svec = |r: &(f64, SVector<f64, N>)| r.1.as_slice().to_vec();
    Case {
        workload,
        methods: vec![
            (
                "hand-written",
                timed(move || {
                    tf::rosenbrock_gradient(black_box(&x), &mut g);
                    black_box(&g);
                }),
            ),
            checked(
                "dualnum (closure)",
                &want,
                move || {
                    dualnum::gradient(
                        |v: SVector<Dual<f64, N>, N>| tf::rosenbrock(v.as_slice()),
                        black_box(&xs),
                    )
                },
                svec,
            ),
            checked(
                "dualnum (fn object)",
                &want,
                move || dualnum::gradient_of(&RosenbrockFn, black_box(&xs)),
                svec,
            ),
            checked(
                "dualnum manual",
                &want,
                move || tf::rosenbrock(&Dual::variables(black_box(x))),
                |r| r.eps.to_vec(),
            ),
            checked(
                "dualnum unchecked",
                &want,
                move || tf::rosenbrock(&unchecked_vars(black_box(x))),
                |r| r.eps.to_vec(),
            ),
            checked(
                "dualnum scalar-op",
                &want,
                move || {
                    dualnum::gradient(
                        |v: SVector<Dual<f64, N>, N>| sc_rosenbrock(v.as_slice()),
                        black_box(&xs),
                    )
                },
                svec,
            ),
            checked(
                "num-dual",
                &want,
                move || {
                    num_dual::gradient(
                        |v: SVector<DualSVec64<N>, N>| sc_rosenbrock(v.as_slice()),
                        black_box(&xs),
                    )
                },
                svec,
            ),
            checked(
                "num-dual manual",
                &want,
                move || sc_rosenbrock(&num_dual_vars(black_box(x))),
                num_dual_tangent,
            ),
            checked(
                "echidna",
                &want,
                move || tf::rosenbrock(&echidna_vars(black_box(x))),
                |r| r.eps.to_vec(),
            ),
            checked(
                "echidna scalar-op",
                &want,
                move || sc_rosenbrock(&echidna_vars(black_box(x))),
                |r| r.eps.to_vec(),
            ),
        ],
    }
}

/// ∇ of [`rosenbrock8_unrolled`] (n = 8), every crate on that one body.
fn rosenbrock_unrolled_case() -> Case {
    const N: usize = 8;
    let x: [f64; N] = point_array();
    let xs = SVector::from(x);
    let mut want = [0.0; N];
    tf::rosenbrock_gradient(&x, &mut want);
    let mut g = [0.0; N];
    let svec = |r: &(f64, SVector<f64, N>)| r.1.as_slice().to_vec();
    Case {
        workload: "gradient/rosenbrock_unrolled/8",
        methods: vec![
            (
                "hand-written",
                timed(move || {
                    tf::rosenbrock_gradient(black_box(&x), &mut g);
                    black_box(&g);
                }),
            ),
            checked(
                "dualnum (closure)",
                &want,
                move || {
                    dualnum::gradient(
                        |v: SVector<Dual<f64, N>, N>| rosenbrock8_unrolled(v.as_slice()),
                        black_box(&xs),
                    )
                },
                svec,
            ),
            checked(
                "dualnum (fn object)",
                &want,
                move || dualnum::gradient_of(&RosenbrockUnrolledFn, black_box(&xs)),
                svec,
            ),
            checked(
                "dualnum manual",
                &want,
                move || rosenbrock8_unrolled(&Dual::variables(black_box(x))),
                |r| r.eps.to_vec(),
            ),
            checked(
                "dualnum unchecked",
                &want,
                move || rosenbrock8_unrolled(&unchecked_vars(black_box(x))),
                |r| r.eps.to_vec(),
            ),
            checked(
                "dualnum scalar-op",
                &want,
                move || {
                    dualnum::gradient(
                        |v: SVector<Dual<f64, N>, N>| sc_rosenbrock8_unrolled(v.as_slice()),
                        black_box(&xs),
                    )
                },
                svec,
            ),
            checked(
                "num-dual",
                &want,
                move || {
                    num_dual::gradient(
                        |v: SVector<DualSVec64<N>, N>| sc_rosenbrock8_unrolled(v.as_slice()),
                        black_box(&xs),
                    )
                },
                svec,
            ),
            checked(
                "num-dual manual",
                &want,
                move || sc_rosenbrock8_unrolled(&num_dual_vars(black_box(x))),
                num_dual_tangent,
            ),
            checked(
                "echidna",
                &want,
                move || rosenbrock8_unrolled(&echidna_vars(black_box(x))),
                |r| r.eps.to_vec(),
            ),
        ],
    }
}

/// A map `R^N → R^M` of `test_functions` with its scalar-operator twin and
/// its hand-written Jacobian.
trait MapWorkload: 'static {
    /// The generic body, into `out`.
    fn f<T: Float>(x: &[T], out: &mut [T]);
    /// Output `i` of the scalar-operator body.
    fn sc<D: ScalarOps>(x: &[D], i: usize) -> D;
    /// The hand-written Jacobian, row-major.
    fn hand(x: &[f64], jac: &mut [f64]);
}

struct Broyden;
impl MapWorkload for Broyden {
    #[inline(always)]
    fn f<T: Float>(x: &[T], out: &mut [T]) {
        tf::broyden_tridiagonal(x, out)
    }
    #[inline(always)]
    fn sc<D: ScalarOps>(x: &[D], i: usize) -> D {
        sc_broyden(x, i, false)
    }
    fn hand(x: &[f64], jac: &mut [f64]) {
        tf::broyden_tridiagonal_jacobian(x, jac)
    }
}

struct BroydenExpSin;
impl MapWorkload for BroydenExpSin {
    #[inline(always)]
    fn f<T: Float>(x: &[T], out: &mut [T]) {
        tf::broyden_exp_sin(x, out)
    }
    #[inline(always)]
    fn sc<D: ScalarOps>(x: &[D], i: usize) -> D {
        sc_broyden(x, i, true)
    }
    fn hand(x: &[f64], jac: &mut [f64]) {
        tf::broyden_exp_sin_jacobian(x, jac)
    }
}

struct Wide<const M: usize>;
impl<const M: usize> MapWorkload for Wide<M> {
    #[inline(always)]
    fn f<T: Float>(x: &[T], out: &mut [T]) {
        tf::wide_map(x, out)
    }
    #[inline(always)]
    fn sc<D: ScalarOps>(x: &[D], k: usize) -> D {
        sc_wide_map(x, k)
    }
    fn hand(x: &[f64], jac: &mut [f64]) {
        tf::wide_map_jacobian(x, M, jac)
    }
}

struct Tall<const M: usize>;
impl<const M: usize> MapWorkload for Tall<M> {
    #[inline(always)]
    fn f<T: Float>(x: &[T], out: &mut [T]) {
        tf::tall_map(x, out)
    }
    #[inline(always)]
    fn sc<D: ScalarOps>(x: &[D], j: usize) -> D {
        sc_tall_map(x, j)
    }
    fn hand(x: &[f64], jac: &mut [f64]) {
        tf::tall_map_jacobian(x, M, jac)
    }
}

fn jacobian_case<W: MapWorkload, const N: usize, const M: usize>(workload: &'static str) -> Case {
    let x: [f64; N] = point_array();
    let xs = SVector::from(x);
    let mut want = vec![0.0; M * N];
    W::hand(&x, &mut want);
    let mut j1 = vec![0.0; M * N];
    let jrows = |r: &(SVector<f64, M>, SMatrix<f64, M, N>)| rows(&r.1);
    let drows = |r: &(DVector<f64>, DMatrix<f64>)| r.1.transpose().as_slice().to_vec();
    let eps_rows = |r: &[DualVec<f64, N>; M]| r.iter().flat_map(|d| d.eps).collect();
    Case {
        workload,
        methods: vec![
            (
                "hand-written",
                timed(move || {
                    W::hand(black_box(&x), &mut j1);
                    black_box(&j1);
                }),
            ),
            checked(
                "dualnum (closure)",
                &want,
                move || {
                    dualnum::jacobian(
                        |v: SVector<Dual<f64, N>, N>| {
                            let mut out =
                                SVector::<Dual<f64, N>, M>::from_element(Dual::constant(0.0));
                            W::f(v.as_slice(), out.as_mut_slice());
                            out
                        },
                        black_box(&xs),
                    )
                },
                jrows,
            ),
            checked(
                "dualnum (fn object)",
                &want,
                move || {
                    dualnum::jacobian_of::<M, N, _>(
                        &MapFn::<W, M>(core::marker::PhantomData),
                        black_box(&xs),
                    )
                },
                jrows,
            ),
            checked(
                "chunked<8> (closure)",
                &want,
                move || {
                    dualnum::chunked::Chunk::<8>::jacobian_inplace(
                        |v, out| W::f(v, out),
                        black_box(&x),
                        M,
                    )
                },
                drows,
            ),
            checked(
                "chunked<8> (fn object)",
                &want,
                move || {
                    dualnum::chunked::Chunk::<8>::jacobian_of(
                        &MapFn::<W, M>(core::marker::PhantomData),
                        black_box(&x),
                    )
                },
                drows,
            ),
            checked(
                "dualnum manual",
                &want,
                move || {
                    let mut out = [Dual::<f64, N>::constant(0.0); M];
                    W::f(&Dual::variables(black_box(x)), &mut out);
                    out
                },
                |r| r.iter().flat_map(|d| d.tangent()).collect(),
            ),
            checked(
                "dualnum scalar-op",
                &want,
                move || {
                    dualnum::jacobian(
                        |v: SVector<Dual<f64, N>, N>| {
                            SVector::<_, M>::from_fn(|i, _| W::sc(v.as_slice(), i))
                        },
                        black_box(&xs),
                    )
                },
                jrows,
            ),
            checked(
                "num-dual",
                &want,
                move || {
                    num_dual::jacobian(
                        |v: SVector<DualSVec64<N>, N>| {
                            SVector::<_, M>::from_fn(|i, _| W::sc(v.as_slice(), i))
                        },
                        black_box(&xs),
                    )
                },
                jrows,
            ),
            checked(
                "num-dual manual",
                &want,
                move || {
                    let v = num_dual_vars(black_box(x));
                    let out: [DualSVec64<N>; M] = core::array::from_fn(|i| W::sc(&v, i));
                    out
                },
                |r| r.iter().flat_map(num_dual_tangent).collect(),
            ),
            checked(
                "echidna",
                &want,
                move || {
                    let mut out = [DualVec::<f64, N>::constant(0.0); M];
                    W::f(&echidna_vars(black_box(x)), &mut out);
                    out
                },
                eps_rows,
            ),
            checked(
                "echidna scalar-op",
                &want,
                move || {
                    let v = echidna_vars(black_box(x));
                    let out: [DualVec<f64, N>; M] = core::array::from_fn(|i| W::sc(&v, i));
                    out
                },
                eps_rows,
            ),
        ],
    }
}

fn hessian_case<const N: usize>(workload: &'static str) -> Case {
    let x: [f64; N] = point_array();
    let xs = SVector::from(x);
    let mut want = vec![0.0; N * N];
    tf::rosenbrock_hessian(&x, &mut want);
    let mut h = vec![0.0; N * N];
    let nested =
        |r: &Dual<Dual<f64, N>, N>| -> Vec<f64> { r.eps.iter().flat_map(|d| d.eps).collect() };
    Case {
        workload,
        methods: vec![
            (
                "hand-written",
                timed(move || {
                    tf::rosenbrock_hessian(black_box(&x), &mut h);
                    black_box(&h);
                }),
            ),
            checked(
                "dualnum (closure)",
                &want,
                move || {
                    dualnum::hessian(
                        |v: SVector<Dual2<f64, N>, N>| tf::rosenbrock(v.as_slice()),
                        black_box(&xs),
                    )
                },
                |r| rows(&r.2),
            ),
            checked(
                "dualnum (fn object)",
                &want,
                move || dualnum::hessian_of(&RosenbrockFn, black_box(&xs)),
                |r| rows(&r.2),
            ),
            checked(
                "dualnum manual",
                &want,
                move || tf::rosenbrock(&Dual2::variables(black_box(x))),
                |r: &Dual2<f64, N>| r.hessian().iter().flatten().copied().collect(),
            ),
            checked(
                "dualnum nested",
                &want,
                move || tf::rosenbrock(&dualnum_vars2(black_box(x))),
                nested,
            ),
            checked(
                "dualnum nested unchecked",
                &want,
                move || tf::rosenbrock(&dualnum_vars2_unchecked(black_box(x))),
                move |r: &Dual<Unchecked<f64, N>, N, false>| {
                    r.eps.iter().flat_map(|d| d.eps).collect()
                },
            ),
            checked(
                "num-dual",
                &want,
                move || {
                    num_dual::hessian(
                        |v: SVector<Dual2SVec64<N>, N>| sc_rosenbrock(v.as_slice()),
                        black_box(&xs),
                    )
                },
                |r| rows(&r.2),
            ),
            checked(
                "num-dual nested",
                &want,
                move || sc_rosenbrock(&num_dual_vars2(black_box(x))),
                num_dual_hessian,
            ),
            checked(
                "echidna",
                &want,
                move || tf::rosenbrock(&echidna_vars2(black_box(x))),
                |r| r.eps.iter().flat_map(|d| d.eps).collect(),
            ),
        ],
    }
}

fn cases() -> Vec<Case> {
    #[allow(unused_mut)] // mutated only with the `extra-row` feature
    let mut cases = vec![
        derivative_case(),
        rosenbrock_case::<2>("gradient/rosenbrock/2"),
        rosenbrock_case::<4>("gradient/rosenbrock/4"),
        rosenbrock_case::<8>("gradient/rosenbrock/8"),
        rosenbrock_unrolled_case(),
        rosenbrock_case::<16>("gradient/rosenbrock/16"),
        rosenbrock_case::<32>("gradient/rosenbrock/32"),
        jacobian_case::<Broyden, 8, 8>("jacobian/broyden_8"),
        jacobian_case::<BroydenExpSin, 8, 8>("jacobian/broyden_exp_sin_8"),
        jacobian_case::<Wide<4>, 64, 4>("jacobian/wide_64x4"),
        jacobian_case::<Tall<64>, 4, 64>("jacobian/tall_4x64"),
        hessian_case::<4>("hessian/rosenbrock/4"),
        hessian_case::<8>("hessian/rosenbrock/8"),
    ];
    // Unrelated rows (new instantiations: other sizes), for the
    // rows-elsewhere check: every other row should time the same with and
    // without them.
    #[cfg(feature = "extra-row")]
    cases.extend([
        rosenbrock_case::<12>("extra/rosenbrock/12"),
        jacobian_case::<Broyden, 12, 12>("extra/jacobian/broyden_12"),
    ]);
    cases
}

/// `iters` runs of one method, the one place `callgrind --toggle-collect`
/// counts.
#[inline(never)]
fn profile_loop(f: &mut Timed, iters: u64) {
    black_box(f(iters));
}

/// The `INTERLEAVED_PROFILE` mode: runs `workload/method` and nothing else.
fn profile(which: &str) {
    let iters = env("INTERLEAVED_PROFILE_ITERS", 1000);
    for case in cases() {
        for (name, mut f) in case.methods {
            if which == format!("{}/{name}", case.workload) {
                profile_loop(&mut f, iters);
                println!("profiled {which}: {iters} calls");
                return;
            }
        }
    }
    panic!("INTERLEAVED_PROFILE: no method `{which}` (workload/method)");
}

fn main() {
    if let Ok(which) = std::env::var("INTERLEAVED_PROFILE") {
        return profile(&which);
    }
    // `cargo bench` passes `--bench`; `cargo test --benches` passes nothing
    // useful either: this harness takes its settings from the environment.
    let rounds = env("INTERLEAVED_ROUNDS", 21).max(1) as usize;
    let batch = Duration::from_micros(env("INTERLEAVED_BATCH_US", 300));
    let filter = std::env::var("INTERLEAVED_FILTER").unwrap_or_default();
    let label = std::env::var("BENCH_LABEL").unwrap_or_else(|_| "default".into());
    let tsv_path = std::env::var("INTERLEAVED_TSV").ok();
    let tag = std::env::var("INTERLEAVED_TAG").unwrap_or_default();
    let mut json = Vec::new();
    let mut tsv = String::new();
    println!(
        "interleaved ratios to hand-written ({label}; {rounds} rounds): median, \
         interquartile range and 10th–90th percentile over rounds, median time per call"
    );
    println!(
        "  {:<28} {:<20} {:>7} {:>15} {:>15} {:>10}",
        "workload", "method", "ratio", "q1–q3", "p10–p90", "time"
    );
    for mut case in cases().into_iter().filter(|c| c.workload.contains(&filter)) {
        // Calibrate twice and keep the second: the first also warms caches,
        // branch predictors and the clock (a cold first workload once gave a
        // ratio of 0.33 that no rerun reproduced).
        for (_, f) in case.methods.iter_mut() {
            calibrate(f, batch);
        }
        let ks: Vec<u64> = case.methods.iter_mut().map(|(_, f)| calibrate(f, batch)).collect();
        let m = case.methods.len();
        let mut ratios = vec![Vec::with_capacity(rounds); m];
        let mut times = vec![Vec::with_capacity(rounds); m];
        for r in 0..rounds {
            let mut per = vec![0.0; m];
            // Alternate the order so neither side always runs first.
            let order: Vec<usize> =
                if r % 2 == 0 { (0..m).collect() } else { (0..m).rev().collect() };
            for i in order {
                per[i] = (case.methods[i].1)(ks[i]).as_secs_f64() / ks[i] as f64;
            }
            for i in 0..m {
                ratios[i].push(per[i] / per[0]);
                times[i].push(per[i] * 1e9);
            }
        }
        for (i, (name, _)) in case.methods.iter().enumerate() {
            let s = spread(&mut ratios[i]);
            let ns = spread(&mut times[i]).median;
            println!(
                "  {:<28} {:<20} {:>7.3} {:>15} {:>15} {:>7.1} ns",
                case.workload,
                name,
                s.median,
                format!("{:.2}–{:.2}", s.q1, s.q3),
                format!("{:.2}–{:.2}", s.p10, s.p90),
                ns
            );
            tsv.push_str(&format!("{tag}\t{}\t{name}\t{}\t{ns}\n", case.workload, s.median));
            json.push(format!(
                "{{\"workload\":\"{}\",\"method\":\"{}\",\"ratio\":{},\"q1\":{},\"q3\":{},\
                 \"p10\":{},\"p90\":{},\"min\":{},\"max\":{},\"ns\":{ns}}}",
                case.workload, name, s.median, s.q1, s.q3, s.p10, s.p90, s.min, s.max
            ));
        }
    }
    // The workspace's target directory, where `tools/bench-report` looks.
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/interleaved");
    if std::fs::create_dir_all(&dir).is_ok() {
        let _ =
            std::fs::write(dir.join(format!("{label}.json")), format!("[{}]\n", json.join(",\n")));
    }
    if let Some(p) = tsv_path {
        use std::io::Write;
        let file = std::fs::OpenOptions::new().create(true).append(true).open(&p);
        if let Err(e) = file.and_then(|mut f| f.write_all(tsv.as_bytes())) {
            eprintln!("interleaved: cannot append to {p}: {e}");
        }
    }
}
