//! The compiled form of a recording: the operations a replay runs, sorted
//! into batches of one rule each.
//!
//! This file provides [`Program`]: built once from a [`Record`]
//! ([`Program::build`]), then swept forward (values and the partials worth
//! storing, [`Program::forward`]), backward (adjoints,
//! [`Program::backward`]) and forward with tangents ([`Program::tangent`]);
//! the loops of those sweeps, one per batch, are in `sweep.rs`.
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
//! - **A product used once is fused into its sum.** `a + b·c` and
//!   `a − b·c` (a product whose only use is that sum or difference) run as
//!   one node on three operands, computing exactly what the two nodes did
//!   (two roundings, no FMA): half the nodes of a dot product.
//! - **Only non-trivial partials are stored.** `+`, `−`, `·`, the fused
//!   `a ± b·c`, `max`, `min` and negation store none: the backward sweep
//!   takes their partials from the operands' values, by the same rule.
//!   Other rules store one partial per varying operand, in execution order.
//! - **The previous value stays in a register.** In a batch of `+`, `−`,
//!   `·`, `max`, `min` or `a ± b·c` where every node uses the one just
//!   before it (an accumulation), the forward sweep carries that value and
//!   the backward sweep that adjoint in a register instead of a store and
//!   a reload.
//! - **Runs and broadcasts stream.** A batch of `+ − ·` whose operands are
//!   runs of consecutive slots, or one run and one slot the same for every
//!   node (`xᵢ − m`), runs over slices.
//! - **No dummy slots.** The backward loop of each batch adds only into
//!   the operands that vary.
//!
//! Values are bit-for-bit a fresh recording's (the same rules on the same
//! operands, in an order consistent with the data flow). Adjoints are the
//! same products of the same partials, but each adjoint sums its terms in
//! the batches' order instead of the tape's; see [`Program::backward`].

use alloc::vec::Vec;

use num_traits::Float;

use super::op::{Op, Tern};
use super::sweep::{backward_batch, forward_batch, tangent_batch};
use super::tape::{Check, Node, Record, Test};

/// `len` nodes of one rule at consecutive slots from `start`.
#[derive(Clone, Copy, Debug)]
pub(super) struct Batch {
    pub(super) op: Op,
    /// Bit `i` set: operand `i` varies (others are constants).
    pub(super) var: u8,
    /// For `+ − ·`, `max` and `min` only: 1 (2) when every node but the
    /// first has the slot just before it as its first (second) operand; 0
    /// otherwise. For the
    /// fused `a ± b·c`, 1 when that operand is `a`.
    pub(super) prev: u8,
    /// With `prev`: every node but the last is used by the next one only,
    /// so its adjoint is exactly the carried term (no load, no add).
    pub(super) lone: bool,
    /// For `+ − ·` without `prev`: every operand is a run of consecutive
    /// slots (before the batch if it varies, among the constants if not),
    /// so the loops run over slices (and vectorize).
    pub(super) stream: bool,
    /// With `stream`: 1 (2) when the first (second) operand is one slot,
    /// the same for every node (a broadcast, as `xᵢ − m`), the other a
    /// run; 0 when both are runs.
    pub(super) bcast: u8,
    /// For the fused `a ± b·c`: some node's `b` and `c` are one slot (a
    /// square, `x·x`), so the backward loop tests for it.
    pub(super) square: bool,
    pub(super) start: u32,
    pub(super) len: u32,
    /// Where the batch's operand slots start in `args` (`arity` per node).
    pub(super) args: u32,
    /// Where its stored partials start in `parts` (`stored` per node).
    pub(super) parts: u32,
}

#[cfg(test)]
mod reference;

/// The number of operands of a code.
pub(super) fn arity(op: Op) -> usize {
    match op {
        Op::Tern(_) => 3,
        op if op.is_binary() => 2,
        _ => 1,
    }
}

/// True for the codes whose partials the backward sweep recomputes from
/// the operands' values (they cost less than storing and loading them:
/// `max` and `min` compare two values they load anyway, against two stored
/// partials per node).
fn cheap(op: Op) -> bool {
    matches!(
        op,
        Op::Add
            | Op::Sub
            | Op::Mul
            | Op::Max
            | Op::Min
            | Op::Neg
            | Op::Tern(Tern::AddMul | Tern::SubMul)
    )
}

/// Compile's per-node flags, above the varying-operand bits (`VARYING`)
/// of its `var` byte.
mod flag {
    /// The bits of the varying operands.
    pub(super) const VARYING: u8 = 0b111;
    /// A node to run (needed, not an input, a block, a link or a product
    /// fused into its use).
    pub(super) const RUN: u8 = 1 << 3;
    /// A fused node's product was the sum's first operand (`b·c + a`).
    pub(super) const MUL_LEFT: u8 = 1 << 4;
    /// A product with exactly one use (by a needed node).
    pub(super) const SINGLE: u8 = 1 << 5;
    /// A sum or difference that absorbed its operand's product: it runs as
    /// [`Tern::AddMul`] or [`Tern::SubMul`] on `(a, b, c)`.
    pub(super) const FUSED: u8 = 1 << 7;
}

