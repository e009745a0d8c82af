//! The compiled form of a recording: the operations a replay runs, sorted
//! into batches of one rule each, with the sweeps over them.
//!
//! This file provides [`Program`]: built once from a [`Record`]
//! ([`Program::build`]), then swept forward (values and the partials worth
//! storing, [`Program::forward`]), backward (adjoints,
//! [`Program::backward`]) and forward with tangents ([`Program::tangent`]).
//!
//! How it is laid out, and why:
//!
//! - **Only what the outputs need.** Nodes neither an output nor a
//!   recorded check depends on are dropped, and a ternary rule's two tape
//!   nodes become one step.
//! - **Batches by level and rule.** Each node's level is one more than its
//!   varying operands' highest; nodes are ordered by level, and within a
//!   level grouped by rule (and by which operands vary), so one loop runs a
//!   whole batch with the rule inlined: one dispatch per batch, not per
//!   node. A level's first group continues the previous level's last rule
//!   where it can, and consecutive batches of one rule merge, so a sum
//!   accumulated in a loop becomes one batch however long it is.
//! - **Execution order is memory order.** Value slots are the inputs, then
//!   the nodes in the order they run, then the constants; a batch writes
//!   consecutive slots, so stores stream.
//! - **Only non-trivial partials are stored.** `+`, `−`, `·` and negation
//!   store none: the backward sweep takes a product's partials from its
//!   operands' values, by the same rule. Other rules store one partial per
//!   varying operand, in execution order.
//! - **The previous value stays in a register.** In a batch of `+`, `−` or
//!   `·` where every node uses the one just before it (an accumulation),
//!   the forward sweep carries that value and the backward sweep that
//!   adjoint in a register instead of a store and a reload.
//! - **No dummy slots.** The backward loop of each batch adds only into
//!   the operands that vary.
//!
//! Values are bit-for-bit a fresh recording's (the same rules on the same
//! operands, in an order consistent with the data flow). Adjoints are the
//! same products of the same partials, but each adjoint sums its terms in
//! the batches' order instead of the tape's; see [`Program::backward`].

use alloc::vec::Vec;

use num_traits::Float;

use super::op::{BinaryRule, Op, UnaryRule};
use super::tape::{Check, Node, Record, Test};
use crate::rules;

/// `len` nodes of one rule at consecutive slots from `start`.
#[derive(Clone, Copy, Debug)]
struct Batch {
    op: Op,
    /// Bit `i` set: operand `i` varies (others are constants).
    var: u8,
    /// For `+ − ·` only: 1 (2) when every node but the first has the slot
    /// just before it as its first (second) operand; 0 otherwise.
    prev: u8,
    /// With `prev`: every node but the last is used by the next one only,
    /// so its adjoint is exactly the carried term (no load, no add).
    lone: bool,
    /// For `+ − ·` without `prev`: every operand is a run of consecutive
    /// slots (before the batch if it varies, among the constants if not),
    /// so the loops run over slices (and vectorize).
    stream: bool,
    start: u32,
    len: u32,
    /// Where the batch's operand slots start in `args` (`arity` per node).
    args: u32,
    /// Where its stored partials start in `parts` (`stored` per node).
    parts: u32,
}

/// The number of operands of a code.
fn arity(op: Op) -> usize {
    match op {
        Op::Tern(_) => 3,
        op if op.is_binary() => 2,
        _ => 1,
    }
}

/// True for the codes whose partials the backward sweep recomputes from
/// the operands' values (they cost less than storing and loading them).
fn cheap(op: Op) -> bool {
    matches!(op, Op::Add | Op::Sub | Op::Mul | Op::Neg)
}

/// The number of partials stored per node.
fn stored(op: Op, var: u8) -> usize {
    match op {
        op if cheap(op) => 0,
        Op::Tern(_) => 3,
        op if op.is_binary() => var.count_ones() as usize,
        _ => 1,
    }
}

/// A compiled recording.
#[derive(Clone, Debug)]
pub(crate) struct Program<T> {
    /// Values: the inputs, the nodes in execution order, the constants.
    pub(crate) vals: Vec<T>,
    args: Vec<u32>,
    parts: Vec<T>,
    batches: Vec<Batch>,
    /// The checks, with operands as value slots.
    checks: Vec<Check<T>>,
    /// The output slots.
    pub(crate) outputs: Vec<u32>,
    pub(crate) inputs: usize,
    /// The first user-defined block an output depends on (not replayable).
    pub(crate) block: Option<usize>,
    /// The number of nodes recorded (inputs included).
    pub(crate) recorded: usize,
    /// Adjoints, indexed as `vals` (the inputs and nodes: the constants
    /// have none). All zero between sweeps while `clean`: each batch zeroes
    /// its own adjoints as it consumes them, and the inputs' are zeroed as
    /// they are handed out, so no sweep starts by clearing the buffer.
    work: Vec<T>,
    clean: bool,
    /// Tangents, indexed as `work`.
    pub(crate) tan: Vec<T>,
    /// The first constant's slot.
    nodes_end: usize,
}

