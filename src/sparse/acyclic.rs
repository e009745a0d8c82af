//! Acyclic colouring of a Hessian's adjacency graph, and the recovery by
//! substitution it allows.
//!
//! An **acyclic** colouring gives neighbours different colours and leaves
//! no cycle on two colours: the subgraph of any two colour classes is a
//! forest. Every star colouring is acyclic, not conversely (a path needs 3
//! star colours but 2 acyclic ones), so it can take fewer passes. The
//! price is the recovery: an entry is no longer one lane of `B = H·S` but
//! the end of a chain of subtractions. In the forest of colours `a, b`,
//! `B[i, b]` is the sum of `Hᵢⱼ` over the `b`-coloured neighbours `j` of
//! `i`; at a leaf `i` there is one such `j`, so `Hᵢⱼ = B[i, b]`; subtract
//! it from `B[j, a]` and drop the leaf, until the forest is empty. Each
//! subtraction can add a rounding error, so an entry at the end of a long
//! chain is exact only to a few units of its neighbours' size.

use std::collections::HashMap;
use std::vec::Vec;

use num_traits::Float;

use super::HessianPattern;
use super::colour::{Colouring, Order, iterate, vertex_order};

const NONE: usize = usize::MAX;

/// Union–find over the pairs (vertex, colour): `(v, b)` stands for `v`'s
/// tree in the forest of `v`'s colour and `b`. Pairs never united are
/// left out (they are their own trees).
#[derive(Default)]
struct Forests {
    id: HashMap<(usize, usize), u32>,
    parent: Vec<u32>,
}

impl Forests {
    fn node(&mut self, key: (usize, usize)) -> u32 {
        let next = self.parent.len() as u32;
        let id = *self.id.entry(key).or_insert(next);
        if id == next {
            self.parent.push(next);
        }
        id
    }

    fn root(&mut self, mut a: u32) -> u32 {
        while self.parent[a as usize] != a {
            let up = self.parent[self.parent[a as usize] as usize];
            self.parent[a as usize] = up;
            a = up;
        }
        a
    }

    /// The tree of `key`, or `None` for a pair never united.
    fn find(&mut self, key: (usize, usize)) -> Option<u32> {
        let a = *self.id.get(&key)?;
        Some(self.root(a))
    }

    fn union(&mut self, a: (usize, usize), b: (usize, usize)) {
        let (a, b) = (self.node(a), self.node(b));
        let (ra, rb) = (self.root(a), self.root(b));
        self.parent[ra as usize] = rb;
    }
}

/// Greedy acyclic colouring along `seq`: each vertex `v` takes the smallest
/// colour `c` that no neighbour has and that closes no two-coloured cycle,
/// i.e. no two neighbours of one colour `a` already lie in one tree of the
/// forest of colours `a` and `c`.
fn acyclic_greedy(p: &HessianPattern, seq: &[usize]) -> Colouring {
    let n = p.n();
    let mut colour = vec![NONE; n];
    let mut forests = Forests::default();
    let mut forbidden: Vec<usize> = Vec::new();
    let mut seen: Vec<(usize, usize)> = Vec::new();
    let mut roots: Vec<Option<u32>> = Vec::new();
    for (step, &v) in seq.iter().enumerate() {
        seen.clear();
        for &w in p.row(v).iter().filter(|&&w| w != v && colour[w] != NONE) {
            let a = colour[w];
            if a >= forbidden.len() {
                forbidden.resize(a + 1, NONE);
            }
            forbidden[a] = step;
            seen.push((a, w));
        }
        seen.sort_unstable();
        let mut c = 0;
        loop {
            if forbidden.get(c).is_some_and(|&s| s == step) {
                c += 1;
                continue;
            }
            // a cycle through v on colours {a, c}: two a-neighbours in one tree
            let closes = seen.chunk_by(|x, y| x.0 == y.0).any(|group| {
                if group.len() < 2 {
                    return false;
                }
                roots.clear();
                roots.extend(group.iter().map(|&(_, w)| forests.find((w, c))));
                roots.sort_unstable();
                roots.windows(2).any(|r| r[0].is_some() && r[0] == r[1])
            });
            if !closes {
                break;
            }
            c += 1;
        }
        colour[v] = c;
        for &(a, w) in &seen {
            forests.union((v, a), (w, c));
        }
    }
    Colouring::new(colour)
}

