//! Taylor mode (`Jet<f64, K>`) against nested duals, in the interleaved
//! style: each pair runs in alternating short batches and the ratio is
//! taken per round, so a slow spell on the shared machine hits both sides
//! alike. Reports the median ratio with its interquartile range, and the
//! median time per call of each side.
//!
//! Workloads:
//! - `all derivatives to order K` of a transcendental-heavy scalar function
//!   (`trans` below: exp, sin, atan, cosh, sqrt, ln, tanh, a division),
//!   `Jet<f64, K>` against `Dual` nested `K` deep (`K = 2, 3, 4`; `K = 8`
//!   with `RUSTFLAGS="--cfg taylor_deep"`, see `D8`), both seeded and read
//!   inside the timed body;
//! - `second directional derivative`: `Jet<f64, 2>` against
//!   `Dual<Dual<f64, 1>, 1>` on the same function, and on Rosenbrock in 8
//!   variables along a direction;
//! - `cost against order`: `Jet<f64, K>` for K = 1, 2, 3, 4, 6, 8, 12, 16
//!   against one plain `f64` evaluation, and the exponent `p` of the
//!   least-squares fit `time ∝ Kᵖ` over K = 2…16.
//!
//! `cargo bench -p dualnum-bench --bench taylor` runs in about ten seconds;
//! `TAYLOR_ROUNDS` (default 21) and `TAYLOR_BATCH_US` (default 300) set the
//! rounds and the time per batch. Under `cargo test` (`--bench` absent)
//! each workload runs once and its numbers are checked, nothing timed.

use std::hint::black_box;
use std::time::{Duration, Instant};

use dualnum::test_functions::rosenbrock;
use dualnum::{Dual, Function, Jet};
use nalgebra::SVector;
use num_traits::Float;

/// The scalar workload: transcendental-heavy.
fn trans<T: Float>(x: T) -> T {
    let one = T::one();
    (x.sin().exp() + x.atan() * x.cosh()) / (one + x * x).sqrt() + (x * x + one).ln() * x.tanh()
}

/// A dual nested some levels deep, seeded along `v` at every level.
trait Nest: Float {
    fn seed(x: f64, v: f64) -> Self;
    fn corner(&self, k: usize) -> f64;
}

impl Nest for f64 {
    #[inline(always)]
    fn seed(x: f64, _: f64) -> f64 {
        x
    }
    #[inline(always)]
    fn corner(&self, _: usize) -> f64 {
        *self
    }
}

impl<T: Nest> Nest for Dual<T, 1> {
    #[inline(always)]
    fn seed(x: f64, v: f64) -> Self {
        Dual::new(T::seed(x, v), [T::seed(v, 0.0)])
    }
    #[inline(always)]
    fn corner(&self, k: usize) -> f64 {
        if k == 0 { self.re.corner(0) } else { self.eps[0].corner(k - 1) }
    }
}

type D2 = Dual<Dual<f64, 1>, 1>;
type D3 = Dual<D2, 1>;
type D4 = Dual<D3, 1>;
/// Eight deep only under `--cfg taylor_deep`: in release, rustc needs more
/// than 12 GB and over ten minutes for this one instantiation, too much for
/// CI and for a shared machine.
#[cfg(taylor_deep)]
type D8 = Dual<Dual<Dual<Dual<D4, 1>, 1>, 1>, 1>;

/// All derivatives to order `K` by nested duals: `[f, f′, …, f⁽ᴷ⁾]`.
#[inline(never)]
fn nested<D: Nest, const K1: usize>(x: f64) -> [f64; K1] {
    let y = trans(D::seed(x, 1.0));
    core::array::from_fn(|k| y.corner(k))
}

/// All derivatives to order `K` by a jet: `(f, [f′, …, f⁽ᴷ⁾])`.
#[inline(never)]
fn jet<const K: usize>(x: f64) -> (f64, [f64; K]) {
    dualnum::taylor::derivatives(trans, x)
}

#[inline(never)]
fn plain(x: f64) -> f64 {
    trans(x)
}

/// `vᵀ∇²f·v` of Rosenbrock in 8 variables by a jet.
#[inline(never)]
fn rosen_jet(x: &[f64; 8], v: &[f64; 8]) -> f64 {
    let xs: [Jet<f64, 2>; 8] = core::array::from_fn(|i| Jet::along(x[i], v[i]));
    rosenbrock(&xs).derivative(2)
}