/// The operands of node `k` as `(node, value if constant)` pairs.
fn operands<T: Float>(nodes: &[Node<T>], k: usize) -> ([(u32, T); 3], usize) {
    let n = nodes[k];
    let z = (0, T::zero());
    match n.op {
        Op::Tern(_) => {
            let l = nodes[k - 1];
            ([(l.lhs, l.dl), (l.rhs, l.dr), (n.rhs, n.dr)], 3)
        }
        op if op.is_binary() => ([(n.lhs, n.dl), (n.rhs, n.dr), z], 2),
        _ => ([(n.lhs, n.dl), z, z], 1),
    }
}

impl<T: Float> Program<T> {
    /// Compiles `rec` for the outputs `(node, value)` (node 0: a constant
    /// output of that value). `rec.checks` must hold only the checks that
    /// can have shaped the outputs.
    pub(crate) fn build(rec: &Record<T>, outputs: &[(u32, T)]) -> Self {
        let nodes = &rec.nodes;
        let total = nodes.len();
        // What the outputs and checks depend on.
        let mut needed = alloc::vec![false; total];
        for &(k, _) in outputs {
            needed[k as usize] = true;
        }
        for c in &rec.checks {
            (needed[c.a as usize], needed[c.b as usize]) = (true, true);
        }
        let mut block = None;
        for k in (1..total).rev() {
            if !needed[k] {
                continue;
            }
            match nodes[k].op {
                Op::Input => {}
                Op::Block | Op::BlockLink => {
                    block = Some(k);
                    (needed[nodes[k].lhs as usize], needed[nodes[k].rhs as usize]) = (true, true);
                }
                _ => {
                    let (ops, ar) = operands(nodes, k);
                    for &(i, _) in &ops[..ar] {
                        needed[i as usize] = true;
                    }
                }
            }
        }
        // Levels, and the nodes to run keyed by (level, rule, varying operands).
        let mut level = alloc::vec![0u32; total];
        let mut order: Vec<(u32, Op, u8, u32)> = Vec::new();
        let mut input_nodes = Vec::new();
        for k in 1..total {
            match nodes[k].op {
                Op::Input => input_nodes.push(k),
                Op::Sink | Op::Link | Op::Block | Op::BlockLink => {}
                op if needed[k] => {
                    let (ops, ar) = operands(nodes, k);
                    let (mut lv, mut var) = (0, 0u8);
                    for (j, &(i, _)) in ops[..ar].iter().enumerate() {
                        if i != 0 {
                            lv = lv.max(level[i as usize] + 1);
                            var |= 1 << j;
                        }
                    }
                    level[k] = lv;
                    order.push((lv, op, var, k as u32));
                }
                _ => {}
            }
        }
        order.sort_unstable();
        continue_rules(&mut order);

        let inputs = input_nodes.len();
        let first_const = inputs + order.len();
        let mut vals = alloc::vec![T::zero(); first_const];
        let mut slot = alloc::vec![0u32; total];
        for (i, &k) in input_nodes.iter().enumerate() {
            slot[k] = i as u32;
        }
        // Constants are pooled in the order they are used (not merged by
        // value: for a nested `T` such as a dual number, equal values can
        // carry different tangents), so a batch's constant operands form a
        // run of consecutive slots.
        let slot_of = |vals: &mut Vec<T>, slot: &[u32], (i, c): (u32, T)| {
            if i != 0 {
                slot[i as usize]
            } else {
                vals.push(c);
                (vals.len() - 1) as u32
            }
        };
        let (mut args, mut batches, mut nparts) = (Vec::new(), Vec::<Batch>::new(), 0usize);
        for (pos, &(_, op, var, k)) in order.iter().enumerate() {
            let s = (inputs + pos) as u32;
            slot[k as usize] = s;
            let (ops, ar) = operands(nodes, k as usize);
            let first = args.len();
            for &o in &ops[..ar] {
                let a = slot_of(&mut vals, &slot, o);
                args.push(a);
            }
            let p = match op {
                Op::Add | Op::Sub | Op::Mul if var & 1 != 0 && args[first] + 1 == s => 1,
                Op::Add | Op::Sub | Op::Mul if var & 2 != 0 && args[first + 1] + 1 == s => 2,
                _ => 0,
            };
            match batches.last_mut() {
                Some(b) if b.op == op && b.var == var && (b.len == 1 || b.prev == p) => {
                    b.prev = p;
                    b.len += 1;
                }
                _ => batches.push(Batch {
                    op,
                    var,
                    prev: 0,
                    lone: false,
                    stream: false,
                    start: s,
                    len: 1,
                    args: first as u32,
                    parts: nparts as u32,
                }),
            }
            nparts += stored(op, var);
        }
        // Uses of each slot as a varying operand or an output, for `lone`.
        let mut uses = alloc::vec![0u32; first_const];
        for b in &batches {
            let ar = arity(b.op);
            for e in args[b.args as usize..][..b.len as usize * ar].chunks_exact(ar) {
                for (j, &a) in e.iter().enumerate() {
                    if b.var & (1 << j) != 0 {
                        uses[a as usize] += 1;
                    }
                }
            }
        }
        for &(k, _) in outputs {
            if k != 0 {
                uses[slot[k as usize] as usize] += 1;
            }
        }
        for b in &mut batches {
            let (s, n) = (b.start as usize, b.len as usize);
            b.lone = b.prev != 0 && uses[s..s + n - 1].iter().all(|&u| u == 1);
        }
        let batches = split_streams(batches, &args);
        let checks = rec
            .checks
            .iter()
            .map(|c| Check {
                a: slot_of(&mut vals, &slot, (c.a, c.ca)),
                b: slot_of(&mut vals, &slot, (c.b, c.cb)),
                ..*c
            })
            .collect();
        let outputs = outputs.iter().map(|&o| slot_of(&mut vals, &slot, o)).collect();
        // What the unchecked accesses of the sweeps rely on.
        assert!(args.iter().all(|&a| (a as usize) < vals.len()), "Program: operand out of range");
        assert!(u32::try_from(vals.len()).is_ok(), "Program: more than u32::MAX slots");
        let work = Vec::with_capacity(first_const);
        Program {
            vals,
            args,
            parts: alloc::vec![T::zero(); nparts],
            batches,
            checks,
            outputs,
            inputs,
            block,
            recorded: total - 1,
            work,
            clean: false,
            tan: Vec::new(),
            nodes_end: first_const,
        }
    }

