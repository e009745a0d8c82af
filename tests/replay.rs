//! Replays of one recording against fresh recordings at new points, and
//! the refusals: a changed branch, a different number of inputs, a
//! user-defined block.

use dualnum::block::Block;
use dualnum::reverse::{self, Compiled, ReplayError, Tape, Var};
use dualnum::test_functions as tf;
use num_traits::Float;
use quickcheck::quickcheck;

fn bounded(v: f64, lim: f64) -> f64 {
    if v.is_finite() { (v % lim).clamp(-lim, lim) } else { 0.5 }
}

/// Exercises every kind of recorded operation (unary, powi, binary with a
/// constant on either side, ternary with constant operands, max/min) but
/// no comparison, so it replays anywhere in its domain.
fn everything<T: Float>(x: &[T]) -> T {
    let c = |v: f64| T::from(v).unwrap();
    let (a, b, d) = (x[0], x[1], x[2]);
    let u = a.sin() * b.exp() / (c(1.0) + a * a) - c(2.0) / (c(3.0) + b.powi(2));
    let v = (c(1.5) - d).hypot(a).atan2(c(0.3) + b * b) + a.powf(c(2.0)) + c(2.0).powf(b);
    let w = a.mul_add(b, c(0.5)) + c(0.5).mul_add(d, a) + a.mul_add(c(1.5), c(2.0));
    let z = a.clamp(c(-0.5), c(0.5)) + b.clamp(d - c(3.0), d + c(3.0)) + d.max(a) - b.min(c(0.1));
    let q = (d * d + c(1.0)).sqrt().ln() + (a - b).abs() + d.tanh() * c(3.0) % c(0.7);
    u + v * w + z - q + x.iter().copied().fold(T::zero(), |s, xi| s + xi.cos())
}

/// Replaying `compiled` at `x` gives exactly (bit for bit) the value a
/// fresh recording gives, and its gradient up to the order in which each
/// adjoint's terms are summed (the bound itself is tested inside the
/// crate, where the sums of absolute path products can be formed).
fn replay_equals_fresh(
    compiled: &mut Compiled<f64>,
    f: impl for<'t> Fn(&[Var<'t, f64>]) -> Var<'t, f64>,
    x: &[f64],
) -> bool {
    let mut g = vec![0.0; x.len()];
    let v = compiled.gradient(x, &mut g).unwrap();
    let (fv, fg) = reverse::gradient(f, x);
    let scale = fg.iter().fold(1.0f64, |m, gi| m.max(gi.abs()));
    v.to_bits() == fv.to_bits()
        && g.iter().zip(fg.iter()).all(|(a, b)| a == b || (a - b).abs() <= 1e-13 * scale)
        && compiled.value(x).unwrap().to_bits() == fv.to_bits()
}

quickcheck! {
    fn replay_equals_fresh_recording(a: f64, b: f64, c: f64, d: f64) -> bool {
        let x0 = [0.3, -0.2, 0.9, 1.4];
        let x = [bounded(a, 2.0), bounded(b, 2.0), bounded(c, 2.0), bounded(d, 2.0)];
        let mut r = reverse::compile(|v| tf::rosenbrock(v), &x0);
        let mut s = reverse::compile(|v| tf::sin_exp_sum(v), &x0);
        let mut l = reverse::compile(|v| tf::log_sum_exp(v), &x0);
        let mut z = reverse::compile(|v| tf::lecture_z(v), &x0);
        let mut e = reverse::compile(|v| everything(v), &x0);
        replay_equals_fresh(&mut r, |v| tf::rosenbrock(v), &x)
            && replay_equals_fresh(&mut s, |v| tf::sin_exp_sum(v), &x)
            && replay_equals_fresh(&mut l, |v| tf::log_sum_exp(v), &x)
            && replay_equals_fresh(&mut z, |v| tf::lecture_z(v), &x)
            && replay_equals_fresh(&mut e, |v| everything(v), &x)
    }
}

/// The NaN-safe policy holds in replays as in recordings: at `x₀ = 0` the
/// infinite partial of `√` at 0 times the zero partial `∂(x₀x₁)/∂x₁ = x₀`
/// gives 0, not NaN (the replay's fallback sweep runs, like the tape's).
#[test]
fn replay_is_nan_safe_like_a_recording() {
    fn f<T: Float>(v: &[T]) -> T {
        (v[0] * v[1]).sqrt() + v[2]
    }
    let mut c = reverse::compile(|v| f(v), &[1.0, 1.0, 1.0]);
    let x = [0.0, 2.0, 1.0];
    assert!(replay_equals_fresh(&mut c, |v| f(v), &x));
    let mut g = [0.0; 3];
    c.gradient(&x, &mut g).unwrap();
    assert_eq!((g[1], g[2]), (0.0, 1.0));
    assert!(g[0].is_infinite());
}

