//! Column colouring in time near-linear in the nonzeros, on the quotient
//! of the column intersection graph by identical columns.
//!
//! Columns with the same row set (a camera's 11 parameters in bundle
//! adjustment, a dense block) are all neighbours of each other and of the
//! same other columns, so a greedy colouring that takes them one after the
//! other gives them the smallest colours free around the class, in turn.
//! The orders and the greedy rule here run on the classes, with weights
//! (a class of `s` columns takes `s` colours at once), and the graph of
//! the classes is built once, as adjacency lists, when it is small
//! (`Σ (classes in a row)²` at most [`EXPLICIT_LIMIT`]·nnz); otherwise its
//! neighbourhoods are walked through the rows at each use, as before.
//! With every class a single column this is the plain greedy colouring,
//! order for order.
//!
//! Cost: detecting the classes, one pass over the nonzeros with a hash of
//! each column; the quotient pattern, one more; each order and each round
//! of iterated greedy, one pass over the class adjacency with the weights
//! of the neighbours, instead of `Σ (row length)²` visits.

use core::hash::{BuildHasherDefault, Hasher};
use std::collections::HashMap;
use std::vec::Vec;

use super::JacobianPattern;
use super::colour::{Colouring, Order};

const NONE: usize = usize::MAX;

/// The explicit class adjacency is built when `Σ (classes in a row)²`
/// is at most this many times the number of nonzeros.
const EXPLICIT_LIMIT: usize = 64;

/// The multiplier of [`Mix`] (an odd 64-bit constant with well-mixed bits).
const MIX: u64 = 0x517c_c1b7_2722_0a95;

/// A multiply–rotate hash for the column row lists (the keys are
/// integers; no protection against chosen collisions is needed).
#[derive(Default)]
struct Mix(u64);

impl Hasher for Mix {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        // a `[usize]` key arrives here as its bytes: eight at a time
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.write_u64(u64::from_le_bytes(w));
        }
        for &b in chunks.remainder() {
            self.write_u64(u64::from(b));
        }
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = (self.0.rotate_left(5) ^ v).wrapping_mul(MIX);
    }
    fn write_usize(&mut self, v: usize) {
        self.write_u64(v as u64);
    }
}

/// The column intersection graph, quotiented by identical columns.
pub(crate) struct Classes {
    /// The class of each column.
    class: Vec<usize>,
    /// Each class's columns, ascending (CSR: `member_offsets`).
    member_offsets: Vec<usize>,
    members: Vec<usize>,
    /// The adjacency of the classes (each other class sharing a row, once).
    adj: Adjacency,
}

enum Adjacency {
    /// Neighbour lists, CSR.
    Explicit(Vec<usize>, Vec<usize>),
    /// The pattern of rows × classes, walked at each use.
    Rows(JacobianPattern),
}

impl Classes {
    /// Groups the columns of `p` with identical row sets (classes numbered
    /// in the order of their first column) and builds their adjacency.
    pub(crate) fn new(p: &JacobianPattern) -> Self {
        Self::build(p, None)
    }

