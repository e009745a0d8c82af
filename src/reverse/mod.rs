//! Reverse mode: the lecture's computational graph, recorded on a tape and
//! swept backward.
//!
//! Run the same `fn f<T: Float>(x: &[T]) -> T` on [`Var`]s and every
//! operation is recorded on a [`Tape`] as a node holding its operands and
//! its local partial derivatives, taken from the same rule table
//! ([`crate::rules`]) that forward mode applies, so the two modes cannot
//! drift apart. One backward sweep then gives `∂y/∂v` for every recorded
//! `v` (the adjoints): a whole gradient for the price of a small multiple of
//! one evaluation, whatever the number of inputs.
//!
//! ## Which mode
//!
//! For `F: Rⁿ → Rᵐ`, forward mode ([`Dual`](crate::Dual)) gives `N`
//! Jacobian columns per pass and reverse mode one row per backward sweep:
//! reverse for many inputs and few outputs (a loss, an energy), forward for
//! few inputs or many outputs, and for nested higher derivatives.
//!
//! ## The lecture's example, as a graph
//!
//! ```
//! use dualnum::reverse::Tape;
//! use num_traits::Float;
//!
//! let tape = Tape::new();
//! let (x, y) = (tape.var(2.0), tape.var(std::f64::consts::FRAC_PI_2));
//! let a = x.powi(2);
//! let b = y.cos();
//! let c = x + b;
//! let d = c.exp();
//! let z = a * d;
//! let adj = tape.adjoints(z);
//! let e2 = 2.0f64.exp();
//! assert_eq!(adj.wrt(z), 1.0);
//! assert!((adj.wrt(d) - 4.0).abs() < 1e-15);       // dd = dz·a
//! assert!((adj.wrt(a) - e2).abs() < 1e-14);        // da = dz·d
//! assert!((adj.wrt(c) - 4.0 * e2).abs() < 1e-13);  // dc = dd·e^c
//! assert!((adj.wrt(x) - 8.0 * e2).abs() < 1e-13);  // dx = da·2x + dc
//! assert!((adj.wrt(y) + 4.0 * e2).abs() < 1e-13);  // dy = db·(−sin y)
//! println!("{}", tape.trace(z)); // the table of nodes, values and adjoints
//! ```
//!
//! ## Contents
//!
//! - drivers: [`gradient`], [`vjp`], [`jacobian`], their twins for a
//!   function object ([`gradient_of`], [`vjp_of`], [`jacobian_of`]) and
//!   writing into caller slices ([`gradient_into`], [`vjp_into`],
//!   [`jacobian_into`]), and
//!   [`Tape::gradient`] which reuses one tape's memory across calls;
//! - second order by forward over reverse (`Var<Dual<T, 1>>`): [`hvp`]
//!   (value, gradient and `H·v` in one recording and one sweep of dual
//!   adjoints) and [`hessian`] (`n` of them), with [`hvp_of`] and
//!   [`hessian_of`];
//! - [`Tape`] and [`Var`] (a `Copy` handle implementing
//!   [`num_traits::Float`] and every operator of `Dual`), [`Adjoints`];
//! - replay: [`compile`] and [`Compiled`] for `Rⁿ → R`, [`compile_map`]
//!   and [`CompiledMap`] (values, Jacobian, VJP, JVP) for `Rⁿ → Rᵐ`, with
//!   [`ReplayError`], and their function-object forms [`compile_of`],
//!   [`compile_map_of`] and [`Tape::gradient_of`];
//! - prepared objects for repeated calls: [`prepare`] / [`prepare_of`]
//!   ([`Prepared`]: record once, replay, and record again by itself where
//!   the replay guard refuses) and [`prepare_hvp`] / [`prepare_hvp_of`]
//!   ([`PreparedHvp`]: the same for `H·v` by forward over reverse);
//! - bounded memory: [`Tape::gradient_sum`] and [`gradient_sum`] (a sum
//!   with one term on the tape at a time) and [`checkpoint`] (binomial
//!   checkpointing of a loop of steps);
//! - inspection: [`Trace`] (a table, and Graphviz DOT);
//! - [`Active`] (feature `std`): a second variable type, recorded on a
//!   per-thread tape, that is `'static` and an nalgebra `RealField`, so
//!   `det`, `try_inverse`, LU, Cholesky and norms run in reverse mode; its
//!   drivers are in [`active`];
//! - user-defined blocks work here as in forward mode: see [`crate::block`].
//!
//! ## Semantics
//!
//! - **Values** are bit-for-bit what plain `T` computes.
//! - **Constants carry no tape** (`Float::zero()`, `NumCast::from`, the
//!   `FloatConst` constants), and an operation between constants records
//!   nothing.
//! - **NaN-safe sweep**, the counterpart of forward mode's policy: a node
//!   whose adjoint is zero contributes nothing, even through an infinite
//!   partial, and a product `adjoint · partial` with a zero factor is zero.
//!   So `√(0·x)` has derivative 0, as in forward mode. (One asymmetry
//!   remains: an infinite tangent times a zero partial is NaN in forward
//!   mode, while reverse mode gives 0.)
//! - **Comparisons look at values** and, on a variable, are recorded with
//!   their outcome for [`Compiled`] replays; so are the `Float` predicates
//!   (`is_nan`, `is_sign_negative`, …) and every read of a variable's
//!   value by user code (`value()`, `to_f64()` and the other `to_*`,
//!   `NumCast`, `integer_decode`, `Display`, `Debug`), with the value read.
//!   A replay where one would come out differently is refused
//!   ([`ReplayError`]), so a replay never returns the gradient of another
//!   branch.
//!
//! ## Cost
//!
//! **Recording.** Each recorded operation appends one 32-byte node
//! (operands 2 × 4 bytes, partials 2 × 8, op code 8) to one `Vec` (one
//! capacity test per node, growth out of line; for `f64` on x86-64 the
//! node is two 16-byte stores, since stores, not instructions, bound the
//! recording); the backward sweep is one
//! loop over the nodes that carries the adjoint of the node just before in
//! a register. [`Tape::gradient`] (and so [`gradient`]) stores no adjoint
//! but the inputs' and does not sweep the input nodes, which pass nothing
//! on; its NaN test reads the inputs' adjoints. Where the recording used
//! a rule that selects (`max`, `min`, `clamp`, `abs_sub`, `copysign`, the
//! step functions, a user block), its sweep skips a node whose adjoint is
//! zero (one the output does not depend on) with one compare, exactly;
//! otherwise it sweeps every node without the test. It adds both of a
//! node's terms with no test on the operands (four nodes an iteration;
//! see ARCHITECTURE.md).
//!
//! **Replay.** [`Compiled`] and [`CompiledMap`] run a program compiled from
//! the recording (`program.rs`): the operations the outputs need, in
//! batches of one rule each (by dependency level), renumbered in execution
//! order, each batch one loop with its rule inlined; `+ − ·` store no
//! partials, accumulations carry their running value and adjoint in
//! registers, and batches whose operands are runs of consecutive slots
//! run over slices. Memory per replayed operation: 8 bytes of value, 8 of
//! adjoint, 4 per operand and 8 per stored partial, i.e. 24 bytes for
//! `+ − ·`, 28 for a unary rule (`sin`, `exp`, …), 32 for a binary rule
//! with one constant operand, 40 with two varying ones (`/`, `powf`,
//! `atan2`, …), 52 for `mul_add`/`clamp`; plus 8 per constant operand.
//! Rosenbrock replays at 26 bytes per operation, `exp_sin_ln` at 26.5 on
//! average (constants included); a JVP or a Jacobian by columns adds 8
//! for tangents.
//!
//! Measured by `bench/benches/reverse_interleaved.rs` (2 shared cores;
//! median of 201 per-round ratios to one `f64` evaluation of the same
//! function, p25–p75 in brackets; the quietest of seven runs), n = 1,000:
//!
//! | function, target | fresh recording | reused tape | replay | `reverse` 0.2 |
//! |---|---|---|---|---|
//! | Rosenbrock, default | 16.4 (16.3–17.3) | 15.9 (15.7–17.5) | 5.5 (5.4–6.1) | 53.4 |
//! | Rosenbrock, native | 16.6 (16.4–20.5) | 16.2 (15.8–19.3) | 4.3 (4.2–5.2) | 53.5 |
//! | `exp_sin_ln`, default | 2.78 (2.57–2.89) | 2.77 (2.56–2.88) | 1.80 (1.66–1.92) | 6.54 |
//! | `exp_sin_ln`, native | 2.86 (2.79–3.12) | 2.86 (2.70–3.08) | 1.79 (1.63–2.02) | 6.80 |
//!
//! echidna 0.15 in the same runs (its thread-local tape `grad`, and its
//! bytecode tape replayed): 59.3 and 39.1 on Rosenbrock, 7.3 and 5.1 on
//! `exp_sin_ln` (default); 61.3 and 34.4, 7.8 and 4.9 (native).
//!
//! A replay is faster than a recording at every size measured (n = 10 to
//! 10,000, both targets); at n = 10,000 Rosenbrock's replay is 6.6–9.3 (its
//! 2 MB of values, adjoints and operand indices leave the L2 cache).
//!
//! What a replay costs, per operation (callgrind, Rosenbrock n = 1,000:
//! 151k instructions per gradient for 7,999 operations, against 495k for
//! a recording and its sweep and 14k for the `f64` evaluation): batches
//! of `+ − ·` whose operands are runs of consecutive slots (most of
//! Rosenbrock's) run as vectorized loops over slices; the rest gather
//! their operands. The accumulation `s = s + tᵢ` stays a chain of
//! dependent additions, as in the `f64` loop, whose latency bounds that
//! loop. Measured and dropped earlier (one dispatch per node): unchecked
//! indexing in the tape's sweep, sending constants' terms to the sink
//! instead of testing for them. Measured and dropped for the tape's sweep
//! (issue 12): unchecked indexing again (no gain), a second carry register
//! for the node two back (slower), one update for `x·x` instead of two
//! (slower where adjoints are stored), the NaN test as a pass after the
//! loop (slower under load); for recording, storing both operand indices
//! as one word (3%).
//!
//! ## Reverse over reverse
//!
//! `Var<'s, T>` is a `Float`, so a tape of `Var<'s, T>` records a
//! computation whose every value and partial is itself recorded on an
//! outer tape: the gradient taken on the inner tape is a vector of outer
//! variables, and one outer sweep per entry gives a row of the Hessian.
//! Forward over reverse ([`hvp`], [`PreparedHvp`]) is the cheaper way to
//! second order (one recording and one sweep of `Dual<T, 1>` per `H·v`);
//! reverse over reverse is there for code that already holds variables.
//!
//! ```
//! use dualnum::reverse::{Tape, Var};
//!
//! let outer = Tape::new();
//! let x = outer.vars(&[2.0, 3.0]);
//! let mut inner = Tape::new();
//! let mut g = [Var::constant(0.0); 2];
//! // f = x0²·x1: ∇f = (2·x0·x1, x0²), H = [[2·x1, 2·x0], [2·x0, 0]].
//! inner.gradient(|v| v[0] * v[0] * v[1], &x, &mut g);
//! assert_eq!((g[0].value(), g[1].value()), (12.0, 4.0));
//! let row0 = outer.adjoints(g[0]);
//! assert_eq!((row0.wrt(x[0]), row0.wrt(x[1])), (6.0, 4.0));
//! ```
//!
//! ## Out of scope
//!
//! Tape optimisation, sparsity (see `dualnum::sparse`), and replay of
//! user-defined blocks (they are known only by the value and partials they
//! returned when recorded).