fn branchy<T: Float>(x: &[T]) -> T {
    if x[0] > T::zero() { x[0] * x[1] } else { x[1].sin() }
}

#[test]
fn replay_across_a_changed_branch_is_refused() {
    let mut f = reverse::compile(|v| branchy(v), &[1.0, 2.0]);
    assert_eq!(f.comparisons(), 1);
    let mut g = [7.0; 2];
    // Same side of the branch: fine, and equal to the fresh gradient.
    assert_eq!(f.gradient(&[3.0, 0.5], &mut g), Ok(1.5));
    assert_eq!(g, [0.5, 3.0]);
    // Other side: an error naming the comparison, and `g` untouched.
    let err = f.gradient(&[-1.0, 0.5], &mut g).unwrap_err();
    assert_eq!(
        err,
        ReplayError::BranchChanged {
            check: 0,
            test: ">",
            after_node: 2,
            recorded: "true",
            now: "false"
        }
    );
    assert_eq!(g, [0.5, 3.0]);
    let msg = err.to_string();
    assert!(msg.contains("`>`") && msg.contains("record the function afresh"), "{msg}");
    assert!(f.value(&[-1.0, 0.5]).is_err());
    // Predicates are recorded too.
    let mut h =
        reverse::compile(|v| if v[0].ln().is_nan() { v[1] } else { v[0] * v[1] }, &[1.0, 1.0]);
    assert!(h.value(&[2.0, 1.0]).is_ok());
    assert!(matches!(
        h.value(&[-2.0, 1.0]),
        Err(ReplayError::BranchChanged { test: "is_nan", .. })
    ));
    // A comparison between two variables, through partial_cmp.
    let mut k = reverse::compile(
        |v| if v[0].partial_cmp(&v[1]).unwrap().is_lt() { v[0] } else { v[1] },
        &[1.0, 2.0],
    );
    assert!(k.value(&[0.0, 5.0]).is_ok());
    let err = k.value(&[5.0, 0.0]).unwrap_err();
    assert!(
        matches!(err, ReplayError::BranchChanged { recorded: "Less", now: "Greater", .. }),
        "{err:?}"
    );
}

#[test]
fn replay_with_a_different_number_of_inputs_is_refused() {
    let mut f = reverse::compile(|v| tf::rosenbrock(v), &[0.1, 0.2, 0.3]);
    assert_eq!(f.inputs(), 3);
    let err = f.value(&[0.1, 0.2]).unwrap_err();
    assert_eq!(err, ReplayError::InputCount { expected: 3, found: 2 });
    assert!(err.to_string().contains("recorded with 3 inputs but the replay was given 2"));
    let mut g = [0.0; 4];
    assert!(f.gradient(&[0.0; 4], &mut g).is_err());
}

struct Square;
impl<T: Float> Block<T, 1> for Square {
    fn eval(&self, [x]: [T; 1]) -> (T, [T; 1]) {
        (x * x, [x + x])
    }
}

#[test]
fn replay_of_a_user_block_is_refused() {
    let mut f = reverse::compile(|v| Square.call([v[0]]) + v[1], &[1.0, 2.0]);
    assert_eq!(f.value(&[1.0, 2.0]), Err(ReplayError::UserBlock { node: 3 }));
}

#[test]
fn from_tape_and_constant_outputs() {
    let tape = Tape::new();
    let x = tape.var(2.0);
    let y = x * x + 1.0;
    let mut c = Compiled::from_tape(&tape, y);
    let mut g = [0.0];
    assert_eq!(c.gradient(&[3.0], &mut g), Ok(10.0));
    assert_eq!(g, [6.0]);
    assert_eq!(c.len(), 3);
    // A function that ignores its input replays to a constant.
    let mut k = reverse::compile(|_| Var::constant(4.0), &[1.0]);
    assert_eq!(k.gradient(&[9.0], &mut g), Ok(4.0));
    assert_eq!(g, [0.0]);
}

#[test]
fn replays_allocate_into_reused_buffers() {
    // Many replays at many points: results stay equal to fresh recordings.
    let x0: Vec<f64> = (0..40).map(|i| 0.05 * i as f64).collect();
    let mut f = reverse::compile(|v| tf::rosenbrock(v), &x0);
    let mut g = vec![0.0; 40];
    let mut h = vec![0.0; 40];
    for k in 0..10 {
        let x: Vec<f64> = x0.iter().map(|v| v * (1.0 + 0.1 * k as f64) - 0.3).collect();
        let v = f.gradient(&x, &mut g).unwrap();
        tf::rosenbrock_gradient(&x, &mut h);
        assert_eq!(v, tf::rosenbrock(&x));
        assert!(g.iter().zip(&h).all(|(a, b)| (a - b).abs() <= 1e-12 * b.abs().max(1.0)));
    }
}