    /// [`new`](Self::new), with the explicit adjacency forced on or off
    /// (`Some`) or chosen by its size (`None`).
    fn build(p: &JacobianPattern, explicit: Option<bool>) -> Self {
        let n = p.ncols();
        let mut class = vec![NONE; n];
        // columns by the hash of their rows; equal hashes are compared
        let mut by_hash: HashMap<u64, usize, BuildHasherDefault<Mix>> =
            HashMap::with_capacity_and_hasher(n, BuildHasherDefault::default());
        // the first column of each class, and the next class of the same
        // hash (a collision chain, almost always empty)
        let mut first: Vec<usize> = Vec::new();
        let mut chain: Vec<usize> = Vec::new();
        for (j, class_j) in class.iter_mut().enumerate() {
            let rows = p.col(j);
            let h = rows
                .iter()
                .fold(rows.len() as u64, |h, &i| (h.rotate_left(5) ^ i as u64).wrapping_mul(MIX));
            let new = first.len();
            // an empty column meets nothing: a class of its own
            let mut c = if rows.is_empty() { new } else { *by_hash.entry(h).or_insert(new) };
            while c != new && p.col(first[c]) != rows {
                if chain[c] == NONE {
                    chain[c] = new;
                }
                c = chain[c];
            }
            if c == new {
                first.push(j);
                chain.push(NONE);
            }
            *class_j = c;
        }
        let count = first.len();
        drop((by_hash, first, chain));
        let mut member_offsets = vec![0usize; count + 1];
        for &c in &class {
            member_offsets[c + 1] += 1;
        }
        for c in 0..count {
            member_offsets[c + 1] += member_offsets[c];
        }
        let mut members = vec![0; n];
        let mut next = member_offsets.clone();
        for (j, &c) in class.iter().enumerate() {
            members[next[c]] = j;
            next[c] += 1;
        }
        // rows × classes: each row's classes, once, ascending
        let mut stamp = vec![NONE; count];
        let mut offsets = Vec::with_capacity(p.nrows() + 1);
        let mut cols = Vec::new();
        offsets.push(0);
        let mut work = 0usize;
        for i in 0..p.nrows() {
            let start = cols.len();
            for &j in p.row(i) {
                let c = class[j];
                if stamp[c] != i {
                    stamp[c] = i;
                    cols.push(c);
                }
            }
            cols[start..].sort_unstable();
            let len = cols.len() - start;
            work = work.saturating_add(len * len);
            offsets.push(cols.len());
        }
        let q = JacobianPattern::from_csr_parts(count, offsets, cols);
        let adj = if explicit.unwrap_or(work <= EXPLICIT_LIMIT.saturating_mul(p.nnz().max(1))) {
            let mut offs = Vec::with_capacity(count + 1);
            let mut list = Vec::new();
            offs.push(0);
            stamp.fill(NONE);
            for c in 0..count {
                stamp[c] = c;
                for &i in q.col(c) {
                    for &u in q.row(i) {
                        if stamp[u] != c {
                            stamp[u] = c;
                            list.push(u);
                        }
                    }
                }
                offs.push(list.len());
            }
            Adjacency::Explicit(offs, list)
        } else {
            Adjacency::Rows(q)
        };
        Classes { class, member_offsets, members, adj }
    }

    /// The number of classes.
    fn len(&self) -> usize {
        self.member_offsets.len() - 1
    }

    /// The columns of class `c`.
    fn members(&self, c: usize) -> &[usize] {
        &self.members[self.member_offsets[c]..self.member_offsets[c + 1]]
    }

    /// The number of columns of class `c`.
    fn weight(&self, c: usize) -> usize {
        self.member_offsets[c + 1] - self.member_offsets[c]
    }

    /// A walker over the neighbouring classes.
    fn walker(&self) -> Walker<'_> {
        Walker { classes: self, stamp: vec![NONE; self.len()] }
    }

    /// The degree of each class's columns in the column intersection graph:
    /// the columns of the neighbouring classes and the other columns of
    /// its own.
    fn degrees(&self) -> Vec<usize> {
        let mut w = self.walker();
        (0..self.len())
            .map(|c| {
                let mut d = self.weight(c) - 1;
                w.each(c, |u| d += self.weight(u));
                d
            })
            .collect()
    }
}

/// Enumerates neighbouring classes (stamps for the walk through rows).
struct Walker<'a> {
    classes: &'a Classes,
    stamp: Vec<usize>,
}

impl Walker<'_> {
    /// Calls `f` on each class sharing a row with class `c` (not `c`), once.
    fn each(&mut self, c: usize, mut f: impl FnMut(usize)) {
        match &self.classes.adj {
            Adjacency::Explicit(offs, list) => {
                list[offs[c]..offs[c + 1]].iter().for_each(|&u| f(u))
            }
            Adjacency::Rows(q) => {
                self.stamp[c] = c;
                for &i in q.col(c) {
                    for &u in q.row(i) {
                        if self.stamp[u] != c {
                            self.stamp[u] = c;
                            f(u);
                        }
                    }
                }
            }
        }
    }
}

