//! Graph colouring for compressed differentiation.
//!
//! - **Column colouring** (Jacobians): two columns that share a row must
//!   get different colours (a distance-1 colouring of the column
//!   intersection graph). Then every row meets each colour at most once, so
//!   one tangent lane per colour recovers every entry directly:
//!   `J[i, j] = (J·s_c)[i]` with `c` the colour of `j`.
//! - **Star colouring** (Hessians): adjacent vertices differ and every path
//!   on four vertices uses at least three colours. Symmetry then lets each
//!   off-diagonal entry be read from whichever of its two ends sees the
//!   other's colour only once; it needs no more colours than distance-2
//!   colouring and often far fewer (an arrowhead: 2 instead of `n`).
//! - **Acyclic colouring** (Hessians, [`acyclic_colouring`]): adjacent
//!   vertices differ and no cycle uses only two colours. Every star
//!   colouring is acyclic, so it never needs more colours (a path: 2
//!   against 3), but the entries are solved for, leaf by leaf along the
//!   two-coloured trees, instead of read off (substitution).
//!
//! All are greedy: visit the vertices in some order and give each the
//! smallest colour its coloured neighbours leave free. The count depends
//! on the order, so [`column_colouring`] and [`star_colouring`] try several
//! ([`Order`]; the dynamic DSatur order is the one that finds the optimal
//! five colours of the 2-D five-point stencil, where the static orders give
//! seven), keep the fewest colours, and improve them by Culberson's
//! iterated greedy (recolour the classes in reverse order; never worse).
//! Column colouring works on the classes of identical columns (a camera's
//! parameters in bundle adjustment, a dense block): a class takes its
//! colours at once, and the graph of the classes is stored as adjacency
//! lists when it is small, so a bundle-adjustment pattern of 182,000
//! columns colours in tens of milliseconds instead of seconds. Where it is
//! not small (a dense row), neighbourhoods are walked through the rows,
//! never stored, and the greedy rule keeps the colours each long row uses
//! in a next-free structure instead of walking it: a dense row of length
//! `L` costs about `L` look-ups, not `L²` visits (the dynamic orders and
//! the degrees still walk it, at `L²`). [`column_colouring`] stops trying
//! orders once one reaches the longest row's length, a lower bound (with
//! one dense row the first order does, so columns only and rows only of a
//! pattern with one dense row or column prepare in near-linear time);
//! [`column_colouring_report`] tries them all. Star and acyclic colourings
//! walk the rows of the Hessian's pattern.

use std::vec::Vec;

pub use super::acyclic::{acyclic_colouring, is_acyclic_colouring};
use super::quotient::{self, Buckets, Classes, MinBuckets};
use super::{HessianPattern, JacobianPattern};

/// A colouring: a colour `0..count()` per column (or vertex).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Colouring {
    colour: Vec<usize>,
    count: usize,
}

impl Colouring {
    /// Wraps a colour per vertex (the count is one more than the largest).
    #[must_use]
    pub fn new(colour: Vec<usize>) -> Self {
        let count = colour.iter().map(|&c| c + 1).max().unwrap_or(0);
        Colouring { colour, count }
    }

    /// The number of colours.
    #[must_use]
    pub fn count(&self) -> usize {
        self.count
    }

    /// The colour of each column (vertex).
    #[must_use]
    pub fn colours(&self) -> &[usize] {
        &self.colour
    }
}

/// A vertex order for greedy colouring.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Order {
    /// `0, 1, …, n−1`.
    Natural,
    /// Decreasing degree (ties by index).
    LargestFirst,
    /// Repeatedly remove a vertex of least degree from the remaining graph;
    /// colour in the reverse order of removal.
    SmallestLast,
    /// Dynamic: next the uncoloured vertex whose neighbours already use
    /// the most distinct colours (its saturation), ties by degree, then by
    /// index (Brélaz's DSatur).
    Saturation,
    /// Dynamic: next the uncoloured vertex with the most coloured
    /// neighbours (incidence degree), ties by index.
    IncidenceDegree,
    /// Dynamic: next the uncoloured vertex with the most uncoloured
    /// neighbours (largest first, the degrees updated as vertices are
    /// coloured).
    DynamicLargestFirst,
    /// A pseudo-random permutation drawn from the seed (the same seed, the
    /// same order on every machine): the restarts of
    /// [`column_colouring_restarts`]. Not in [`ORDERS`].
    Random(u64),
}

/// A pseudo-random permutation of `0..n` from `seed` (Fisher–Yates on
/// splitmix64): deterministic, the same on every platform.
pub(crate) fn shuffled(n: usize, seed: u64) -> Vec<usize> {
    let mut state = seed;
    let mut next = || {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    };
    let mut seq: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        // (the modulo bias is below 2⁻³² for any n that fits in memory)
        let j = (next() % (i as u64 + 1)) as usize;
        seq.swap(i, j);
    }
    seq
}

/// All orders, in the order they are tried.
pub const ORDERS: [Order; 6] = [
    Order::Natural,
    Order::LargestFirst,
    Order::SmallestLast,
    Order::Saturation,
    Order::IncidenceDegree,
    Order::DynamicLargestFirst,
];