    /// The forward sweep at `x` (of length `inputs`): every value, and the
    /// partials the backward sweep reads.
    pub(crate) fn forward(&mut self, x: &[T]) {
        self.vals[..self.inputs].copy_from_slice(x);
        for b in &self.batches {
            assert!((b.start + b.len) as usize <= self.nodes_end);
            forward_batch(b, &mut self.vals, &self.args, &mut self.parts);
        }
    }

    /// The number of recorded checks.
    pub(crate) fn checks(&self) -> usize {
        self.checks.len()
    }

    /// The first recorded check that fails at the current values, as
    /// `(index, check, outcome now)`.
    pub(crate) fn failed_check(&self) -> Option<(usize, &Check<T>, u8)> {
        self.checks.iter().enumerate().find_map(|(i, c)| {
            let now = c.test.eval(self.vals[c.a as usize], self.vals[c.b as usize]);
            (now != c.outcome).then_some((i, c, now))
        })
    }

    /// The backward sweep after [`forward`](Self::forward), seeded with
    /// `w[i]` on output `i`; writes the inputs' adjoints to `grad`.
    ///
    /// NaN-safe as the tape's sweep: the plain sweep runs first, and only
    /// if an input's adjoint came out NaN is it redone skipping zero
    /// adjoints and zero factors (a NaN term makes its operands' adjoints
    /// NaN, and so on down to an input, so testing the inputs decides as
    /// testing every node would).
    ///
    /// Each adjoint is the sum of the same terms as in the tape's sweep, but
    /// summed in the batches' order rather than in reverse recording order,
    /// which can change the last bits. Floating-point summation in any
    /// order of the same products gives, for each input, a result within
    /// `γ_K·Σ|path products|` of the exact one, `K` being at most three
    /// times the number of nodes; so a replay and a fresh recording differ
    /// by at most twice that (tested in this module).
    pub(crate) fn backward(&mut self, w: &[T], grad: &mut [T]) {
        let (len, n) = (self.nodes_end, self.inputs);
        if !self.clean || self.work.len() != len {
            self.work.clear();
            self.work.resize(len, T::zero());
        }
        // Until the sweep has finished (a panic in `T`'s arithmetic leaves
        // the buffer dirty, and the next sweep clears it).
        self.clean = false;
        let seed = |work: &mut [T], outputs: &[u32]| {
            for (&o, &wi) in outputs.iter().zip(w) {
                // A constant output has no adjoint slot.
                if let Some(a) = work.get_mut(o as usize) {
                    *a = *a + wi;
                }
            }
        };
        // The adjoint buffer covers every varying operand (`args` below
        // `nodes_end` where the batch's `var` says it varies).
        seed(&mut self.work, &self.outputs);
        for b in self.batches.iter().rev() {
            backward_batch::<T, false>(b, &self.vals, &self.args, &self.parts, &mut self.work);
        }
        // Every node's adjoint has been consumed and zeroed: only the
        // inputs' remain.
        if self.work[..n].iter().fold(false, |nan, a| nan | a.is_nan()) {
            self.work[..n].fill(T::zero());
            seed(&mut self.work, &self.outputs);
            for b in self.batches.iter().rev() {
                backward_batch::<T, true>(b, &self.vals, &self.args, &self.parts, &mut self.work);
            }
        }
        grad.copy_from_slice(&self.work[..n]);
        self.work[..n].fill(T::zero());
        self.clean = true;
    }

    /// The tangent sweep after [`forward`](Self::forward): with tangent
    /// `v` on the inputs, leaves `J·v` at the output slots of `work`. A
    /// zero tangent stays zero through an infinite partial, as in forward
    /// mode.
    pub(crate) fn tangent(&mut self, v: &[T]) {
        // Every slot is written before it is read: no clearing.
        let work = &mut self.tan;
        work.resize(self.nodes_end, T::zero());
        work[..self.inputs].copy_from_slice(v);
        for b in &self.batches {
            tangent_batch(b, &self.vals, &self.args, &self.parts, work);
        }
    }
}

