//! Reverse mode against forward mode, hand-written derivatives and the
//! lecture's worked example; the tape's bookkeeping (constants, reuse,
//! foreign variables); the operator and `Float` surface of `Var`.

use dualnum::Dual;
use dualnum::reverse::{self, Tape, Var};
use dualnum::test_functions as tf;
use num_traits::{Float, FloatConst, NumCast, One, Pow, Zero};
use quickcheck::quickcheck;

fn close(a: f64, b: f64, rel: f64) -> bool {
    a == b || (a - b).abs() <= rel * a.abs().max(b.abs()).max(1e-300)
}

/// Maps an arbitrary quickcheck float to a point in `[-lim, lim]`.
fn bounded(v: f64, lim: f64) -> f64 {
    if v.is_finite() { (v % lim).clamp(-lim, lim) } else { 0.5 }
}

const N: usize = 5;

/// Reverse and forward gradients of `f` at `x` agree to 1e-12 relative
/// (1e-12 absolute near zero), and the values are bit-for-bit equal.
fn agree(
    f: impl for<'t> Fn(&[Var<'t, f64>]) -> Var<'t, f64>,
    fd: impl Fn(&[Dual<f64, N>]) -> Dual<f64, N>,
    x: [f64; N],
) -> bool {
    let (v, g) = reverse::gradient(&f, &x);
    let d = fd(&Dual::variables(x));
    let scale = g.iter().fold(1.0f64, |m, gi| m.max(gi.abs()));
    v == d.value() && (0..N).all(|i| (g[i] - d.partial(i)).abs() <= 1e-12 * scale)
}

quickcheck! {
    fn reverse_equals_forward_on_test_functions(a: f64, b: f64, c: f64, d: f64, e: f64) -> bool {
        let x = [bounded(a, 2.0), bounded(b, 2.0), bounded(c, 2.0), bounded(d, 2.0), bounded(e, 2.0)];
        agree(|v| tf::rosenbrock(v), tf::rosenbrock, x)
            && agree(|v| tf::log_sum_exp(v), tf::log_sum_exp, x)
            && agree(|v| tf::sin_exp_sum(v), tf::sin_exp_sum, x)
            && agree(|v| tf::lecture_z(v), tf::lecture_z, x)
            && agree(|v| tf::transcendental(v[2]), |v| tf::transcendental(v[2]), x)
    }

    fn reverse_matches_hand_written_gradients(a: f64, b: f64, c: f64, d: f64, e: f64) -> bool {
        let x = [bounded(a, 2.0), bounded(b, 2.0), bounded(c, 2.0), bounded(d, 2.0), bounded(e, 2.0)];
        type Grad = fn(&[f64], &mut [f64]);
        type Rev<'a> = &'a dyn Fn(&[f64]) -> (f64, Vec<f64>);
        let cases: [(Rev, Grad); 3] = [
            (&|x| { let (v, g) = reverse::gradient(|v| tf::rosenbrock(v), x); (v, g.as_slice().to_vec()) },
             tf::rosenbrock_gradient),
            (&|x| { let (v, g) = reverse::gradient(|v| tf::log_sum_exp(v), x); (v, g.as_slice().to_vec()) },
             tf::log_sum_exp_gradient),
            (&|x| { let (v, g) = reverse::gradient(|v| tf::sin_exp_sum(v), x); (v, g.as_slice().to_vec()) },
             tf::sin_exp_sum_gradient),
        ];
        cases.iter().all(|(rev, hand)| {
            let (_, g) = rev(&x);
            let mut h = [0.0; N];
            hand(&x, &mut h);
            let scale = h.iter().fold(1.0f64, |m, v| m.max(v.abs()));
            (0..N).all(|i| (g[i] - h[i]).abs() <= 1e-11 * scale)
        })
    }

    fn vjp_is_w_transpose_jacobian(a: f64, b: f64, c: f64, d: f64, w0: f64, w1: f64, w2: f64) -> bool {
        // Away from atan2's singular point at x₀ = x₂ = 0.
        let x = [bounded(a, 2.0).abs() + 0.1, bounded(b, 2.0), bounded(c, 2.0), bounded(d, 2.0)];
        let w = [bounded(w0, 3.0), bounded(w1, 3.0), bounded(w2, 3.0)];
        let (fx, wj) = reverse::vjp(|v| { let mut o = vec![v[0]; 3]; tf::map_r4_r3(v, &mut o); o }, &x, &w);
        let mut jac = [0.0; 12];
        tf::map_r4_r3_jacobian(&x, &mut jac);
        let mut plain = [0.0; 3];
        tf::map_r4_r3(&x, &mut plain);
        fx.as_slice() == plain
            && (0..4).all(|j| {
                let e: f64 = (0..3).map(|i| w[i] * jac[i * 4 + j]).sum();
                (wj[j] - e).abs() <= 1e-12 * e.abs().max(1.0)
            })
    }
}