/// A greedy column colouring in the given order.
#[must_use]
pub fn column_colouring_ordered(p: &JacobianPattern, order: Order) -> Colouring {
    quotient::ordered(&Classes::new(p), order)
}

/// The incidence-degree order: repeatedly the unvisited vertex with the
/// most visited neighbours (ties: smaller index), by buckets of counts.
fn incidence_order(n: usize, mut each: impl FnMut(usize, &mut dyn FnMut(usize))) -> Vec<usize> {
    let mut count = vec![0usize; n];
    let mut done = vec![false; n];
    let mut queue = Buckets::starting_at_zero(n);
    let mut seq = Vec::with_capacity(n);
    let mut nbrs = Vec::new();
    while seq.len() < n {
        let Some(v) = queue.pop(&count, &done) else { break };
        done[v] = true;
        seq.push(v);
        nbrs.clear();
        each(v, &mut |k| nbrs.push(k));
        for &k in &nbrs {
            if !done[k] {
                count[k] += 1;
                queue.push(k, count[k]);
            }
        }
    }
    seq
}

/// The column colouring with the fewest colours among the [`ORDERS`],
/// then improved by iterated greedy.
///
/// ```
/// use dualnum::sparse::{JacobianPattern, colour};
///
/// let n: usize = 10;
/// let tri: Vec<_> = (0..n).flat_map(|i| [(i, i), (i, i.saturating_sub(1)), (i, (i + 1).min(n - 1))]).collect();
/// let c = colour::column_colouring(&JacobianPattern::from_entries(n, n, &tri));
/// assert_eq!(c.count(), 3);
/// ```
#[must_use]
pub fn column_colouring(p: &JacobianPattern) -> Colouring {
    best_of_orders(p, true).0
}

/// [`column_colouring`] with the colour count of every order tried (in
/// the order of [`ORDERS`]), to see which order wins on a pattern; the
/// colouring returned is the best of them after iterated greedy.
///
/// ```
/// use dualnum::sparse::{JacobianPattern, colour};
///
/// // 2-D five-point stencil on a 6 × 6 grid: 5 colours at best
/// let k = 6;
/// let mut e = Vec::new();
/// for r in 0..k {
///     for c in 0..k {
///         let i = r * k + c;
///         e.push((i, i));
///         if c > 0 { e.push((i, i - 1)); }
///         if c + 1 < k { e.push((i, i + 1)); }
///         if r > 0 { e.push((i, i - k)); }
///         if r + 1 < k { e.push((i, i + k)); }
///     }
/// }
/// let p = JacobianPattern::from_entries(k * k, k * k, &e);
/// let (best, counts) = colour::column_colouring_report(&p);
/// assert_eq!(counts.len(), colour::ORDERS.len());
/// assert!(counts.iter().all(|&(_, n)| n >= best.count()));
/// assert_eq!(best.count(), 5);
/// ```
#[must_use]
pub fn column_colouring_report(p: &JacobianPattern) -> (Colouring, Vec<(Order, usize)>) {
    best_of_orders(p, false)
}

/// [`column_colouring_report`] followed by `restarts` greedy colourings
/// along pseudo-random orders ([`Order::Random`] with seeds `seed`,
/// `seed + 1`, …; deterministic): the fewest colours of all, then iterated
/// greedy, with the count of every order tried (the [`ORDERS`], then the
/// restarts). Never more colours than [`column_colouring`]; worth its time
/// where the fixed orders leave a gap to the lower bound of the longest
/// row, and the longer the more restarts.
///
/// ```
/// use dualnum::sparse::{JacobianPattern, colour};
///
/// let n: usize = 40;
/// // rows of three columns, spread out
/// let e: Vec<_> = (0..n).flat_map(|i| [(i, i), (i, (7 * i + 3) % n), (i, (13 * i + 5) % n)]).collect();
/// let p = JacobianPattern::from_entries(n, n, &e);
/// let (c, counts) = colour::column_colouring_restarts(&p, 20, 1);
/// assert_eq!(counts.len(), colour::ORDERS.len() + 20);
/// assert!(colour::is_column_colouring(&p, &c));
/// assert!(c.count() <= colour::column_colouring(&p).count());
/// ```
#[must_use]
pub fn column_colouring_restarts(
    p: &JacobianPattern,
    restarts: usize,
    seed: u64,
) -> (Colouring, Vec<(Order, usize)>) {
    let random = (0..restarts as u64).map(|r| Order::Random(seed.wrapping_add(r)));
    best_of(p, false, ORDERS.into_iter().chain(random))
}

/// The orders in turn, the fewest colours kept, then iterated greedy; with
/// `stop`, no further order is tried once a colouring reaches the lower
/// bound of the longest row (its columns all need distinct colours).
fn best_of_orders(p: &JacobianPattern, stop: bool) -> (Colouring, Vec<(Order, usize)>) {
    best_of(p, stop, ORDERS)
}