/// Marks the batches of `+ − ·` (without `prev`) whose operands are runs
/// of consecutive slots (the varying ones before the batch) as `stream`; a
/// batch that is not one such run but splits into a few long ones (a merge
/// of two levels, say) is split.
fn split_streams(batches: Vec<Batch>, args: &[u32]) -> Vec<Batch> {
    const MIN_RUN: usize = 16;
    let mut out = Vec::with_capacity(batches.len());
    for b in batches {
        if !matches!(b.op, Op::Add | Op::Sub | Op::Mul) || b.prev != 0 {
            out.push(b);
            continue;
        }
        let arg = |i: usize, j: usize| args[b.args as usize + 2 * i + j] as usize;
        // The runs `[from, to)` of elements.
        let mut runs = Vec::new();
        let mut from = 0;
        let n = b.len as usize;
        for i in 1..=n {
            let continues = i < n
                && (0..2).all(|j| {
                    let varies = b.var & (1 << j) != 0;
                    let first = arg(from, j);
                    let start = b.start as usize + from;
                    arg(i, j) == first + (i - from) && (!varies || first + (i - from) < start)
                });
            if !continues {
                runs.push((from, i));
                from = i;
            }
        }
        let whole = runs.len() == 1;
        if !whole && runs.iter().any(|&(a, b)| b - a < MIN_RUN) {
            out.push(b);
            continue;
        }
        for (from, to) in runs {
            let k = from as u32;
            out.push(Batch {
                start: b.start + k,
                len: (to - from) as u32,
                args: b.args + 2 * k,
                stream: true,
                ..b
            });
        }
    }
    out
}

/// Reorders each level's groups so that the first continues the previous
/// level's last rule where one can: the batches then merge.
fn continue_rules(order: &mut [(u32, Op, u8, u32)]) {
    let mut i = 0;
    let mut last: Option<(Op, u8)> = None;
    while i < order.len() {
        let lv = order[i].0;
        let end = i + order[i..].iter().take_while(|e| e.0 == lv).count();
        let level = &mut order[i..end];
        if let Some(key) = last {
            // The group of `key` is contiguous (the level is sorted): rotate
            // it to the front, keeping the others in order.
            if let Some(a) = level.iter().position(|e| (e.1, e.2) == key) {
                let b = a + level[a..].iter().take_while(|e| (e.1, e.2) == key).count();
                level[..b].rotate_right(b - a);
            }
        }
        last = level.last().map(|e| (e.1, e.2));
        i = end;
    }
}

/// `s[i]`, unchecked.
///
/// # Safety
///
/// `i < s.len()`. The sweeps pass only a batch's own node slots (below
/// `nodes_end`, asserted per batch) and operand slots from `args`, which
/// `build` checked against the slot count; the value buffer holds every
/// slot, and the adjoint and tangent buffers (`nodes_end` long) are indexed
/// only by node slots and varying operands, which are node or input slots.
/// Measured: unchecked loads and stores cut the instructions of a replay
/// (Rosenbrock, n = 1000) by about a third, see the commit that made them.
#[inline(always)]
unsafe fn ld<T: Copy>(s: &[T], i: usize) -> T {
    debug_assert!(i < s.len());
    // SAFETY: the caller's promise.
    unsafe { *s.get_unchecked(i) }
}

/// `s[i] = v`, unchecked.
///
/// # Safety
///
/// As [`ld`].
#[inline(always)]
unsafe fn st<T>(s: &mut [T], i: usize, v: T) {
    debug_assert!(i < s.len());
    // SAFETY: the caller's promise.
    unsafe { *s.get_unchecked_mut(i) = v }
}

/// `s[i] += t`, unchecked.
///
/// # Safety
///
/// As [`ld`].
#[inline(always)]
unsafe fn add_to<T: Float>(s: &mut [T], i: u32, t: T) {
    // SAFETY: the caller's promise.
    unsafe { st(s, i as usize, ld(s, i as usize) + t) }
}

/// The forward loop of a unary rule: value and partial.
struct FwdUnary<'a, T> {
    vals: &'a mut [T],
    args: &'a [u32],
    parts: &'a mut [T],
    start: usize,
}

impl<T: Float> UnaryRule<T> for FwdUnary<'_, T> {
    #[inline(always)]
    fn run<F: Fn(T) -> (T, T)>(self, f: F) {
        let (vals, s) = (self.vals, self.start);
        for (i, (&a, p)) in self.args.iter().zip(self.parts.iter_mut()).enumerate() {
            // SAFETY: operand and node slots of a batch (see `ld`).
            unsafe {
                let (v, d) = f(ld(vals, a as usize));
                st(vals, s + i, v);
                *p = d;
            }
        }
    }
}

