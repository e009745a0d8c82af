//! The tape: a contiguous Wengert list of nodes, each holding its operands'
//! indices and its local partial derivatives, plus the streams a replay
//! needs (the constants, in the order they were used, and the comparisons
//! made on variables).
//!
//! This file provides [`Tape`] (record, clear, sweep), [`Adjoints`] (the
//! result of a backward sweep, indexed by variable) and the backward sweep
//! shared with replays.

use alloc::vec::Vec;
use core::cell::UnsafeCell;
use core::fmt;

use num_traits::Float;

use super::Var;
pub(crate) use super::check::{Check, Test};
use super::op::Op;

/// One recorded operation: `value = op(lhs, rhs)` with local partials
/// `dl = ∂value/∂lhs`, `dr = ∂value/∂rhs`. Unary nodes and constant operands
/// point at node 0, the sink; a constant operand's slot holds its value
/// (and an input's `dl` its recorded value), for replays and traces. The
/// backward sweep never adds into the sink.
///
/// `repr(C)`, so that `rhs` follows `lhs` directly and [`Record::push`]
/// can store the two indices as one 8-byte word.
#[derive(Clone, Copy, Debug)]
#[repr(C)]
pub(crate) struct Node<T> {
    pub(crate) dl: T,
    pub(crate) dr: T,
    pub(crate) lhs: u32,
    pub(crate) rhs: u32,
    pub(crate) op: Op,
}

/// The recorded data. Lives in an `UnsafeCell` inside [`Tape`].
#[derive(Clone, Debug)]
pub(crate) struct Record<T> {
    pub(crate) nodes: Vec<Node<T>>,
    /// The values of user-defined blocks, in recording order (for traces).
    pub(crate) consts: Vec<T>,
    pub(crate) checks: Vec<Check<T>>,
    pub(crate) inputs: u32,
    /// True once an operation that selects (`max`, `min`, `clamp`, …, see
    /// [`Op::selects`]) or a user-defined block was recorded: only then
    /// can the output depend on nothing of a node through a zero partial,
    /// and only then does [`sweep_below`] test each adjoint for zero.
    pub(crate) selects: bool,
}

impl<T: Float> Record<T> {
    fn new(capacity: usize) -> Self {
        let mut nodes = Vec::with_capacity(capacity.clamp(1, u32::MAX as usize));
        nodes.push(Node { dl: T::zero(), dr: T::zero(), lhs: 0, rhs: 0, op: Op::Sink });
        Record { nodes, consts: Vec::new(), checks: Vec::new(), inputs: 0, selects: false }
    }

    /// Appends `node` and returns its index: one compare against the
    /// capacity, the node's stores and the new length; growing is out of
    /// line (it also keeps every index below `u32::MAX`).
    ///
    /// The operands must be nodes already recorded (below `k`): every
    /// caller passes indices of variables of this tape, and
    /// [`sweep_below`]'s unchecked loop relies on it.
    ///
    /// The node goes in by [`write_node`]: for `f64` on x86-64 two
    /// 16-byte stores, otherwise the fields with the two operand indices
    /// as one word (recording is bound by its stores, not its
    /// instructions).
    #[inline(always)]
    pub(crate) fn push(&mut self, node: Node<T>) -> u32 {
        let k = self.nodes.len();
        debug_assert!((node.lhs as usize) < k.max(1) && (node.rhs as usize) < k.max(1));
        if k == self.nodes.capacity() {
            self.grow();
        }
        // SAFETY: `k < capacity` (grown above), so slot `k` is allocated
        // and unused; `write_node` initialises every field of it before
        // the length covers it.
        unsafe {
            write_node(self.nodes.as_mut_ptr().add(k), node);
            self.nodes.set_len(k + 1);
        }
        k as u32
    }

    /// Makes room for more nodes (doubling), keeping every index below
    /// `u32::MAX`.
    #[cold]
    #[inline(never)]
    fn grow(&mut self) {
        let len = self.nodes.len();
        let want = len.saturating_mul(2).max(64).min(u32::MAX as usize);
        assert!(want > len, "Tape: more than u32::MAX - 1 nodes recorded");
        self.nodes.reserve_exact(want - len);
    }

    /// Makes room for `more` nodes at once (for [`Tape::vars`]), as
    /// [`grow`](Self::grow) does, keeping every index below `u32::MAX`.
    fn reserve(&mut self, more: usize) {
        let len = self.nodes.len();
        assert!(more <= u32::MAX as usize - len, "Tape: more than u32::MAX - 1 nodes recorded");
        if self.nodes.capacity() - len < more {
            let want = (len + more).max(len.saturating_mul(2).min(u32::MAX as usize));
            self.nodes.reserve_exact(want - len);
        }
    }

    fn clear(&mut self) {
        self.nodes.truncate(1);
        self.consts.clear();
        self.checks.clear();
        self.inputs = 0;
        self.selects = false;
    }
}