#[cfg(feature = "std")]
pub mod active;
mod check;
pub mod checkpoint;
mod float;
mod inherent;
mod map;
mod num;
mod op;
mod ops;
mod ops_scalar;
mod prepared;
mod program;
mod replay;
mod second;
mod sum;
mod sweep;
mod tape;
mod trace;
mod var;

use alloc::vec::Vec;

use nalgebra::{DMatrix, DVector, Scalar};
use num_traits::{Float, Zero};

use crate::{Function, VectorFunction};

#[cfg(feature = "std")]
pub use active::Active;
pub use map::CompiledMap;
pub use prepared::{Prepared, PreparedHvp, prepare, prepare_hvp, prepare_hvp_of, prepare_of};
pub use replay::{Compiled, ReplayError};
pub use second::{hessian, hessian_of, hvp, hvp_of};
pub use sum::gradient_sum;
pub use tape::{Adjoints, Tape};
pub use trace::Trace;
pub use var::Var;

/// The value and gradient of `f: Rⁿ → R` at `x`, by one recording and one
/// backward sweep.
///
/// `f` receives the inputs as variables of a fresh tape; write it as a
/// closure around any `Float`-generic function: `|x| rosenbrock(x)`, not
/// the bare name `rosenbrock`. The closure must work for the tape's
/// lifetime whatever it is (a higher-ranked bound, which keeps variables
/// from escaping the recording), and a function named without a closure
/// is instantiated for one particular lifetime, which the compiler
/// rejects with "implementation of `FnOnce` is not general enough". To
/// pass one function without a closure, implement
/// [`Function`] for it and call [`gradient_of`].
///
/// ```
/// use dualnum::reverse;
/// use dualnum::test_functions::rosenbrock;
///
/// let (fx, g) = reverse::gradient(|x| rosenbrock(x), &[1.2, 1.0, 0.8]);
/// let mut expected = [0.0f64; 3];
/// dualnum::test_functions::rosenbrock_gradient(&[1.2, 1.0, 0.8], &mut expected);
/// assert_eq!(fx, rosenbrock(&[1.2, 1.0, 0.8]));
/// for i in 0..3 {
///     assert!((g[i] - expected[i]).abs() < 1e-12);
/// }
/// ```
///
/// # Panics
///
/// If `f` returns a variable of another tape.
#[must_use]
#[track_caller]
pub fn gradient<T, F>(f: F, x: &[T]) -> (T, DVector<T>)
where
    T: Float + Scalar,
    F: for<'t> FnOnce(&[Var<'t, T>]) -> Var<'t, T>,
{
    let mut tape = Tape::with_capacity(16 * x.len());
    let mut g = DVector::from_element(x.len(), T::zero());
    let fx = tape.gradient(f, x, g.as_mut_slice());
    (fx, g)
}