/// The forward loop of a binary rule: value and the varying operands'
/// partials.
struct FwdBinary<'a, T> {
    vals: &'a mut [T],
    args: &'a [u32],
    parts: &'a mut [T],
    start: usize,
    var: u8,
}

impl<T: Float> BinaryRule<T> for FwdBinary<'_, T> {
    #[inline(always)]
    fn run<F: Fn(T, T) -> (T, T, T)>(self, f: F) {
        let (vals, s) = (self.vals, self.start);
        let pairs = self.args.chunks_exact(2);
        // SAFETY (each block): operand and node slots of a batch (see `ld`).
        match self.var {
            3 => {
                for (i, (a, p)) in pairs.zip(self.parts.chunks_exact_mut(2)).enumerate() {
                    unsafe {
                        let (v, dx, dy) = f(ld(vals, a[0] as usize), ld(vals, a[1] as usize));
                        st(vals, s + i, v);
                        (p[0], p[1]) = (dx, dy);
                    }
                }
            }
            var => {
                for (i, (a, p)) in pairs.zip(self.parts.iter_mut()).enumerate() {
                    unsafe {
                        let (v, dx, dy) = f(ld(vals, a[0] as usize), ld(vals, a[1] as usize));
                        st(vals, s + i, v);
                        *p = if var == 1 { dx } else { dy };
                    }
                }
            }
        }
    }
}

fn forward_batch<T: Float>(b: &Batch, vals: &mut [T], args: &[u32], parts: &mut [T]) {
    let (s, n, op) = (b.start as usize, b.len as usize, b.op);
    let args = &args[b.args as usize..][..n * arity(op)];
    let parts = &mut parts[b.parts as usize..][..n * stored(op, b.var)];
    match op {
        Op::Add if b.stream => stream_forward(b, vals, args, |x, y| rules::add(x, y).0),
        Op::Sub if b.stream => stream_forward(b, vals, args, |x, y| rules::sub(x, y).0),
        Op::Mul if b.stream => stream_forward(b, vals, args, |x, y| rules::mul(x, y).0),
        Op::Add => cheap_forward(b.prev, vals, args, s, |x, y| rules::add(x, y).0),
        Op::Sub => cheap_forward(b.prev, vals, args, s, |x, y| rules::sub(x, y).0),
        Op::Mul => cheap_forward(b.prev, vals, args, s, |x, y| rules::mul(x, y).0),
        Op::Neg => {
            for (i, &a) in args.iter().enumerate() {
                // SAFETY: operand and node slots of a batch (see `ld`).
                unsafe { st(vals, s + i, -ld(vals, a as usize)) }
            }
        }
        Op::Tern(t) => {
            for (i, (a, p)) in args.chunks_exact(3).zip(parts.chunks_exact_mut(3)).enumerate() {
                let x = (vals[a[0] as usize], vals[a[1] as usize], vals[a[2] as usize]);
                let (v, dx, dy, dz) = t.eval(x.0, x.1, x.2);
                vals[s + i] = v;
                (p[0], p[1], p[2]) = (dx, dy, dz);
            }
        }
        op => {
            if !op.visit_unary(FwdUnary { vals: &mut *vals, args, parts: &mut *parts, start: s }) {
                let run = FwdBinary { vals, args, parts, start: s, var: b.var };
                op.visit_binary(b.var & 2 != 0, run);
            }
        }
    }
}

/// The forward loop of `+ − ·`, carrying the previous value in a register
/// when every node after the first uses it (`prev`).
#[inline(always)]
fn cheap_forward<T: Float>(
    prev: u8,
    vals: &mut [T],
    args: &[u32],
    s: usize,
    f: impl Fn(T, T) -> T,
) {
    let pairs = args.chunks_exact(2);
    // SAFETY (each block): operand and node slots of a batch (see `ld`).
    match prev {
        1 => {
            let mut p = vals[args[0] as usize];
            for (i, a) in pairs.enumerate() {
                unsafe {
                    p = f(p, ld(vals, a[1] as usize));
                    st(vals, s + i, p);
                }
            }
        }
        2 => {
            let mut p = vals[args[1] as usize];
            for (i, a) in pairs.enumerate() {
                unsafe {
                    p = f(ld(vals, a[0] as usize), p);
                    st(vals, s + i, p);
                }
            }
        }
        _ => {
            for (i, a) in pairs.enumerate() {
                unsafe {
                    let v = f(ld(vals, a[0] as usize), ld(vals, a[1] as usize));
                    st(vals, s + i, v);
                }
            }
        }
    }
}

/// The forward loop of a `stream` batch of `+ − ·`: over slices, no
/// gathers, no aliasing between what is read and what is written.
#[inline(always)]
fn stream_forward<T: Float>(b: &Batch, vals: &mut [T], args: &[u32], rule: impl Fn(T, T) -> T) {
    let (s, n) = (b.start as usize, b.len as usize);
    let (a0, a1) = (args[0] as usize, args[1] as usize);
    // Varying operands lie before the batch, constants after the nodes.
    let (src, rest) = vals.split_at_mut(s);
    let (dst, after) = rest.split_at_mut(n);
    let consts = |a: usize| &after[a - s - n..][..n];
    match b.var {
        3 => {
            let (x, y) = (&src[a0..a0 + n], &src[a1..a1 + n]);
            for i in 0..n {
                dst[i] = rule(x[i], y[i]);
            }
        }
        1 => {
            let (x, y) = (&src[a0..a0 + n], consts(a1));
            for i in 0..n {
                dst[i] = rule(x[i], y[i]);
            }
        }
        _ => {
            let (x, y) = (consts(a0), &src[a1..a1 + n]);
            for i in 0..n {
                dst[i] = rule(x[i], y[i]);
            }
        }
    }
}