fn best_of(
    p: &JacobianPattern,
    stop: bool,
    orders: impl IntoIterator<Item = Order>,
) -> (Colouring, Vec<(Order, usize)>) {
    let bound = (0..p.nrows()).map(|i| p.row(i).len()).max().unwrap_or(0);
    let classes = Classes::new(p);
    let mut best: Option<Colouring> = None;
    // the best of the fixed orders, kept when a random order beats it
    // (iterated greedy may still take it lower than the random one)
    let mut fixed: Option<Colouring> = None;
    let mut counts = Vec::with_capacity(ORDERS.len());
    for order in orders {
        let c = quotient::ordered(&classes, order);
        counts.push((order, c.count));
        if best.as_ref().is_none_or(|b| c.count < b.count) {
            if matches!(order, Order::Random(_)) && fixed.is_none() {
                fixed = best.take();
            }
            best = Some(c);
        }
        if stop && best.as_ref().is_some_and(|b| b.count <= bound) {
            break;
        }
    }
    let best = best.unwrap_or_else(|| Colouring::new(Vec::new()));
    if best.count <= bound {
        return (best, counts);
    }
    let best = quotient::iterate(&classes, best);
    match fixed.map(|f| quotient::iterate(&classes, f)) {
        Some(f) if f.count < best.count => (f, counts),
        _ => (best, counts),
    }
}

/// Culberson's iterated greedy: recolour with the vertices grouped by
/// colour class, classes in reverse order; the count never grows. Stops
/// when a round does not reduce it (at most 5 rounds).
pub(super) fn iterate(
    mut c: Colouring,
    mut recolour: impl FnMut(&[usize]) -> Colouring,
) -> Colouring {
    for _ in 0..5 {
        let mut seq: Vec<usize> = (0..c.colour.len()).collect();
        seq.sort_by_key(|&v| core::cmp::Reverse(c.colour[v]));
        let next = recolour(&seq);
        if next.count >= c.count {
            break;
        }
        c = next;
    }
    c
}

/// The vertex sequence for `order`; `each(v, f)` calls `f` on each
/// neighbour of `v` once.
pub(super) fn vertex_order(
    n: usize,
    order: Order,
    mut each: impl FnMut(usize, &mut dyn FnMut(usize)),
) -> Vec<usize> {
    let mut degree = vec![0usize; n];
    if !matches!(order, Order::Natural | Order::Random(_)) {
        for (v, d) in degree.iter_mut().enumerate() {
            each(v, &mut |_| *d += 1);
        }
    }
    match order {
        Order::Natural => (0..n).collect(),
        Order::Random(seed) => shuffled(n, seed),
        Order::IncidenceDegree => incidence_order(n, &mut each),
        // (a static stand-in where a dynamic order does not apply)
        Order::LargestFirst | Order::Saturation | Order::DynamicLargestFirst => {
            let mut seq: Vec<usize> = (0..n).collect();
            seq.sort_by_key(|&v| core::cmp::Reverse(degree[v]));
            seq
        }
        Order::SmallestLast => {
            let mut queue = MinBuckets::new(degree.iter().copied().max().unwrap_or(0));
            for v in (0..n).rev() {
                queue.push(v, degree[v]);
            }
            let mut removed = vec![false; n];
            let mut seq = Vec::with_capacity(n);
            while seq.len() < n {
                let Some(v) = queue.pop(&degree, &removed) else { break };
                removed[v] = true;
                seq.push(v);
                each(v, &mut |k| {
                    if !removed[k] {
                        degree[k] -= 1;
                        queue.push(k, degree[k]);
                    }
                });
            }
            seq.reverse();
            seq
        }
    }
}

/// Whether `c` is a valid column colouring of `p`: no row meets a colour
/// twice.
#[must_use]
pub fn is_column_colouring(p: &JacobianPattern, c: &Colouring) -> bool {
    c.colour.len() == p.ncols()
        && (0..p.nrows()).all(|i| {
            let mut seen: Vec<usize> = p.row(i).iter().map(|&j| c.colour[j]).collect();
            let len = seen.len();
            seen.sort_unstable();
            seen.dedup();
            seen.len() == len
        })
}

/// The first row of `p` that meets a colour of `c` twice, with the two
/// columns; `(usize::MAX, c's length, n)` if the lengths differ.
pub(crate) fn column_conflict(p: &JacobianPattern, c: &Colouring) -> Option<(usize, usize, usize)> {
    if c.colour.len() != p.ncols() {
        return Some((usize::MAX, c.colour.len(), p.ncols()));
    }
    let mut seen: Vec<usize> = vec![usize::MAX; c.count];
    let mut owner: Vec<usize> = vec![0; c.count];
    for i in 0..p.nrows() {
        for &j in p.row(i) {
            let k = c.colour[j];
            if seen[k] == i {
                return Some((i, owner[k], j));
            }
            seen[k] = i;
            owner[k] = j;
        }
    }
    None
}

// ---------------------------------------------------------------------------
// Rows, and both directions
// ---------------------------------------------------------------------------