/// The values `F(x)` and the vector-Jacobian product `wᵀ·J(x)` of
/// `F: Rⁿ → Rᵐ`, by one recording and one backward sweep seeded with `w`.
///
/// ```
/// use dualnum::reverse::{self, Var};
/// use num_traits::Float;
///
/// // F(x, y) = (x·y, sin x): wᵀJ = w₀·(y, x) + w₁·(cos x, 0)
/// let (fx, wj) = reverse::vjp(|v| vec![v[0] * v[1], v[0].sin()], &[2.0, 3.0], &[1.0, 2.0]);
/// assert_eq!(fx.as_slice(), &[6.0, 2.0f64.sin()]);
/// assert_eq!(wj.as_slice(), &[3.0 + 2.0 * 2.0f64.cos(), 2.0]);
/// ```
///
/// # Panics
///
/// If `w.len()` differs from the number of outputs, or an output belongs
/// to another tape.
#[must_use]
#[track_caller]
pub fn vjp<T, F>(f: F, x: &[T], w: &[T]) -> (DVector<T>, DVector<T>)
where
    T: Float + Scalar,
    F: for<'t> FnOnce(&[Var<'t, T>]) -> Vec<Var<'t, T>>,
{
    let tape = Tape::with_capacity(16 * x.len());
    let xs = tape.vars(x);
    let ys = f(&xs);
    assert_eq!(
        w.len(),
        ys.len(),
        "reverse::vjp: the function has {} outputs but w has length {}",
        ys.len(),
        w.len()
    );
    for y in &ys {
        assert!(tape.owns(y), "reverse::vjp: an output belongs to another tape");
    }
    let seeds: Vec<(u32, T)> = ys.iter().zip(w).map(|(y, &wi)| (y.idx, wi)).collect();
    let mut adj = Vec::new();
    tape.with_nodes(|nodes| tape::seed_and_sweep(nodes, &mut adj, &seeds));
    let at = |v: &Var<'_, T>| adj.get(v.idx as usize).copied().unwrap_or_else(T::zero);
    let fx = DVector::from_iterator(ys.len(), ys.iter().map(|y| y.val));
    (fx, DVector::from_iterator(xs.len(), xs.iter().map(at)))
}