/// The backward loop of a `stream` batch of `+ − ·`: one pass over the
/// slices per varying operand (each adjoint gets the same terms as in the
/// element-by-element loop, possibly in another order).
#[inline(always)]
fn stream_backward<T: Float>(
    b: &Batch,
    vals: &[T],
    args: &[u32],
    adj: &mut [T],
    rule: impl Fn(T, T) -> (T, T, T),
) {
    let (s, n) = (b.start as usize, b.len as usize);
    let (a0, a1) = (args[0] as usize, args[1] as usize);
    let (lo, hi) = adj.split_at_mut(s);
    let (g, _) = hi.split_at_mut(n);
    stream_terms(b.var, (a0, a1), vals, lo, g, &rule);
    g.fill(T::zero());
}

/// The adjoint terms of a `stream` batch (see [`stream_backward`]).
#[inline(always)]
fn stream_terms<T: Float>(
    var: u8,
    (a0, a1): (usize, usize),
    vals: &[T],
    lo: &mut [T],
    g: &[T],
    rule: &impl Fn(T, T) -> (T, T, T),
) {
    let n = g.len();
    // Both operands' values are runs (a constant's among the constants).
    let (x, y) = (&vals[a0..a0 + n], &vals[a1..a1 + n]);
    if var & 1 != 0 {
        let dst = &mut lo[a0..a0 + n];
        for i in 0..n {
            dst[i] = dst[i] + g[i] * rule(x[i], y[i]).1;
        }
    }
    if var & 2 != 0 {
        let dst = &mut lo[a1..a1 + n];
        for i in 0..n {
            dst[i] = dst[i] + g[i] * rule(x[i], y[i]).2;
        }
    }
}

/// `g·d`; with `SAFE`, 0 where either factor is zero, whatever the other.
#[inline(always)]
fn term<T: Float, const SAFE: bool>(g: T, d: T) -> T {
    if SAFE && (g.is_zero() || d.is_zero()) { T::zero() } else { g * d }
}

fn backward_batch<T: Float, const SAFE: bool>(
    b: &Batch,
    vals: &[T],
    args: &[u32],
    parts: &[T],
    adj: &mut [T],
) {
    let (s, n, op, var) = (b.start as usize, b.len as usize, b.op, b.var);
    assert!(s + n <= adj.len());
    let args = &args[b.args as usize..][..n * arity(op)];
    let parts = &parts[b.parts as usize..][..n * stored(op, var)];
    let skip = |g: T| SAFE && g.is_zero();
    // SAFETY (each block): node slots of the batch (below `adj.len()`,
    // asserted above) and its varying operands (see `ld`).
    match op {
        Op::Add if b.stream && !SAFE => stream_backward(b, vals, args, adj, rules::add),
        Op::Sub if b.stream && !SAFE => stream_backward(b, vals, args, adj, rules::sub),
        Op::Mul if b.stream && !SAFE => stream_backward(b, vals, args, adj, rules::mul),
        Op::Add => cheap_backward::<T, SAFE, false>(b, vals, args, adj, rules::add),
        Op::Sub => cheap_backward::<T, SAFE, false>(b, vals, args, adj, rules::sub),
        Op::Mul => cheap_backward::<T, SAFE, true>(b, vals, args, adj, rules::mul),
        Op::Neg => {
            for (i, &a) in args.iter().enumerate().rev() {
                unsafe {
                    let g = ld(adj, s + i);
                    st(adj, s + i, T::zero());
                    if !skip(g) {
                        add_to(adj, a, term::<T, SAFE>(g, -T::one()));
                    }
                }
            }
        }
        Op::Tern(_) => {
            for (i, (a, p)) in args.chunks_exact(3).zip(parts.chunks_exact(3)).enumerate().rev() {
                let g = adj[s + i];
                adj[s + i] = T::zero();
                if skip(g) {
                    continue;
                }
                for j in 0..3 {
                    if var & (1 << j) != 0 {
                        adj[a[j] as usize] = adj[a[j] as usize] + term::<T, SAFE>(g, p[j]);
                    }
                }
            }
        }
        op if !op.is_binary() => {
            for (i, (&a, &d)) in args.iter().zip(parts).enumerate().rev() {
                unsafe {
                    let g = ld(adj, s + i);
                    st(adj, s + i, T::zero());
                    if !skip(g) {
                        add_to(adj, a, term::<T, SAFE>(g, d));
                    }
                }
            }
        }
        _ if var == 3 => {
            for (i, (a, p)) in args.chunks_exact(2).zip(parts.chunks_exact(2)).enumerate().rev() {
                unsafe {
                    let g = ld(adj, s + i);
                    st(adj, s + i, T::zero());
                    if !skip(g) {
                        add_to(adj, a[0], term::<T, SAFE>(g, p[0]));
                        add_to(adj, a[1], term::<T, SAFE>(g, p[1]));
                    }
                }
            }
        }
        _ => {
            let side = usize::from(var == 2);
            for (i, (a, &d)) in args.chunks_exact(2).zip(parts).enumerate().rev() {
                unsafe {
                    let g = ld(adj, s + i);
                    st(adj, s + i, T::zero());
                    if !skip(g) {
                        add_to(adj, a[side], term::<T, SAFE>(g, d));
                    }
                }
            }
        }
    }
}