/// Writes every field of `n` to `p`: for `f64` on x86-64 as two 16-byte
/// stores (the partials; the indices and the op code), otherwise field by
/// field with the operand indices `lhs` and `rhs` (adjacent in the
/// `repr(C)` [`Node`]) as one 8-byte word on a little-endian target.
///
/// Recording is bound by its stores, not its instructions: LLVM writes a
/// node field by field (five stores, four with the index word), and each
/// push also stores the tape's new length. Rosenbrock n = 1,000 (a reused
/// tape, 40,000 calls, user time, alternating builds): 1.47 s with five
/// stores, 1.36 s with four, 1.28-1.33 s with two; a fresh tape 1.37-1.42
/// s with four, 1.24-1.26 s with two (callgrind: +1.25 instructions a
/// node for building the two vectors).
///
/// # Safety
///
/// `p` is valid for writing one `Node<T>` (it need not be initialised).
#[inline(always)]
unsafe fn write_node<T: Float>(p: *mut Node<T>, n: Node<T>) {
    const {
        assert!(core::mem::offset_of!(Node<f64>, rhs) == core::mem::offset_of!(Node<f64>, lhs) + 4);
    }
    #[cfg(all(target_arch = "x86_64", target_endian = "little"))]
    if core::mem::size_of::<T>() == 8 && core::any::type_name::<T>() == "f64" {
        const {
            assert!(
                core::mem::offset_of!(Node<f64>, op) == core::mem::offset_of!(Node<f64>, lhs) + 8
            );
            assert!(core::mem::size_of::<Node<f64>>() == 32 && core::mem::size_of::<Op>() == 8);
        }
        // The partials as `f64`s, not their bits as integers: with the
        // integers, LLVM no longer made the `sin` and `cos` of one
        // argument one `sincos` call (`exp_sin_ln`'s recording at n =
        // 1,000: +204k instructions in libm, a third more). The name test
        // only picks the fast path: the values go through `to_f64` (the
        // identity for `f64`, which LLVM removes), not a reinterpretation
        // of `T`'s bytes, so no type can reach this branch unsoundly.
        let dl = n.dl.to_f64().unwrap_or(f64::NAN);
        let dr = n.dr.to_f64().unwrap_or(f64::NAN);
        // SAFETY: SSE2 is part of x86-64; `p` is writable for one node
        // (the caller's promise). The first store covers `dl` and `dr`
        // (bytes 0..16 of `*p`: with `T` 8 bytes, two `f64`s), the second
        // `lhs`, `rhs` and `op` (bytes 16..32, `op` at 24, as asserted
        // above), with `Op::bits`, the word that reads back as `n.op`.
        unsafe {
            use core::arch::x86_64::{_mm_set_epi64x, _mm_set_pd, _mm_storeu_pd, _mm_storeu_si128};
            _mm_storeu_pd(p.cast(), _mm_set_pd(dr, dl));
            let both = u64::from(n.lhs) | (u64::from(n.rhs) << 32);
            let tail = _mm_set_epi64x(n.op.bits() as i64, both as i64);
            _mm_storeu_si128(core::ptr::addr_of_mut!((*p).lhs).cast(), tail);
        }
        return;
    }
    // SAFETY: every pointer below is a field of `*p`, which the caller
    // says is writable; `lhs` and `rhs` are adjacent (`repr(C)`, two
    // `u32`s, no padding between them), so the 8-byte word at `lhs` covers
    // exactly the two (unaligned: the node may be only 4-aligned).
    unsafe {
        core::ptr::addr_of_mut!((*p).dl).write(n.dl);
        core::ptr::addr_of_mut!((*p).dr).write(n.dr);
        #[cfg(target_endian = "little")]
        {
            let both = u64::from(n.lhs) | (u64::from(n.rhs) << 32);
            core::ptr::addr_of_mut!((*p).lhs).cast::<u64>().write_unaligned(both);
        }
        #[cfg(not(target_endian = "little"))]
        {
            core::ptr::addr_of_mut!((*p).lhs).write(n.lhs);
            core::ptr::addr_of_mut!((*p).rhs).write(n.rhs);
        }
        core::ptr::addr_of_mut!((*p).op).write(n.op);
    }
}

/// A reverse-mode tape: a linear list of the operations a computation
/// performed on [`Var`]s, with their local partial derivatives.
///
/// Create one, make inputs with [`var`](Self::var) or [`vars`](Self::vars),
/// run any `Float`-generic code on them, then sweep backward from a result
/// with [`adjoints`](Self::adjoints). Every operation appends one node (two
/// for the ternary `mul_add` and `clamp`) to one contiguous `Vec`; an
/// operation whose operands are all constants records nothing.
/// [`clear`](Self::clear) empties the tape and keeps its capacity, so a
/// tape reused for the same computation allocates nothing.
///
/// A `Var` borrows its tape, so it cannot outlive it, and `clear` (which
/// takes `&mut self`) cannot run while any `Var` of the tape is alive.
/// Combining variables of two different tapes panics with a message saying
/// so. A `Tape` is `Send` but not `Sync`: each thread records on its own.
///
/// ```
/// use dualnum::reverse::Tape;
/// use num_traits::Float;
///
/// let tape = Tape::new();
/// let x = tape.var(2.0);
/// let y = tape.var(std::f64::consts::FRAC_PI_2);
/// let z = x.powi(2) * (x + y.cos()).exp(); // the lecture's z(x, y)
/// let adj = tape.adjoints(z);
/// let e2 = 2.0f64.exp();
/// assert!((adj.wrt(x) - 8.0 * e2).abs() < 1e-12);
/// assert!((adj.wrt(y) + 4.0 * e2).abs() < 1e-12);
/// ```
pub struct Tape<T> {
    pub(crate) rec: UnsafeCell<Record<T>>,
    /// The adjoint buffer of [`Tape::gradient`], kept between calls.
    pub(crate) adj: Scratch<T>,
}

impl<T: Float> Default for Tape<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Float + fmt::Debug> fmt::Debug for Tape<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.with(|r| {
            f.debug_struct("Tape")
                .field("nodes", &(r.nodes.len() - 1))
                .field("inputs", &r.inputs)
                .finish()
        })
    }
}