/// The values `F(x)` and the `m × n` Jacobian of `F: Rⁿ → Rᵐ`, by one
/// recording and `m` backward sweeps over it (one row each).
///
/// ```
/// use dualnum::reverse;
/// use dualnum::test_functions::{map_r4_r3, map_r4_r3_jacobian};
///
/// let x = [0.3f64, -1.1, 0.7, 1.9];
/// let (_, jac) = reverse::jacobian(
///     |v| {
///         let mut out = vec![v[0]; 3];
///         map_r4_r3(v, &mut out);
///         out
///     },
///     &x,
/// );
/// let mut expected = [0.0f64; 12];
/// map_r4_r3_jacobian(&x, &mut expected);
/// for i in 0..3 {
///     for j in 0..4 {
///         assert!((jac[(i, j)] - expected[i * 4 + j]).abs() < 1e-12);
///     }
/// }
/// ```
///
/// # Panics
///
/// If an output belongs to another tape.
#[must_use]
#[track_caller]
pub fn jacobian<T, F>(f: F, x: &[T]) -> (DVector<T>, DMatrix<T>)
where
    T: Float + Scalar,
    F: for<'t> FnOnce(&[Var<'t, T>]) -> Vec<Var<'t, T>>,
{
    let tape = Tape::with_capacity(16 * x.len());
    let xs = tape.vars(x);
    let ys = f(&xs);
    let mut jac = DMatrix::from_element(ys.len(), xs.len(), T::zero());
    let mut adj = Adjoints::new(&tape);
    for (i, y) in ys.iter().enumerate() {
        assert!(tape.owns(y), "reverse::jacobian: output {i} belongs to another tape");
        tape.adjoints_into(*y, &mut adj);
        for (j, xj) in xs.iter().enumerate() {
            jac[(i, j)] = adj.wrt(*xj);
        }
    }
    (DVector::from_iterator(ys.len(), ys.iter().map(|y| y.val)), jac)
}