/// The reverse Jacobian (m backward sweeps) against forward mode (one pass
/// with `n` lanes) and the hand-written one.
macro_rules! check_jacobian {
    ($f:path, $hand:expr, $m:expr, $x:expr) => {{
        let x = $x;
        const NX: usize = $x.len();
        let m = $m;
        let (fx, jr) = reverse::jacobian(
            |v| {
                let mut o = vec![Var::constant(0.0); m];
                $f(v, &mut o);
                o
            },
            &x,
        );
        let mut od = vec![Dual::<f64, NX>::constant(0.0); m];
        $f(&Dual::variables(x), &mut od);
        let mut jh = vec![0.0; m * NX];
        $hand(&x, &mut jh);
        assert_eq!((jr.nrows(), jr.ncols()), (m, NX));
        for i in 0..m {
            assert_eq!(fx[i], od[i].value());
            for j in 0..NX {
                assert!(close(jr[(i, j)], od[i].partial(j), 1e-12), "({i}, {j}) vs forward");
                assert!(close(jr[(i, j)], jh[i * NX + j], 1e-12), "({i}, {j}) vs hand-written");
            }
        }
    }};
}

#[test]
fn jacobians_by_both_modes_agree() {
    check_jacobian!(
        tf::broyden_tridiagonal,
        tf::broyden_tridiagonal_jacobian,
        4,
        [0.3, -1.1, 0.7, 1.9]
    );
    check_jacobian!(tf::broyden_exp_sin, tf::broyden_exp_sin_jacobian, 4, [0.3, -1.1, 0.7, 1.9]);
    check_jacobian!(tf::map_r4_r3, tf::map_r4_r3_jacobian, 3, [0.3, -1.1, 0.7, 1.9]);
    let wide = |x: &[f64], j: &mut [f64]| tf::wide_map_jacobian(x, 2, j);
    check_jacobian!(tf::wide_map, wide, 2, [0.2, -0.4, 1.3, 0.9, -1.7, 0.05]);
    let tall = |x: &[f64], j: &mut [f64]| tf::tall_map_jacobian(x, 9, j);
    check_jacobian!(tf::tall_map, tall, 9, [0.8, -0.6, 1.1]);
}

#[test]
fn lecture_example_adjoints() {
    let tape = Tape::new();
    let (x, y) = (tape.var(2.0), tape.var(f64::FRAC_PI_2()));
    let a = x.powi(2);
    let b = y.cos();
    let c = x + b;
    let d = c.exp();
    let z = a * d;
    let e2 = 2.0f64.exp();
    // Forward values of the lecture: a = 4, b = cos(π/2) ≈ 0, c = 2, d = e², z = 4e².
    assert_eq!(a.value(), 4.0);
    assert!(b.value().abs() < 1e-16);
    assert!(close(d.value(), e2, 1e-15) && close(z.value(), 4.0 * e2, 1e-15));
    let adj = tape.adjoints(z);
    let expected =
        [(z, 1.0), (d, 4.0), (a, e2), (c, 4.0 * e2), (b, 4.0 * e2), (x, 8.0 * e2), (y, -4.0 * e2)];
    for (i, (v, e)) in expected.iter().enumerate() {
        assert!(close(adj.wrt(*v), *e, 1e-14), "adjoint {i}: {} vs {e}", adj.wrt(*v));
    }
    // The trace shows the same numbers.
    let mut trace = tape.trace(z);
    for (v, name) in [(x, "x"), (y, "y"), (a, "a"), (b, "b"), (c, "c"), (d, "d"), (z, "z")] {
        trace.name(v, name);
    }
    assert_eq!(trace.len(), 7);
    for (v, e) in expected {
        assert!(close(trace.adjoint(v), e, 1e-14));
    }
    assert_eq!(trace.value(d), d.value());
    let table = trace.to_string();
    for word in ["powi(2)", "cos", "exp", "x, b", "a, d", "input"] {
        assert!(table.contains(word), "table lacks {word}:\n{table}");
    }
    let dot = trace.to_dot();
    assert!(dot.starts_with("digraph") && dot.trim_end().ends_with('}'));
    assert_eq!(dot.matches(" -> ").count(), 7, "{dot}"); // x→a, y→b, x→c, b→c, c→d, a→z, d→z
}