/// A row colouring: two rows that share a column get different colours
/// (the column colouring of the transposed pattern), so one backward sweep
/// seeded with the indicator of a colour's rows gives every entry of those
/// rows directly. One dense column needs `m` colours here as one dense row
/// does for columns.
///
/// ```
/// use dualnum::sparse::{JacobianPattern, colour};
///
/// // a dense first row: n column colours, but 1 + 1 row colours
/// let n = 6;
/// let mut e: Vec<_> = (0..n).map(|j| (0, j)).collect();
/// e.extend((1..n).map(|i| (i, i)));
/// let p = JacobianPattern::from_entries(n, n, &e);
/// assert_eq!(colour::column_colouring(&p).count(), n);
/// assert_eq!(colour::row_colouring(&p).count(), 2);
/// ```
#[must_use]
pub fn row_colouring(p: &JacobianPattern) -> Colouring {
    column_colouring(&p.transpose())
}

/// A colouring for both directions: the entries of the rows marked in
/// `reverse_rows`… (see the fields) are read from backward sweeps, one per
/// row colour, the others from forward tangent lanes, one per column
/// colour.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bicolouring {
    /// For each entry (the pattern's CSC order), whether a backward sweep
    /// (its row's colour) gives it; otherwise a forward lane (its column's
    /// colour) does.
    pub backward: Vec<bool>,
    /// The colour of each column among the forward entries (`None` for a
    /// column no forward entry lies in: it is not seeded).
    pub columns: Vec<Option<usize>>,
    /// The colour of each row among the backward entries (`None` for a row
    /// no backward entry lies in).
    pub rows: Vec<Option<usize>>,
    /// The number of column colours (forward lanes).
    pub column_count: usize,
    /// The number of row colours (backward sweeps).
    pub row_count: usize,
}

impl Bicolouring {
    /// Column colours plus row colours.
    #[must_use]
    pub fn count(&self) -> usize {
        self.column_count + self.row_count
    }

    /// All entries forward, by `columns`.
    #[must_use]
    pub fn columns_only(p: &JacobianPattern, c: &Colouring) -> Self {
        Bicolouring {
            backward: vec![false; p.nnz()],
            columns: (0..p.ncols()).map(|j| (!p.col(j).is_empty()).then(|| c.colour[j])).collect(),
            rows: vec![None; p.nrows()],
            column_count: c.count,
            row_count: 0,
        }
    }

    /// All entries backward, by [`row_colouring`].
    #[must_use]
    pub fn rows_only(p: &JacobianPattern) -> Self {
        Self::split(p, vec![true; p.nnz()])
    }

    /// The split of `p` by `backward` (CSC order), each part coloured.
    fn split(p: &JacobianPattern, backward: Vec<bool>) -> Self {
        let (offs, rows) = p.csc();
        let mut fwd: Vec<Vec<usize>> = vec![Vec::new(); p.nrows()];
        let mut bwd: Vec<Vec<usize>> = vec![Vec::new(); p.nrows()];
        for j in 0..p.ncols() {
            for k in offs[j]..offs[j + 1] {
                let side = if backward[k] { &mut bwd } else { &mut fwd };
                side[rows[k]].push(j);
            }
        }
        let fwd = JacobianPattern::from_row_sets(p.ncols(), fwd);
        let bwd = JacobianPattern::from_row_sets(p.ncols(), bwd);
        let cc = column_colouring(&fwd);
        let rc = row_colouring(&bwd);
        let used = |v: usize, empty: bool| (!empty).then_some(v);
        Bicolouring {
            backward,
            columns: (0..p.ncols()).map(|j| used(cc.colour[j], fwd.col(j).is_empty())).collect(),
            rows: (0..p.nrows()).map(|i| used(rc.colour[i], bwd.row(i).is_empty())).collect(),
            column_count: if fwd.nnz() == 0 { 0 } else { cc.count },
            row_count: if bwd.nnz() == 0 { 0 } else { rc.count },
        }
    }

    /// Whether every entry is determined directly: no row meets a column
    /// colour twice among its forward-seeded columns where one of them is
    /// a forward entry, and no column meets a row colour twice among its
    /// backward-swept rows where one of them is a backward entry.
    #[must_use]
    pub fn is_valid(&self, p: &JacobianPattern) -> bool {
        if self.backward.len() != p.nnz()
            || self.columns.len() != p.ncols()
            || self.rows.len() != p.nrows()
        {
            return false;
        }
        let (offs, rows) = p.csc();
        let mut col_of = vec![0; p.nnz()];
        for j in 0..p.ncols() {
            col_of[offs[j]..offs[j + 1]].fill(j);
        }
        // an entry's forward lane holds Σ over the row's seeded columns of
        // its colour; its backward sweep Σ over the column's swept rows of
        // its colour: the entry must be alone in its sum
        (0..p.nnz()).all(|k| {
            let (i, j) = (rows[k], col_of[k]);
            if self.backward[k] {
                let Some(c) = self.rows[i] else { return false };
                p.col(j).iter().all(|&r| r == i || self.rows[r] != Some(c))
            } else {
                let Some(c) = self.columns[j] else { return false };
                p.row(i).iter().all(|&q| q == j || self.columns[q] != Some(c))
            }
        })
    }
}