impl<T: Float> Tape<T> {
    /// An empty tape.
    #[inline]
    #[must_use]
    pub fn new() -> Self {
        Self::with_capacity(0)
    }

    /// An empty tape with room for `nodes` operations before it reallocates.
    #[inline]
    #[must_use]
    pub fn with_capacity(nodes: usize) -> Self {
        Tape {
            rec: UnsafeCell::new(Record::new(nodes + 1)),
            adj: Scratch { buf: Vec::new(), clean: false },
        }
    }

    /// Runs `f` on the record.
    ///
    /// Safety of the `UnsafeCell` access: `Tape` is not `Sync`, so only this
    /// thread can reach the cell; every `f` passed here is a short closure
    /// of this module family that never calls back into user code (not even
    /// `T`'s trait methods) or into another tape method, so the `&mut` it
    /// gets is the only reference to the record while it lives. This
    /// replaces the `RefCell` borrow-flag check other tapes pay on every
    /// recorded operation.
    #[inline(always)]
    pub(crate) fn with<R>(&self, f: impl FnOnce(&mut Record<T>) -> R) -> R {
        // SAFETY: see above: single thread, no reentrancy, no escaping borrow.
        f(unsafe { &mut *self.rec.get() })
    }

    /// Runs `f` on the recorded nodes, which are moved out of the cell for
    /// the duration, so that `f` may run `T`'s arithmetic (user code for a
    /// user-defined `T`) without holding a borrow of the cell.
    pub(crate) fn with_nodes<R>(&self, f: impl FnOnce(&[Node<T>]) -> R) -> R {
        let nodes = self.with(|r| core::mem::take(&mut r.nodes));
        let out = f(&nodes);
        self.with(|r| r.nodes = nodes);
        out
    }

    /// Appends a node and returns its index. Its operands must be nodes
    /// of this tape (indices of its variables, or 0 for a constant): the
    /// backward sweep indexes the adjoints by them unchecked.
    #[inline(always)]
    pub(crate) fn push(&self, node: Node<T>) -> u32 {
        self.with(|r| r.push(node))
    }

    /// Appends a node and a value for the trace (a user-defined block's).
    #[inline(always)]
    pub(crate) fn push_with_const(&self, node: Node<T>, c: T) -> u32 {
        self.with(|r| {
            r.consts.push(c);
            r.push(node)
        })
    }

    /// Marks the recording as holding an operation that selects (see
    /// [`Record::selects`]).
    #[inline(always)]
    pub(crate) fn selects(&self) {
        self.with(|r| r.selects = true);
    }

    /// Records a comparison or predicate and its outcome.
    #[inline]
    pub(crate) fn check(&self, check: Check<T>) {
        self.with(|r| {
            let at = r.nodes.len() as u32;
            r.checks.push(Check { at, ..check });
        });
    }

    /// A new independent variable with value `x`.
    ///
    /// # Panics
    ///
    /// If the tape already holds `u32::MAX` nodes.
    #[inline]
    #[must_use]
    pub fn var(&self, x: T) -> Var<'_, T> {
        let node = Node { dl: x, dr: T::zero(), lhs: 0, rhs: 0, op: Op::Input };
        let idx = self.with(|r| {
            r.inputs += 1;
            r.push(node)
        });
        Var::on_tape(x, idx, self)
    }

    /// Independent variables with the values of `xs`, in order.
    #[must_use]
    pub fn vars(&self, xs: &[T]) -> Vec<Var<'_, T>> {
        let zero = T::zero();
        let first = self.with(|r| {
            // One capacity check for all of them, not one a node.
            r.reserve(xs.len());
            r.inputs += xs.len() as u32;
            let first = r.nodes.len();
            // SAFETY: `reserve` made room for `xs.len()` more nodes, so
            // the slots `first..first + xs.len()` are allocated; each is
            // written in full before the length covers it.
            unsafe {
                let p = r.nodes.as_mut_ptr().add(first);
                for (i, &x) in xs.iter().enumerate() {
                    let node = Node { dl: x, dr: zero, lhs: 0, rhs: 0, op: Op::Input };
                    write_node(p.add(i), node);
                }
                r.nodes.set_len(first + xs.len());
            }
            first as u32
        });
        xs.iter().enumerate().map(|(i, &x)| Var::on_tape(x, first + i as u32, self)).collect()
    }

    /// The number of recorded operations (inputs included).
    #[inline]
    #[must_use]
    pub fn len(&self) -> usize {
        self.with(|r| r.nodes.len() - 1)
    }

    /// True when nothing has been recorded.
    #[inline]
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The number of independent variables created on this tape.
    #[inline]
    #[must_use]
    pub fn inputs(&self) -> usize {
        self.with(|r| r.inputs as usize)
    }

    /// How many nodes fit before the tape reallocates.
    #[inline]
    #[must_use]
    pub fn capacity(&self) -> usize {
        self.with(|r| r.nodes.capacity() - 1)
    }

    /// Forgets every recorded operation, keeping the memory for the next
    /// recording. Needs `&mut self`, so no variable of the old recording
    /// can still be in use.
    #[inline]
    pub fn clear(&mut self) {
        self.rec.get_mut().clear();
    }

    /// True when `v` was recorded on this tape (constants belong to every
    /// tape).
    #[inline]
    pub(crate) fn owns(&self, v: &Var<'_, T>) -> bool {
        v.tape.is_none_or(|t| core::ptr::eq(t, self))
    }

    /// The adjoints `∂y/∂v` of every node `v` recorded up to `y`, by one
    /// backward sweep.
    ///
    /// # Panics
    ///
    /// If `y` is a variable of another tape.
    #[must_use]
    #[track_caller]
    pub fn adjoints(&self, y: Var<'_, T>) -> Adjoints<'_, T> {
        let mut adj = Adjoints { tape: self, adj: Vec::new() };
        self.adjoints_into(y, &mut adj);
        adj
    }

    /// As [`adjoints`](Self::adjoints), reusing `out`'s memory.
    ///
    /// # Panics
    ///
    /// If `y` or `out` belongs to another tape.
    #[track_caller]
    pub fn adjoints_into(&self, y: Var<'_, T>, out: &mut Adjoints<'_, T>) {
        assert!(self.owns(&y), "Tape::adjoints: the output variable belongs to another tape");
        assert!(
            core::ptr::eq(out.tape, self),
            "Tape::adjoints_into: the adjoint buffer was made for another tape"
        );
        let seed = [(y.idx, T::one())];
        self.with_nodes(|nodes| seed_and_sweep(nodes, &mut out.adj, &seed));
    }

    /// A copy of the record, for replays and traces.
    pub(crate) fn snapshot(&self) -> Record<T> {
        let (blocks, checks, inputs, selects) = self.with(|r| {
            (core::mem::take(&mut r.consts), core::mem::take(&mut r.checks), r.inputs, r.selects)
        });
        let nodes = self.with_nodes(|n| n.to_vec());
        let rec = Record { nodes, consts: blocks.clone(), checks: checks.clone(), inputs, selects };
        self.with(|r| {
            r.consts = blocks;
            r.checks = checks;
        });
        rec
    }
}