#[test]
fn constants_carry_no_tape_and_record_nothing() {
    let tape = Tape::<f64>::new();
    let x = tape.var(1.5);
    let before = tape.len();
    let k: Var<f64> =
        Var::<f64>::zero() + Var::<f64>::one() * <Var<f64> as NumCast>::from(3).unwrap();
    let k = k - Var::<f64>::PI();
    let k = k.sin().powf(Var::constant(2.0)).max(Var::<f64>::epsilon());
    assert!(k.is_constant());
    assert_eq!(tape.len(), before);
    let y = x * k;
    assert_eq!(tape.len(), before + 1);
    assert_eq!(tape.adjoints(y).wrt(x), k.value());
    assert_eq!(tape.adjoints(y).wrt(k), 0.0);
}

#[test]
fn tape_is_reused_without_growing() {
    let mut tape = Tape::new();
    let x: Vec<f64> = (0..50).map(|i| 0.1 * i as f64).collect();
    let mut g = vec![0.0; 50];
    tape.gradient(|v| tf::rosenbrock(v), &x, &mut g);
    let (cap, len) = (tape.capacity(), tape.len());
    for k in 0..5 {
        let xk: Vec<f64> = x.iter().map(|v| v + k as f64).collect();
        tape.gradient(|v| tf::rosenbrock(v), &xk, &mut g);
        assert_eq!((tape.capacity(), tape.len()), (cap, len));
        let mut h = vec![0.0; 50];
        tf::rosenbrock_gradient(&xk, &mut h);
        assert!(g.iter().zip(&h).all(|(a, b)| close(*a, *b, 1e-12)));
    }
    tape.clear();
    assert!(tape.is_empty() && tape.inputs() == 0);
}

#[test]
#[should_panic(expected = "two different tapes")]
fn variables_of_two_tapes_do_not_mix() {
    let (t1, t2) = (Tape::new(), Tape::new());
    let _ = t1.var(1.0) + t2.var(2.0);
}

#[test]
#[should_panic(expected = "belongs to another tape")]
fn adjoints_refuse_foreign_variables() {
    let (t1, t2) = (Tape::new(), Tape::new());
    let (x, y) = (t1.var(1.0), t2.var(2.0));
    let _ = t1.adjoints(x * x).wrt(y);
}