/// [`gradient`] for a [`Function`] object: the way to pass one function,
/// written once, to reverse mode without a closure. (A bare generic
/// function name cannot be passed to [`gradient`]: `rosenbrock::<Var<'t, T>>`
/// names one lifetime `'t`, while the driver needs every lifetime.)
///
/// ```
/// use dualnum::{Function, reverse, test_functions::rosenbrock};
/// use num_traits::Float;
///
/// struct Rosenbrock;
/// impl Function for Rosenbrock {
///     fn eval<T: Float>(&self, x: &[T]) -> T {
///         rosenbrock(x)
///     }
/// }
/// let x = [1.2, 1.0, 0.8];
/// assert_eq!(reverse::gradient_of(&Rosenbrock, &x), reverse::gradient(|x| rosenbrock(x), &x));
/// ```
///
/// # Panics
///
/// As [`gradient`].
#[must_use]
#[track_caller]
pub fn gradient_of<T, F>(f: &F, x: &[T]) -> (T, DVector<T>)
where
    T: Float + Scalar,
    F: Function + ?Sized,
{
    gradient(|x| f.eval(x), x)
}

/// [`vjp`] for a [`VectorFunction`] object.
///
/// # Panics
///
/// As [`vjp`].
///
/// ```
/// use dualnum::{VectorFunction, reverse};
/// use num_traits::Float;
///
/// struct Map;
/// impl VectorFunction for Map {
///     fn outputs(&self, _: usize) -> usize {
///         2
///     }
///     fn eval<T: Float>(&self, x: &[T], out: &mut [T]) {
///         out[0] = x[0] * x[1];
///         out[1] = x[0].sin();
///     }
/// }
/// let (fx, wj) = reverse::vjp_of(&Map, &[2.0, 3.0], &[1.0, 2.0]);
/// assert_eq!(fx.as_slice(), &[6.0, 2.0f64.sin()]);
/// assert_eq!(wj.as_slice(), &[3.0 + 2.0 * 2.0f64.cos(), 2.0]);
/// ```
#[must_use]
#[track_caller]
pub fn vjp_of<T, F>(f: &F, x: &[T], w: &[T]) -> (DVector<T>, DVector<T>)
where
    T: Float + Scalar,
    F: VectorFunction + ?Sized,
{
    let m = f.outputs(x.len());
    vjp(|v| eval_vector(f, v, m), x, w)
}

/// [`jacobian`] for a [`VectorFunction`] object.
///
/// ```
/// use dualnum::{VectorFunction, reverse, test_functions::broyden_tridiagonal};
/// use num_traits::Float;
///
/// struct Broyden;
/// impl VectorFunction for Broyden {
///     fn outputs(&self, n: usize) -> usize {
///         n
///     }
///     fn eval<T: Float>(&self, x: &[T], out: &mut [T]) {
///         broyden_tridiagonal(x, out)
///     }
/// }
/// let x = [0.5, 1.0, -0.5];
/// let (_, j) = reverse::jacobian_of(&Broyden, &x);
/// assert_eq!(j, dualnum::chunked::Chunk::<3>::jacobian_of(&Broyden, &x).1);
/// ```
#[must_use]
#[track_caller]
pub fn jacobian_of<T, F>(f: &F, x: &[T]) -> (DVector<T>, DMatrix<T>)
where
    T: Float + Scalar,
    F: VectorFunction + ?Sized,
{
    let m = f.outputs(x.len());
    jacobian(|v| eval_vector(f, v, m), x)
}

