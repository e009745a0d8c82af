//! The sweeps of a compiled [`Program`](super::program::Program), one
//! loop per batch: forward (values and stored partials), backward
//! (adjoints, plain and NaN-safe) and tangent.
//!
//! Each batch runs one rule, so each loop has that rule inlined: the
//! `+ − ·` loops (`cheap_*`, `carry_backward`, `stream_*`), the unary and
//! binary rule loops (`FwdUnary`, `FwdBinary`, given the rule by
//! [`Op::visit_unary`]/[`Op::visit_binary`]) and the ternary ones. Loads
//! and stores through operand indices are unchecked (see [`ld`]).

use num_traits::Float;

use super::op::{BinaryRule, Op, Tern, UnaryRule};
use super::program::{Batch, arity, stored};
use crate::rules;

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

pub(super) fn forward_batch<T: Float>(b: &Batch, vals: &mut [T], args: &[u32], parts: &mut [T]) {
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
        Op::Max => cheap_forward(b.prev, vals, args, s, |x, y| rules::max(x, y).0),
        Op::Min => cheap_forward(b.prev, vals, args, s, |x, y| rules::min(x, y).0),
        Op::Neg => {
            for (i, &a) in args.iter().enumerate() {
                // SAFETY: operand and node slots of a batch (see `ld`).
                unsafe { st(vals, s + i, -ld(vals, a as usize)) }
            }
        }
        Op::Tern(Tern::AddMul) if b.stream => fused_stream_forward(b, vals, args, rules::add),
        Op::Tern(Tern::SubMul) if b.stream => fused_stream_forward(b, vals, args, rules::sub),
        Op::Tern(Tern::AddMul) => fused_forward(b.prev, vals, args, s, rules::add),
        Op::Tern(Tern::SubMul) => fused_forward(b.prev, vals, args, s, rules::sub),
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

/// The forward loop of a fused batch, `a + b·c` or `a − b·c` (`rule`: the
/// sum or the difference) with two roundings, as the product and the sum
/// it replaced computed it; with `prev`, `a` is the previous node, carried
/// in a register.
#[inline(always)]
fn fused_forward<T: Float>(
    prev: u8,
    vals: &mut [T],
    args: &[u32],
    s: usize,
    rule: impl Fn(T, T) -> (T, T, T),
) {
    if prev != 0 {
        let mut p = vals[args[0] as usize];
        for (i, a) in args.chunks_exact(3).enumerate() {
            // SAFETY: operand and node slots of a batch (see `ld`).
            unsafe {
                let m = rules::mul(ld(vals, a[1] as usize), ld(vals, a[2] as usize)).0;
                p = rule(p, m).0;
                st(vals, s + i, p);
            }
        }
        return;
    }
    for (i, a) in args.chunks_exact(3).enumerate() {
        // SAFETY: operand and node slots of a batch (see `ld`).
        unsafe {
            let m = rules::mul(ld(vals, a[1] as usize), ld(vals, a[2] as usize)).0;
            st(vals, s + i, rule(ld(vals, a[0] as usize), m).0);
        }
    }
}

/// The forward loop of a `stream` batch of `a ± b·c`: over slices, as
/// [`stream_forward`].
#[inline(always)]
fn fused_stream_forward<T: Float>(
    b: &Batch,
    vals: &mut [T],
    args: &[u32],
    rule: impl Fn(T, T) -> (T, T, T),
) {
    let (s, n) = (b.start as usize, b.len as usize);
    // Varying operands lie before the batch, constants after the nodes.
    let (src, rest) = vals.split_at_mut(s);
    let (dst, after) = rest.split_at_mut(n);
    let (src, after): (&[T], &[T]) = (src, after);
    let run = |j: usize| {
        let a = args[j] as usize;
        if b.var & (1 << j) != 0 { &src[a..a + n] } else { &after[a - s - n..][..n] }
    };
    let (x, y, z) = (run(0), run(1), run(2));
    for i in 0..n {
        dst[i] = rule(x[i], rules::mul(y[i], z[i]).0).0;
    }
}

/// The backward loop of a `stream` batch of `a ± b·c`: one pass over the
/// slices per varying operand, `a`'s then `b`'s then `c`'s (each adjoint
/// gets the element loop's terms, possibly in another order).
#[inline(always)]
fn fused_stream_backward<T: Float>(
    b: &Batch,
    vals: &[T],
    args: &[u32],
    adj: &mut [T],
    rule: impl Fn(T, T) -> (T, T, T),
) {
    let (s, n) = (b.start as usize, b.len as usize);
    let (a0, a1, a2) = (args[0] as usize, args[1] as usize, args[2] as usize);
    let (lo, hi) = adj.split_at_mut(s);
    let g = &mut hi[..n];
    let (_, da, dm) = rule(T::zero(), T::zero());
    let (y, z) = (&vals[a1..a1 + n], &vals[a2..a2 + n]);
    if b.var & 1 != 0 {
        let dst = &mut lo[a0..a0 + n];
        for i in 0..n {
            dst[i] = dst[i] + g[i] * da;
        }
    }
    if b.var & 2 != 0 {
        let dst = &mut lo[a1..a1 + n];
        for i in 0..n {
            dst[i] = dst[i] + (T::zero() + g[i] * dm) * rules::mul(y[i], z[i]).1;
        }
    }
    if b.var & 4 != 0 {
        let dst = &mut lo[a2..a2 + n];
        for i in 0..n {
            dst[i] = dst[i] + (T::zero() + g[i] * dm) * rules::mul(y[i], z[i]).2;
        }
    }
    g.fill(T::zero());
}

/// The forward loop of a `stream` batch of `+ − ·`: over slices, no
/// gathers, no aliasing between what is read and what is written.
#[inline(always)]
fn stream_forward<T: Float>(b: &Batch, vals: &mut [T], args: &[u32], rule: impl Fn(T, T) -> T) {
    let (s, n) = (b.start as usize, b.len as usize);
    let (a0, a1) = (args[0] as usize, args[1] as usize);
    if b.bcast != 0 {
        return broadcast_forward(b, vals, (a0, a1), rule);
    }
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

/// [`stream_forward`] with one operand broadcast (`bcast`): read once, the
/// other a run.
#[inline(always)]
fn broadcast_forward<T: Float>(
    b: &Batch,
    vals: &mut [T],
    (a0, a1): (usize, usize),
    rule: impl Fn(T, T) -> T,
) {
    let (s, n) = (b.start as usize, b.len as usize);
    let (one, run, run_varies) =
        if b.bcast == 1 { (a0, a1, b.var & 2 != 0) } else { (a1, a0, b.var & 1 != 0) };
    let c = vals[one];
    let (src, rest) = vals.split_at_mut(s);
    let (dst, after) = rest.split_at_mut(n);
    let x = if run_varies { &src[run..run + n] } else { &after[run - s - n..][..n] };
    if b.bcast == 1 {
        for i in 0..n {
            dst[i] = rule(c, x[i]);
        }
    } else {
        for i in 0..n {
            dst[i] = rule(x[i], c);
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
    stream_terms(b.var, b.bcast, (a0, a1), vals, lo, g, &rule);
    g.fill(T::zero());
}

/// The adjoint terms of a `stream` batch (see [`stream_backward`]).
#[inline(always)]
fn stream_terms<T: Float>(
    var: u8,
    bcast: u8,
    (a0, a1): (usize, usize),
    vals: &[T],
    lo: &mut [T],
    g: &[T],
    rule: &impl Fn(T, T) -> (T, T, T),
) {
    let n = g.len();
    if bcast != 0 {
        return broadcast_terms(var, bcast, (a0, a1), vals, lo, g, rule);
    }
    // Both operands' values are runs (a constant's among the constants).
    let (x, y) = (&vals[a0..a0 + n], &vals[a1..a1 + n]);
    // Both operands vary, as one run (`x·x`) or two disjoint ones: one
    // pass instead of two, each adjoint getting its terms in the same
    // order. Runs that overlap in part take the two passes.
    if var == 3 && a0 == a1 {
        let dst = &mut lo[a0..a0 + n];
        for i in 0..n {
            let (_, dx, dy) = rule(x[i], y[i]);
            dst[i] = dst[i] + g[i] * dx + g[i] * dy;
        }
        return;
    }
    if var == 3 && (a0 + n <= a1 || a1 + n <= a0) {
        let (d0, d1) = if a0 < a1 {
            let (p, q) = lo.split_at_mut(a1);
            (&mut p[a0..a0 + n], &mut q[..n])
        } else {
            let (p, q) = lo.split_at_mut(a0);
            (&mut q[..n], &mut p[a1..a1 + n])
        };
        for i in 0..n {
            let (_, dx, dy) = rule(x[i], y[i]);
            d0[i] = d0[i] + g[i] * dx;
            d1[i] = d1[i] + g[i] * dy;
        }
        return;
    }
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

/// [`stream_terms`] with one operand broadcast (`bcast`: 1 the first, 2
/// the second): a pass over the run's adjoints if it varies, then the
/// broadcast operand's terms summed into its adjoint in a register.
#[inline(always)]
fn broadcast_terms<T: Float>(
    var: u8,
    bcast: u8,
    (a0, a1): (usize, usize),
    vals: &[T],
    lo: &mut [T],
    g: &[T],
    rule: &impl Fn(T, T) -> (T, T, T),
) {
    let n = g.len();
    let (one, run) = if bcast == 1 { (a0, a1) } else { (a1, a0) };
    let (c, x) = (vals[one], &vals[run..run + n]);
    // The partials as (broadcast operand's, run's).
    let d = |i: usize| {
        let (_, d0, d1) = if bcast == 1 { rule(c, x[i]) } else { rule(x[i], c) };
        if bcast == 1 { (d0, d1) } else { (d1, d0) }
    };
    let (one_var, run_var) = if bcast == 1 { (var & 1, var & 2) } else { (var & 2, var & 1) };
    if run_var != 0 {
        let dst = &mut lo[run..run + n];
        for i in 0..n {
            dst[i] = dst[i] + g[i] * d(i).1;
        }
    }
    if one_var != 0 {
        // Four partial sums, so the adds do not wait on each other (any
        // order of the same terms is within the stated bound).
        let mut acc = [T::zero(); 4];
        let whole = n - n % 4;
        for (i, g4) in g[..whole].chunks_exact(4).enumerate() {
            for (l, (a, &gi)) in acc.iter_mut().zip(g4).enumerate() {
                *a = *a + gi * d(4 * i + l).0;
            }
        }
        let mut total = lo[one] + ((acc[0] + acc[1]) + (acc[2] + acc[3]));
        for (i, &gi) in g.iter().enumerate().skip(whole) {
            total = total + gi * d(i).0;
        }
        lo[one] = total;
    }
}

/// `g·d`; with `SAFE`, 0 where either factor is zero, whatever the other.
#[inline(always)]
fn term<T: Float, const SAFE: bool>(g: T, d: T) -> T {
    if SAFE && (g.is_zero() || d.is_zero()) { T::zero() } else { g * d }
}

pub(super) fn backward_batch<T: Float, const SAFE: bool>(
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
        Op::Max => cheap_backward::<T, SAFE, true>(b, vals, args, adj, rules::max),
        Op::Min => cheap_backward::<T, SAFE, true>(b, vals, args, adj, rules::min),
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
        Op::Tern(Tern::AddMul) if b.stream && !SAFE => {
            fused_stream_backward(b, vals, args, adj, rules::add)
        }
        Op::Tern(Tern::SubMul) if b.stream && !SAFE => {
            fused_stream_backward(b, vals, args, adj, rules::sub)
        }
        Op::Tern(Tern::AddMul) => fused_backward::<T, SAFE>(b, vals, args, adj, rules::add),
        Op::Tern(Tern::SubMul) => fused_backward::<T, SAFE>(b, vals, args, adj, rules::sub),
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

/// The backward loop of `+ − ·`, `max` and `min` (partials from the operands' values by
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
    // Which operand is the previous node, and whether the other varies,
    // chosen once per batch: the loop then has no test of either (measured,
    // a sum over samples of GradBench's llsq: 21 instructions a node in
    // this loop with the runtime tests).
    let first = b.prev == 1;
    // The other operand: the second if the previous node is the first.
    let q = u8::from(first);
    match (first, b.var & (1 << q) != 0) {
        (true, true) => carry_loop::<T, SAFE, VALUES, LONE, 0, true>(b, vals, args, adj, rule),
        (true, false) => carry_loop::<T, SAFE, VALUES, LONE, 0, false>(b, vals, args, adj, rule),
        (false, true) => carry_loop::<T, SAFE, VALUES, LONE, 1, true>(b, vals, args, adj, rule),
        (false, false) => carry_loop::<T, SAFE, VALUES, LONE, 1, false>(b, vals, args, adj, rule),
    }
}

/// [`carry_backward`]'s loop, for the previous node as operand `P` and
/// the other operand varying (`Q_VAR`) or not.
#[inline(always)]
fn carry_loop<
    T: Float,
    const SAFE: bool,
    const VALUES: bool,
    const LONE: bool,
    const P: usize,
    const Q_VAR: bool,
>(
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
    let (p, q, q_var) = (P, 1 - P, Q_VAR);
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

/// The backward loop of a fused batch (`a ± b·c`): the terms the sum and
/// the product it replaced gave, in their order (the sum's to `a`, then
/// the product's to `b` and `c`), with the product's adjoint as the pair's
/// (`0 + g·(±1)`). The varying operands are chosen once per batch.
#[inline(always)]
fn fused_backward<T: Float, const SAFE: bool>(
    b: &Batch,
    vals: &[T],
    args: &[u32],
    adj: &mut [T],
    rule: impl Fn(T, T) -> (T, T, T),
) {
    // A chain with a square (`square`) takes the loops that test for one
    // (see `product_terms`); the others do not pay for the test.
    macro_rules! carry {
        ($lone:literal, $($v:literal)*) => {
            match (b.var & 6, b.square) {
                (6, true) => fused_carry::<T, SAFE, $lone, 6, true>(b, vals, args, adj, &rule),
                $(($v, _) => fused_carry::<T, SAFE, $lone, $v, false>(b, vals, args, adj, &rule),)*
                _ => unreachable!(),
            }
        };
    }
    // Only chains test for squares: in a batch without `prev` the nodes
    // are independent, and the test cost more than the reload (GradBench's
    // gmm, d = 32, k = 25: +8% instructions for the tool with it).
    macro_rules! plain {
        ($($v:literal)*) => {
            match b.var {
                $($v => fused_loop::<T, SAFE, $v, false>(b, vals, args, adj, &rule),)*
                _ => unreachable!("fused batch with varying operands {}", b.var),
            }
        };
    }
    // With `prev`, `a` (bit 0) varies: the previous node.
    match (b.prev, b.lone) {
        (0, _) => plain!(0 1 2 3 4 5 6 7),
        (_, true) => carry!(true, 0 2 4 6),
        (_, false) => carry!(false, 0 2 4 6),
    }
}

/// [`fused_backward`]'s loop for a batch whose `a` is the previous node
/// (`prev`): its adjoint is carried in a register (with `LONE`, it is the
/// carried term itself: the slot was never added to); `VAR` says whether
/// `b` and `c` vary.
#[inline(always)]
fn fused_carry<T: Float, const SAFE: bool, const LONE: bool, const VAR: u8, const SQ: bool>(
    b: &Batch,
    vals: &[T],
    args: &[u32],
    adj: &mut [T],
    rule: &impl Fn(T, T) -> (T, T, T),
) {
    let (s, last) = (b.start as usize, b.len as usize - 1);
    let (_, da, dm) = rule(T::zero(), T::zero());
    // One node's terms, given its adjoint `g`: into `b` and `c`, and the
    // carried term for `a` (returned). A function forced inline, not a
    // closure: with three call sites below, LLVM left a closure out of
    // line for wide `T` (the sparse Hessian's replay on `Dual<f64, 3>`:
    // 5.76 M -> 6.53 M instructions a call when the call sites came in).
    #[inline(always)]
    fn node<T: Float, const SAFE: bool, const VAR: u8, const SQ: bool>(
        vals: &[T],
        (da, dm): (T, T),
        a: &[u32; 3],
        g: T,
        adj: &mut [T],
    ) -> T {
        if SAFE && g.is_zero() {
            return T::zero();
        }
        if VAR & 6 != 0 {
            let gm = T::zero() + term::<T, SAFE>(g, dm);
            // SAFETY: as in `fused_loop`.
            unsafe { product_terms::<T, SAFE, VAR, SQ>(vals, adj, a[1], a[2], gm) };
        }
        term::<T, SAFE>(g, da)
    }
    let (triples, _) = args.as_chunks::<3>();
    let mut carry = T::zero();
    if LONE {
        // Only the last node's slot was added to; every other node's
        // adjoint is the carried term itself. The last node first, then
        // the others with no test of the index.
        let (rest, lst) = triples.split_at(last);
        let x = adj[s + last];
        adj[s + last] = T::zero();
        carry = node::<T, SAFE, VAR, SQ>(vals, (da, dm), &lst[0], x + carry, adj);
        // Two nodes an iteration, each with its own loads: in a chain
        // whose nodes alternate between two kinds (Rosenbrock's
        // `s + 100a·a` and `s + b·b`), each load instruction then walks one
        // run of slots with a constant stride, which the processor
        // prefetches; one load alternating between runs was not.
        let mut pairs = rest.rchunks_exact(2);
        for p in pairs.by_ref() {
            carry = node::<T, SAFE, VAR, SQ>(vals, (da, dm), &p[1], carry, adj);
            carry = node::<T, SAFE, VAR, SQ>(vals, (da, dm), &p[0], carry, adj);
        }
        if let [a] = pairs.remainder() {
            carry = node::<T, SAFE, VAR, SQ>(vals, (da, dm), a, carry, adj);
        }
    } else {
        // By index (see `fused_loop`).
        for i in (0..args.len() / 3).rev() {
            // SAFETY: node slots of the batch (asserted by the caller) and
            // its operands (`3·i + 2 < args.len()`).
            let (g, a) = unsafe {
                let x = ld(adj, s + i);
                st(adj, s + i, T::zero());
                (x + carry, [ld(args, 3 * i), ld(args, 3 * i + 1), ld(args, 3 * i + 2)])
            };
            carry = node::<T, SAFE, VAR, SQ>(vals, (da, dm), &a, g, adj);
        }
    }
    adj[args[0] as usize] = adj[args[0] as usize] + carry;
}

/// [`fused_backward`]'s loop for the varying operands `VAR`.
#[inline(always)]
fn fused_loop<T: Float, const SAFE: bool, const VAR: u8, const SQ: bool>(
    b: &Batch,
    vals: &[T],
    args: &[u32],
    adj: &mut [T],
    rule: &impl Fn(T, T) -> (T, T, T),
) {
    let s = b.start as usize;
    // The sum's partials do not depend on the values.
    let (_, da, dm) = rule(T::zero(), T::zero());
    // By index, not `chunks_exact(3).enumerate().rev()`, whose index the
    // compiler recomputes by a division per node (measured: 23 → 19
    // instructions a node).
    for i in (0..args.len() / 3).rev() {
        // SAFETY: node slots of the batch (asserted by the caller), its
        // operands (`3·i + 2 < args.len()`) and varying operands (see `ld`).
        unsafe {
            let a = [ld(args, 3 * i), ld(args, 3 * i + 1), ld(args, 3 * i + 2)];
            let g = ld(adj, s + i);
            st(adj, s + i, T::zero());
            if SAFE && g.is_zero() {
                continue;
            }
            if VAR & 1 != 0 {
                add_to(adj, a[0], term::<T, SAFE>(g, da));
            }
            if VAR & 6 != 0 {
                let gm = T::zero() + term::<T, SAFE>(g, dm);
                product_terms::<T, SAFE, VAR, SQ>(vals, adj, a[1], a[2], gm);
            }
        }
    }
}

/// The terms of a fused node's product `b·c` whose adjoint is `gm`:
/// `gm·c` into `b`'s adjoint, then `gm·b` into `c`'s (those that vary,
/// `VAR`). In a batch with a square (`SQ`, [`Batch::square`]), when `b`
/// and `c` are one slot (`x·x`) the two terms
/// are added in a register and stored once: the same sum in the same
/// order, without reloading the slot just stored. That reload, in a batch
/// where squares alternate with other products (Rosenbrock's chain), was
/// the replay's costliest instruction: a load that the processor runs
/// ahead of the store it depends on every other node.
///
/// # Safety
///
/// `b` and `c` are value slots, and adjoint slots where `VAR` says they
/// vary (see [`ld`]).
#[inline(always)]
unsafe fn product_terms<T: Float, const SAFE: bool, const VAR: u8, const SQ: bool>(
    vals: &[T],
    adj: &mut [T],
    b: u32,
    c: u32,
    gm: T,
) {
    // SAFETY: the caller's.
    unsafe {
        let (_, db, dc) = rules::mul(ld(vals, b as usize), ld(vals, c as usize));
        if VAR & 6 == 6 {
            let x = ld(adj, b as usize) + term::<T, SAFE>(gm, db);
            if SQ && b == c {
                st(adj, b as usize, x + term::<T, SAFE>(gm, dc));
            } else {
                st(adj, b as usize, x);
                add_to(adj, c, term::<T, SAFE>(gm, dc));
            }
        } else if VAR & 2 != 0 {
            add_to(adj, b, term::<T, SAFE>(gm, db));
        } else if VAR & 4 != 0 {
            add_to(adj, c, term::<T, SAFE>(gm, dc));
        }
    }
}

/// `t_k = Σ ∂k/∂operand · t_operand` over a batch; a zero operand tangent
/// contributes zero whatever the partial.
pub(super) fn tangent_batch<T: Float>(
    b: &Batch,
    vals: &[T],
    args: &[u32],
    parts: &[T],
    tan: &mut [T],
) {
    let (s, n, op, var) = (b.start as usize, b.len as usize, b.op, b.var);
    let ar = arity(op);
    let args = &args[b.args as usize..][..n * ar];
    let np = stored(op, var);
    let parts = &parts[b.parts as usize..][..n * np];
    let dot = |d: T, t: T| if t.is_zero() { T::zero() } else { d * t };
    if let Op::Tern(f @ (Tern::AddMul | Tern::SubMul)) = op {
        // As the product, then the sum, would have: the product's tangent
        // from its varying operands, then the sum's from `a` and it.
        for (i, a) in args.chunks_exact(3).enumerate() {
            let (va, vb, vc) = (vals[a[0] as usize], vals[a[1] as usize], vals[a[2] as usize]);
            let (m, db, dc) = rules::mul(vb, vc);
            let mut tm = T::zero();
            if var & 2 != 0 {
                tm = tm + dot(db, tan[a[1] as usize]);
            }
            if var & 4 != 0 {
                tm = tm + dot(dc, tan[a[2] as usize]);
            }
            let (_, da, dm) = if f == Tern::AddMul { rules::add(va, m) } else { rules::sub(va, m) };
            let mut t = T::zero();
            if var & 1 != 0 {
                t = t + dot(da, tan[a[0] as usize]);
            }
            tan[s + i] = t + dot(dm, tm);
        }
        return;
    }
    for i in 0..n {
        let a = &args[i * ar..][..ar];
        let mut d = [T::zero(); 3];
        match op {
            Op::Add => (_, d[0], d[1]) = rules::add(vals[a[0] as usize], vals[a[1] as usize]),
            Op::Sub => (_, d[0], d[1]) = rules::sub(vals[a[0] as usize], vals[a[1] as usize]),
            Op::Mul => (_, d[0], d[1]) = rules::mul(vals[a[0] as usize], vals[a[1] as usize]),
            Op::Max => (_, d[0], d[1]) = rules::max(vals[a[0] as usize], vals[a[1] as usize]),
            Op::Min => (_, d[0], d[1]) = rules::min(vals[a[0] as usize], vals[a[1] as usize]),
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A `stream` batch of products whose operands vary, as one run, two
    /// disjoint runs or two runs overlapping in part: the adjoints equal,
    /// bit for bit, two passes over the slices (first operand, then
    /// second), the order the one-pass forms must keep.
    #[test]
    fn stream_backward_keeps_the_two_pass_order() {
        let n = 24;
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 11) as f64 / (1u64 << 53) as f64 - 0.5
        };
        // Operand runs start at a0 and a1, all below the batch at 100.
        for (a0, a1) in [(10usize, 10usize), (0, 40), (50, 5), (10, 20), (20, 10)] {
            let s = 100;
            let vals: Vec<f64> = (0..s + n).map(|_| next()).collect();
            let mut adj: Vec<f64> = (0..s + n).map(|_| next()).collect();
            let args: Vec<u32> = (0..n).flat_map(|i| [(a0 + i) as u32, (a1 + i) as u32]).collect();
            let b = Batch {
                op: Op::Mul,
                var: 3,
                prev: 0,
                lone: false,
                stream: true,
                bcast: 0,
                square: false,
                start: s as u32,
                len: n as u32,
                args: 0,
                parts: 0,
            };
            let mut want = adj.clone();
            for i in 0..n {
                want[a0 + i] += want[s + i] * vals[a1 + i];
            }
            for i in 0..n {
                want[a1 + i] += want[s + i] * vals[a0 + i];
            }
            for w in &mut want[s..] {
                *w = 0.0;
            }
            stream_backward(&b, &vals, &args, &mut adj, rules::mul);
            for (k, (a, w)) in adj.iter().zip(&want).enumerate() {
                assert_eq!(a.to_bits(), w.to_bits(), "runs at {a0}, {a1}: slot {k}");
            }
        }
    }
}