#[test]
#[allow(clippy::op_ref)] // the reference forms are what is tested
fn operators_match_forward_mode() {
    // Every operator form, scalar on both sides, references, assign forms,
    // Sum and Product, on one expression: gradients agree with Dual.
    fn body<T>(x: T, y: T, lit: impl Fn(f64) -> T) -> T
    where
        T: Float + std::iter::Sum + std::iter::Product + for<'a> std::ops::AddAssign<&'a T>,
        T: std::ops::SubAssign + std::ops::MulAssign + std::ops::DivAssign + std::ops::RemAssign,
    {
        let mut acc = x * y - x / y + x % y + (-x) * lit(2.0) + lit(3.0) / y - lit(1.5) % x;
        acc += &x;
        acc -= y;
        acc *= lit(0.5);
        acc /= x + lit(4.0);
        acc %= lit(7.0);
        let s: T = [x, y, acc].iter().copied().sum();
        let p: T = [x, y, lit(1.25)].into_iter().product();
        acc + s * p
    }
    let (x0, y0) = (1.3, -0.7);
    let [xd, yd] = Dual::variables([x0, y0]);
    let fd = body(xd, yd, Dual::constant);
    let (fr, g) = reverse::gradient(|v| body(v[0], v[1], Var::constant), &[x0, y0]);
    assert_eq!(fr, fd.value());
    assert!(close(g[0], fd.partial(0), 1e-13) && close(g[1], fd.partial(1), 1e-13));

    // The f64-on-the-left and reference forms themselves.
    let tape = Tape::new();
    let x = tape.var(2.0);
    let r = (2.0f64 + x) * (3.0f64 - &x) / (1.0f64 / x) + &x * &x - &x / 4.0
        + (5.0f64 % x) * (&x % 1.5);
    let d = Dual::<f64, 1>::variable(2.0, 0);
    let e = (2.0f64 + d) * (3.0f64 - d) / (1.0f64 / d) + d * d - d / 4.0 + (5.0f64 % d) * (d % 1.5);
    assert_eq!(r.value(), e.value());
    assert!(close(tape.adjoints(r).wrt(x), e.partial(0), 1e-14));
    let t32 = Tape::<f32>::new();
    let x32 = t32.var(2.0f32);
    let r32 = 2.0f32 * x32 - 1.0f32 / x32 + x32.pow(3i32) + x32.pow(0.5f32);
    assert!((t32.adjoints(r32).wrt(x32) - (2.0 + 0.25 + 12.0 + 0.5 / 2.0f32.sqrt())).abs() < 1e-5);
}

/// Every unary and binary `Float` method: reverse derivative equals forward.
#[test]
fn float_methods_match_forward_mode() {
    type D = Dual<f64, 2>;
    macro_rules! unary {
        ($($m:ident @ $x:expr),* $(,)?) => {$({
            let d = D::variable($x, 0).$m();
            let (v, g) = reverse::gradient(|v| v[0].$m(), &[$x as f64]);
            assert_eq!(v.to_bits(), d.value().to_bits(), "{} value", stringify!($m));
            assert!(close(g[0], d.partial(0), 1e-14), "{}: {} vs {}", stringify!($m), g[0], d.partial(0));
        })*};
    }
    unary!(floor @ 1.7, ceil @ 1.2, round @ 2.5, trunc @ -1.5, fract @ 2.25, abs @ -0.5, abs @ -0.0,
        signum @ 3.0, recip @ 0.4, sqrt @ 2.0, cbrt @ -8.0, exp @ 0.3, exp2 @ 1.5, exp_m1 @ 1e-3,
        ln @ 2.5, log2 @ 3.0, log10 @ 7.0, ln_1p @ 0.2, sin @ 0.9, cos @ 0.9, tan @ 0.4,
        asin @ 0.3, acos @ -0.6, atan @ 2.0, sinh @ 0.7, cosh @ -0.7, tanh @ 25.0, asinh @ 1e200,
        acosh @ 1.5, atanh @ 0.5, to_degrees @ 1.0, to_radians @ 90.0);
    macro_rules! binary {
        ($($m:ident @ ($x:expr, $y:expr)),* $(,)?) => {$({
            let [a, b] = D::variables([$x, $y]);
            let d = a.$m(b);
            let (v, g) = reverse::gradient(|v| v[0].$m(v[1]), &[$x as f64, $y]);
            assert_eq!(v.to_bits(), d.value().to_bits(), "{} value", stringify!($m));
            for i in 0..2 {
                assert!(close(g[i], d.partial(i), 1e-14), "{} [{i}]: {} vs {}", stringify!($m), g[i], d.partial(i));
            }
        })*};
    }
    #[allow(deprecated)]
    {
        binary!(hypot @ (3.0, 4.0), hypot @ (0.0, 0.0), atan2 @ (1.0, -2.0), abs_sub @ (3.0, 1.0),
            max @ (1.0, 2.0), max @ (2.0, 2.0), min @ (1.0, 2.0), min @ (-1.0, -1.0),
            powf @ (1.7, 2.3), log @ (5.0, 3.0), copysign @ (2.0, -1.0));
    }
    let [a, b, c] = [0.7, -1.3, 2.1];
    let [ad, bd, cd] = Dual::<f64, 3>::variables([a, b, c]);
    for (k, d) in [ad.mul_add(bd, cd), ad.clamp(bd, cd), bd.clamp(ad, cd), cd.clamp(bd, ad)]
        .iter()
        .enumerate()
    {
        let (v, g) = reverse::gradient(
            |v| match k {
                0 => v[0].mul_add(v[1], v[2]),
                1 => v[0].clamp(v[1], v[2]),
                2 => v[1].clamp(v[0], v[2]),
                _ => v[2].clamp(v[1], v[0]),
            },
            &[a, b, c],
        );
        assert_eq!(v, d.value());
        assert_eq!(g.as_slice(), &d.tangent(), "ternary case {k}");
    }
    let (s, co) = reverse::gradient(
        |v| {
            let (s, c) = v[0].sin_cos();
            s * c
        },
        &[0.4],
    );
    let (sd, cd) = Dual::<f64, 1>::variable(0.4, 0).sin_cos();
    assert_eq!(s, (sd * cd).value());
    assert!(close(co[0], (sd * cd).partial(0), 1e-15));
    let (_, g) = reverse::gradient(|v| v[0].powi(3) + v[0].powi(0) + v[0].powi(-2), &[1.5]);
    assert!(close(g[0], 3.0 * 2.25 - 2.0 / 3.375, 1e-14));
}