/// An acyclic colouring of the Hessian's adjacency graph (see the module
/// docs of [`colour`](super::colour)): the fewest colours found by greedy
/// colouring in the static orders (natural, largest-first, smallest-last),
/// improved by iterated greedy, and never more than
/// [`star_colouring`](super::colour::star_colouring) (a star colouring is
/// acyclic too). It allows recovery by substitution only
/// ([`is_acyclic_colouring`]).
///
/// ```
/// use dualnum::sparse::{HessianPattern, colour};
///
/// // a tridiagonal Hessian: 3 star colours, 2 acyclic ones
/// let n = 10;
/// let band: Vec<_> = (0..n).flat_map(|i| [(i, i), (i, (i + 1).min(n - 1))]).collect();
/// let p = HessianPattern::from_entries(n, &band);
/// assert_eq!(colour::star_colouring(&p).count(), 3);
/// assert_eq!(colour::acyclic_colouring(&p).count(), 2);
/// ```
#[must_use]
pub fn acyclic_colouring(p: &HessianPattern) -> Colouring {
    let n = p.n();
    let adj = |v: usize| p.row(v).iter().copied().filter(move |&w| w != v);
    let mut best: Option<Colouring> = None;
    for order in [Order::Natural, Order::LargestFirst, Order::SmallestLast] {
        let seq = vertex_order(n, order, |v, f| adj(v).for_each(f));
        let c = acyclic_greedy(p, &seq);
        if best.as_ref().is_none_or(|b| c.count() < b.count()) {
            best = Some(c);
        }
    }
    let best = best.unwrap_or_else(|| Colouring::new(Vec::new()));
    let c = iterate(best, |seq| acyclic_greedy(p, seq));
    // The greedy rule guarantees an acyclic colouring; the check keeps a
    // mistake from reaching decompression, and the star colouring is kept
    // where it is no worse.
    let star = super::colour::star_colouring(p);
    if c.count() < star.count() && Substitution::plan(p, &c).is_ok() { c } else { star }
}

/// Whether the compressed product `H·S` of colouring `c` determines every
/// entry of a Hessian with pattern `p` by substitution: neighbours differ
/// and no two colour classes contain a cycle (true of every acyclic
/// colouring, and so of every star colouring).
#[must_use]
pub fn is_acyclic_colouring(p: &HessianPattern, c: &Colouring) -> bool {
    Substitution::plan(p, c).is_ok()
}

/// One substitution: `Hᵢⱼ = B[from]`, stored at the CSC positions `at`,
/// then `B[sub] −= Hᵢⱼ` (each a (row, colour) of `B`).
#[derive(Clone, Copy, Debug)]
struct Step {
    from: (u32, u32),
    sub: (u32, u32),
    at: [usize; 2],
}

/// The recovery program of an acyclic colouring, on `B = H·S` (`n × k`,
/// `k` colours).
#[derive(Clone, Debug)]
pub(crate) struct Substitution {
    /// The diagonal: (CSC position, (row, colour) of `B`).
    diagonal: Vec<(usize, (u32, u32))>,
    /// The off-diagonal entries, leaves first.
    steps: Vec<Step>,
}

/// Where the substitution reads `B = H·S` and subtracts from it: the
/// lanes of one pass that holds every colour (`B[i, c]` is lane `c` of
/// output `i`), or `B` gathered from several passes.
pub(crate) trait Compressed<T> {
    /// `B[row, colour]`.
    fn at(&self, row: u32, colour: u32) -> T;
    /// `B[row, colour] −= v`.
    fn sub(&mut self, row: u32, colour: u32, v: T);
}

