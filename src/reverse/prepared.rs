//! Prepared reverse-mode objects: record once, then replay, and record
//! again by themselves when a replay is refused.
//!
//! This file provides [`Prepared`] (gradients, made by [`prepare`] or
//! [`prepare_of`]) and [`PreparedHvp`] (Hessian-vector products by forward
//! over reverse, made by [`prepare_hvp`] or [`prepare_hvp_of`]).
//!
//! A prepared object owns a [`Tape`] and, once compiled, a [`Compiled`]
//! program. Its first call records `f` on the tape, takes the gradient by
//! the tape's sweep and compiles the same recording; later calls replay
//! the program. When the replay guard refuses (a comparison comes out
//! differently, a value read by user code changed, the input count
//! changed), the call records `f` afresh on the kept tape, whose memory is
//! warm after the first call, and compiles the new recording, unless the
//! refused program never served a replay: then recompiling is put off for
//! 1, 2, 4, … calls, so a function whose branches change at every call
//! costs a recording per call, not a recording and a compilation. A
//! recording with a user-defined block (which cannot be replayed) is never
//! compiled again: every call records.

use alloc::vec::Vec;

use num_traits::Float;

use super::replay::{Compiled, ReplayError};
use super::{Tape, Var};
use crate::{Dual, Function};

/// A prepared gradient of `f: Rⁿ → R`: the first call records and
/// compiles, later calls replay, and a refused replay records again (see
/// the module notes for when it recompiles). Made by [`prepare`] or
/// [`prepare_of`].
///
/// Every call returns the gradient of the function at the given point,
/// whatever its branches: a replay only where the recorded control flow
/// holds, a recording elsewhere.
///
/// ```
/// use dualnum::reverse;
/// use num_traits::Float;
///
/// // A piecewise function: the branch depends on x[0].
/// let mut prep = reverse::prepare(|x| if x[0] > 0.0 { x[0] * x[1] } else { x[1].sin() });
/// let mut g = [0.0; 2];
/// assert_eq!(prep.gradient(&[2.0, 3.0], &mut g), 6.0); // records
/// assert_eq!(g, [3.0, 2.0]);
/// prep.gradient(&[1.0, 5.0], &mut g); // replays
/// assert_eq!(g, [5.0, 1.0]);
/// prep.gradient(&[-1.0, 0.0], &mut g); // refused: records again
/// assert_eq!(g, [0.0, 1.0]);
/// assert_eq!((prep.recordings(), prep.replays()), (2, 1));
/// ```
pub struct Prepared<T, F> {
    f: F,
    tape: Tape<T>,
    prog: Option<Compiled<T>>,
    /// True once the current program has served a replay.
    served: bool,
    /// Calls to record without compiling before trying again, and the
    /// next wait.
    wait: u32,
    backoff: u32,
    /// A recording held a user-defined block: never compile again.
    never: bool,
    recordings: usize,
    replays: usize,
}

/// Prepares the gradient of `f` for repeated calls: see [`Prepared`].
#[must_use]
pub fn prepare<T, F>(f: F) -> Prepared<T, F>
where
    T: Float,
    F: for<'t> Fn(&[Var<'t, T>]) -> Var<'t, T>,
{
    Prepared {
        f,
        tape: Tape::new(),
        prog: None,
        served: false,
        wait: 0,
        backoff: 1,
        never: false,
        recordings: 0,
        replays: 0,
    }
}

/// [`prepare`] for a [`Function`] object.
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
/// let mut prep = reverse::prepare_of(&Rosenbrock);
/// let mut g = [0.0; 4];
/// for k in 0..3 {
///     prep.gradient(&[1.0 + k as f64; 4], &mut g);
/// }
/// assert_eq!(prep.gradient(&[1.0; 4], &mut g), 0.0);
/// assert_eq!(g, [0.0; 4]);
/// assert_eq!((prep.recordings(), prep.replays()), (1, 3));
/// ```
#[must_use]
pub fn prepare_of<T, F>(f: &F) -> Prepared<T, impl for<'t> Fn(&[Var<'t, T>]) -> Var<'t, T> + '_>
where
    T: Float,
    F: Function + ?Sized,
{
    prepare(of(f))
}

/// `f` as a closure over variables (pins the closure's signature to the
/// higher-ranked one).
fn of<T: Float, F: Function + ?Sized>(f: &F) -> impl for<'t> Fn(&[Var<'t, T>]) -> Var<'t, T> + '_ {
    move |x| f.eval(x)
}

impl<T: Float, F> Prepared<T, F>
where
    F: for<'t> Fn(&[Var<'t, T>]) -> Var<'t, T>,
{
    /// Writes `∇f(x)` to `grad` and returns `f(x)`: by replay where the
    /// recorded control flow holds, by a recording otherwise.
    ///
    /// # Panics
    ///
    /// If `grad.len() != x.len()`, or `f` returns a variable of another
    /// tape.
    #[track_caller]
    pub fn gradient(&mut self, x: &[T], grad: &mut [T]) -> T {
        if let Some(prog) = &mut self.prog {
            match prog.gradient(x, grad) {
                Ok(fx) => {
                    self.served = true;
                    self.replays += 1;
                    return fx;
                }
                Err(e) => self.refused(&e),
            }
        }
        let (fx, top) = self.tape.gradient_at(&self.f, x, grad);
        self.recordings += 1;
        if self.prog.is_none() && !self.never {
            if self.wait == 0 {
                let rec = self.tape.rec.get_mut();
                self.prog = Some(Compiled::from_record(rec, (top, fx)));
                self.served = false;
            } else {
                self.wait -= 1;
            }
        }
        fx
    }

    /// Drops a refused program and sets when to compile again.
    fn refused(&mut self, e: &ReplayError) {
        self.prog = None;
        if matches!(e, ReplayError::UserBlock { .. }) {
            self.never = true;
        } else if self.served {
            self.backoff = 1;
        } else {
            self.wait = self.backoff;
            self.backoff = self.backoff.saturating_mul(2);
        }
    }
}