/// The number of partials stored per node.
pub(super) fn stored(op: Op, var: u8) -> usize {
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

impl<T: Float> Program<T> {
    /// Compiles `rec` for the outputs `(node, value)` (node 0: a constant
    /// output of that value). `rec.checks` must hold only the checks that
    /// can have shaped the outputs.
    ///
    /// Three passes over the tape and one over the schedule, no general
    /// sort (the tape is already in a topological order):
    ///
    /// 1. backward, marking what the outputs and checks depend on;
    /// 2. forward, giving each needed node its level (one more than its
    ///    varying operands' highest) and counting the nodes of each level;
    /// 3. a counting sort of the needed nodes by level (each level in node
    ///    order), each level's nodes then grouped by rule (see
    ///    [`group_level`]);
    /// 4. forward over that schedule, giving slots and writing operands,
    ///    batches and use counts.
    ///
    /// One `u32` per node serves as the mark, then the level (plus one),
    /// then the slot.
    pub(crate) fn build(rec: &Record<T>, outputs: &[(u32, T)]) -> Self {
        let nodes = &rec.nodes;
        let total = nodes.len();
        let mut mark = alloc::vec![0u32; total];
        mark_needed(rec, outputs, &mut mark);
        let mut lv = Levels {
            var: alloc::vec![0u8; total],
            inputs: Vec::with_capacity(rec.inputs as usize),
            ..Levels::default()
        };
        lv.run(nodes, &mut mark);
        let block = lv.block;
        let order = schedule(nodes, &mark, &mut lv);
        // 4. Slots, operands and batches, in schedule order. The marks of
        // needed blocks become slot 0, as a constant's (a program with a
        // block is never replayed: `block` refuses it).
        if block.is_some() {
            for (m, n) in mark.iter_mut().zip(nodes) {
                if matches!(n.op, Op::Block | Op::BlockLink) {
                    *m = 0;
                }
            }
        }
        let slot = &mut mark;
        let inputs = lv.inputs.len();
        for (i, &k) in lv.inputs.iter().enumerate() {
            slot[k as usize] = i as u32;
        }
        let first_const = inputs + order.len();
        let mut vals =
            Vec::with_capacity(first_const + lv.nconst + 2 * rec.checks.len() + outputs.len());
        vals.resize(first_const + lv.nconst, T::zero());
        let mut e = Emit {
            vals,
            args: alloc::vec![0; lv.nargs],
            batches: Vec::new(),
            nparts: 0,
            // Uses of each slot as a varying operand or an output, for `lone`.
            uses: alloc::vec![0u32; first_const],
        };
        e.run(nodes, &lv.var, &order, inputs, slot);
        let Emit { mut vals, args, mut batches, nparts, mut uses } = e;
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
        for &(k, _) in outputs {
            if k != 0 {
                uses[slot[k as usize] as usize] += 1;
            }
        }
        for b in &mut batches {
            let (s, n) = (b.start as usize, b.len as usize);
            b.lone = b.prev != 0 && uses[s..s + n - 1].iter().all(|&u| u == 1);
            if matches!(b.op, Op::Tern(Tern::AddMul | Tern::SubMul)) {
                let (triples, _) = args[b.args as usize..][..3 * n].as_chunks::<3>();
                b.square = triples.iter().any(|e| e[1] == e[2]);
            }
        }
        let batches = split_streams(batches, &args);
        let checks = rec
            .checks
            .iter()
            .map(|c| Check {
                a: slot_of(&mut vals, slot, (c.a, c.ca)),
                b: slot_of(&mut vals, slot, (c.b, c.cb)),
                ..*c
            })
            .collect();
        let outputs = outputs.iter().map(|&o| slot_of(&mut vals, slot, o)).collect();
        // What the unchecked accesses of the sweeps rely on.
        // (The largest by a fold, not a short-circuit `all`: it vectorizes.)
        let top = args.iter().fold(0, |m, &a| m.max(a));
        assert!(args.is_empty() || (top as usize) < vals.len(), "Program: operand out of range");
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

/// Compile pass 1, backward: marks (`mark != 0`) what the outputs and
/// checks depend on. Every node's operands are its `lhs` and `rhs` (0 for none or a
/// constant); a ternary node's `lhs` is its link, whose operands are marked
/// in turn when the loop reaches it.
///
/// The mark counts uses by needed nodes (an output or a check counts two),
/// saturating, so that pass 2 knows which products have a single use.
#[inline(never)]
fn mark_needed<T>(rec: &Record<T>, outputs: &[(u32, T)], mark: &mut [u32]) {
    let nodes = &rec.nodes[..mark.len()];
    let bump = |m: &mut u32, by: u32| *m = m.saturating_add(by);
    for &(k, _) in outputs {
        bump(&mut mark[k as usize], 2);
    }
    for c in &rec.checks {
        bump(&mut mark[c.a as usize], 2);
        bump(&mut mark[c.b as usize], 2);
    }
    for k in (1..nodes.len()).rev() {
        if mark[k] != 0 {
            let n = &nodes[k];
            bump(&mut mark[n.lhs as usize], 1);
            bump(&mut mark[n.rhs as usize], 1);
        }
    }
}

/// What compile pass 2 finds.
#[derive(Default)]
struct Levels {
    /// How many nodes each level runs (index: level).
    count: Vec<u32>,
    /// The input nodes, in node order.
    inputs: Vec<u32>,
    /// Per node: its varying operands (bit `j`: operand `j`) and the
    /// [`flag`]s; the nodes to run have [`flag::RUN`].
    var: Vec<u8>,
    /// The first user-defined block the outputs depend on.
    block: Option<usize>,
    /// Operand slots and constant operands of the nodes to run.
    nargs: usize,
    nconst: usize,
}

impl Levels {
    /// Compile pass 2, forward: each needed node's level (one more than
    /// its varying operands' highest) as `mark = level + 1` (inputs and
    /// blocks: level 0), and the counts.
    ///
    /// A product `m = b·c` whose only use is as an operand of a sum or as
    /// the subtrahend of a difference is fused into it: the sum becomes one
    /// node `a + b·c` (`a − b·c`) on the three operands, at the level those
    /// give, and the product is not run (no [`flag::RUN`], taken out of its level's
    /// count). The fused node computes exactly what the two did (two
    /// roundings, the same rules), in one pass over one slot instead of
    /// two: half the memory for the commonest pattern of numerical code.
    /// A sum whose product is its first operand is run as `a + b·c` too
    /// (addition commutes, bit for bit).
    #[inline(never)]
    fn run<T>(&mut self, nodes: &[Node<T>], mark: &mut [u32]) {
        let nodes = &nodes[..mark.len()];
        // The counters and lists as locals, written back at the end: as
        // fields they were stored and reloaded at every node, and the
        // 16-byte reload of the two counters after two 8-byte stores
        // cannot be forwarded (a stall at every fused node).
        let var = &mut self.var[..nodes.len()];
        let (mut nargs, mut nconst) = (self.nargs, self.nconst);
        // Sized for the deepest possible program (a level per node), so
        // that counting a node is one increment; cut to the levels used at
        // the end.
        let mut count = core::mem::take(&mut self.count);
        count.clear();
        count.resize(nodes.len() + 1, 0);
        let mut top = 0;
        let mut inputs = core::mem::take(&mut self.inputs);
        let mut block = None;
        // A constant operand (node 0) has mark 0.
        mark[0] = 0;
        for k in 1..nodes.len() {
            let n = &nodes[k];
            match n.op {
                Op::Input => {
                    inputs.push(k as u32);
                    mark[k] = 1;
                }
                // Level 0 for a block (the mark held its use count).
                Op::Block | Op::BlockLink => {
                    if mark[k] != 0 && block.is_none() {
                        block = Some(k);
                    }
                    mark[k] = mark[k].min(1);
                }
                Op::Sink | Op::Link => mark[k] = mark[k].min(1),
                op if mark[k] != 0 => {
                    let uses = mark[k];
                    // Its operands: a ternary rule's link's two and its own
                    // third, or `lhs` (and `rhs`).
                    let (a, b, c, ar) = match op {
                        Op::Tern(_) => {
                            let l = &nodes[k - 1];
                            (l.lhs, l.rhs, n.rhs, 3)
                        }
                        op if op.is_binary() => (n.lhs, n.rhs, 0, 2),
                        _ => (n.lhs, 0, 0, 1),
                    };
                    let single = |i: u32| var[i as usize] & flag::SINGLE != 0;
                    // The product to fuse into a sum or difference, if any.
                    let m = match op {
                        Op::Add if single(b) => b,
                        Op::Add if single(a) => a,
                        Op::Sub if single(b) => b,
                        _ => 0,
                    };
                    if m != 0 {
                        let other = if m == b { a } else { b };
                        let p = &nodes[m as usize];
                        let (pb, pc) = (p.lhs, p.rhs);
                        let lm = mark[m as usize] - 1;
                        count[lm as usize] -= 1;
                        var[m as usize] &= !flag::RUN;
                        let lv = mark[other as usize].max(lm);
                        let v = u8::from(other != 0)
                            | (u8::from(pb != 0) << 1)
                            | (u8::from(pc != 0) << 2);
                        let left = if m == a { flag::MUL_LEFT } else { 0 };
                        // The product's operands and constants are counted;
                        // the sum adds its other operand.
                        nconst += usize::from(other == 0);
                        nargs += 1;
                        mark[k] = lv + 1;
                        var[k] = v | flag::FUSED | flag::RUN | left;
                        count[lv as usize] += 1;
                        top = top.max(lv);
                        continue;
                    }
                    let lv = mark[a as usize].max(mark[b as usize]).max(mark[c as usize]);
                    let v = u8::from(a != 0) | (u8::from(b != 0) << 1) | (u8::from(c != 0) << 2);
                    nconst += ar - v.count_ones() as usize;
                    nargs += ar;
                    mark[k] = lv + 1;
                    let single = if op == Op::Mul && uses == 1 { flag::SINGLE } else { 0 };
                    var[k] = v | flag::RUN | single;
                    count[lv as usize] += 1;
                    top = top.max(lv);
                }
                _ => {}
            }
        }
        (self.nargs, self.nconst) = (nargs, nconst);
        // No node to run: no level.
        count.truncate(if count[0] == 0 && top == 0 { 0 } else { top as usize + 1 });
        (self.count, self.inputs, self.block) = (count, inputs, block);
    }
}

/// Compile pass 3: the schedule, the needed nodes by level, each level in
/// node order (a stable counting sort), then grouped by rule.
#[inline(never)]
fn schedule<T>(nodes: &[Node<T>], mark: &[u32], lv: &mut Levels) -> Vec<u32> {
    let count = &mut lv.count;
    let levels = count.len();
    let mut at = Vec::with_capacity(levels + 1);
    let mut sum = 0u32;
    for c in count.iter_mut() {
        at.push(sum);
        sum += *c;
        // From here on, where the level's next node goes.
        *c = sum - *c;
    }
    at.push(sum);
    let mut order = alloc::vec![0u32; sum as usize];
    // The nodes to run, in node order (a product fused into its use is
    // not run).
    for (k, (&v, &m)) in lv.var.iter().zip(mark).enumerate() {
        if v & flag::RUN != 0 {
            let next = &mut count[m as usize - 1];
            order[*next as usize] = k as u32;
            *next += 1;
        }
    }
    // The previous level's last node: its rule is looked up only for a
    // level of several nodes (a level of one, as in a long accumulation,
    // needs no grouping).
    let mut last: Option<u32> = None;
    let mut scratch = Vec::new();
    for l in 0..levels {
        let level = &mut order[at[l] as usize..at[l + 1] as usize];
        // A level can be empty (its products were all fused).
        if level.len() > 1 {
            let rule = last.map(|k| rule_of(nodes, &lv.var, k));
            group_level(nodes, &lv.var, level, rule, &mut scratch);
        }
        last = level.last().copied().or(last);
    }
    order
}

/// Compile pass 4's output.
struct Emit<T> {
    /// The inputs', nodes' and constants' slots, sized for all of them.
    vals: Vec<T>,
    /// Every operand slot, sized for all of them.
    args: Vec<u32>,
    batches: Vec<Batch>,
    nparts: usize,
    uses: Vec<u32>,
}

/// Where pass 4 writes next, and the batch it is extending (`len` 0:
/// none).
struct Cursor {
    /// The next operand in `args`.
    arg: usize,
    /// The next constant, counted from the first constant slot.
    konst: usize,
    batch: Batch,
}

/// How a rule's nodes chain to the node just before them (see
/// [`Batch::prev`]).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Chain {
    /// Never (the rule carries nothing in a register).
    No,
    /// Through the first or the second operand (`+ − ·`, `max`, `min`).
    Either,
    /// Through the first operand only (the fused `a ± b·c`).
    First,
}

impl<T: Float> Emit<T> {
    /// Compile pass 4, over the schedule: slots, operands (a constant's
    /// value to the next constant slot), batches and use counts.
    ///
    /// The schedule is walked one run of nodes of one code at a time (a
    /// level's group, or a chain of one-node levels), with the rule's
    /// arity and operand layout fixed for the run: no dispatch on the code
    /// per node.
    #[inline(never)]
    fn run(
        &mut self,
        nodes: &[Node<T>],
        var: &[u8],
        order: &[u32],
        inputs: usize,
        slot: &mut [u32],
    ) {
        let first_const = inputs + order.len();
        let mut cur = Cursor {
            arg: 0,
            konst: 0,
            batch: Batch {
                op: Op::Sink,
                var: 0,
                prev: 0,
                lone: false,
                stream: false,
                bcast: 0,
                square: false,
                start: 0,
                len: 0,
                args: 0,
                parts: 0,
            },
        };
        let mut pos = 0;
        while let Some(&k0) = order.get(pos) {
            let rule = rule_of(nodes, var, k0);
            // A run continues the batch before it only with the same rule.
            if cur.batch.len != 0 && (cur.batch.op, cur.batch.var) != rule {
                self.batches.push(cur.batch);
                cur.batch.len = 0;
            }
            let (rest, at) = (&order[pos..], inputs + pos);
            let e = Run { cur: &mut cur, rule, rest, at, first_const, slot };
            pos += match rule.0 {
                Op::Tern(Tern::AddMul | Tern::SubMul) => {
                    e.emit::<T, 3>(self, nodes, var, Chain::First, |k, n| {
                        // `a ± b·c`: the sum's other operand, then the
                        // product's.
                        let ((a, ca), m) = if var[k] & flag::MUL_LEFT != 0 {
                            ((n.rhs, n.dr), n.lhs)
                        } else {
                            ((n.lhs, n.dl), n.rhs)
                        };
                        let p = &nodes[m as usize];
                        [(a, ca), (p.lhs, p.dl), (p.rhs, p.dr)]
                    })
                }
                Op::Tern(_) => e.emit::<T, 3>(self, nodes, var, Chain::No, |k, n| {
                    let l = &nodes[k - 1];
                    [(l.lhs, l.dl), (l.rhs, l.dr), (n.rhs, n.dr)]
                }),
                op if op.is_binary() => {
                    let chain = if matches!(op, Op::Add | Op::Sub | Op::Mul | Op::Max | Op::Min) {
                        Chain::Either
                    } else {
                        Chain::No
                    };
                    e.emit::<T, 2>(self, nodes, var, chain, |_, n| [(n.lhs, n.dl), (n.rhs, n.dr)])
                }
                _ => e.emit::<T, 1>(self, nodes, var, Chain::No, |_, n| [(n.lhs, n.dl)]),
            };
        }
        if cur.batch.len != 0 {
            self.batches.push(cur.batch);
        }
        debug_assert_eq!(cur.arg, self.args.len());
        debug_assert_eq!(first_const + cur.konst, self.vals.len());
    }
}

/// One run of pass 4: the schedule from `rest` on (the first node at slot
/// `at`), as long as the nodes have the code and flags of the first.
struct Run<'a, 'c> {
    cur: &'c mut Cursor,
    rule: (Op, u8),
    rest: &'a [u32],
    at: usize,
    first_const: usize,
    slot: &'a mut [u32],
}

impl Run<'_, '_> {
    /// Emits the run, nodes of arity `AR` whose operands (node, value if
    /// constant) `operands` gives; returns how many nodes it took. A run
    /// ends at the first node of another recorded code or other fusion
    /// and varying-operand bits (then of another rule, or of the same rule
    /// reached another way, which the next run continues).
    #[inline(always)]
    fn emit<T: Float, const AR: usize>(
        self,
        e: &mut Emit<T>,
        nodes: &[Node<T>],
        var: &[u8],
        chain: Chain,
        operands: impl Fn(usize, &Node<T>) -> [(u32, T); AR],
    ) -> usize {
        let Run { cur, rule: (op, v), rest, at, first_const, slot } = self;
        let Emit { vals, args, batches, nparts, uses } = e;
        let (consts, args, uses) = (&mut vals[first_const..], &mut args[..], &mut uses[..]);
        let per = stored(op, v);
        let (mut arg, mut konst, mut b, mut np) = (cur.arg, cur.konst, cur.batch, *nparts);
        let k0 = rest[0] as usize;
        let (code, mask) = (nodes[k0].op, flag::VARYING | flag::FUSED);
        let flags = var[k0] & mask;
        let mut taken = 0;
        for &k in rest {
            let k = k as usize;
            let n = &nodes[k];
            if n.op != code || var[k] & mask != flags {
                break;
            }
            let s = (at + taken) as u32;
            taken += 1;
            let first = arg;
            let dst: &mut [u32; AR] = (&mut args[first..first + AR]).try_into().unwrap();
            for (d, (i, c)) in dst.iter_mut().zip(operands(k, n)) {
                *d = if i != 0 {
                    let a = slot[i as usize];
                    uses[a as usize] += 1;
                    a
                } else {
                    consts[konst] = c;
                    konst += 1;
                    (first_const + konst - 1) as u32
                };
            }
            arg += AR;
            slot[k] = s;
            let p = match chain {
                Chain::Either if v & 1 != 0 && dst[0] + 1 == s => 1,
                Chain::Either if v & 2 != 0 && dst[AR - 1] + 1 == s => 2,
                Chain::First if v & 1 != 0 && dst[0] + 1 == s => 1,
                _ => 0,
            };
            if b.len != 0 && (b.len == 1 || b.prev == p) {
                b.prev = p;
                b.len += 1;
            } else {
                if b.len != 0 {
                    batches.push(b);
                }
                b = Batch {
                    op,
                    var: v,
                    prev: 0,
                    lone: false,
                    stream: false,
                    bcast: 0,
                    square: false,
                    start: s,
                    len: 1,
                    args: first as u32,
                    parts: np as u32,
                };
            }
            np += per;
        }
        (cur.arg, cur.konst, cur.batch, *nparts) = (arg, konst, b, np);
        taken
    }
}

impl<T: Float> Program<T> {
    /// Writes every buffer the sweeps use (values, stored partials,
    /// adjoints), so that the memory is mapped by the compilation and not
    /// by the first replay. The allocator hands out large zeroed buffers
    /// as untouched pages, and the first write to each page faults: for a
    /// program of millions of nodes that made the first replay 2–3.5× the
    /// later ones (lse, n = 1.28 M). The adjoint buffer is left all zero,
    /// as a finished sweep leaves it. The values need nothing: `build`
    /// wrote every slot (the nodes' with zeros, by `resize`).
    pub(crate) fn warm(&mut self) {
        // Opaque to the optimiser, so the fill of memory it knows is zero
        // (fresh from `calloc`) is not dropped.
        let parts = core::hint::black_box(&mut self.parts[..]);
        parts.fill(T::zero());
        core::hint::black_box(&mut self.work).clear();
        self.work.resize(self.nodes_end, T::zero());
        self.clean = true;
    }
}

/// Replaying a sum of terms `Σᵢ f(p ++ vᵢ)` (`Compiled::gradient_sum`):
/// the first `fixed` inputs `p` are the same in every term, the others vary.
///
/// The batches that depend on the fixed inputs alone (the *fixed part*,
/// closed downward: every varying operand a fixed input or a node of a
/// fixed batch) run forward once, before the terms; each term runs the
/// other batches forward and backward, which leaves its contributions in
/// the adjoints of the fixed part's nodes and of the fixed inputs; after
/// the last term the fixed part runs backward once. By linearity of the
/// backward sweep this is the sum of the terms' gradients, and the work per
/// term is that of the batches the varying inputs reach, not of every
/// input.
impl<T: Float> Program<T> {
    /// Which batches form the fixed part for the first `fixed` inputs.
    pub(crate) fn fixed_part(&self, fixed: usize) -> Vec<bool> {
        let mut is_fixed = alloc::vec![false; self.nodes_end];
        is_fixed[..fixed.min(self.inputs)].fill(true);
        let mut part = Vec::with_capacity(self.batches.len());
        for b in &self.batches {
            let ar = arity(b.op);
            let args = &self.args[b.args as usize..][..b.len as usize * ar];
            let only_fixed = args.chunks_exact(ar).all(|e| {
                e.iter().enumerate().all(|(j, &a)| b.var & (1 << j) == 0 || is_fixed[a as usize])
            });
            if only_fixed {
                is_fixed[b.start as usize..][..b.len as usize].fill(true);
            }
            part.push(only_fixed);
        }
        part
    }

    /// The input slots, for the caller to write.
    pub(crate) fn inputs_mut(&mut self) -> &mut [T] {
        &mut self.vals[..self.inputs]
    }

    /// The forward sweep of the batches whose `part` entry is `which`,
    /// at the values the input slots hold.
    pub(crate) fn forward_part(&mut self, part: &[bool], which: bool) {
        for (b, &p) in self.batches.iter().zip(part) {
            if p == which {
                assert!((b.start + b.len) as usize <= self.nodes_end);
                forward_batch(b, &mut self.vals, &self.args, &mut self.parts);
            }
        }
    }

    /// Starts a sum's backward sweeps: the adjoint buffer all zero and
    /// marked in use (not clean) until [`end_sum`](Self::end_sum).
    pub(crate) fn begin_sum(&mut self) {
        let len = self.nodes_end;
        if !self.clean || self.work.len() != len {
            self.work.clear();
            self.work.resize(len, T::zero());
        }
        self.clean = false;
    }

    /// One term's backward sweep after its forward one: seeds the first
    /// output with `w`, runs the batches outside the fixed part in reverse
    /// (their adjoints are consumed and zeroed), and zeroes the adjoints of
    /// the varying inputs `fixed..inputs`; the fixed part's and the fixed
    /// inputs' adjoints keep accumulating.
    pub(crate) fn backward_term<const SAFE: bool>(&mut self, part: &[bool], fixed: usize, w: T) {
        if let Some(a) = self.work.get_mut(self.outputs[0] as usize) {
            *a = *a + w;
        }
        for (b, &p) in self.batches.iter().zip(part).rev() {
            if !p {
                backward_batch::<T, SAFE>(b, &self.vals, &self.args, &self.parts, &mut self.work);
            }
        }
        self.work[fixed..self.inputs].fill(T::zero());
    }

    /// Ends a sum: the fixed part's backward sweep, then the fixed inputs'
    /// adjoints, which are copied to `grad` (of length `fixed`) and zeroed.
    /// Returns whether one is NaN (then nothing is copied, the buffer is
    /// zeroed for a NaN-safe pass).
    pub(crate) fn end_sum<const SAFE: bool>(&mut self, part: &[bool], grad: &mut [T]) -> bool {
        for (b, &p) in self.batches.iter().zip(part).rev() {
            if p {
                backward_batch::<T, SAFE>(b, &self.vals, &self.args, &self.parts, &mut self.work);
            }
        }
        let n = grad.len();
        if !SAFE && self.work[..n].iter().fold(false, |nan, a| nan | a.is_nan()) {
            self.work[..n].fill(T::zero());
            return true;
        }
        grad.copy_from_slice(&self.work[..n]);
        self.work[..n].fill(T::zero());
        self.clean = true;
        false
    }
}

/// Marks the batches of `+ − ·` and `a ± b·c` (without `prev`) whose
/// operands are runs of consecutive slots (the varying ones before the
/// batch) as `stream`; a batch that is not one such run but splits into a
/// few long ones (a merge of two levels, say) is split. A batch of `+ − ·`
/// with one operand the same slot throughout and the other a run streams
/// with that operand broadcast.
fn split_streams(batches: Vec<Batch>, args: &[u32]) -> Vec<Batch> {
    const MIN_RUN: usize = 16;
    let mut out = Vec::with_capacity(batches.len());
    // The runs `[from, to)` of elements of one batch.
    let mut runs = Vec::new();
    for b in batches {
        let fused = matches!(b.op, Op::Tern(Tern::AddMul | Tern::SubMul));
        if !(matches!(b.op, Op::Add | Op::Sub | Op::Mul) || fused) || b.prev != 0 {
            out.push(b);
            continue;
        }
        let (n, ar) = (b.len as usize, arity(b.op));
        let elems = &args[b.args as usize..][..ar * n];
        let varies = |j: usize| b.var & (1 << j) != 0;
        // The common case first, one operand column at a time: the whole
        // batch is one run (each operand the next slot, a varying one
        // ending before the batch), as the element loop below would find.
        let one_run = (0..ar).all(|j| {
            let f = elems[j] as usize;
            (!varies(j) || f + n <= b.start as usize)
                && elems.iter().skip(j).step_by(ar).zip(f..).all(|(&e, want)| e as usize == want)
        });
        if one_run {
            out.push(Batch { stream: true, ..b });
            continue;
        }
        runs.clear();
        // The current run starts at element `from` (slot `start`), its
        // operands at slots `f[j]`; element `i` continues it if its
        // operands are the next slots, and a varying one stays before the
        // run's first node.
        let (mut from, mut start) = (0, b.start as usize);
        let mut f = [0usize; 3];
        for (fj, &e) in f.iter_mut().zip(elems) {
            *fj = e as usize;
        }
        for (i, e) in elems.chunks_exact(ar).enumerate().skip(1) {
            let continues = (0..ar).all(|j| {
                let ej = f[j] + (i - from);
                e[j] as usize == ej && (!varies(j) || ej < start)
            });
            if !continues {
                runs.push((from, i));
                (from, start) = (i, b.start as usize + i);
                for (fj, &e) in f.iter_mut().zip(e) {
                    *fj = e as usize;
                }
            }
        }
        runs.push((from, n));
        let whole = runs.len() == 1;
        if !whole && runs.iter().any(|&(a, b)| b - a < MIN_RUN) {
            let bcast = if n >= MIN_RUN && !fused { broadcast(&b, elems) } else { 0 };
            out.push(Batch { stream: bcast != 0, bcast, ..b });
            continue;
        }
        for &(from, to) in &runs {
            let k = from as u32;
            out.push(Batch {
                start: b.start + k,
                len: (to - from) as u32,
                args: b.args + ar as u32 * k,
                stream: true,
                ..b
            });
        }
    }
    out
}

/// Whether a batch of `+ − ·` (its operand pairs `pairs`) has one operand
/// the same slot throughout and the other a run of consecutive slots
/// (before the batch if it varies): 1 (2) for a broadcast first (second)
/// operand, 0 otherwise.
fn broadcast(b: &Batch, pairs: &[u32]) -> u8 {
    let n = b.len as usize;
    for (j, k) in [(1, 0), (0, 1)] {
        let (one, first) = (pairs[j], pairs[k]);
        let varies = |i: usize| b.var & (1 << i) != 0;
        let same = pairs.chunks_exact(2).all(|e| e[j] == one);
        let run = pairs.chunks_exact(2).enumerate().all(|(i, e)| e[k] == first + i as u32);
        let before =
            (!varies(j) || one < b.start) && (!varies(k) || first as usize + n <= b.start as usize);
        if same && run && before {
            return j as u8 + 1;
        }
    }
    0
}

/// Orders one level's nodes (given in node order) by rule and varying
/// operands, as `(Op, var)` orders them, ties in node order; the group of
/// `last` (the previous level's last rule and varying operands) goes
/// first, so that its batch continues.
///
/// One pass classes the nodes by recorded code and flags (comparing them
/// with the few classes seen so far: no rule is looked up per node); a
/// level of one class (most levels of a long accumulation) is left in
/// node order. With at most eight classes, the classes' rules are ranked
/// once and a stable counting sort by rank reorders the level; with more,
/// the level is sorted by packed keys ([`Op::rank`] `<< 8 | var`).
#[inline(never)]
fn group_level<T>(
    nodes: &[Node<T>],
    var: &[u8],
    level: &mut [u32],
    last: Option<(Op, u8)>,
    scratch: &mut Vec<(u64, u32)>,
) {
    const MASK: u8 = flag::VARYING | flag::FUSED;
    let pack = |(op, v): (Op, u8)| (op.rank() << 8) | u64::from(v);
    let mut classes = [(Op::Sink, 0u8); 8];
    let mut n = 0;
    scratch.clear();
    scratch.reserve(level.len());
    for &k in level.iter() {
        let key = (nodes[k as usize].op, var[k as usize] & MASK);
        let c = match classes[..n].iter().position(|&c| c == key) {
            Some(c) => c,
            None if n < classes.len() => {
                classes[n] = key;
                n += 1;
                n - 1
            }
            None => {
                // More than eight classes: sort by packed keys.
                scratch.clear();
                scratch.extend(level.iter().map(|&k| (pack(rule_of(nodes, var, k)), k)));
                scratch.sort_unstable();
                if let Some(g) = last.map(pack) {
                    // The group of `g` is contiguous: rotate it to the
                    // front, keeping the others in order.
                    if let Some(a) = scratch.iter().position(|e| e.0 == g) {
                        let b = a + scratch[a..].iter().take_while(|e| e.0 == g).count();
                        scratch[..b].rotate_right(b - a);
                    }
                }
                for (o, &(_, k)) in level.iter_mut().zip(scratch.iter()) {
                    *o = k;
                }
                return;
            }
        };
        scratch.push((c as u64, k));
    }
    if n == 1 {
        return;
    }
    // Each class's rule key; the distinct keys in order, the group of
    // `last` moved to the front; each class's rank among them.
    let mut keys = [0u64; 8];
    for (key, &(op, v)) in keys.iter_mut().zip(&classes[..n]) {
        let op = match op {
            _ if v & flag::FUSED == 0 => op,
            Op::Add => Op::Tern(Tern::AddMul),
            _ => Op::Tern(Tern::SubMul),
        };
        *key = pack((op, v & flag::VARYING));
    }
    let mut sorted = keys;
    let sorted = &mut sorted[..n];
    sorted.sort_unstable();
    if let Some(p) = last.map(pack).and_then(|g| sorted.iter().position(|&k| k == g)) {
        sorted[..=p].rotate_right(1);
    }
    let mut rank = [0usize; 8];
    for (r, key) in rank.iter_mut().zip(&keys[..n]) {
        *r = sorted.iter().position(|k| k == key).unwrap_or(0);
    }
    // A stable counting sort by rank, straight into the level.
    let mut at = [0u32; 9];
    for &(c, _) in scratch.iter() {
        at[rank[c as usize] + 1] += 1;
    }
    for g in 0..n {
        at[g + 1] += at[g];
    }
    for &(c, k) in scratch.iter() {
        let at = &mut at[rank[c as usize]];
        level[*at as usize] = k;
        *at += 1;
    }
}

/// A node's rule and varying operands (a fused sum's or difference's:
/// [`Tern::AddMul`] or [`Tern::SubMul`]).
#[inline(always)]
fn rule_of<T>(nodes: &[Node<T>], var: &[u8], k: u32) -> (Op, u8) {
    let (op, v) = (nodes[k as usize].op, var[k as usize]);
    let op = match op {
        _ if v & flag::FUSED == 0 => op,
        Op::Add => Op::Tern(Tern::AddMul),
        _ => Op::Tern(Tern::SubMul),
    };
    (op, v & flag::VARYING)
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

    /// A function with many rules in one level (more than eight), checks,
    /// ternary rules, a user-defined block's inputs and an input made in
    /// the middle of the recording.
    fn wide<'t>(v: &[Var<'t, f64>]) -> Var<'t, f64> {
        let t = v[0].tape().unwrap();
        let mut s = Var::constant(0.0);
        for w in v.windows(2) {
            let (a, b) = (w[0], w[1]);
            let terms = [
                a.sin(),
                a.exp(),
                a * b,
                a + b,
                a - 2.0,
                3.0 / b,
                a.powi(3),
                a.powf(b),
                b.hypot(a),
                a.max(b),
                b.min(0.25),
                a.mul_add(b, 1.5),
                a.clamp(b, b + 1.0),
                -a,
                a.atan2(b),
            ];
            for (i, x) in terms.into_iter().enumerate() {
                s = if i % 3 == 0 { s + x } else { x * s + a };
            }
            if a > b {
                s *= 0.5;
            }
        }
        let z = t.var(0.75);
        s * z + z.ln()
    }

    /// The new compile builds the same program as the previous one
    /// (`reference`), field for field, for one or several outputs, with
    /// constant outputs, checks, and nodes the outputs do not need.
    #[test]
    fn build_equals_the_reference_build() {
        type F<'a> = &'a dyn for<'t> Fn(&[Var<'t, f64>]) -> Var<'t, f64>;
        let fs: [F; 6] = [
            &|v| tf::rosenbrock(v),
            &|v| tf::sin_exp_sum(v),
            &|v| tf::log_sum_exp(v),
            &|v| mixed(v),
            &|v| wide(v),
            &|v| {
                let _dead = v[0].exp() * v[1];
                v[1] * v[2] - v[0]
            },
        ];
        let mut state = 0x1234_5678_9abc_def1u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0
        };
        for (i, f) in fs.iter().enumerate() {
            for n in [3, 5, 12, 40] {
                let x: Vec<f64> = (0..n).map(|_| next()).collect();
                let tape = Tape::new();
                let xs = tape.vars(&x);
                let y = f(&xs);
                let z = xs[n - 1] * y + xs[0].sin();
                let rec = tape.snapshot();
                let cases: [&[(u32, f64)]; 4] = [
                    &[(y.idx, y.val)],
                    &[(z.idx, z.val), (y.idx, y.val)],
                    &[(0, 2.5), (z.idx, z.val)],
                    &[(xs[1].idx, x[1])],
                ];
                for (c, outs) in cases.iter().enumerate() {
                    let new = format!("{:?}", Program::build(&rec, outs));
                    let old = format!("{:?}", reference::build(&rec, outs));
                    assert_eq!(new, old, "function {i}, n = {n}, outputs {c}");
                }
            }
        }
    }

    /// As `build_equals_the_reference_build`, for recordings with
    /// user-defined blocks (never replayed, but compiled).
    #[test]
    fn build_equals_the_reference_build_with_blocks() {
        struct Three;
        impl crate::block::Block<f64, 3> for Three {
            fn eval(&self, x: [f64; 3]) -> (f64, [f64; 3]) {
                (x[0] * x[1] + x[2], [x[1], x[0], 1.0])
            }
        }
        let tape = Tape::new();
        let xs = tape.vars(&[0.5, -1.5, 2.0]);
        let b = crate::block::apply(&Three, [xs[0], xs[1], xs[2]]);
        let c = crate::block::apply(&Three, [xs[0], Var::constant(2.0), b]);
        let y = c.sin() * xs[2] + b;
        let rec = tape.snapshot();
        for outs in [&[(y.idx, y.val)][..], &[(b.idx, b.val)], &[(c.idx, c.val), (y.idx, y.val)]] {
            let new = format!("{:?}", Program::build(&rec, outs));
            let old = format!("{:?}", reference::build(&rec, outs));
            assert_eq!(new, old);
        }
    }

    /// Which products fuse: one used once by a sum (either operand) or as a
    /// difference's subtrahend does; one used twice, as an output, as a
    /// minuend, or by another rule does not.
    #[test]
    fn fusion_takes_single_use_products_only() {
        type F<'a> = &'a dyn for<'t> Fn(&[Var<'t, f64>]) -> Var<'t, f64>;
        let (am, sm) = (Op::Tern(Tern::AddMul), Op::Tern(Tern::SubMul));
        let cases: [(F, &[Op]); 7] = [
            (&|v| v[0] + v[1] * v[2], &[am]),
            (&|v| v[1] * v[2] + v[0], &[am]),
            (&|v| v[0] - v[1] * v[2], &[sm]),
            (&|v| v[1] * v[2] - v[0], &[Op::Mul, Op::Sub]),
            (&|v| v[1] * v[2] / v[0], &[Op::Mul, Op::Div]),
            (
                &|v| {
                    let p = v[1] * v[2];
                    (v[0] + p) * p
                },
                &[Op::Mul, Op::Add, Op::Mul],
            ),
            // The product of the next sum is fused, not this one's.
            (&|v| v[0] * v[1] + v[1] * v[2], &[Op::Mul, am]),
        ];
        for (i, (f, want)) in cases.iter().enumerate() {
            let tape = Tape::new();
            let xs = tape.vars(&[0.5, -1.5, 2.0]);
            let y = f(&xs);
            let p = Program::build(&tape.snapshot(), &[(y.idx, y.val)]);
            let ops: Vec<Op> = p.batches.iter().map(|b| b.op).collect();
            assert_eq!(ops, *want, "case {i}");
        }
        // An output product is not fused into its use.
        let tape = Tape::new();
        let xs = tape.vars(&[0.5, -1.5, 2.0]);
        let p = xs[1] * xs[2];
        let y = xs[0] + p;
        let prog = Program::build(&tape.snapshot(), &[(y.idx, y.val), (p.idx, p.val)]);
        let ops: Vec<Op> = prog.batches.iter().map(|b| b.op).collect();
        assert_eq!(ops, [Op::Mul, Op::Add]);
    }

    /// Which batches run with a broadcast operand: `xᵢ − m` (second),
    /// `m·xᵢ` (first), `xᵢ + xₕ` (second, inside its run; `h = n/2`), `cᵢ·xₕ`
    /// (second, the run constants); none below 16 nodes.
    #[test]
    fn broadcast_batches_are_found() {
        type F<'a> = &'a dyn for<'t> Fn(&[Var<'t, f64>]) -> Var<'t, f64>;
        fn sum(v: Vec<Var<'_, f64>>) -> Var<'_, f64> {
            v.into_iter().fold(Var::constant(0.0), |s, t| s + t.sin())
        }
        let cases: [(F, (Op, u8, u8)); 4] = [
            (&|v| tf::log_sum_exp(v), (Op::Sub, 3, 2)),
            (
                &|v| {
                    let e = v[0].exp();
                    sum(v.iter().map(|&x| e * x).collect())
                },
                (Op::Mul, 3, 1),
            ),
            (&|v| sum(v.iter().map(|&x| x + v[v.len() / 2]).collect()), (Op::Add, 3, 2)),
            (
                &|v| sum((0..v.len()).map(|i| (i as f64 + 0.5) * v[v.len() / 2]).collect()),
                (Op::Mul, 2, 2),
            ),
        ];
        for (i, (f, (op, var, bcast))) in cases.iter().enumerate() {
            for n in [12, 40] {
                let tape = Tape::new();
                let xs = tape.vars(&vec![0.5; n]);
                let y = f(&xs);
                let p = Program::build(&tape.snapshot(), &[(y.idx, y.val)]);
                let found = p.batches.iter().filter(|b| b.bcast != 0).count();
                assert_eq!(found, usize::from(n >= 16), "case {i}, n = {n}");
                if let Some(b) = p.batches.iter().find(|b| b.bcast != 0) {
                    assert!(b.stream && b.len as usize == n, "case {i}");
                    assert_eq!((b.op, b.var, b.bcast), (*op, *var, *bcast), "case {i}");
                }
            }
        }
    }

    /// Rosenbrock's `xᵢ₊₁ − xᵢ·xᵢ` is one fused batch whose operands are
    /// runs: it streams; its chain `s + 100·a·a` carries instead.
    #[test]
    fn fused_runs_stream() {
        let tape = Tape::new();
        let xs = tape.vars(&[0.5; 40]);
        let y = tf::rosenbrock(&xs);
        let p = Program::build(&tape.snapshot(), &[(y.idx, y.val)]);
        let sm = Op::Tern(Tern::SubMul);
        let b = p.batches.iter().find(|b| b.op == sm).unwrap();
        assert!(b.stream && b.len == 39 && b.var == 7 && b.bcast == 0);
        let am = Op::Tern(Tern::AddMul);
        assert!(p.batches.iter().any(|b| b.op == am && b.prev == 1 && !b.stream));
        // The chain holds squares (`b·b`), the difference's batch too
        // (`xᵢ·xᵢ`); a dot product's chain none.
        assert!(p.batches.iter().any(|b| b.op == am && b.prev == 1 && b.len > 70 && b.square));
        assert!(p.batches.iter().any(|b| b.op == sm && b.square));
        let tape = Tape::new();
        let xs = tape.vars(&[0.5; 40]);
        let y = xs.windows(2).fold(Var::constant(0.0), |s, w| s + w[0] * w[1]);
        let p = Program::build(&tape.snapshot(), &[(y.idx, y.val)]);
        assert!(p.batches.iter().any(|b| b.op == am && b.prev == 1 && !b.square));
    }

    /// Carried fused chains of every length from 1 to 12 (the backward
    /// loop takes two nodes an iteration, then the odd one), with and
    /// without squares: replayed gradients equal a fresh recording's bit
    /// for bit (each slot gets its terms from one node, as on the tape).
    #[test]
    fn fused_chains_of_odd_and_even_length_replay_exactly() {
        type F<'a> = &'a dyn for<'t> Fn(&[Var<'t, f64>]) -> Var<'t, f64>;
        let fs: [F; 2] = [&|v| v.windows(2).fold(v[0] * 0.5, |s, w| s + w[0] * w[1]), &|v| {
            v.windows(2).fold(v[0] * 0.5, |s, w| s + w[0] * w[1] + w[0] * w[0])
        }];
        for (i, f) in fs.iter().enumerate() {
            for n in 2..=13 {
                let x: Vec<f64> = (0..n).map(|j| 0.3 + 0.17 * j as f64).collect();
                let tape = Tape::new();
                let xs = tape.vars(&x);
                let y = f(&xs);
                let p = Program::build(&tape.snapshot(), &[(y.idx, y.val)]);
                let am = Op::Tern(Tern::AddMul);
                let chain = p.batches.iter().any(|b| b.op == am && b.prev == 1 && b.lone);
                assert!(chain || n < 4, "f#{i}, n = {n}: no carried chain");
                let mut c = crate::reverse::compile(f, &x);
                let mut g = alloc::vec![0.0; n];
                c.gradient(&x, &mut g).unwrap();
                let (_, want) = gradient(f, &x);
                for (j, (a, b)) in g.iter().zip(&want).enumerate() {
                    assert_eq!(a.to_bits(), b.to_bits(), "f#{i}, n = {n}, x{j}: {a} vs {b}");
                }
            }
        }
    }

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