/// The bicolouring with the fewest colours among: columns only, rows only,
/// and splits that send the `t` densest rows to backward sweeps (the rest
/// forward) or the `t` densest columns to forward lanes (the rest
/// backward), `t = 1, 2, 4, …, 64`. Never more colours than the better of
/// [`column_colouring`] and [`row_colouring`]; an arrowhead (one dense row,
/// one dense column, the diagonal) takes 3 at any size. Columns only
/// wins a tie (closures can evaluate it), then rows only, then the splits
/// in the order above. Columns only is not coloured when the longest row
/// (its lower bound) has more entries than the best split has colours,
/// nor rows only when the longest column has: that count cannot win, and
/// its colouring's time is saved.
///
/// ```
/// use dualnum::sparse::{JacobianPattern, colour};
///
/// let n = 1000;
/// let e: Vec<_> = (0..n).flat_map(|j| [(0, j), (j, 0), (j, j)]).collect();
/// let p = JacobianPattern::from_entries(n, n, &e);
/// let b = colour::bidirectional_colouring(&p);
/// assert_eq!((b.count(), b.row_count), (3, 1));
/// assert!(b.is_valid(&p));
/// ```
#[must_use]
pub fn bidirectional_colouring(p: &JacobianPattern) -> Bicolouring {
    let (offs, rows) = p.csc();
    let mut splits = Vec::new();
    let mut consider = |b: Bicolouring| splits.push(b);
    let mut by_rows: Vec<usize> = (0..p.nrows()).collect();
    by_rows.sort_by_key(|&i| core::cmp::Reverse(p.row(i).len()));
    let mut by_cols: Vec<usize> = (0..p.ncols()).collect();
    by_cols.sort_by_key(|&j| core::cmp::Reverse(p.col(j).len()));
    let mut t = 1;
    while t <= 64 && (t < p.nrows() || t < p.ncols()) {
        if t < p.nrows() {
            let mut back_row = vec![false; p.nrows()];
            by_rows[..t].iter().for_each(|&i| back_row[i] = true);
            consider(Bicolouring::split(p, rows.iter().map(|&i| back_row[i]).collect()));
        }
        if t < p.ncols() {
            let mut fwd_col = vec![false; p.ncols()];
            by_cols[..t].iter().for_each(|&j| fwd_col[j] = true);
            let mut backward = vec![true; p.nnz()];
            for &j in &by_cols[..t] {
                backward[offs[j]..offs[j + 1]].fill(false);
            }
            consider(Bicolouring::split(p, backward));
        }
        t *= 2;
    }
    let split_best = splits.iter().map(Bicolouring::count).min();
    let longest_row = (0..p.nrows()).map(|i| p.row(i).len()).max().unwrap_or(0);
    let longest_col = (0..p.ncols()).map(|j| p.col(j).len()).max().unwrap_or(0);
    // (a colouring whose lower bound exceeds a split's count cannot win)
    let columns = split_best
        .is_none_or(|b| longest_row <= b)
        .then(|| Bicolouring::columns_only(p, &column_colouring(p)));
    let rows_only = split_best.is_none_or(|b| longest_col <= b).then(|| Bicolouring::rows_only(p));
    let mut best: Option<Bicolouring> = None;
    for b in columns.into_iter().chain(rows_only).chain(splits) {
        if best.as_ref().is_none_or(|a| b.count() < a.count()) {
            best = Some(b);
        }
    }
    best.unwrap_or_else(|| Bicolouring::columns_only(p, &column_colouring(p)))
}

/// A full star bicolouring: [`star_colouring`] of the bipartite graph of
/// `p` (columns and rows as vertices, entries as edges, as the symmetric
/// pattern `[[0, Jᵀ], [J, 0]]`); each entry is then read forward where its
/// row meets its column's colour only there, else backward (its column
/// meets its row's colour only there, which a star colouring guarantees
/// when the first fails); only columns (rows) with a forward (backward)
/// entry are seeded, and the colours used on each side are renumbered.
/// The result is the one with fewer colours of that and
/// [`bidirectional_colouring`] (which wins a tie), so never more colours
/// than columns only, rows only or the splits.
///
/// Cost: the star colouring walks neighbourhoods of neighbourhoods of the
/// bipartite graph, quadratic or worse in the longest row and column, so
/// [`Direction::Auto`](super::Direction::Auto) does not try it; prepare
/// with [`SparseJacobian::with_bicolouring`](super::SparseJacobian::with_bicolouring).
///
/// ```
/// use dualnum::sparse::{JacobianPattern, colour};
///
/// let n = 200;
/// let e: Vec<_> = (0..n).flat_map(|j| [(0, j), (j, 0), (j, j)]).collect();
/// let p = JacobianPattern::from_entries(n, n, &e);
/// let b = colour::star_bicolouring(&p);
/// assert!(b.is_valid(&p));
/// assert!(b.count() <= 3);
/// ```
#[must_use]
pub fn star_bicolouring(p: &JacobianPattern) -> Bicolouring {
    let best = bidirectional_colouring(p);
    match star_bicolouring_checked(p) {
        Some(b) if b.count() < best.count() => b,
        _ => best,
    }
}