impl<T, F> Prepared<T, F> {
    /// The number of calls answered by recording `f`.
    #[inline]
    #[must_use]
    pub fn recordings(&self) -> usize {
        self.recordings
    }

    /// The number of calls answered by a replay.
    #[inline]
    #[must_use]
    pub fn replays(&self) -> usize {
        self.replays
    }
}

/// A prepared Hessian-vector product by forward over reverse: `f` is
/// recorded on a tape of `Dual<T, 1>` (as [`hvp`](super::hvp) does), and
/// that recording is compiled and replayed with new points and new
/// directions, re-recorded when the replay is refused, as [`Prepared`].
/// Made by [`prepare_hvp`] or [`prepare_hvp_of`].
///
/// ```
/// use dualnum::reverse;
///
/// // f = x0²·x1: H = [[2·x1, 2·x0], [2·x0, 0]].
/// let mut h = reverse::prepare_hvp(|x| x[0] * x[0] * x[1]);
/// let (mut g, mut hv) = ([0.0; 2], [0.0; 2]);
/// for (x, v) in [([1.0, 2.0], [1.0, 0.0]), ([3.0, -1.0], [0.0, 1.0])] {
///     let fx = h.hvp(&x, &v, &mut g, &mut hv);
///     assert_eq!(fx, x[0] * x[0] * x[1]);
///     assert_eq!(g, [2.0 * x[0] * x[1], x[0] * x[0]]);
///     assert_eq!(hv, [2.0 * x[1] * v[0] + 2.0 * x[0] * v[1], 2.0 * x[0] * v[0]]);
/// }
/// assert_eq!(h.replays(), 1);
/// ```
pub struct PreparedHvp<T, F> {
    inner: Prepared<Dual<T, 1>, F>,
    xd: Vec<Dual<T, 1>>,
    gd: Vec<Dual<T, 1>>,
}

/// Prepares `H·v` of `f` for repeated calls: see [`PreparedHvp`].
#[must_use]
pub fn prepare_hvp<T, F>(f: F) -> PreparedHvp<T, F>
where
    T: Float,
    F: for<'t> Fn(&[Var<'t, Dual<T, 1>>]) -> Var<'t, Dual<T, 1>>,
{
    PreparedHvp { inner: prepare(f), xd: Vec::new(), gd: Vec::new() }
}

/// [`prepare_hvp`] for a [`Function`] object.
#[must_use]
#[allow(clippy::type_complexity)] // the closure's type, spelled once
pub fn prepare_hvp_of<T, F>(
    f: &F,
) -> PreparedHvp<T, impl for<'t> Fn(&[Var<'t, Dual<T, 1>>]) -> Var<'t, Dual<T, 1>> + '_>
where
    T: Float,
    F: Function + ?Sized,
{
    prepare_hvp(of(f))
}

impl<T: Float, F> PreparedHvp<T, F>
where
    F: for<'t> Fn(&[Var<'t, Dual<T, 1>>]) -> Var<'t, Dual<T, 1>>,
{
    /// Writes `∇f(x)` to `grad` and `H(x)·v` to `hv`, and returns `f(x)`.
    ///
    /// # Panics
    ///
    /// If `v`, `grad` or `hv` is not as long as `x`.
    #[track_caller]
    pub fn hvp(&mut self, x: &[T], v: &[T], grad: &mut [T], hv: &mut [T]) -> T {
        let n = x.len();
        for (what, len) in [("direction v", v.len()), ("grad", grad.len()), ("hv", hv.len())] {
            assert!(
                len == n,
                "PreparedHvp::hvp: {n} inputs but {what} has length {len}; every slice must \
                 have one entry per input"
            );
        }
        self.xd.clear();
        self.xd.extend(x.iter().zip(v).map(|(&xi, &vi)| Dual::new(xi, [vi])));
        self.gd.clear();
        self.gd.resize(n, Dual::new(T::zero(), [T::zero()]));
        let fx = self.inner.gradient(&self.xd, &mut self.gd);
        for ((gi, hi), d) in grad.iter_mut().zip(hv.iter_mut()).zip(&self.gd) {
            // An exact zero as +0, as `reverse::hvp` gives it.
            *gi = d.re + T::zero();
            *hi = d.eps[0] + T::zero();
        }
        fx.re
    }
}

impl<T, F> PreparedHvp<T, F> {
    /// The number of calls answered by recording `f`.
    #[inline]
    #[must_use]
    pub fn recordings(&self) -> usize {
        self.inner.recordings
    }

    /// The number of calls answered by a replay.
    #[inline]
    #[must_use]
    pub fn replays(&self) -> usize {
        self.inner.replays
    }
}
