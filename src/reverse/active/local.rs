//! The thread-local tapes behind [`Active`](super::Active), and the
//! recording generations that tell a live variable from a stale one.
//!
//! This file provides the sealed trait [`ActiveScalar`] (the types with a
//! thread-local tape: `f32` and `f64`), the per-thread [`Recording`] (the
//! reused [`Tape`], the current generation, the adjoint buffer), the
//! [`Session`] guard the drivers hold while the user's closure runs, and
//! the checked `push` every recorded operation goes through.
//!
//! A generation is a number from one global counter, so no two recordings
//! anywhere in the process share one. A variable carries the generation it
//! was recorded in; an operation checks it against the generation of the
//! recording now running on this thread, which is 0 when none is.

use core::cell::Cell;
use core::fmt;
use core::marker::PhantomData;
use core::sync::atomic::{AtomicU64, Ordering};
use std::thread::LocalKey;
use std::vec::Vec;

use num_traits::{Float, FloatConst};
use simba::scalar::RealField;

use crate::reverse::tape::{Node, Tape, seed_and_sweep};

/// The next generation to hand out; 0 means "no recording" and is never
/// handed out.
static NEXT_GENERATION: AtomicU64 = AtomicU64::new(1);

/// A primitive float with a thread-local tape, the `T` of
/// [`Active<T>`](super::Active): `f32` and `f64`.
///
/// The trait is sealed: `thread_local!` cannot be generic, so each type
/// names its own tape, and no other type can be added outside the crate.
/// The two types have separate tapes, so an `f32` recording may run inside
/// an `f64` driver's closure.
///
/// ```
/// use dualnum::reverse::active::{self, ActiveScalar};
///
/// // A driver generic over the scalar: ∇(x·x) = 2x.
/// fn grad_of_square<T: ActiveScalar>(x: &[T]) -> Vec<T> {
///     active::gradient(|v| v.iter().map(|&a| a * a).sum(), x).1.as_slice().to_vec()
/// }
/// assert_eq!(grad_of_square(&[1.5f32, -2.0]), [3.0, -4.0]);
/// assert_eq!(grad_of_square(&[0.25f64]), [0.5]);
/// ```
pub trait ActiveScalar:
    Float + FloatConst + RealField + fmt::Debug + fmt::Display + sealed::Sealed
{
}

pub(crate) mod sealed {
    /// Gives access to the type's thread-local recording.
    pub trait Sealed: Sized + 'static {
        /// This type's thread-local recording.
        fn local() -> &'static std::thread::LocalKey<super::Recording<Self>>;
    }
}

macro_rules! active_scalar {
    ($($t:ty => $key:ident),*) => {$(
        std::thread_local! {
            static $key: Recording<$t> = Recording::new();
        }

        impl sealed::Sealed for $t {
            #[inline(always)]
            fn local() -> &'static LocalKey<Recording<$t>> {
                &$key
            }
        }

        impl ActiveScalar for $t {}
    )*};
}

active_scalar!(f32 => TAPE_F32, f64 => TAPE_F64);

/// One thread's recording state for one scalar type.
pub struct Recording<T> {
    /// The tape, cleared (capacity kept) at the end of every recording.
    tape: Tape<T>,
    /// The generation of the recording running on this thread, 0 if none.
    generation: Cell<u64>,
    /// The adjoint buffer of the backward sweeps, kept between recordings.
    adj: Cell<Vec<T>>,
}

impl<T: Float> Recording<T> {
    fn new() -> Self {
        Recording { tape: Tape::new(), generation: Cell::new(0), adj: Cell::new(Vec::new()) }
    }
}

/// Runs `f` on this thread's recording for `T`.
#[inline]
fn with<T: ActiveScalar, R>(f: impl FnOnce(&Recording<T>) -> R) -> R {
    T::local().with(f)
}

/// Appends `node` to this thread's tape, after checking that `generation`
/// (the operands' recording) is the one running here; returns its index.
///
/// # Panics
///
/// If `generation` is not the recording running on this thread.
#[inline]
#[track_caller]
pub(crate) fn push<T: ActiveScalar>(generation: u64, node: Node<T>) -> u32 {
    with(|r: &Recording<T>| {
        let now = r.generation.get();
        if generation != now {
            stale(generation, now)
        }
        r.tape.push(node)
    })
}

/// As [`push`], for a node with two varying operands.
///
/// # Panics
///
/// If either generation is not the recording running on this thread.
#[inline]
#[track_caller]
pub(crate) fn push2<T: ActiveScalar>(g: u64, h: u64, node: Node<T>) -> u32 {
    with(|r: &Recording<T>| {
        let now = r.generation.get();
        if g != now {
            stale(g, now)
        }
        if h != now {
            stale(h, now)
        }
        r.tape.push(node)
    })
}