/// A greedy column colouring along the classes in `order`.
pub(crate) fn ordered(g: &Classes, order: Order) -> Colouring {
    match order {
        Order::Saturation => dsatur(g),
        _ => greedy(g, &sequence(g, order)),
    }
}

/// Marks the colours of a neighbouring class's columns as forbidden at
/// `step`. A class is coloured all at once, so its first uncoloured member
/// ends the walk.
#[inline(always)]
fn forbid_class(members: &[usize], colour: &[usize], forbidden: &mut Vec<usize>, step: usize) {
    for &k in members {
        let col = colour[k];
        if col == NONE {
            break;
        }
        if col >= forbidden.len() {
            forbidden.resize(col + 1, NONE);
        }
        forbidden[col] = step;
    }
}

/// The greedy rule along `seq` (classes): each class's columns take, in
/// turn, the smallest colours that no coloured neighbour has.
pub(crate) fn greedy(g: &Classes, seq: &[usize]) -> Colouring {
    if let Adjacency::Rows(q) = &g.adj {
        return greedy_rows(g, q, seq);
    }
    let mut colour = vec![NONE; g.class.len()];
    let mut forbidden: Vec<usize> = Vec::new();
    let mut w = g.walker();
    for (step, &c) in seq.iter().enumerate() {
        w.each(c, |u| forbid_class(g.members(u), &colour, &mut forbidden, step));
        let mut next = 0;
        for &j in g.members(c) {
            while forbidden.get(next).is_some_and(|&s| s == step) {
                next += 1;
            }
            colour[j] = next;
            next += 1;
        }
    }
    Colouring::new(colour)
}

/// Rows with more columns than this are long in [`greedy_rows`]: their
/// used colours are kept in a next-free structure instead of walked.
const LONG_ROW: usize = 64;

/// The colours used in one long row so far, as "the next free colour at
/// or after `c`" with path halving (a union–find over the colours, each
/// used colour linked to the next one up). A map, not an array up to the
/// largest colour, so its memory is the row's length, whatever the
/// colours.
#[derive(Default)]
struct NextFree(HashMap<usize, usize, BuildHasherDefault<Mix>>);

impl NextFree {
    /// The smallest colour at or after `c` that the row does not use.
    fn find(&mut self, mut c: usize) -> usize {
        loop {
            let Some(&up) = self.0.get(&c) else { return c };
            let Some(&above) = self.0.get(&up) else { return up };
            self.0.insert(c, above);
            c = above;
        }
    }

    /// Marks colour `c` used.
    fn take(&mut self, c: usize) {
        self.0.insert(c, c + 1);
    }
}

/// [`greedy`] where the class graph is walked through the rows (some row
/// is long): the same colouring, order for order, but the colours a long
/// row already uses are looked up in its [`NextFree`] instead of walked,
/// so a dense row of length `L` costs about `L` finds instead of `L²`
/// visits. Short rows are walked as before (at most [`LONG_ROW`] columns
/// each).
fn greedy_rows(g: &Classes, q: &JacobianPattern, seq: &[usize]) -> Colouring {
    let mut colour = vec![NONE; g.class.len()];
    // the long rows' slots in `free`
    let mut slot = vec![NONE; q.nrows()];
    let mut free: Vec<NextFree> = Vec::new();
    for (i, s) in slot.iter_mut().enumerate() {
        let columns: usize = q.row(i).iter().map(|&u| g.weight(u)).sum();
        if columns > LONG_ROW {
            *s = free.len();
            free.push(NextFree::default());
        }
    }
    let mut forbidden: Vec<usize> = Vec::new();
    let mut long: Vec<usize> = Vec::new();
    for (step, &c) in seq.iter().enumerate() {
        long.clear();
        for &i in q.col(c) {
            if slot[i] != NONE {
                long.push(slot[i]);
                continue;
            }
            for &u in q.row(i) {
                if u == c {
                    continue;
                }
                forbid_class(g.members(u), &colour, &mut forbidden, step);
            }
        }
        let mut next = 0;
        for &j in g.members(c) {
            // the smallest colour from `next` on that no short row's
            // neighbour has and no long row uses
            loop {
                while forbidden.get(next).is_some_and(|&s| s == step) {
                    next += 1;
                }
                let mut moved = false;
                for &r in &long {
                    let f = free[r].find(next);
                    if f != next {
                        next = f;
                        moved = true;
                    }
                }
                if !moved {
                    break;
                }
            }
            colour[j] = next;
            for &r in &long {
                free[r].take(next);
            }
            next += 1;
        }
    }
    Colouring::new(colour)
}