/// [`gradient`] writing the gradient into `grad`; returns the value. The
/// tape is allocated per call: in a loop, reuse one with
/// [`Tape::gradient`], which allocates nothing once warm.
///
/// # Panics
///
/// If `grad.len() != x.len()`, or `f` returns a variable of another tape.
///
/// ```
/// use dualnum::{reverse, test_functions::rosenbrock};
///
/// let mut g = [0.0; 3];
/// let fx = reverse::gradient_into(|x| rosenbrock(x), &[1.2, 1.0, 0.8], &mut g);
/// let (fx2, g2) = reverse::gradient(|x| rosenbrock(x), &[1.2, 1.0, 0.8]);
/// assert_eq!((fx, &g[..]), (fx2, g2.as_slice()));
/// ```
#[track_caller]
pub fn gradient_into<T, F>(f: F, x: &[T], grad: &mut [T]) -> T
where
    T: Float,
    F: for<'t> FnOnce(&[Var<'t, T>]) -> Var<'t, T>,
{
    let mut tape = Tape::with_capacity(16 * x.len());
    tape.gradient(f, x, grad)
}

/// [`vjp`] for a map written in place, `f(x, out)` with
/// `out.len() == fx.len()`, writing `F(x)` into `fx` and `wᵀJ` into `wj`
/// (the tape is still allocated per call).
///
/// # Panics
///
/// If `w.len() != fx.len()`, `wj.len() != x.len()`, or an output belongs
/// to another tape.
///
/// ```
/// use dualnum::reverse;
/// use num_traits::Float;
///
/// let (mut fx, mut wj) = ([0.0; 2], [0.0; 2]);
/// reverse::vjp_into(
///     |v, out| {
///         out[0] = v[0] * v[1];
///         out[1] = v[0].sin();
///     },
///     &[2.0, 3.0],
///     &[1.0, 2.0],
///     &mut fx,
///     &mut wj,
/// );
/// assert_eq!(wj, [3.0 + 2.0 * 2.0f64.cos(), 2.0]);
/// ```
#[track_caller]
pub fn vjp_into<T, F>(f: F, x: &[T], w: &[T], fx: &mut [T], wj: &mut [T])
where
    T: Float + Scalar,
    F: for<'t> FnOnce(&[Var<'t, T>], &mut [Var<'t, T>]),
{
    let m = fx.len();
    crate::numeric::check_into("reverse::vjp_into", "wj", wj.len(), x.len());
    let (v, g) = vjp(|x| in_place(f, x, m), x, w);
    fx.copy_from_slice(v.as_slice());
    wj.copy_from_slice(g.as_slice());
}

/// [`jacobian`] for a map written in place, `f(x, out)` with
/// `out.len() == fx.len() = m`, writing `F(x)` into `fx` and the `m × n`
/// Jacobian into `jac`, column-major (`jac[i + m·j] = ∂Fᵢ/∂xⱼ`; the tape is
/// still allocated per call).
///
/// # Panics
///
/// If `jac.len() != m·n`, or an output belongs to another tape.
///
/// ```
/// use dualnum::reverse;
///
/// let (mut fx, mut jac) = ([0.0; 2], [0.0; 4]);
/// reverse::jacobian_into(
///     |v, out| {
///         out[0] = v[0] * v[1];
///         out[1] = v[0] - v[1];
///     },
///     &[2.0, 3.0],
///     &mut fx,
///     &mut jac,
/// );
/// assert_eq!((fx, jac), ([6.0, -1.0], [3.0, 1.0, 2.0, -1.0]));
/// ```
#[track_caller]
pub fn jacobian_into<T, F>(f: F, x: &[T], fx: &mut [T], jac: &mut [T])
where
    T: Float + Scalar,
    F: for<'t> FnOnce(&[Var<'t, T>], &mut [Var<'t, T>]),
{
    let m = fx.len();
    crate::numeric::check_into("reverse::jacobian_into", "jac", jac.len(), m * x.len());
    let (v, j) = jacobian(|x| in_place(f, x, m), x);
    fx.copy_from_slice(v.as_slice());
    jac.copy_from_slice(j.as_slice());
}

/// Runs an in-place map on variables into a fresh `Vec` of `m` outputs.
fn in_place<'t, T: Float>(
    f: impl FnOnce(&[Var<'t, T>], &mut [Var<'t, T>]),
    x: &[Var<'t, T>],
    m: usize,
) -> Vec<Var<'t, T>> {
    let mut out = alloc::vec![Var::zero(); m];
    f(x, &mut out);
    out
}