/// As [`push2`], also keeping `c` for traces (the last node of a
/// user-defined block).
///
/// # Panics
///
/// If either generation is not the recording running on this thread.
#[inline]
#[track_caller]
pub(crate) fn push_with_const<T: ActiveScalar>(g: u64, h: u64, node: Node<T>, c: T) -> u32 {
    with(|r: &Recording<T>| {
        let now = r.generation.get();
        if g != now {
            stale(g, now)
        }
        if h != now {
            stale(h, now)
        }
        r.tape.push_with_const(node, c)
    })
}

/// The panic for a variable used outside the recording that made it.
#[cold]
#[inline(never)]
#[track_caller]
pub(crate) fn stale(generation: u64, now: u64) -> ! {
    if now == 0 {
        panic!(
            "reverse::Active: operation on a variable of recording #{generation} outside any \
             recording on this thread; a variable is valid only inside the closure given to the \
             reverse::active driver that made it, on that driver's thread (read a result with \
             value() instead)"
        )
    }
    panic!(
        "reverse::Active: a variable of recording #{generation} used in recording #{now}: it \
         was kept from an earlier recording or made on another thread; a variable is valid only \
         inside the closure given to the reverse::active driver that made it, on that driver's \
         thread"
    )
}

/// A recording running on this thread: starts one on creation, ends it
/// (clearing the tape, capacity kept) when dropped, also when the user's
/// closure panics, so that a caught panic leaves the thread able to record
/// again.
pub(crate) struct Session<T: ActiveScalar> {
    generation: u64,
    /// Not `Send`: a session ends on the thread that started it.
    _marker: PhantomData<*const T>,
}

impl<T: ActiveScalar> Session<T> {
    /// Starts a recording on this thread.
    ///
    /// # Panics
    ///
    /// If a recording for `T` is already running on this thread (a driver
    /// called from inside another driver's closure).
    #[track_caller]
    pub(crate) fn begin(driver: &str) -> Self {
        let generation = NEXT_GENERATION.fetch_add(1, Ordering::Relaxed);
        with(|r: &Recording<T>| {
            let now = r.generation.get();
            if now != 0 {
                nested(driver, now)
            }
            r.generation.set(generation);
        });
        Session { generation, _marker: PhantomData }
    }

    /// Records the independent variables, as nodes `1..=x.len()`.
    pub(crate) fn inputs(&self, x: &[T]) -> Vec<super::Active<T>> {
        let generation = self.generation;
        with(|r: &Recording<T>| {
            let vars = r.tape.vars(x); // one bulk append
            vars.iter().map(|v| super::Active::on_tape(v.val, v.idx, generation)).collect()
        })
    }

    /// Checks that an output belongs to this recording (or is a constant).
    ///
    /// # Panics
    ///
    /// If the output was recorded in another recording.
    #[inline]
    #[track_caller]
    pub(crate) fn check_output(&self, y: &super::Active<T>) {
        if y.generation != 0 && y.generation != self.generation {
            stale(y.generation, self.generation)
        }
    }

    /// One backward sweep seeded with `seeds` (node, weight); `read` gets
    /// the adjoints of every node up to the last seeded one (shorter than
    /// the tape when later nodes do not matter: read with `get`).
    pub(crate) fn sweep<R>(&self, seeds: &[(u32, T)], read: impl FnOnce(&[T]) -> R) -> R {
        with(|r: &Recording<T>| {
            let mut adj = r.adj.take();
            r.tape.with_nodes(|nodes| seed_and_sweep(nodes, &mut adj, seeds));
            let out = read(&adj);
            r.adj.set(adj);
            out
        })
    }
}

impl<T: ActiveScalar> Drop for Session<T> {
    fn drop(&mut self) {
        // `try_with`: nothing to clean if the thread's storage is already
        // being torn down.
        let _ = T::local().try_with(|r| {
            if r.generation.get() == self.generation {
                r.generation.set(0);
                r.tape.clear_shared();
            }
        });
    }
}

/// The panic for a driver called inside another recording.
#[cold]
#[inline(never)]
#[track_caller]
fn nested(driver: &str, now: u64) -> ! {
    panic!(
        "{driver}: called while recording #{now} is running on this thread (inside another \
         reverse::active driver's closure); nested Active recordings are not supported: for an \
         inner derivative use reverse::gradient (its own Tape) or forward mode"
    )
}

#[cfg(test)]
mod tests {
    use super::sealed::Sealed;
    use crate::test_functions::rosenbrock;

    fn state() -> (usize, usize, u64) {
        f64::local().with(|r| (r.tape.len(), r.tape.capacity(), r.generation.get()))
    }

    #[test]
    fn the_tape_is_cleared_after_each_call_and_keeps_its_capacity() {
        let x = [1.2; 50];
        let _ = super::super::gradient(rosenbrock, &x);
        let (len, cap, generation) = state();
        assert_eq!((len, generation), (0, 0));
        assert!(cap >= 50 + 4 * 49);
        for _ in 0..10 {
            let _ = super::super::gradient(rosenbrock, &x);
            assert_eq!(state(), (0, cap, 0));
        }
    }
}