/// The backward sweep from `seeds` (`adj[k] = w` for each `(k, w)`): for
/// each node from the last seeded one down to the first,
/// `adj[lhs] += adj[k]·dl` and `adj[rhs] += adj[k]·dr`. Leaves in `adj` the
/// adjoint of every node up to the last seeded one.
///
/// NaN-safe like forward mode: a node whose adjoint is zero contributes
/// nothing (even through an infinite partial), and a term `a·d` with a zero
/// factor is zero even if the other factor is infinite. The plain sweep runs
/// first; only if a NaN came out is it redone with the safe products. That
/// is exact: a NaN term makes its node's operands' adjoints NaN, and so on
/// down to the inputs (every recorded node has a varying operand), so a
/// sweep whose inputs' adjoints are all free of NaN had no NaN term, and
/// finite computations pay nothing for the policy.
pub(crate) fn seed_and_sweep<T: Float>(nodes: &[Node<T>], adj: &mut Vec<T>, seeds: &[(u32, T)]) {
    sweep_with(nodes, adj, seeds, |nodes, adj| sweep_range(nodes, adj, 1, T::zero()).1);
}

/// The adjoint buffer of [`Tape::gradient`], kept between calls.
///
/// While `clean`, every element is zero: the sweep zeroes each node's slot
/// as it consumes it and [`Tape::gradient`] the inputs' as it hands them
/// out, so the next call starts without clearing the buffer (a `memset`
/// over every node: 16% of a reused tape's instructions on Rosenbrock at
/// n = 1,000). A sweep that stops half-way (a panic in `T`'s arithmetic)
/// or the NaN-safe sweep leaves it not clean, and the next call clears it.
#[derive(Clone, Debug)]
pub(crate) struct Scratch<T> {
    pub(crate) buf: Vec<T>,
    pub(crate) clean: bool,
}

/// As [`seed_and_sweep`], for [`Tape::gradient`]: nodes `1..keep` are
/// the inputs (recorded first, no operands), and only their adjoints are
/// wanted; they are left in `adj.buf[1..keep]`, which the caller reads and
/// zeroes (see [`Scratch`]). The nodes from `keep` up are swept without
/// storing their own adjoint, the inputs are not swept at all (they have
/// nothing to pass on), and the NaN test looks at the inputs' adjoints
/// only: a NaN that reaches none of them (it runs down to the inputs, see
/// [`seed_and_sweep`]) cannot change them either.
pub(crate) fn sweep_below<T: Float>(
    nodes: &[Node<T>],
    adj: &mut Scratch<T>,
    top: u32,
    keep: usize,
    selects: bool,
) {
    let top = top as usize;
    let nodes = &nodes[..=top];
    let keep = keep.clamp(1, nodes.len());
    debug_assert!(nodes[1..keep].iter().all(|n| n.lhs == 0 && n.rhs == 0));
    if !adj.clean {
        adj.buf.clear();
    }
    // The slots already there are zero (clean), the new ones are made so.
    if adj.buf.len() < nodes.len() {
        adj.buf.resize(nodes.len(), T::zero());
    }
    adj.clean = false;
    let buf = &mut adj.buf[..];
    buf[top] = T::one();
    if selects {
        sweep_unstored::<T, true>(nodes, buf, keep);
    } else {
        sweep_unstored::<T, false>(nodes, buf, keep);
    }
    buf[0] = T::zero();
    if buf[1..keep].iter().fold(false, |nan, a| nan | a.is_nan()) {
        buf[..nodes.len()].fill(T::zero());
        buf[top] = T::one();
        sweep_safe(nodes, buf);
        buf[0] = T::zero();
        // Every node's slot now holds its adjoint: not clean.
        return;
    }
    // Every slot from `keep` up was zeroed as it was consumed, slot 0
    // above; the caller zeroes the inputs' after reading them.
    adj.clean = true;
}