/// `B` stored row by row (`R[i·k + c] = B[i, c]`).
pub(crate) struct RowMajor<'a, T> {
    pub(crate) r: &'a mut [T],
    pub(crate) k: usize,
}

impl<T: Float> Compressed<T> for RowMajor<'_, T> {
    #[inline]
    fn at(&self, row: u32, colour: u32) -> T {
        self.r[row as usize * self.k + colour as usize]
    }
    #[inline]
    fn sub(&mut self, row: u32, colour: u32, v: T) {
        let x = &mut self.r[row as usize * self.k + colour as usize];
        *x = *x - v;
    }
}

impl<T: Float, const C: usize, const S: bool> Compressed<T> for [crate::Dual<T, C, S>] {
    #[inline]
    fn at(&self, row: u32, colour: u32) -> T {
        self[row as usize].eps[colour as usize]
    }
    #[inline]
    fn sub(&mut self, row: u32, colour: u32, v: T) {
        let x = &mut self[row as usize].eps[colour as usize];
        *x = *x - v;
    }
}

impl Substitution {
    /// Plans the recovery by peeling the leaves of every two-coloured
    /// forest, or returns an entry `(i, j)` it cannot reach: two neighbours
    /// of one colour, or an entry on a two-coloured cycle.
    pub(crate) fn plan(p: &HessianPattern, c: &Colouring) -> Result<Self, (usize, usize)> {
        let n = p.n();
        let (k, colour) = (c.count(), c.colours());
        if colour.len() != n {
            return Err((usize::MAX, colour.len()));
        }
        let jp = p.as_jacobian_pattern();
        let (offs, cols) = jp.csr();
        // For a symmetric pattern, the CSC position of (j, i) is the CSR
        // position of (i, j).
        let pos = |i: usize, j: usize| offs[i] + p.row(i).binary_search(&j).unwrap_or(0);
        let mut diagonal = Vec::new();
        let mut count = vec![0u32; n * k];
        for i in 0..n {
            for &j in p.row(i) {
                if j == i {
                    diagonal.push((pos(i, i), (i as u32, colour[i] as u32)));
                } else if colour[i] == colour[j] {
                    return Err((i, j));
                } else {
                    count[i * k + colour[j]] += 1;
                }
            }
        }
        let mut done = vec![false; cols.len()];
        let mut queue: Vec<(usize, usize)> =
            (0..n * k).filter(|&r| count[r] == 1).map(|r| (r / k, r % k)).collect();
        let mut steps = Vec::new();
        while let Some((i, b)) = queue.pop() {
            if count[i * k + b] != 1 {
                continue;
            }
            let Some(q) = (offs[i]..offs[i + 1]).find(|&q| {
                let j = cols[q];
                j != i && colour[j] == b && !done[q]
            }) else {
                continue;
            };
            let j = cols[q];
            let q2 = pos(j, i);
            done[q] = true;
            done[q2] = true;
            count[i * k + b] = 0;
            let r = j * k + colour[i];
            count[r] -= 1;
            if count[r] == 1 {
                queue.push((j, colour[i]));
            }
            let from = (i as u32, b as u32);
            steps.push(Step { from, sub: (j as u32, colour[i] as u32), at: [q, q2] });
        }
        for i in 0..n {
            for (q, &j) in (offs[i]..offs[i + 1]).zip(p.row(i)) {
                if j != i && !done[q] {
                    return Err((i, j));
                }
            }
        }
        Ok(Substitution { diagonal, steps })
    }

    /// Recovers the entries into `values` (CSC order) from `b`, which it
    /// consumes; an exact zero comes out as `+0`.
    pub(crate) fn solve<T: Float>(&self, b: &mut (impl Compressed<T> + ?Sized), values: &mut [T]) {
        for &(at, (i, c)) in &self.diagonal {
            values[at] = b.at(i, c) + T::zero();
        }
        for s in &self.steps {
            let v = b.at(s.from.0, s.from.1) + T::zero();
            values[s.at[0]] = v;
            values[s.at[1]] = v;
            b.sub(s.sub.0, s.sub.1, v);
        }
    }
}