/// Where a local derivative is infinite or undefined but the path does not
/// matter, reverse mode gives 0 as forward mode does (never `0·∞ = NaN`).
#[test]
fn nan_safe_like_forward_mode() {
    type D = Dual<f64, 2>;
    type R = for<'t> fn(Var<'t, f64>, Var<'t, f64>) -> Var<'t, f64>;
    type F = fn(D, D) -> D;
    let cases: [(R, F); 5] = [
        (|x, y| (x * 0.0).sqrt() + y, |x, y| (x * 0.0).sqrt() + y),
        (|x, y| x.powf(Var::constant(2.0)) * y, |x, y| x.powf(D::constant(2.0)) * y),
        (|x, y| (x * 0.0).ln() * 0.0 + y, |x, y| (x * 0.0).ln() * 0.0 + y),
        (|x, y| x.hypot(y), |x, y| x.hypot(y)),
        (|x, y| (x * 0.0 + 1.0).acos() + y, |x, y| (x * 0.0 + 1.0).acos() + y),
    ];
    for (k, (fr, fd)) in cases.iter().enumerate() {
        let [xd, yd] = D::variables([0.0, 0.0]);
        let d = fd(xd, yd);
        let (_, g) = reverse::gradient(|v| fr(v[0], v[1]), &[0.0, 0.0]);
        for i in 0..2 {
            assert!(!g[i].is_nan(), "case {k} lane {i} is NaN");
            assert_eq!(g[i], d.partial(i), "case {k} lane {i}");
        }
    }
    // A path that does matter still gets the honest limit.
    let (_, g) = reverse::gradient(|v| v[0].sqrt(), &[0.0]);
    assert_eq!(g[0], f64::INFINITY);
}

#[test]
fn var_display_and_conversions() {
    let tape = Tape::new();
    let x = tape.var(1.25);
    assert_eq!(format!("{x:.1}"), "1.2");
    assert_eq!(format!("{x:?}"), "Var(1.25 @ node 1)");
    assert_eq!(format!("{:?}", Var::constant(2.0)), "Var(2.0, constant)");
    assert_eq!(num_traits::ToPrimitive::to_i32(&x), Some(1));
    assert!(!x.is_zero() && Var::<f64>::zero().is_zero());
    let one = tape.var(1.0);
    assert!(!one.is_one() && Var::<f64>::one().is_one());
    let mut compiled = reverse::Compiled::from_tape(&tape, one);
    // The three reads of x are recorded; the structural tests are not.
    assert_eq!(compiled.comparisons(), 3);
    assert_eq!(compiled.value(&[1.25, 5.0]), Ok(5.0));
    assert!(compiled.value(&[0.0, 5.0]).is_err());
    assert!(x.tape().is_some() && Var::<f64>::one().tape().is_none());
}