/// One term of a sum ([`Tape::gradient_sum`]): sweeps the nodes
/// `keep..=top` from `adj[top] += 1` and adds into the inputs' adjoints
/// `adj[1..keep]`, which accumulate across terms. With `SAFE`, the
/// NaN-safe sweep. `adj` must be at least `top + 1` long. The plain sweep
/// needs the slots from `keep` up to be zero on entry, and leaves them zero
/// (it zeroes each as it consumes it, see [`sweep_unstored`]), so a sum's
/// terms need no clearing between them; the safe one clears them first.
pub(crate) fn sweep_term<T: Float, const SAFE: bool>(
    nodes: &[Node<T>],
    adj: &mut [T],
    top: usize,
    keep: usize,
) {
    if top == 0 {
        return;
    }
    if top < keep {
        adj[top] = adj[top] + T::one();
        return;
    }
    let nodes = &nodes[..=top];
    if SAFE {
        adj[keep..=top].fill(T::zero());
    }
    debug_assert!(adj[keep..=top].iter().all(|a| a.is_zero()));
    adj[top] = T::one();
    if SAFE {
        sweep_safe_from(nodes, adj, keep);
    } else {
        sweep_unstored::<T, true>(nodes, adj, keep);
    }
    adj[0] = T::zero();
}

/// The plain sweep over the nodes from the last down to `from ≥ 1`,
/// storing no node's own adjoint (see [`sweep_below`]: each slot from
/// `from` up is zero afterwards): for each node `k` with adjoint `a`,
/// `adj[lhs] += a·dl` and `adj[rhs] += a·dr`, unconditionally (a constant
/// operand or none adds into the sink's slot, which the callers zero
/// afterwards). The terms reach each slot in the order [`sweep_range`]
/// adds them, so the adjoints are the same bit for bit (a node whose two
/// operands are the same node adds its two terms one after the other in
/// both, `(s + a·dl) + a·dr`).
///
/// Unchecked indexing: measured in the interleaved harness (Rosenbrock
/// n = 1,000, four alternating runs each, a loaded machine), a reused
/// tape's gradient took 23.0–23.3 f64 evaluations against 25.2–26.8 with
/// the bounds-checked loop.
#[inline(always)]
fn sweep_unstored<T: Float, const SKIP: bool>(nodes: &[Node<T>], adj: &mut [T], from: usize) {
    assert!(from >= 1 && adj.len() >= nodes.len());
    // Four nodes an iteration (one loop test for all four).
    let mut k = nodes.len();
    while k >= from + 4 {
        // SAFETY: `from <= k - 4 < … < k - 1 < nodes.len()` (loop bound).
        unsafe {
            sweep_node::<T, SKIP>(nodes, adj, k - 1);
            sweep_node::<T, SKIP>(nodes, adj, k - 2);
            sweep_node::<T, SKIP>(nodes, adj, k - 3);
            sweep_node::<T, SKIP>(nodes, adj, k - 4);
        }
        k -= 4;
    }
    while k > from {
        // SAFETY: `from <= k - 1 < nodes.len()`.
        unsafe { sweep_node::<T, SKIP>(nodes, adj, k - 1) }
        k -= 1;
    }
}

/// One node `k` of [`sweep_unstored`].
///
/// # Safety
///
/// `1 <= k < nodes.len() <= adj.len()`.
#[inline(always)]
unsafe fn sweep_node<T: Float, const SKIP: bool>(nodes: &[Node<T>], adj: &mut [T], k: usize) {
    debug_assert!(k >= 1 && k < nodes.len() && nodes.len() <= adj.len());
    // SAFETY: `k < nodes.len() <= adj.len()` (the caller's promise), and a
    // node's operands are nodes recorded before it (`lhs, rhs < k`, the
    // precondition of `Record::push`), so every index is in bounds.
    unsafe {
        let slot = adj.get_unchecked_mut(k);
        let a = *slot;
        // Consumed: left zero for the next sweep (see `Scratch`).
        *slot = T::zero();
        // The test only where the recording can hold such nodes (`SKIP`,
        // see `Record::selects`: elsewhere it cost 2 of the 18.5
        // instructions a node of Rosenbrock's sweep, every node live),
        // and only where it is one or two compares (`f64`,
        // `Dual<f64, 1>`): on a wider dual adjoint (`Dual<f64, 3>` in
        // the sparse Hessian's passes) it reads every component of
        // every node and cost more than it saved. On `Dual<f64, 1>`
        // (a `gradient_sum` of H·1 terms, `hvp`) it measured: a minimum
        // over 250 candidates, 20 terms, 6.45M -> 4.04M instructions
        // (time 449-456 -> 316-327 f64 evaluations); Rosenbrock's
        // `hvp`, every node live, 824k -> 840k (59 -> 62).
        if SKIP && core::mem::size_of::<T>() <= 16 && a.is_zero() {
            // Nothing the output depends on: its terms would add +0·d
            // to slots that are never −0, or a NaN (0·∞) the safe sweep
            // drops anyway.
            return;
        }
        let n = *nodes.get_unchecked(k);
        let (tl, tr) = (a * n.dl, a * n.dr);
        // Both terms, one after the other, also when both operands are
        // the same node (`x·x`: `(s + tl) + tr`, as `sweep_range` adds
        // them): no test on the operands.
        let s = adj.get_unchecked_mut(n.lhs as usize);
        *s = *s + tl;
        let s = adj.get_unchecked_mut(n.rhs as usize);
        *s = *s + tr;
    }
}