/// The same by `Dual<Dual<f64, 1>, 1>` seeded along `v` at both levels.
#[inline(never)]
fn rosen_nested(x: &[f64; 8], v: &[f64; 8]) -> f64 {
    let xs: [D2; 8] =
        core::array::from_fn(|i| Dual::new(Dual::new(x[i], [v[i]]), [Dual::new(v[i], [0.0])]));
    rosenbrock(&xs).eps[0].eps[0]
}

/// Rosenbrock as a function object, for the three Hessian drivers.
struct Rosen;

impl Function for Rosen {
    fn eval<T: Float>(&self, x: &[T]) -> T {
        rosenbrock(x)
    }
}

struct Stats {
    median: f64,
    q1: f64,
    q3: f64,
    a_ns: f64,
    b_ns: f64,
}

fn env(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|s| s.parse().ok()).unwrap_or(default)
}

/// Times `a` against `b` in alternating batches; per-round ratios a/b.
fn interleave(mut a: impl FnMut(), mut b: impl FnMut()) -> Stats {
    let rounds = env("TAYLOR_ROUNDS", 21) as usize;
    let batch = Duration::from_micros(env("TAYLOR_BATCH_US", 300));
    let calibrate = |f: &mut dyn FnMut()| {
        let mut n = 1u64;
        loop {
            let s = Instant::now();
            for _ in 0..n {
                f();
            }
            if s.elapsed() >= batch / 4 {
                return (n * 4).max(1);
            }
            n *= 2;
        }
    };
    let (na, nb) = (calibrate(&mut a), calibrate(&mut b));
    let time = |f: &mut dyn FnMut(), n: u64| {
        let s = Instant::now();
        for _ in 0..n {
            f();
        }
        s.elapsed().as_secs_f64() * 1e9 / n as f64
    };
    let mut ratios = Vec::new();
    let (mut ta, mut tb) = (Vec::new(), Vec::new());
    for r in 0..rounds {
        let (x, y) = if r % 2 == 0 {
            let x = time(&mut a, na);
            (x, time(&mut b, nb))
        } else {
            let y = time(&mut b, nb);
            (time(&mut a, na), y)
        };
        ratios.push(x / y);
        ta.push(x);
        tb.push(y);
    }
    let q = |v: &mut Vec<f64>, p: f64| {
        v.sort_by(f64::total_cmp);
        v[((v.len() - 1) as f64 * p).round() as usize]
    };
    Stats {
        median: q(&mut ratios, 0.5),
        q1: q(&mut ratios, 0.25),
        q3: q(&mut ratios, 0.75),
        a_ns: q(&mut ta, 0.5),
        b_ns: q(&mut tb, 0.5),
    }
}

fn row(what: &str, a: &str, b: &str, s: &Stats, goal: &str) {
    println!(
        "| {what} | {a} | {b} | {:.3} [{:.3}–{:.3}] | {:.0} | {:.0} | {goal} |",
        s.median, s.q1, s.q3, s.a_ns, s.b_ns
    );
}

/// Checks that the two sides compute the same numbers before timing them.
fn check() {
    let x = 0.7;
    let (v, d) = jet::<4>(x);
    let n = nested::<D4, 5>(x);
    assert_eq!(v, n[0]);
    for k in 0..4 {
        assert!((d[k] - n[k + 1]).abs() <= 1e-12 * n[k + 1].abs().max(1.0), "order {}", k + 1);
    }
    let (x8, v8) = ([0.3; 8], [1.0, -0.5, 0.25, 2.0, -1.0, 0.5, 0.75, -2.0]);
    let (a, b) = (rosen_jet(&x8, &v8), rosen_nested(&x8, &v8));
    assert!((a - b).abs() <= 1e-12 * b.abs());
    let xs = SVector::from(x8);
    let (hj, hd) = (dualnum::taylor::hessian_of(&Rosen, &xs).2, dualnum::hessian_of(&Rosen, &xs).2);
    let hr = dualnum::reverse::hessian_of(&Rosen, &x8[..]).2;
    assert!((hj - hd).amax() <= 1e-12 * hd.amax());
    assert!(
        (hj.as_slice().iter().zip(hr.as_slice()).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max))
            <= 1e-12 * hd.amax()
    );
}