/// Evaluates a [`VectorFunction`] on variables into a fresh `Vec`.
fn eval_vector<'t, T: Float, F: VectorFunction + ?Sized>(
    f: &F,
    x: &[Var<'t, T>],
    m: usize,
) -> Vec<Var<'t, T>> {
    let mut out = alloc::vec![Var::zero(); m];
    f.eval(x, &mut out);
    out
}

/// Records `f` at `x` once, for replays at other inputs
/// ([`Compiled::gradient`]) that do not call `f` again.
///
/// # Panics
///
/// If `f` returns a variable of another tape.
#[must_use]
#[track_caller]
pub fn compile<T, F>(f: F, x: &[T]) -> Compiled<T>
where
    T: Float,
    F: for<'t> FnOnce(&[Var<'t, T>]) -> Var<'t, T>,
{
    let mut tape = Tape::with_capacity(16 * x.len());
    let this = &tape;
    let xs = this.vars(x);
    let y = f(&xs);
    assert!(this.owns(&y), "Compiled::from_tape: the output belongs to another tape");
    let out = (y.idx, y.val);
    // Compiled from the record itself, not a copy.
    Compiled::from_record(tape.rec.get_mut(), out)
}

/// Records `F: Rⁿ → Rᵐ` at `x` once, for replays at other inputs
/// ([`CompiledMap::jacobian`], [`vjp`](CompiledMap::vjp),
/// [`jvp`](CompiledMap::jvp), [`value`](CompiledMap::value)) that do not
/// call `f` again.
///
/// ```
/// use dualnum::reverse;
/// use dualnum::test_functions::{broyden_tridiagonal, broyden_tridiagonal_jacobian};
///
/// let mut compiled = reverse::compile_map(
///     |v| {
///         let mut out = vec![v[0]; v.len()];
///         broyden_tridiagonal(v, &mut out);
///         out
///     },
///     &[0.1f64; 4],
/// );
/// let x = [0.3, -1.1, 0.7, 1.9];
/// let (_, jac) = compiled.jacobian(&x).unwrap();
/// let mut expected = [0.0; 16];
/// broyden_tridiagonal_jacobian(&x, &mut expected);
/// for i in 0..4 {
///     for j in 0..4 {
///         assert!((jac[(i, j)] - expected[i * 4 + j]).abs() < 1e-12);
///     }
/// }
/// ```
///
/// # Panics
///
/// If an output belongs to another tape.
#[must_use]
#[track_caller]
pub fn compile_map<T, F>(f: F, x: &[T]) -> CompiledMap<T>
where
    T: Float + Scalar,
    F: for<'t> FnOnce(&[Var<'t, T>]) -> Vec<Var<'t, T>>,
{
    let tape = Tape::with_capacity(16 * x.len());
    let xs = tape.vars(x);
    let ys = f(&xs);
    CompiledMap::from_tape(&tape, &ys)
}

/// [`compile`] for a [`Function`] object: records `f` at `x` once, for
/// replays at other inputs.
///
/// ```
/// use dualnum::{Function, reverse};
/// use num_traits::Float;
///
/// struct Rosenbrock;
/// impl Function for Rosenbrock {
///     fn eval<T: Float>(&self, x: &[T]) -> T {
///         dualnum::test_functions::rosenbrock(x)
///     }
/// }
/// let mut compiled = reverse::compile_of(&Rosenbrock, &[0.5; 3]);
/// let mut g = [0.0; 3];
/// let fx = compiled.gradient(&[1.0; 3], &mut g).unwrap();
/// assert_eq!((fx, g), (0.0, [0.0; 3]));
/// ```
///
/// # Panics
///
/// As [`compile`].
#[must_use]
#[track_caller]
pub fn compile_of<T, F>(f: &F, x: &[T]) -> Compiled<T>
where
    T: Float,
    F: Function + ?Sized,
{
    compile(|v| f.eval(v), x)
}