/// A branch on a plain value read with `to_f64` is not a recorded
/// comparison, but the read is recorded: the replay where the value read
/// differs is refused, naming the read.
#[test]
fn replay_after_a_changed_value_read_is_refused() {
    fn f<T: Float>(x: &[T]) -> T {
        if x[0].to_f64().unwrap() > 0.0 { x[0] * x[1] } else { -x[0] * x[1] }
    }
    let mut c = reverse::compile(|v| f(v), &[0.5, 2.0]);
    let mut g = [0.0; 2];
    // At the recorded value of x₀ the replay is exact.
    assert_eq!(c.gradient(&[0.5, 3.0], &mut g), Ok(1.5));
    assert_eq!(g, [3.0, 0.5]);
    // At −0.5 the recording's branch is wrong: refused, never −1.0 silently.
    let err = c.gradient(&[-0.5, 2.0], &mut g).unwrap_err();
    assert_eq!(err, ReplayError::ValueRead { check: 0, read: "to_f64", after_node: 2 });
    assert_eq!(g, [3.0, 0.5], "the gradient is left untouched on error");
    let msg = err.to_string();
    assert!(msg.contains("`to_f64`") && msg.contains("record the function afresh"), "{msg}");
    // Any other value of the read is refused too: the tape cannot know
    // what the code did with it.
    assert!(matches!(c.value(&[0.7, 2.0]), Err(ReplayError::ValueRead { .. })));
    // The sign of zero counts as a different value.
    let mut z = reverse::compile(|v| f(v), &[0.0, 2.0]);
    assert!(z.value(&[0.0, 1.0]).is_ok());
    assert!(z.value(&[-0.0, 1.0]).is_err());
}

/// Every way a value leaves a variable is a recorded read: `value()`,
/// `NumCast`, `to_*`, `integer_decode`, `Display`, `Debug`.
#[test]
fn every_value_read_is_recorded() {
    use num_traits::{NumCast, ToPrimitive};

    type F<'a> = &'a dyn for<'t> Fn(&[Var<'t, f64>]) -> Var<'t, f64>;
    let reads: [(&str, F); 7] = [
        ("value", &|v| Var::constant(v[0].value()) * v[1]),
        ("to_f64", &|v| Var::constant(<f64 as NumCast>::from(v[0]).unwrap()) * v[1]),
        ("to_i32", &|v| v[1] * <f64 as From<i32>>::from(v[0].to_i32().unwrap())),
        ("to_f32", &|v| v[1] * <f64 as From<f32>>::from(v[0].to_f32().unwrap())),
        ("integer_decode", &|v| v[1] * (v[0].integer_decode().1 as f64)),
        ("Display", &|v| v[1] * format!("{}", v[0]).parse::<f64>().unwrap()),
        ("Debug", &|v| v[1] * (format!("{:?}", v[0]).len() as f64)),
    ];
    for (name, f) in reads {
        let mut c = reverse::compile(f, &[3.0, 2.0]);
        assert!(c.value(&[3.0, 5.0]).is_ok(), "{name}: same value read");
        match c.value(&[4.0, 5.0]) {
            Err(ReplayError::ValueRead { read, .. }) => assert_eq!(read, name),
            other => panic!("{name}: {other:?}"),
        }
    }
}

/// Reads made after the recording was compiled do not count; reads made
/// before do, even after the output was computed (which output is
/// returned can depend on them); reads of constants are not recorded.
#[test]
fn which_reads_block_replays() {
    let tape = Tape::new();
    let x = tape.var(2.0);
    let k = Var::constant(3.0);
    let y = x * x * k.value();
    let mut c = Compiled::from_tape(&tape, y);
    assert_eq!(y.value(), 12.0);
    let _ = format!("{y} {x:?}");
    let mut g = [0.0];
    assert_eq!(c.gradient(&[1.0], &mut g), Ok(3.0));
    assert_eq!(g, [6.0]);
    // A read before compiling is a check, even of the output itself.
    let _ = y.value();
    let mut c = Compiled::from_tape(&tape, y);
    assert!(c.value(&[2.0]).is_ok());
    assert!(matches!(c.value(&[1.0]), Err(ReplayError::ValueRead { read: "value", .. })));
    // The output chosen by a read made after both candidates were computed.
    use num_traits::ToPrimitive;
    let mut c = reverse::compile(
        |v| {
            let (a, b) = (v[0] * v[1], v[0] + v[1]);
            if a.to_f64().unwrap() > 0.0 { a } else { b }
        },
        &[1.0, 2.0],
    );
    assert!(matches!(c.value(&[-1.0, 2.0]), Err(ReplayError::ValueRead { .. })));
}