/// The bicolouring read off the star colouring of the bipartite graph
/// alone (the first part of [`star_bicolouring`], without the comparison:
/// it may have more colours than columns only). Always valid; were the
/// check of [`Bicolouring::is_valid`] ever to fail, columns only is
/// returned instead.
///
/// ```
/// use dualnum::sparse::{JacobianPattern, colour};
///
/// let e = [(0, 0), (0, 1), (0, 2), (1, 0), (2, 0), (1, 1), (2, 2)];
/// let p = JacobianPattern::from_entries(3, 3, &e);
/// assert!(colour::star_bicolouring_only(&p).is_valid(&p));
/// ```
#[must_use]
pub fn star_bicolouring_only(p: &JacobianPattern) -> Bicolouring {
    star_bicolouring_checked(p)
        .unwrap_or_else(|| Bicolouring::columns_only(p, &column_colouring(p)))
}

/// The bicolouring read off a star colouring of the bipartite graph
/// (`None` if it does not determine every entry, which would be a bug).
fn star_bicolouring_checked(p: &JacobianPattern) -> Option<Bicolouring> {
    let (m, n) = (p.nrows(), p.ncols());
    let mut edges = Vec::with_capacity(p.nnz());
    for i in 0..m {
        edges.extend(p.row(i).iter().map(|&j| (j, n + i)));
    }
    let h = HessianPattern::from_entries(n + m, &edges);
    // the star colouring with one palette, then the bipartite greedy (a
    // palette per side) along the star orders: the fewest colours in total
    let mut best = read_off(p, star_colouring(&h).colours())?;
    for order in STAR_ORDERS {
        let seq = vertex_order(n + m, order, |v, f| h.row(v).iter().copied().for_each(f));
        let b = read_off(p, &bipartite_star_greedy(&h, &seq))?;
        if b.count() < best.count() {
            best = b;
        }
    }
    Some(best)
}

/// [`star_greedy`] on the bipartite graph with a palette per side
/// (columns `0..n`, rows after): columns and rows are seeded apart, so a
/// neighbour's colour is never forbidden, only the colours that would
/// complete a path `v–w–x–y` with `v, x` (same side) and `w, y` (the other
/// side) each sharing a colour, or that a vertex at distance two has
/// while the middle one is uncoloured.
fn bipartite_star_greedy(h: &HessianPattern, seq: &[usize]) -> Vec<usize> {
    const NONE: usize = usize::MAX;
    let mut colour = vec![NONE; h.n()];
    let mut forbidden: Vec<usize> = Vec::new();
    for (step, &v) in seq.iter().enumerate() {
        let mut forbid = |c: usize| {
            if c >= forbidden.len() {
                forbidden.resize(c + 1, NONE);
            }
            forbidden[c] = step;
        };
        for &w in h.row(v) {
            for &x in h.row(w).iter().filter(|&&x| x != v) {
                if colour[x] == NONE {
                    continue;
                }
                if colour[w] == NONE || h.row(x).iter().any(|&y| y != w && colour[y] == colour[w]) {
                    forbid(colour[x]);
                }
            }
        }
        colour[v] = (0..).find(|&c| forbidden.get(c).is_none_or(|&s| s != step)).unwrap_or(0);
    }
    colour
}

/// The bicolouring a colouring of the bipartite graph gives (columns
/// `0..n`, rows after): each entry forward where its row meets its
/// column's colour only there, else backward where its column meets its
/// row's colour only there (`None` if neither); the lines with an entry
/// on their side seeded, each side's colours renumbered.
fn read_off(p: &JacobianPattern, colour: &[usize]) -> Option<Bicolouring> {
    let (m, n) = (p.nrows(), p.ncols());
    let count = colour.iter().map(|&c| c + 1).max().unwrap_or(0);
    // how many of a line's neighbours have each colour
    let mut tally = vec![0usize; count];
    let mut forward_ok = vec![false; p.nnz()];
    let (offs, rows) = p.csc();
    let mut row_pos: Vec<Vec<usize>> = vec![Vec::new(); m];
    for j in 0..n {
        for (k, &i) in rows.iter().enumerate().take(offs[j + 1]).skip(offs[j]) {
            row_pos[i].push(k);
        }
    }
    for (i, ks) in row_pos.iter().enumerate() {
        p.row(i).iter().for_each(|&j| tally[colour[j]] += 1);
        for (&j, &k) in p.row(i).iter().zip(ks) {
            forward_ok[k] = tally[colour[j]] == 1;
        }
        p.row(i).iter().for_each(|&j| tally[colour[j]] = 0);
    }
    let mut backward = vec![false; p.nnz()];
    for (j, &start) in offs[..n].iter().enumerate() {
        let col = p.col(j);
        col.iter().for_each(|&i| tally[colour[n + i]] += 1);
        for (&i, k) in col.iter().zip(start..) {
            if !forward_ok[k] {
                if tally[colour[n + i]] != 1 {
                    return None;
                }
                backward[k] = true;
            }
        }
        col.iter().for_each(|&i| tally[colour[n + i]] = 0);
    }
    // seed the lines with an entry on their side; renumber each side
    let mut seeded_col = vec![false; n];
    let mut seeded_row = vec![false; m];
    for (j, seeded) in seeded_col.iter_mut().enumerate() {
        for k in offs[j]..offs[j + 1] {
            if backward[k] {
                seeded_row[rows[k]] = true;
            } else {
                *seeded = true;
            }
        }
    }
    let renumber = |lines: &mut dyn Iterator<Item = (bool, usize)>| {
        let mut new = vec![NO_COLOUR; count];
        let mut count = 0;
        let out: Vec<Option<usize>> = lines
            .map(|(seeded, c)| {
                seeded.then(|| {
                    if new[c] == NO_COLOUR {
                        new[c] = count;
                        count += 1;
                    }
                    new[c]
                })
            })
            .collect();
        (out, count)
    };
    let (columns, column_count) = renumber(&mut (0..n).map(|j| (seeded_col[j], colour[j])));
    let (row_colours, row_count) = renumber(&mut (0..m).map(|i| (seeded_row[i], colour[n + i])));
    let b = Bicolouring { backward, columns, rows: row_colours, column_count, row_count };
    b.is_valid(p).then_some(b)
}