/// Seeds `adj`, runs the plain sweep `fast` (true if a NaN came out), and
/// then, only if needed, the NaN-safe one.
#[inline(always)]
fn sweep_with<T: Float>(
    nodes: &[Node<T>],
    adj: &mut Vec<T>,
    seeds: &[(u32, T)],
    fast: impl FnOnce(&[Node<T>], &mut [T]) -> bool,
) {
    let top = seeds.iter().map(|s| s.0 as usize).max().unwrap_or(0);
    let nodes = &nodes[..=top];
    let seed = |adj: &mut Vec<T>| {
        adj.clear();
        adj.resize(top + 1, T::zero());
        for &(k, w) in seeds {
            adj[k as usize] = adj[k as usize] + w;
        }
    };
    seed(adj);
    if fast(nodes, adj) {
        seed(adj);
        sweep_safe(nodes, adj);
    }
    adj[0] = T::zero();
}

/// The plain sweep over the nodes from the last down to `from`, storing
/// each node's adjoint and testing it for NaN. Most nodes use
/// the node just before them, so the contribution to `adj[k − 1]` is
/// carried in a register (`carry`, in and out) instead of being stored and
/// loaded again at once (a store-to-load round trip on every node otherwise
/// bounds the loop); nothing is added into the sink.
#[inline(always)]
fn sweep_range<T: Float>(nodes: &[Node<T>], adj: &mut [T], from: usize, mut carry: T) -> (T, bool) {
    let adj = &mut adj[..nodes.len()];
    let mut nan = false;
    for k in (from..nodes.len()).rev() {
        let a = adj[k] + carry;
        adj[k] = a;
        nan |= a.is_nan();
        let n = nodes[k];
        let prev = k as u32 - 1;
        let (tl, tr) = (a * n.dl, a * n.dr);
        carry = T::zero();
        if n.lhs == prev {
            if n.rhs == prev {
                // `d·d` right after `d`: the two terms one after the
                // other, `(adj + tl) + tr`, as `sweep_unstored` adds them.
                adj[k - 1] = adj[k - 1] + tl;
            } else {
                carry = tl;
            }
        } else if n.lhs != 0 {
            adj[n.lhs as usize] = adj[n.lhs as usize] + tl;
        }
        if n.rhs == prev {
            carry = carry + tr;
        } else if n.rhs != 0 {
            adj[n.rhs as usize] = adj[n.rhs as usize] + tr;
        }
    }
    (carry, nan)
}

/// The NaN-safe sweep: skips nodes whose adjoint is zero and drops terms
/// with a zero factor.
#[cold]
fn sweep_safe<T: Float>(nodes: &[Node<T>], adj: &mut [T]) {
    sweep_safe_from(nodes, adj, 1);
}

/// [`sweep_safe`] over the nodes from the last down to `from ≥ 1`.
fn sweep_safe_from<T: Float>(nodes: &[Node<T>], adj: &mut [T], from: usize) {
    for k in (from..nodes.len()).rev() {
        let a = adj[k];
        if a.is_zero() {
            continue;
        }
        let n = nodes[k];
        if n.lhs != 0 {
            adj[n.lhs as usize] = adj[n.lhs as usize] + safe_term(a, n.dl);
        }
        if n.rhs != 0 {
            adj[n.rhs as usize] = adj[n.rhs as usize] + safe_term(a, n.dr);
        }
    }
}

/// `a·d`, but 0 where one factor is zero, whatever the other is.
#[inline(always)]
fn safe_term<T: Float>(a: T, d: T) -> T {
    if a.is_zero() || d.is_zero() { T::zero() } else { a * d }
}

/// The adjoints of one backward sweep: `∂y/∂v` for every variable `v`
/// recorded before the output `y`.
///
/// ```
/// use dualnum::reverse::Tape;
///
/// let tape = Tape::new();
/// let (x, y) = (tape.var(3.0), tape.var(4.0));
/// let p = x * y;
/// let adj = tape.adjoints(p + x);
/// assert_eq!((adj.wrt(x), adj.wrt(y), adj.wrt(p)), (5.0, 3.0, 1.0));
/// ```
pub struct Adjoints<'t, T> {
    tape: &'t Tape<T>,
    adj: Vec<T>,
}

impl<'t, T: Float> Adjoints<'t, T> {
    /// An empty buffer for [`Tape::adjoints_into`].
    #[must_use]
    pub fn new(tape: &'t Tape<T>) -> Self {
        Adjoints { tape, adj: Vec::new() }
    }

    /// `∂y/∂v`: zero for a constant, or for a variable recorded after `y`.
    ///
    /// # Panics
    ///
    /// If `v` belongs to another tape.
    #[inline]
    #[must_use]
    #[track_caller]
    pub fn wrt(&self, v: Var<'_, T>) -> T {
        assert!(self.tape.owns(&v), "Adjoints::wrt: the variable belongs to another tape");
        self.adj.get(v.idx as usize).copied().unwrap_or_else(T::zero)
    }

    /// The adjoints of all variables in `vs`, in order, into `out`.
    ///
    /// # Panics
    ///
    /// If `out.len() != vs.len()` or a variable belongs to another tape.
    #[track_caller]
    pub fn wrt_into(&self, vs: &[Var<'_, T>], out: &mut [T]) {
        assert_eq!(
            vs.len(),
            out.len(),
            "Adjoints::wrt_into: {} variables but an output slice of length {}",
            vs.len(),
            out.len()
        );
        for (o, v) in out.iter_mut().zip(vs) {
            *o = self.wrt(*v);
        }
    }
}

impl<T: Float> Tape<T> {
    /// [`clear`](Self::clear) through a shared reference, for the
    /// thread-local tapes of [`Active`](super::Active), whose variables hold
    /// no borrow of the tape (a generation number marks them stale instead).
    #[cfg(feature = "std")]
    pub(crate) fn clear_shared(&self) {
        self.with(Record::clear);
    }
}

#[cfg(test)]
mod tests {
    use super::Tape;