quickcheck! {
    /// Whatever a function does with values it reads, a replay either is
    /// refused or equals a fresh recording bit for bit in its value.
    fn replay_with_reads_is_refused_or_right(a: f64, b: f64) -> bool {
        fn f<T: Float>(x: &[T]) -> T {
            let k = T::from(x[0].to_f64().unwrap().floor()).unwrap();
            if x[1].to_f64().unwrap() < 0.3 { x[0] * k } else { x[1].sin() + k }
        }
        let mut c = reverse::compile(|v| f(v), &[0.25, 0.5]);
        let x = [bounded(a, 2.0), bounded(b, 2.0)];
        match c.value(&x) {
            Ok(v) => v.to_bits() == f(&x).to_bits(),
            Err(ReplayError::ValueRead { .. }) => true,
            Err(_) => false,
        }
    }
}

/// A block the output does not depend on does not block replays; one a
/// recorded comparison depends on does.
#[test]
fn only_blocks_the_outputs_need_are_refused() {
    let mut f = reverse::compile(
        |v| {
            let _unused = Square.call([v[0]]);
            v[0] * v[1]
        },
        &[1.0, 2.0],
    );
    assert_eq!(f.value(&[3.0, 2.0]), Ok(6.0));
    let mut g =
        reverse::compile(|v| if Square.call([v[0]]) > v[1] { v[1] } else { v[0] }, &[1.0, 0.5]);
    assert!(matches!(g.value(&[1.0, 0.5]), Err(ReplayError::UserBlock { .. })));
}

/// One compiled program replayed at a run of points, some of which take
/// the NaN-safe fallback sweep, others not: every result equals a fresh
/// recording's (the buffers carry nothing from one replay to the next).
#[test]
fn consecutive_replays_do_not_leak_into_each_other() {
    fn f<T: Float>(v: &[T]) -> T {
        let mut s = (v[0] * v[1]).sqrt();
        for w in v.windows(2) {
            s = s + w[0] * w[1] - (w[1] - w[0] * w[0]).powi(2);
        }
        s * v[2]
    }
    let x0: Vec<f64> = (0..40).map(|i| 1.0 + 0.01 * i as f64).collect();
    let mut c = reverse::compile(|v| f(v), &x0);
    let mut g = vec![0.0; 40];
    for k in 0..12 {
        let mut x: Vec<f64> = x0.iter().map(|v| v * (1.0 + 0.07 * k as f64)).collect();
        if k % 3 == 1 {
            x[0] = 0.0; // √(x₀x₁) at x₀ = 0: the fallback sweep
        }
        let v = c.gradient(&x, &mut g).unwrap();
        let (fv, fg) = reverse::gradient(|u| f(u), &x);
        assert_eq!(v.to_bits(), fv.to_bits(), "point {k}");
        let scale = fg.iter().fold(1.0f64, |m, e| m.max(e.abs()));
        for i in 0..40 {
            let same = g[i] == fg[i] || (g[i] - fg[i]).abs() <= 1e-13 * scale;
            assert!(same, "point {k}, x{i}: {} vs {}", g[i], fg[i]);
        }
    }
}

/// Reverse over forward: constants of a nested scalar with equal values
/// but different tangents stay distinct in a replay.
#[test]
fn nested_constants_with_equal_values_stay_distinct() {
    use dualnum::Dual;
    let c1 = Dual::<f64, 1>::new(2.0, [1.0]);
    let c2 = Dual::<f64, 1>::new(2.0, [0.0]);
    let mut c = reverse::compile(
        |v| v[0] * Var::constant(c1) + v[0] * Var::constant(c2),
        &[Dual::<f64, 1>::constant(1.0)],
    );
    let y = c.value(&[Dual::constant(3.0)]).unwrap();
    // x·(2 + ε) + x·2 at x = 3: value 12, tangent 3.
    assert_eq!((y.value(), y.partial(0)), (12.0, 3.0));
    let mut g = [Dual::constant(0.0)];
    c.gradient(&[Dual::constant(3.0)], &mut g).unwrap();
    assert_eq!((g[0].value(), g[0].partial(0)), (4.0, 1.0));
}