fn main() {
    check();
    if !std::env::args().any(|a| a == "--bench") {
        return; // `cargo test`: the check above is the test
    }
    let x = 0.7;
    println!(
        "| workload | Taylor | nested duals | ratio, median [IQR] | Taylor ns | other ns | goal |"
    );
    println!("|---|---|---|---|---|---|---|");
    let s = interleave(
        || {
            black_box(jet::<4>(black_box(x)));
        },
        || {
            black_box(nested::<D4, 5>(black_box(x)));
        },
    );
    let met = if s.median <= 0.25 { "≤ 1/4: met" } else { "≤ 1/4: not met" };
    row("all derivatives to order 4", "`Jet<f64, 4>`", "`Dual` nested 4 deep", &s, met);
    #[cfg(taylor_deep)]
    {
        let s = interleave(
            || {
                black_box(jet::<8>(black_box(x)));
            },
            || {
                black_box(nested::<D8, 9>(black_box(x)));
            },
        );
        let met = if s.median <= 1.0 / 30.0 { "≤ 1/30: met" } else { "≤ 1/30: not met" };
        row("all derivatives to order 8", "`Jet<f64, 8>`", "`Dual` nested 8 deep", &s, met);
    }
    let s = interleave(
        || {
            black_box(jet::<3>(black_box(x)));
        },
        || {
            black_box(nested::<D3, 4>(black_box(x)));
        },
    );
    row("all derivatives to order 3", "`Jet<f64, 3>`", "`Dual` nested 3 deep", &s, "");
    let s = interleave(
        || {
            black_box(jet::<2>(black_box(x)));
        },
        || {
            black_box(nested::<D2, 3>(black_box(x)));
        },
    );
    let met = if s.median <= 1.0 { "≤ 1: met" } else { "≤ 1: not met" };
    row("second derivative, `trans`", "`Jet<f64, 2>`", "`Dual<Dual<f64, 1>, 1>`", &s, met);
    let (x8, v8) = ([0.3; 8], [1.0, -0.5, 0.25, 2.0, -1.0, 0.5, 0.75, -2.0]);
    let s = interleave(
        || {
            black_box(rosen_jet(black_box(&x8), black_box(&v8)));
        },
        || {
            black_box(rosen_nested(black_box(&x8), black_box(&v8)));
        },
    );
    let met = if s.median <= 1.0 { "≤ 1: met" } else { "≤ 1: not met" };
    row("`vᵀ∇²f·v`, Rosenbrock n = 8", "`Jet<f64, 2>`", "`Dual<Dual<f64, 1>, 1>`", &s, met);

    let xs = SVector::from(x8);
    let s = interleave(
        || {
            black_box(dualnum::taylor::hessian_of(&Rosen, black_box(&xs)));
        },
        || {
            black_box(dualnum::hessian_of(&Rosen, black_box(&xs)));
        },
    );
    row(
        "Hessian, Rosenbrock n = 8 (`hessian_of`)",
        "`taylor`: 36 passes of `Jet<f64, 2>`",
        "`Dual<Dual<f64, 8>, 8>`, one pass",
        &s,
        "",
    );
    let s = interleave(
        || {
            black_box(dualnum::taylor::hessian_of(&Rosen, black_box(&xs)));
        },
        || {
            black_box(dualnum::reverse::hessian_of(&Rosen, &black_box(x8)[..]));
        },
    );
    row(
        "Hessian, Rosenbrock n = 8 (`hessian_of`)",
        "`taylor`: 36 passes of `Jet<f64, 2>`",
        "forward over reverse (`reverse::hessian_of`)",
        &s,
        "",
    );

    println!();
    println!("| K | `Jet<f64, K>` / `f64`, median [IQR] | Jet ns | f64 ns |");
    println!("|---|---|---|---|");
    let mut pts = Vec::new();
    let mut curve = Vec::new();
    macro_rules! order {
        ($($k:literal),*) => {$(
            let s = interleave(
                || {
                    black_box(jet::<$k>(black_box(x)));
                },
                || {
                    black_box(plain(black_box(x)));
                },
            );
            println!("| {} | {:.2} [{:.2}–{:.2}] | {:.0} | {:.0} |", $k, s.median, s.q1, s.q3, s.a_ns, s.b_ns);
            if $k >= 2 {
                pts.push((($k as f64).ln(), s.median.ln()));
            }
            curve.push(($k as f64, s.median));
        )*};
    }
    order!(1, 2, 3, 4, 6, 8, 12, 16);
    let n = pts.len() as f64;
    let (mx, my) =
        (pts.iter().map(|p| p.0).sum::<f64>() / n, pts.iter().map(|p| p.1).sum::<f64>() / n);
    let slope = pts.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum::<f64>()
        / pts.iter().map(|p| (p.0 - mx).powi(2)).sum::<f64>();
    let tail = (pts[pts.len() - 1].1 - pts[pts.len() - 2].1)
        / (pts[pts.len() - 1].0 - pts[pts.len() - 2].0);
    println!();
    println!(
        "fitted exponent, time ∝ K^p over K = 2…16: p = {slope:.2}; between K = 12 and 16: {tail:.2} \
         (goal: at most 2)"
    );
    let out =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/bench/taylor_order.svg");
    std::fs::write(&out, plot(&curve, slope)).expect("write the plot");
    println!("plot: {}", out.display());
}
/// A log-log plot of the cost against the order, with the fitted line, as
/// SVG (no plotting dependency): `docs/bench/taylor_order.svg`.
fn plot(points: &[(f64, f64)], slope: f64) -> String {
    let (w, h, m) = (480.0, 320.0, 48.0);
    let (x0, x1) = (0.0f64, 16f64.ln());
    let (y0, y1) = (0.0f64, 128f64.ln());
    let px = |x: f64| m + (x - x0) / (x1 - x0) * (w - 1.5 * m);
    let py = |y: f64| h - m - (y - y0) / (y1 - y0) * (h - 1.5 * m);
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" \
         font-family=\"sans-serif\" font-size=\"11\">\n<rect width=\"100%\" height=\"100%\" \
         fill=\"white\"/>\n"
    );
    for k in [1.0f64, 2.0, 4.0, 8.0, 16.0] {
        let x = px(k.ln());
        s += &format!(
            "<line x1=\"{x:.1}\" y1=\"{:.1}\" x2=\"{x:.1}\" y2=\"{:.1}\" stroke=\"#ddd\"/>\
             <text x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{k}</text>\n",
            py(y0),
            py(y1),
            h - m + 16.0
        );
    }
    for r in [1.0f64, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0] {
        let y = py(r.ln());
        s += &format!(
            "<line x1=\"{:.1}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\" stroke=\"#ddd\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{r}</text>\n",
            px(x0),
            px(x1),
            m - 6.0,
            y + 4.0
        );
    }
    let pts: Vec<String> =
        points.iter().map(|&(k, r)| format!("{:.1},{:.1}", px(k.ln()), py(r.ln()))).collect();
    s += &format!(
        "<polyline points=\"{}\" fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"2\"/>\n",
        pts.join(" ")
    );
    for &(k, r) in points {
        s += &format!(
            "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3\" fill=\"#1f77b4\"/>\n",
            px(k.ln()),
            py(r.ln())
        );
    }
    // the fitted power law through the geometric mean of K = 2…16
    let fit: Vec<&(f64, f64)> = points.iter().filter(|p| p.0 >= 2.0).collect();
    let n = fit.len() as f64;
    let (mx, my) = (
        fit.iter().map(|p| p.0.ln()).sum::<f64>() / n,
        fit.iter().map(|p| p.1.ln()).sum::<f64>() / n,
    );
    let line = |x: f64| my + slope * (x - mx);
    s += &format!(
        "<line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"#d62728\" \
         stroke-dasharray=\"5,4\"/>\n",
        px(2f64.ln()),
        py(line(2f64.ln())),
        px(x1),
        py(line(x1))
    );
    s += &format!(
        "<text x=\"{:.1}\" y=\"20\" text-anchor=\"middle\">Jet&lt;f64, K&gt; / f64 against K \
         (log-log); dashed: fit K^{slope:.2}</text>\n<text x=\"{:.1}\" y=\"{:.1}\" \
         text-anchor=\"middle\">order K</text>\n</svg>\n",
        w / 2.0,
        w / 2.0,
        h - 8.0
    );
    s
}