/// The class sequence of a static or incidence order; ties by index
/// (of the class, i.e. of its first column).
fn sequence(g: &Classes, order: Order) -> Vec<usize> {
    let n = g.len();
    match order {
        Order::Natural => (0..n).collect(),
        Order::Random(seed) => super::colour::shuffled(n, seed),
        Order::LargestFirst | Order::Saturation => {
            let degree = g.degrees();
            let mut seq: Vec<usize> = (0..n).collect();
            seq.sort_by_key(|&v| core::cmp::Reverse(degree[v]));
            seq
        }
        Order::SmallestLast => smallest_last(g),
        Order::IncidenceDegree => incidence(g),
        Order::DynamicLargestFirst => dynamic_largest_first(g),
    }
}

/// Repeatedly remove a class of least degree; colour in reverse.
fn smallest_last(g: &Classes) -> Vec<usize> {
    let n = g.len();
    let mut degree = g.degrees();
    let mut queue = MinBuckets::new(degree.iter().copied().max().unwrap_or(0));
    for v in (0..n).rev() {
        queue.push(v, degree[v]);
    }
    let mut removed = vec![false; n];
    let mut seq = Vec::with_capacity(n);
    let mut w = g.walker();
    while seq.len() < n {
        let Some(v) = queue.pop(&degree, &removed) else { break };
        removed[v] = true;
        seq.push(v);
        let s = g.weight(v);
        w.each(v, |k| {
            if !removed[k] {
                degree[k] -= s;
                queue.push(k, degree[k]);
            }
        });
    }
    seq.reverse();
    seq
}

/// Repeatedly the unvisited class with the most unvisited neighbouring
/// columns (its degree in what is left; ties: the class whose degree
/// changed last, then the smaller index), by buckets of degrees.
fn dynamic_largest_first(g: &Classes) -> Vec<usize> {
    let n = g.len();
    let mut degree = g.degrees();
    let mut queue = Buckets::new(degree.iter().copied().max().unwrap_or(0));
    for v in (0..n).rev() {
        queue.push(v, degree[v]);
    }
    let mut done = vec![false; n];
    let mut seq = Vec::with_capacity(n);
    let mut w = g.walker();
    while seq.len() < n {
        let Some(v) = queue.pop(&degree, &done) else { break };
        done[v] = true;
        seq.push(v);
        let s = g.weight(v);
        w.each(v, |k| {
            if !done[k] {
                degree[k] -= s;
                queue.push(k, degree[k]);
            }
        });
    }
    seq
}

/// Repeatedly the unvisited class with the most visited neighbouring
/// columns (ties: smaller index), by buckets of counts.
fn incidence(g: &Classes) -> Vec<usize> {
    let n = g.len();
    let mut count = vec![0usize; n];
    let mut done = vec![false; n];
    let mut queue = Buckets::starting_at_zero(n);
    let mut seq = Vec::with_capacity(n);
    let mut w = g.walker();
    while seq.len() < n {
        let Some(v) = queue.pop(&count, &done) else { break };
        done[v] = true;
        seq.push(v);
        let s = g.weight(v);
        w.each(v, |k| {
            if !done[k] {
                count[k] += s;
                queue.push(k, count[k]);
            }
        });
    }
    seq
}