/// The backward loop of `+ − ·` (partials from the operands' values by
/// the rule), carrying the adjoint of the previous node in a register when
/// every node after the first uses it.
#[inline(always)]
fn cheap_backward<T: Float, const SAFE: bool, const VALUES: bool>(
    b: &Batch,
    vals: &[T],
    args: &[u32],
    adj: &mut [T],
    rule: impl Fn(T, T) -> (T, T, T),
) {
    let s = b.start as usize;
    let pairs = args.chunks_exact(2).enumerate().rev();
    // Products read their operands' values (`VALUES`); sums and
    // differences do not.
    // SAFETY (here and in each block): operand slots, node slots of the
    // batch (asserted by the caller) and varying operands (see `ld`).
    let value = |i: u32| if VALUES { unsafe { ld(vals, i as usize) } } else { T::zero() };
    match (b.prev, b.var) {
        (0, 3) => {
            for (i, a) in pairs {
                unsafe {
                    let g = ld(adj, s + i);
                    st(adj, s + i, T::zero());
                    if SAFE && g.is_zero() {
                        continue;
                    }
                    let (_, dx, dy) = rule(value(a[0]), value(a[1]));
                    add_to(adj, a[0], term::<T, SAFE>(g, dx));
                    add_to(adj, a[1], term::<T, SAFE>(g, dy));
                }
            }
        }
        (0, var) => {
            let side = usize::from(var == 2);
            for (i, a) in pairs {
                unsafe {
                    let g = ld(adj, s + i);
                    st(adj, s + i, T::zero());
                    if SAFE && g.is_zero() {
                        continue;
                    }
                    let (_, dx, dy) = rule(value(a[0]), value(a[1]));
                    add_to(adj, a[side], term::<T, SAFE>(g, if side == 0 { dx } else { dy }));
                }
            }
        }
        (_, _) if b.lone => carry_backward::<T, SAFE, VALUES, true>(b, vals, args, adj, rule),
        (_, _) => carry_backward::<T, SAFE, VALUES, false>(b, vals, args, adj, rule),
    }
}

/// The backward loop of a batch of `+ − ·` whose nodes each use the one
/// before: the adjoint of the previous node is carried in a register; with
/// `LONE` (no other use of it) it is the carried term itself.
#[inline(always)]
fn carry_backward<T: Float, const SAFE: bool, const VALUES: bool, const LONE: bool>(
    b: &Batch,
    vals: &[T],
    args: &[u32],
    adj: &mut [T],
    rule: impl Fn(T, T) -> (T, T, T),
) {
    let (s, last) = (b.start as usize, b.len as usize - 1);
    // SAFETY (here and in the block): as in `cheap_backward`.
    let value = |i: u32| if VALUES { unsafe { ld(vals, i as usize) } } else { T::zero() };
    // `p` is the operand that is the previous node; `q` the other.
    let (p, q) = if b.prev == 1 { (0, 1) } else { (1, 0) };
    let q_var = b.var & (1 << q) != 0;
    let mut carry = T::zero();
    for (i, a) in args.chunks_exact(2).enumerate().rev() {
        unsafe {
            // A `LONE` node's slot was never added to: it is still zero.
            let g = if LONE && i != last {
                carry
            } else {
                let a = ld(adj, s + i);
                st(adj, s + i, T::zero());
                a + carry
            };
            carry = T::zero();
            if SAFE && g.is_zero() {
                continue;
            }
            let (_, dx, dy) = rule(value(a[0]), value(a[1]));
            let d = [dx, dy];
            carry = term::<T, SAFE>(g, d[p]);
            if q_var {
                add_to(adj, a[q], term::<T, SAFE>(g, d[q]));
            }
        }
    }
    adj[args[p] as usize] = adj[args[p] as usize] + carry;
}