    /// Every field of every node reads back as recorded, for `f64` (two
    /// 16-byte stores a node on x86-64) and `f32` (field by field): op
    /// codes with and without data (`powi`'s exponent, the ternary rule),
    /// constant operands, index pairs up to the largest, both orders.
    #[test]
    fn nodes_read_back_as_recorded() {
        use super::Op;
        use crate::reverse::op::Tern;
        use num_traits::Float;

        fn check<T: Float + core::fmt::Debug>() {
            let c = |x: f64| T::from(x).unwrap();
            let tape = Tape::<T>::new();
            let x = tape.vars(&[c(0.7), c(-1.3), c(2.1)]);
            let (a, b, z) = (x[0], x[1], x[2]);
            let ops = [
                (a * b, Op::Mul, 1, 2, b.val, a.val),
                (b - a, Op::Sub, 2, 1, c(1.0), c(-1.0)),
                (a + c(3.0), Op::Add, 1, 0, c(1.0), c(3.0)),
                (
                    super::Var::constant(c(2.0)) / b,
                    Op::Div,
                    0,
                    2,
                    c(2.0),
                    crate::rules::div(c(2.0), b.val).2,
                ),
                (a.powi(-3), Op::Powi(-3), 1, 0, crate::rules::powi(a.val, -3).1, c(0.0)),
                (
                    z.powi(i32::MAX),
                    Op::Powi(i32::MAX),
                    3,
                    0,
                    crate::rules::powi(z.val, i32::MAX).1,
                    c(0.0),
                ),
                (b.sin(), Op::Sin, 2, 0, crate::rules::sin(b.val).1, c(0.0)),
                (-z, Op::Neg, 3, 0, c(-1.0), c(0.0)),
            ];
            for (k, &(v, op, l, r, dl, dr)) in ops.iter().enumerate() {
                let n = tape.with(|t| t.nodes[v.idx as usize]);
                assert_eq!((n.op, n.lhs, n.rhs), (op, l, r), "node {k}");
                assert_eq!((n.dl, n.dr), (dl, dr), "node {k}");
            }
            let m = a.mul_add(b, z);
            let cl = z.clamp(a, b.abs());
            for (v, t) in [(m, Tern::MulAdd), (cl, Tern::Clamp)] {
                let (link, node) =
                    tape.with(|r| (r.nodes[v.idx as usize - 1], r.nodes[v.idx as usize]));
                assert_eq!((link.op, node.op, node.lhs), (Op::Link, Op::Tern(t), v.idx - 1));
            }
            let i = tape.with(|r| r.nodes[2]);
            assert_eq!((i.op, i.dl, i.dr, i.lhs, i.rhs), (Op::Input, b.val, c(0.0), 0, 0));
            // Indices in the high half of the word.
            let big = u32::MAX - 1;
            let p = tape.with(|r| {
                r.push(super::Node {
                    dl: c(0.5),
                    dr: c(-0.25),
                    lhs: 3,
                    rhs: 2,
                    op: Op::Tern(Tern::SubMul),
                })
            });
            tape.with(|r| r.nodes[p as usize].lhs = big);
            let n = tape.with(|r| r.nodes[p as usize]);
            assert_eq!(
                (n.op, n.lhs, n.rhs, n.dl, n.dr),
                (Op::Tern(Tern::SubMul), big, 2, c(0.5), c(-0.25))
            );
        }
        check::<f64>();
        check::<f32>();
    }