/// DSatur on the classes: next the class whose neighbours use the most
/// distinct colours (ties: larger degree, then smaller index); its columns
/// take the smallest free colours in turn.
fn dsatur(g: &Classes) -> Colouring {
    use std::collections::BinaryHeap;
    let n = g.len();
    let degree = g.degrees();
    let mut colour = vec![NONE; g.class.len()];
    // the distinct colours around each class: the first 64 as bits, the
    // rest (rare) in a sorted list
    let mut low: Vec<u64> = vec![0; n];
    let mut high: Vec<Vec<usize>> = vec![Vec::new(); n];
    let saturation =
        |low: &[u64], high: &[Vec<usize>], v: usize| low[v].count_ones() as usize + high[v].len();
    let mut heap: BinaryHeap<(usize, usize, core::cmp::Reverse<usize>)> =
        (0..n).map(|v| (0, degree[v], core::cmp::Reverse(v))).collect();
    let mut done = vec![false; n];
    let mut w = g.walker();
    let mut taken = Vec::new();
    while let Some((sat, _, core::cmp::Reverse(v))) = heap.pop() {
        if done[v] || sat != saturation(&low, &high, v) {
            continue;
        }
        done[v] = true;
        taken.clear();
        let mut next = 0;
        for &j in g.members(v) {
            while if next < 64 {
                low[v] >> next & 1 == 1
            } else {
                high[v].binary_search(&next).is_ok()
            } {
                next += 1;
            }
            colour[j] = next;
            taken.push(next);
            next += 1;
        }
        w.each(v, |k| {
            if done[k] {
                return;
            }
            let before = saturation(&low, &high, k);
            for &c in &taken {
                if c < 64 {
                    low[k] |= 1 << c;
                } else if let Err(pos) = high[k].binary_search(&c) {
                    high[k].insert(pos, c);
                }
            }
            let after = saturation(&low, &high, k);
            if after > before {
                heap.push((after, degree[k], core::cmp::Reverse(k)));
            }
        });
    }
    Colouring::new(colour)
}

/// Culberson's iterated greedy on the classes: recolour with the classes
/// grouped by colour, the largest colours first; never worse, at most 5
/// rounds.
pub(crate) fn iterate(g: &Classes, mut c: Colouring) -> Colouring {
    for _ in 0..5 {
        let top: Vec<usize> = (0..g.len())
            .map(|v| g.members(v).iter().map(|&j| c.colours()[j]).max().unwrap_or(0))
            .collect();
        let mut seq: Vec<usize> = (0..g.len()).collect();
        seq.sort_by_key(|&v| core::cmp::Reverse(top[v]));
        let next = greedy(g, &seq);
        if next.count() >= c.count() {
            break;
        }
        c = next;
    }
    c
}

/// A max-priority queue of vertices keyed by a count that changes in steps
/// (the vertex orders' "most visited" or "largest remaining degree"), as one
/// bucket per key with lazy deletion: a vertex is pushed again whenever its
/// key changes, and [`pop`](Self::pop) skips entries whose key is stale or
/// whose vertex is done.
pub(crate) struct Buckets {
    buckets: Vec<Vec<usize>>,
    top: usize,
}

impl Buckets {
    /// Empty, with room for keys up to `max_key`.
    pub(crate) fn new(max_key: usize) -> Self {
        Buckets { buckets: vec![Vec::new(); max_key + 1], top: max_key }
    }

    /// Every vertex of `0..n` at key 0, popped in increasing index.
    pub(crate) fn starting_at_zero(n: usize) -> Self {
        Buckets { buckets: vec![(0..n).rev().collect()], top: 0 }
    }

    /// Files `v` under `key` (its current key).
    pub(crate) fn push(&mut self, v: usize, key: usize) {
        if key >= self.buckets.len() {
            self.buckets.resize_with(key + 1, Vec::new);
        }
        self.buckets[key].push(v);
        self.top = self.top.max(key);
    }