/// `t_k = Σ ∂k/∂operand · t_operand` over a batch; a zero operand tangent
/// contributes zero whatever the partial.
fn tangent_batch<T: Float>(b: &Batch, vals: &[T], args: &[u32], parts: &[T], tan: &mut [T]) {
    let (s, n, op, var) = (b.start as usize, b.len as usize, b.op, b.var);
    let ar = arity(op);
    let args = &args[b.args as usize..][..n * ar];
    let np = stored(op, var);
    let parts = &parts[b.parts as usize..][..n * np];
    let dot = |d: T, t: T| if t.is_zero() { T::zero() } else { d * t };
    for i in 0..n {
        let a = &args[i * ar..][..ar];
        let mut d = [T::zero(); 3];
        match op {
            Op::Add => (_, d[0], d[1]) = rules::add(vals[a[0] as usize], vals[a[1] as usize]),
            Op::Sub => (_, d[0], d[1]) = rules::sub(vals[a[0] as usize], vals[a[1] as usize]),
            Op::Mul => (_, d[0], d[1]) = rules::mul(vals[a[0] as usize], vals[a[1] as usize]),
            Op::Neg => d[0] = -T::one(),
            _ => {
                let mut p = parts[i * np..][..np].iter();
                for (j, dj) in d.iter_mut().enumerate().take(ar) {
                    if np == ar || var & (1 << j) != 0 {
                        *dj = *p.next().unwrap_or(&T::zero());
                    }
                }
            }
        }
        let mut t = T::zero();
        for j in 0..ar {
            if var & (1 << j) != 0 {
                t = t + dot(d[j], tan[a[j] as usize]);
            }
        }
        tan[s + i] = t;
    }
}

/// Whether a check is a recorded read of a value (as opposed to a
/// comparison or predicate).
pub(crate) fn read_of<T>(c: &Check<T>) -> Option<&'static str> {
    match c.test {
        Test::Read(what) => Some(what),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reverse::tape::seed_and_sweep;
    use crate::reverse::{Tape, Var, gradient};
    use crate::test_functions as tf;

    /// `Σ|path products|` from the output to each input: the tape's sweep
    /// over the absolute values of the recorded partials.
    fn abs_gradient(tape: &Tape<f64>, y: Var<'_, f64>) -> Vec<f64> {
        let mut nodes = tape.snapshot().nodes;
        for n in &mut nodes {
            // A constant operand's slot holds its value, an input's its
            // recorded value: not partials.
            n.dl = if n.lhs == 0 { 0.0 } else { n.dl.abs() };
            n.dr = if n.rhs == 0 { 0.0 } else { n.dr.abs() };
        }
        let mut adj = Vec::new();
        seed_and_sweep(&nodes, &mut adj, &[(y.idx, 1.0)]);
        adj.resize(nodes.len(), 0.0);
        (1..nodes.len()).filter(|&k| nodes[k].op == Op::Input).map(|k| adj[k]).collect()
    }

    fn mixed<T: num_traits::Float>(x: &[T]) -> T {
        let c = |v: f64| T::from(v).unwrap();
        let mut s = T::zero();
        for w in x.windows(3) {
            let p = w[0] * w[1] - w[2] / (c(2.0) + w[1] * w[1]);
            s = s + p * p + w[0].sin() * w[2].exp() - (w[1] - w[0]).mul_add(c(0.5), w[2]).tanh();
            s = s * c(0.999) + w[1].hypot(w[2]);
        }
        s * s.ln_1p()
    }

    /// The stated bound: a replay's gradient is within
    /// `2·γ_K·Σ|path products|` of a fresh recording's, `K = 3·nodes`.
    #[test]
    fn replayed_gradients_are_within_the_summation_bound() {
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 11) as f64 / (1u64 << 53) as f64 * 3.0 - 1.5
        };
        type F<'a> = &'a dyn for<'t> Fn(&[Var<'t, f64>]) -> Var<'t, f64>;
        let fs: [F; 4] =
            [&|v| tf::rosenbrock(v), &|v| tf::sin_exp_sum(v), &|v| tf::log_sum_exp(v), &|v| {
                mixed(v)
            }];
        let mut worst = 0.0f64;
        for f in fs {
            for n in [3, 7, 40] {
                let x0: Vec<f64> = (0..n).map(|_| next().abs() + 0.1).collect();
                let mut c = crate::reverse::compile(f, &x0);
                for _ in 0..25 {
                    let x: Vec<f64> = (0..n).map(|_| next().abs() + 0.1).collect();
                    let mut g = alloc::vec![0.0; n];
                    let v = c.gradient(&x, &mut g).unwrap();
                    let (fv, fg) = gradient(f, &x);
                    assert_eq!(v.to_bits(), fv.to_bits());
                    let tape = Tape::new();
                    let xs = tape.vars(&x);
                    let y = f(&xs);
                    let abs = abs_gradient(&tape, y);
                    let k = 3.0 * tape.len() as f64;
                    let gamma = k * f64::EPSILON / 2.0 / (1.0 - k * f64::EPSILON / 2.0);
                    for i in 0..n {
                        let bound = 2.0 * gamma * abs[i];
                        let d = (g[i] - fg[i]).abs();
                        assert!(d <= bound, "f#{n} x{i}: |{} - {}| > {bound}", g[i], fg[i]);
                        if abs[i] > 0.0 {
                            worst = worst.max(d / (f64::EPSILON * abs[i]));
                        }
                    }
                }
            }
        }
        // Not vacuous: the orders differ somewhere.
        assert!(worst > 0.0);
    }
}