/// No colour yet (in [`read_off`]'s renumbering).
const NO_COLOUR: usize = usize::MAX;

// ---------------------------------------------------------------------------
// Symmetric: star and distance-2
// ---------------------------------------------------------------------------

/// A distance-2 colouring of the Hessian's adjacency graph (vertices within
/// two edges differ): the column colouring of the pattern with its
/// diagonal, the classical direct method, shown for comparison with
/// [`star_colouring`].
#[must_use]
pub fn distance2_colouring(p: &HessianPattern) -> Colouring {
    let n = p.n();
    let mut entries: Vec<(usize, usize)> = (0..n).map(|i| (i, i)).collect();
    for i in 0..n {
        entries.extend(p.row(i).iter().map(|&j| (i, j)));
    }
    column_colouring(&JacobianPattern::from_entries(n, n, &entries))
}

/// The star colouring with the fewest colours among the static orders
/// (natural, largest-first, smallest-last), improved by iterated greedy,
/// and [`distance2_colouring`]: never more colours than distance-2.
///
/// ```
/// use dualnum::sparse::{HessianPattern, colour};
///
/// // arrowhead: vertex 0 is coupled to all others
/// let n = 8;
/// let arrow: Vec<_> = (0..n).map(|j| (0, j)).collect();
/// let p = HessianPattern::from_entries(n, &arrow);
/// assert_eq!(colour::star_colouring(&p).count(), 2);
/// assert_eq!(colour::distance2_colouring(&p).count(), n);
/// ```
#[must_use]
pub fn star_colouring(p: &HessianPattern) -> Colouring {
    star_of(p, STAR_ORDERS).0
}

/// The vertex orders [`star_colouring`] tries, in turn.
pub const STAR_ORDERS: [Order; 3] = [Order::Natural, Order::LargestFirst, Order::SmallestLast];

/// [`star_colouring`] with the colour count of every order tried: the
/// [`STAR_ORDERS`], then `restarts` pseudo-random orders
/// ([`Order::Random`] with seeds `seed`, `seed + 1`, …; deterministic).
/// The colouring returned is the best of them after iterated greedy, or
/// the distance-2 colouring if that has fewer colours; never more colours
/// than [`star_colouring`].
///
/// ```
/// use dualnum::sparse::{HessianPattern, colour};
///
/// let n = 30;
/// let e: Vec<_> = (0..n).flat_map(|i| [(i, (i + 1) % n), (i, (i * 7 + 2) % n)]).collect();
/// let p = HessianPattern::from_entries(n, &e);
/// let (c, counts) = colour::star_colouring_restarts(&p, 10, 3);
/// assert_eq!(counts.len(), colour::STAR_ORDERS.len() + 10);
/// assert!(colour::is_star_colouring(&p, &c));
/// assert!(c.count() <= colour::star_colouring(&p).count());
/// ```
#[must_use]
pub fn star_colouring_restarts(
    p: &HessianPattern,
    restarts: usize,
    seed: u64,
) -> (Colouring, Vec<(Order, usize)>) {
    let random = (0..restarts as u64).map(|r| Order::Random(seed.wrapping_add(r)));
    star_of(p, STAR_ORDERS.into_iter().chain(random))
}

fn star_of(
    p: &HessianPattern,
    orders: impl IntoIterator<Item = Order>,
) -> (Colouring, Vec<(Order, usize)>) {
    let n = p.n();
    let adj = |v: usize| p.row(v).iter().copied().filter(move |&w| w != v);
    let mut best: Option<Colouring> = None;
    // the best of the fixed orders, kept when a random order beats it
    let mut fixed: Option<Colouring> = None;
    let mut counts = Vec::new();
    for order in orders {
        let seq = vertex_order(n, order, |v, f| adj(v).for_each(f));
        let c = star_greedy(p, &seq);
        counts.push((order, c.count));
        if best.as_ref().is_none_or(|b| c.count < b.count) {
            if matches!(order, Order::Random(_)) && fixed.is_none() {
                fixed = best.take();
            }
            best = Some(c);
        }
    }
    let best = best.unwrap_or_else(|| Colouring::new(Vec::new()));
    let mut c = iterate(best, |seq| star_greedy(p, seq));
    if let Some(f) = fixed.map(|f| iterate(f, |seq| star_greedy(p, seq)))
        && f.count < c.count
    {
        c = f;
    }
    // A distance-2 colouring is a star colouring too, and DSatur finds the
    // optimal one on some patterns (the 2-D grid) where the static star
    // orders do not: keep the fewer. The greedy star rule guarantees a star
    // colouring; the check keeps a mistake from reaching decompression.
    let d2 = distance2_colouring(p);
    (if is_star_colouring(p, &c) && c.count <= d2.count { c } else { d2 }, counts)
}