    /// The most recently filed vertex of the highest key whose entry is
    /// current (`key[v]` equals its bucket and `v` is not `done`).
    pub(crate) fn pop(&mut self, key: &[usize], done: &[bool]) -> Option<usize> {
        loop {
            match self.buckets[self.top].pop() {
                Some(v) if !done[v] && key[v] == self.top => return Some(v),
                Some(_) => {}
                None if self.top == 0 => return None,
                None => self.top -= 1,
            }
        }
    }
}

/// The min-side twin of [`Buckets`], for the smallest-last order: a
/// vertex is filed again whenever its key (remaining degree) falls, and
/// [`pop`](Self::pop) takes the most recently filed vertex of the lowest
/// key whose entry is current, skipping stale entries.
pub(crate) struct MinBuckets {
    buckets: Vec<Vec<usize>>,
    low: usize,
}

impl MinBuckets {
    /// Empty, with room for keys up to `max_key`.
    pub(crate) fn new(max_key: usize) -> Self {
        MinBuckets { buckets: vec![Vec::new(); max_key + 1], low: 0 }
    }

    /// Files `v` under `key` (its current key).
    pub(crate) fn push(&mut self, v: usize, key: usize) {
        if key >= self.buckets.len() {
            self.buckets.resize_with(key + 1, Vec::new);
        }
        self.buckets[key].push(v);
        self.low = self.low.min(key);
    }

    /// The most recently filed vertex of the lowest key whose entry is
    /// current (`key[v]` equals its bucket and `v` is not `done`).
    pub(crate) fn pop(&mut self, key: &[usize], done: &[bool]) -> Option<usize> {
        while self.low < self.buckets.len() {
            match self.buckets[self.low].pop() {
                Some(v) if !done[v] && key[v] == self.low => return Some(v),
                Some(_) => {}
                None => self.low += 1,
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sparse::colour::shuffled;

    /// A random pattern with a few long rows (more than [`LONG_ROW`]
    /// columns), some repeated columns (classes) and short rows.
    fn pattern(seed: u64) -> JacobianPattern {
        let r = shuffled(1000, seed);
        let n = 80 + r[0] % 200;
        let m = 20 + r[1] % 100;
        let mut e = Vec::new();
        for (t, i) in (0..m).enumerate() {
            let len =
                if r[t + 2].is_multiple_of(7) { LONG_ROW + r[t + 3] % n } else { 1 + r[t + 3] % 6 };
            let cols = shuffled(n, seed.wrapping_mul(31).wrapping_add(i as u64));
            e.extend(cols.iter().take(len.min(n)).map(|&j| (i, j)));
        }
        // a block of identical columns: every row of column 0 also in 1..4
        let rows0: Vec<usize> = e.iter().filter(|&&(_, j)| j == 0).map(|&(i, _)| i).collect();
        for i in rows0 {
            e.extend((1..4).map(|j| (i, j)));
        }
        JacobianPattern::from_entries(m, n, &e)
    }

    /// The row-walking greedy (long rows in next-free structures) gives
    /// the colouring of the explicit adjacency, order for order.
    #[test]
    fn rows_greedy_matches_explicit() {
        for seed in 0..40 {
            let p = pattern(seed);
            let rows = Classes::build(&p, Some(false));
            let explicit = Classes::build(&p, Some(true));
            assert!(matches!(rows.adj, Adjacency::Rows(_)));
            for order in
                [Order::Natural, Order::LargestFirst, Order::SmallestLast, Order::Random(seed)]
            {
                let seq = sequence(&explicit, order);
                let (a, b) = (greedy(&rows, &seq), greedy(&explicit, &seq));
                assert_eq!(a, b, "seed {seed}, {order:?}");
                assert!(crate::sparse::colour::is_column_colouring(&p, &a));
                // and iterated greedy, which reorders by colour class
                assert_eq!(iterate(&rows, a), iterate(&explicit, b), "seed {seed}, {order:?}");
            }
        }
    }
}