/// [`compile_map`] for a [`VectorFunction`] object.
///
/// # Panics
///
/// As [`compile_map`].
#[must_use]
#[track_caller]
pub fn compile_map_of<T, F>(f: &F, x: &[T]) -> CompiledMap<T>
where
    T: Float + Scalar,
    F: VectorFunction + ?Sized,
{
    let m = f.outputs(x.len());
    compile_map(|v| eval_vector(f, v, m), x)
}

impl<T: Float> Tape<T> {
    /// Clears the tape, records `f` at `x`, and writes its gradient to
    /// `grad`; returns the value. Reusing one tape keeps its memory, so
    /// repeated calls allocate only the small input list.
    ///
    /// ```
    /// use dualnum::reverse::Tape;
    /// use dualnum::test_functions::rosenbrock;
    ///
    /// let mut tape = Tape::new();
    /// let mut g = [0.0; 3];
    /// let f0 = tape.gradient(|x| rosenbrock(x), &[1.2, 1.0, 0.8], &mut g);
    /// let cap = tape.capacity();
    /// let f1 = tape.gradient(|x| rosenbrock(x), &[1.0, 1.0, 1.0], &mut g);
    /// assert_eq!((f1, g), (0.0, [0.0; 3]));
    /// assert_eq!(tape.capacity(), cap);
    /// # let _ = f0;
    /// ```
    ///
    /// # Panics
    ///
    /// If `grad.len() != x.len()`, or `f` returns a variable of another tape.
    #[track_caller]
    pub fn gradient<F>(&mut self, f: F, x: &[T], grad: &mut [T]) -> T
    where
        F: for<'t> FnOnce(&[Var<'t, T>]) -> Var<'t, T>,
    {
        self.gradient_at(f, x, grad).0
    }

    /// [`gradient`](Self::gradient), also returning the output's node (for
    /// compiling the recording afterwards).
    #[track_caller]
    pub(crate) fn gradient_at<F>(&mut self, f: F, x: &[T], grad: &mut [T]) -> (T, u32)
    where
        F: for<'t> FnOnce(&[Var<'t, T>]) -> Var<'t, T>,
    {
        assert_eq!(
            grad.len(),
            x.len(),
            "Tape::gradient: {} inputs but a gradient slice of length {}",
            x.len(),
            grad.len()
        );
        self.clear();
        let this: &Self = self;
        let xs = this.vars(x);
        let y = f(&xs);
        assert!(this.owns(&y), "Tape::gradient: the output belongs to another tape");
        let (fx, top) = (y.val, y.idx);
        let r = self.rec.get_mut();
        tape::sweep_below(&r.nodes, &mut self.adj, top, x.len() + 1, r.selects);
        // The inputs were recorded first, as nodes 1..=n; their slots are
        // zeroed as they are read, which keeps the buffer clean.
        // (The buffer is shorter than the inputs only when the output is
        // an earlier input or a constant: the rest of the gradient is zero.)
        let adj = &mut self.adj.buf;
        let have = adj.len().saturating_sub(1).min(grad.len());
        let (got, rest) = grad.split_at_mut(have);
        if have > 0 {
            for (g, a) in got.iter_mut().zip(&mut adj[1..=have]) {
                *g = core::mem::replace(a, T::zero());
            }
        }
        rest.fill(T::zero());
        (fx, top)
    }

    /// [`gradient`](Self::gradient) for a [`Function`] object.
    ///
    /// ```
    /// use dualnum::{Function, reverse::Tape};
    /// use num_traits::Float;
    ///
    /// struct Norm2;
    /// impl Function for Norm2 {
    ///     fn eval<T: Float>(&self, x: &[T]) -> T {
    ///         x.iter().fold(T::zero(), |s, &v| s + v * v)
    ///     }
    /// }
    /// let mut tape = Tape::new();
    /// let mut g = [0.0; 2];
    /// assert_eq!(tape.gradient_of(&Norm2, &[1.0, 2.0], &mut g), 5.0);
    /// assert_eq!(g, [2.0, 4.0]);
    /// ```
    ///
    /// # Panics
    ///
    /// As [`gradient`](Self::gradient).
    #[track_caller]
    pub fn gradient_of<F: Function + ?Sized>(&mut self, f: &F, x: &[T], grad: &mut [T]) -> T {
        self.gradient(|v| f.eval(v), x, grad)
    }
}
