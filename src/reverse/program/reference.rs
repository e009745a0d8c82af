//! The compile of the previous sessions (level sort by tuples, several
//! passes), kept as the test oracle of [`Program::build`](super::Program):
//! the new one must build the same program, field for field.

use alloc::vec::Vec;

use num_traits::Float;

use super::super::op::{Op, Tern};
use super::super::tape::Node;
use super::super::tape::{Check, Record};
use super::{Batch, Program, arity, stored};

/// Compiles `rec` for the outputs `(node, value)` (node 0: a constant
/// output of that value). `rec.checks` must hold only the checks that
/// can have shaped the outputs.
/// The operand nodes of node `k` (0 for a constant), and how many.
#[inline(always)]
fn operand_ids<T>(nodes: &[Node<T>], k: usize) -> ([u32; 3], usize) {
    let n = &nodes[k];
    match n.op {
        Op::Tern(_) => {
            let l = &nodes[k - 1];
            ([l.lhs, l.rhs, n.rhs], 3)
        }
        op if op.is_binary() => ([n.lhs, n.rhs, 0], 2),
        _ => ([n.lhs, 0, 0], 1),
    }
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

/// Which products fuse into their use: for each node, the product `m` it
/// absorbs (a sum with an operand, or a difference with a subtrahend, that
/// is a product used once), `u32::MAX` for a product absorbed, 0 otherwise.
/// Uses are counted over the needed nodes' operands (outputs and checks
/// count two); a sum takes its second operand's product first.
fn fusions<T>(rec: &Record<T>, outputs: &[(u32, T)], needed: &[bool]) -> Vec<u32> {
    let nodes = &rec.nodes;
    let mut uses = alloc::vec![0u32; nodes.len()];
    for &(k, _) in outputs {
        uses[k as usize] += 2;
    }
    for c in &rec.checks {
        uses[c.a as usize] += 2;
        uses[c.b as usize] += 2;
    }
    for k in 1..nodes.len() {
        if !needed[k] {
            continue;
        }
        match nodes[k].op {
            Op::Input | Op::Sink | Op::Link => {}
            Op::Block | Op::BlockLink => {
                uses[nodes[k].lhs as usize] += 1;
                uses[nodes[k].rhs as usize] += 1;
            }
            _ => {
                let (ops, ar) = operand_ids(nodes, k);
                for &i in &ops[..ar] {
                    uses[i as usize] += 1;
                }
            }
        }
    }
    let single = |i: u32| i != 0 && nodes[i as usize].op == Op::Mul && uses[i as usize] == 1;
    let mut fused = alloc::vec![0u32; nodes.len()];
    for k in 1..nodes.len() {
        let n = &nodes[k];
        if !needed[k] {
            continue;
        }
        let m = match n.op {
            Op::Add | Op::Sub if single(n.rhs) => n.rhs,
            Op::Add if single(n.lhs) => n.lhs,
            _ => continue,
        };
        fused[k] = m;
        fused[m as usize] = u32::MAX;
    }
    fused
}

/// The rule a node runs as: a sum or difference that absorbed a product
/// runs as `a ± b·c`.
fn fused_op(op: Op, m: u32) -> Op {
    match op {
        _ if m == 0 => op,
        Op::Add => Op::Tern(Tern::AddMul),
        _ => Op::Tern(Tern::SubMul),
    }
}

/// [`operands`] of a node that absorbed the product `m` (if not 0): the
/// sum's other operand, then the product's two.
fn fused_operands<T: Float>(nodes: &[Node<T>], k: usize, m: u32) -> ([(u32, T); 3], usize) {
    if m == 0 {
        return operands(nodes, k);
    }
    let (n, p) = (nodes[k], nodes[m as usize]);
    let other = if n.rhs == m { (n.lhs, n.dl) } else { (n.rhs, n.dr) };
    ([other, (p.lhs, p.dl), (p.rhs, p.dr)], 3)
}

/// [`operand_ids`] as [`fused_operands`] gives them.
fn fused_ids<T: Float>(nodes: &[Node<T>], k: usize, m: u32) -> ([u32; 3], usize) {
    let (ops, ar) = fused_operands(nodes, k, m);
    ([ops[0].0, ops[1].0, ops[2].0], ar)
}

pub(super) fn build<T: Float>(rec: &Record<T>, outputs: &[(u32, T)]) -> Program<T> {
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
                let (ops, ar) = operand_ids(nodes, k);
                for &i in &ops[..ar] {
                    needed[i as usize] = true;
                }
            }
        }
    }
    let fused = fusions(rec, outputs, &needed);
    // Levels, and the nodes to run keyed by (level, rule, varying operands).
    let mut level = alloc::vec![0u32; total];
    let mut order: Vec<(u32, Op, u8, u32)> = Vec::with_capacity(total);
    let mut input_nodes = Vec::new();
    for k in 1..total {
        match nodes[k].op {
            Op::Input => input_nodes.push(k),
            Op::Sink | Op::Link | Op::Block | Op::BlockLink => {}
            _ if fused[k] == u32::MAX => {}
            op if needed[k] => {
                let op = fused_op(op, fused[k]);
                let (ops, ar) = fused_ids(nodes, k, fused[k]);
                let (mut lv, mut var) = (0, 0u8);
                for (j, &i) in ops[..ar].iter().enumerate() {
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
    sort_order(&mut order);
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
    let (mut args, mut batches, mut nparts) =
        (Vec::with_capacity(2 * order.len()), Vec::<Batch>::new(), 0usize);
    for (pos, &(_, op, var, k)) in order.iter().enumerate() {
        let s = (inputs + pos) as u32;
        slot[k as usize] = s;
        let (ops, ar) = fused_operands(nodes, k as usize, fused[k as usize]);
        let first = args.len();
        for &o in &ops[..ar] {
            let a = slot_of(&mut vals, &slot, o);
            args.push(a);
        }
        let p = match op {
            Op::Add | Op::Sub | Op::Mul | Op::Max | Op::Min
                if var & 1 != 0 && args[first] + 1 == s =>
            {
                1
            }
            Op::Add | Op::Sub | Op::Mul | Op::Max | Op::Min
                if var & 2 != 0 && args[first + 1] + 1 == s =>
            {
                2
            }
            Op::Tern(Tern::AddMul | Tern::SubMul) if var & 1 != 0 && args[first] + 1 == s => 1,
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
                bcast: 0,
                square: false,
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
    // Fused batches with a square `x·x` among their products.
    for b in &mut batches {
        let fused = b.op == Op::Tern(Tern::AddMul) || b.op == Op::Tern(Tern::SubMul);
        let e = &args[b.args as usize..][..3 * b.len as usize * usize::from(fused)];
        b.square = e.chunks_exact(3).any(|e| e[1] == e[2]);
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

/// Marks the batches of `+ − ·` (without `prev`) whose operands are runs
/// of consecutive slots (the varying ones before the batch) as `stream`; a
/// batch that is not one such run but splits into a few long ones (a merge
/// of two levels, say) is split.
fn split_streams(batches: Vec<Batch>, args: &[u32]) -> Vec<Batch> {
    const MIN_RUN: usize = 16;
    let mut out = Vec::with_capacity(batches.len());
    for b in batches {
        let fused = matches!(b.op, Op::Tern(Tern::AddMul | Tern::SubMul));
        if !(matches!(b.op, Op::Add | Op::Sub | Op::Mul) || fused) || b.prev != 0 {
            out.push(b);
            continue;
        }
        let ar = if fused { 3 } else { 2 };
        let arg = |i: usize, j: usize| args[b.args as usize + ar * i + j] as usize;
        // The runs `[from, to)` of elements.
        let mut runs = Vec::new();
        let mut from = 0;
        let n = b.len as usize;
        for i in 1..=n {
            let continues = i < n
                && (0..ar).all(|j| {
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
            // One operand the same slot throughout (before the batch if it
            // varies), the other one run (likewise)?
            let bcast = (0..2)
                .rev()
                .find(|&j| {
                    let k = 1 - j;
                    let slot = arg(0, j);
                    !fused
                        && n >= MIN_RUN
                        && (0..n).all(|i| arg(i, j) == slot && arg(i, k) == arg(0, k) + i)
                        && (b.var & (1 << j) == 0 || slot < b.start as usize)
                        && (b.var & (1 << k) == 0 || arg(n - 1, k) < b.start as usize)
                })
                .map_or(0, |j| j as u8 + 1);
            out.push(Batch { stream: bcast != 0, bcast, ..b });
            continue;
        }
        for (from, to) in runs {
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

/// Sorts `(level, rule, varying operands, node)` entries as the tuples
/// order. They arrive in node order, so a stable counting sort by level
/// leaves each level in node order, and each level's groups of one rule
/// are then picked out in rule order (a level holds few rules; one with
/// many is sorted by packed integer keys). Measured (callgrind,
/// Rosenbrock n = 1,000): the tuple sort was half of `compile`'s
/// instructions.
fn sort_order(order: &mut [(u32, Op, u8, u32)]) {
    let levels = order.iter().map(|e| e.0 as usize + 1).max().unwrap_or(0);
    let mut start = alloc::vec![0u32; levels + 1];
    for e in order.iter() {
        start[e.0 as usize + 1] += 1;
    }
    for l in 0..levels {
        start[l + 1] += start[l];
    }
    // (group key, entry), by level, each level in node order.
    let mut sorted = alloc::vec![(0u64, 0u32); order.len()];
    let mut at = start.clone();
    for (i, e) in order.iter().enumerate() {
        let slot = &mut at[e.0 as usize];
        sorted[*slot as usize] = ((e.1.rank() << 8) | u64::from(e.2), i as u32);
        *slot += 1;
    }
    let old = order.to_vec();
    let mut keys: Vec<u64> = Vec::new();
    let mut o = 0;
    for l in 0..levels {
        let level = &mut sorted[start[l] as usize..start[l + 1] as usize];
        keys.clear();
        for &(g, _) in level.iter() {
            if keys.len() <= 8 && !keys.contains(&g) {
                keys.push(g);
            }
        }
        if keys.len() == 1 {
            // One rule (most levels of a long accumulation): node order.
            for &(_, i) in level.iter() {
                order[o] = old[i as usize];
                o += 1;
            }
            continue;
        }
        if keys.len() > 8 {
            level.sort_unstable();
            for &(_, i) in level.iter() {
                order[o] = old[i as usize];
                o += 1;
            }
            continue;
        }
        keys.sort_unstable();
        for &g in &keys {
            for &(h, i) in level.iter() {
                if h == g {
                    order[o] = old[i as usize];
                    o += 1;
                }
            }
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The counting sort orders as the tuples' own order does, for levels
    /// with one rule, a few, and more than eight.
    #[test]
    fn sort_order_is_the_tuple_order() {
        use crate::reverse::op::Tern;
        let ops = [
            Op::Add,
            Op::Mul,
            Op::Sub,
            Op::Sin,
            Op::Powi(-3),
            Op::Powi(2),
            Op::Tern(Tern::Clamp),
            Op::Tern(Tern::MulAdd),
            Op::Div,
            Op::Exp,
            Op::Neg,
            Op::Max,
            Op::Atan2,
        ];
        let mut seed = 12345u64;
        let mut next = |m: u64| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 33) % m
        };
        for case in 0..50 {
            let len = 1 + next(400) as usize;
            let (levels, rules) = (1 + next(if case % 2 == 0 { 5 } else { 200 }), 1 + next(13));
            let mut order: Vec<(u32, Op, u8, u32)> = (0..len)
                .map(|k| {
                    let op = ops[next(rules) as usize];
                    (next(levels) as u32, op, 1 + next(3) as u8, k as u32)
                })
                .collect();
            let mut want = order.clone();
            want.sort_unstable();
            sort_order(&mut order);
            assert_eq!(order, want, "case {case}");
        }
    }
}