/// Greedy star colouring along `seq` (Gebremedhin, Manne and Pothen's
/// first algorithm): besides the neighbours' colours, forbid colour `x`
/// when giving it to `v` would complete a two-coloured path on four
/// vertices `v–w–x–y`, or when `w` is still uncoloured (a distance-2 rule).
fn star_greedy(p: &HessianPattern, seq: &[usize]) -> Colouring {
    let n = p.n();
    const NONE: usize = usize::MAX;
    let mut colour = vec![NONE; n];
    let mut forbidden: Vec<usize> = Vec::new();
    for (step, &v) in seq.iter().enumerate() {
        let mut forbid = |c: usize| {
            if c >= forbidden.len() {
                forbidden.resize(c + 1, NONE);
            }
            forbidden[c] = step;
        };
        for &w in p.row(v).iter().filter(|&&w| w != v) {
            if colour[w] != NONE {
                forbid(colour[w]);
            }
            for &x in p.row(w).iter().filter(|&&x| x != w && x != v) {
                if colour[x] == NONE {
                    continue;
                }
                // w uncoloured: forbid as at distance 2; else forbid x's colour
                // if x already has a neighbour y ≠ w of w's colour (v–w–x–y)
                if colour[w] == NONE
                    || p.row(x).iter().any(|&y| y != x && y != w && colour[y] == colour[w])
                {
                    forbid(colour[x]);
                }
            }
        }
        colour[v] = (0..).find(|&c| forbidden.get(c).is_none_or(|&s| s != step)).unwrap_or(0);
    }
    Colouring::new(colour)
}

/// Whether the symmetric compressed product `H·S` determines every entry
/// of a Hessian with pattern `p` directly: neighbours differ, and for each
/// off-diagonal entry `(i, j)`, `i` meets colour `c(j)` only at `j` or `j`
/// meets colour `c(i)` only at `i` (true of every star colouring).
#[must_use]
pub fn is_star_colouring(p: &HessianPattern, c: &Colouring) -> bool {
    let n = p.n();
    if c.colour.len() != n {
        return false;
    }
    let count =
        |i: usize, col: usize| p.row(i).iter().filter(|&&k| k != i && c.colour[k] == col).count();
    (0..n).all(|i| {
        p.row(i).iter().all(|&j| {
            j == i
                || (c.colour[i] != c.colour[j]
                    && (count(i, c.colour[j]) == 1 || count(j, c.colour[i]) == 1))
        })
    })
}

/// The first entry `(i, j)` of `p` that `c` does not determine directly,
/// as `(i, j, k)`: `k = i` when `i` and `j` share a colour, else a second
/// neighbour `k` of `i` with `j`'s colour; `(usize::MAX, c's length, n)` if
/// the lengths differ.
pub(crate) fn star_conflict(p: &HessianPattern, c: &Colouring) -> Option<(usize, usize, usize)> {
    let n = p.n();
    if c.colour.len() != n {
        return Some((usize::MAX, c.colour.len(), n));
    }
    let others = |i: usize, col: usize| {
        p.row(i).iter().copied().filter(move |&k| k != i && c.colour[k] == col)
    };
    for i in 0..n {
        for &j in p.row(i) {
            if j == i {
                continue;
            }
            if c.colour[i] == c.colour[j] {
                return Some((i, i, j));
            }
            if others(i, c.colour[j]).count() > 1 && others(j, c.colour[i]).count() > 1 {
                let k = others(i, c.colour[j]).find(|&k| k != j).unwrap_or(j);
                return Some((i, j, k));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A random pattern, sometimes with a dense row or column.
    fn pattern(seed: u64) -> JacobianPattern {
        let r = shuffled(64, seed);
        let (m, n) = (2 + r[0] % 40, 2 + r[1] % 40);
        let mut e = Vec::new();
        for i in 0..m {
            let cols = shuffled(n, seed.wrapping_mul(17).wrapping_add(i as u64));
            e.extend(cols.iter().take(1 + r[2 + i % 60] % 4).map(|&j| (i, j)));
        }
        match r[63] % 3 {
            0 => e.extend((0..n).map(|j| (r[3] % m, j))),
            1 => e.extend((0..m).map(|i| (i, r[4] % n))),
            _ => {}
        }
        JacobianPattern::from_entries(m, n, &e)
    }

    /// The star colouring of the bipartite graph determines every entry
    /// (the check never falls back), with at most as many colours on
    /// each side as the star colouring has.
    #[test]
    fn star_bicolourings_are_valid_without_the_fallback() {
        for seed in 0..200 {
            let p = pattern(seed);
            let b = star_bicolouring_checked(&p).unwrap_or_else(|| panic!("seed {seed}"));
            assert!(b.is_valid(&p));
            let best = star_bicolouring(&p);
            assert!(best.count() <= bidirectional_colouring(&p).count());
            assert!(best.count() <= b.count());
        }
    }
}