    /// `Tape::gradient` (inputs only, `sweep_below`) gives the inputs'
    /// adjoints of a full sweep (`Tape::adjoints`), bit for bit, including
    /// where the NaN-safe sweep has to run and where the function makes
    /// another variable on the tape while recording.
    #[test]
    fn gradient_sweep_matches_full_sweep() {
        type Case = for<'t> fn(&[super::Var<'t, f64>]) -> super::Var<'t, f64>;
        let cases: [Case; 6] = [
            |v| v.windows(2).map(|w| (w[1] - w[0] * w[0]) * 3.0 + w[0].sin()).sum(),
            // A node whose operands are both the node just before it
            // (`d·d` right after `d`), with another term into `d`'s slot
            // first: the sweeps must add its two terms in the same order.
            |v| {
                (1..400).fold(v[2], |s, i| {
                    let d = v[0] * (0.01 * i as f64) - v[1] * s;
                    let e = d * d;
                    (s + e * v[2] + d * (0.3 + 0.001 * i as f64)).sin()
                })
            },
            |v| (v[0] * 0.0).sqrt() + v[1] * v[2],
            |v| v[2],
            |v| {
                let t = v[0].tape().unwrap();
                let z = t.var(0.5);
                v[0] * z + v[1].exp() * v[2]
            },
            // Nodes the output does not depend on, between live ones.
            |v| {
                let a = v[0].sin() * v[1];
                let _dead = (a * v[2]).exp() + v[0] / 0.0;
                a * v[2] + v[1]
            },
        ];
        let x = [0.7, -1.3, 2.1];
        for (k, f) in cases.iter().enumerate() {
            let mut tape = Tape::new();
            assert_gradient_is_full_sweeps(&mut tape, *f, &x, k);
        }
    }

    /// `Tape::gradient` of `f` at `x` on `tape` equals, bit for bit, the
    /// value and the adjoints of the full sweep on a new tape.
    fn assert_gradient_is_full_sweeps(
        tape: &mut Tape<f64>,
        f: for<'t> fn(&[super::Var<'t, f64>]) -> super::Var<'t, f64>,
        x: &[f64; 3],
        k: usize,
    ) {
        let mut g = [0.0; 3];
        let fx = tape.gradient(f, x, &mut g);
        let t2 = Tape::new();
        let xs = t2.vars(x);
        let y = f(&xs);
        let adj = t2.adjoints(y);
        assert_eq!(fx.to_bits(), y.val.to_bits(), "case {k}");
        for i in 0..3 {
            assert_eq!(g[i].to_bits(), adj.wrt(xs[i]).to_bits(), "case {k} input {i}");
        }
    }

    /// A recording marks its tape as selecting exactly when it records a
    /// rule of `Op::selects` (or `clamp`, or a user block), `clear` forgets
    /// the mark, and the gradient is the full sweep's bit for bit both
    /// with the mark (zero adjoints skipped) and without it (every node
    /// swept, dead ones included, a dead infinite partial sending the
    /// sweep to its NaN-safe pass).
    #[test]
    fn selecting_rules_mark_the_tape_and_both_sweeps_agree() {
        use num_traits::Float;
        type Case = for<'t> fn(&[super::Var<'t, f64>]) -> super::Var<'t, f64>;
        let cases: [(bool, Case); 12] = [
            (true, |v| v[0].max(v[1]).sin() * v[2]),
            (true, |v| (v[0] * v[2]).min(v[1].exp()) + v[1]),
            (true, |v| v[0].clamp(v[1], v[2]) * v[0]),
            (true, |v| (v[0] * 3.0).floor() + v[1] * v[2]),
            (true, |v| v[0].abs_sub(v[1]) + v[2].copysign(v[0])),
            (true, |v| v[0].signum() * v[1] + v[2].round() + v[1].ceil() + v[0].trunc()),
            // The losing side's subgraph dead, with an infinite partial.
            (true, |v| (v[0] / 0.0).max(v[1] * v[2]) + v[0].max(v[1])),
            (false, |v| v[0] * v[1] - v[2].exp() + v[0].abs()),
            // Dead nodes through a zero value, not a selection.
            (false, |v| (v[0].sin() * v[1]) * 0.0 + v[2] * v[1]),
            (false, |v| {
                let _dead = (v[0] * v[2]).exp() + v[0] / 0.0;
                v[1] * v[2] % v[0]
            }),
            (false, |v| v[0].mul_add(v[1], v[2]) * v[2].powi(0)),
            (false, |v| v.iter().fold(v[0], |s, &x| s * x + x.cos())),
        ];
        let x = [0.7, -1.3, 2.1];
        let mut tape = Tape::new();
        for (k, (selects, f)) in cases.iter().enumerate() {
            assert_gradient_is_full_sweeps(&mut tape, *f, &x, k);
            assert_eq!(tape.with(|r| r.selects), *selects, "case {k}");
            tape.clear();
            assert!(!tape.with(|r| r.selects), "case {k}: clear keeps the mark");
        }
        // A user block marks the tape too.
        let mut g = [0.0; 3];
        tape.gradient(|v| super::Var::block(&[v[0]], 0.5f64.sin(), &[0.0]) * v[1], &x, &mut g);
        assert!(tape.with(|r| r.selects));
    }

    /// One tape reused across calls keeps its adjoint buffer clean between
    /// them (no clearing): each call's gradient equals a fresh tape's bit
    /// for bit, in any order of calls, across larger and smaller
    /// recordings, an output that is an input or a constant, the NaN-safe
    /// sweep, and a `gradient_sum` on the same tape.
    #[test]
    fn reused_tape_matches_fresh_tapes_bit_for_bit() {
        type Case = for<'t> fn(&[super::Var<'t, f64>]) -> super::Var<'t, f64>;
        let cases: [Case; 8] = [
            |v| v.windows(2).map(|w| (w[1] - w[0] * w[0]) * 3.0 + w[0].sin()).sum(),
            |v| {
                v.windows(2).fold(v[0], |s, w| {
                    let d = w[0] - w[1] * 0.7;
                    s * 0.9 + d * d * s + d
                })
            },
            |v| (v[0] * 0.0).sqrt() + v[1] * v[2],
            |v| v[1],
            |_| super::Var::constant(2.5),
            |v| v[0] * v[1] - v[2].exp(),
            |v| {
                let a = v[0].sin() * v[1];
                let _dead = (a * v[2]).exp() + v[0] / 0.0;
                a * v[2] + v[1] * a
            },
            |v| v.iter().fold(v[0], |s, &x| s * x + x.cos() - s.tanh()),
        ];
        let mut tape = Tape::new();
        let mut state = 7u64;
        for round in 0..60 {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let k = (state >> 33) as usize % cases.len();
            let n = 3 + (state >> 40) as usize % 9;
            let x: alloc::vec::Vec<f64> = (0..n).map(|i| 0.3 + 0.1 * (i + round) as f64).collect();
            let f = cases[k];
            if round % 7 == 3 {
                let mut g = alloc::vec![0.0; n];
                tape.gradient_sum(|i, v| v[i % n] * v[(i + 1) % n], 2, &x, &mut g);
            }
            let mut g = alloc::vec![0.0; n];
            let fx = tape.gradient(f, &x, &mut g);
            let fresh = Tape::new();
            let xs = fresh.vars(&x);
            let y = f(&xs);
            let adj = fresh.adjoints(y);
            assert_eq!(fx.to_bits(), y.val.to_bits(), "round {round} case {k}");
            for i in 0..n {
                let want = adj.wrt(xs[i]);
                assert_eq!(g[i].to_bits(), want.to_bits(), "round {round} case {k} input {i}");
            }
        }
    }
}
