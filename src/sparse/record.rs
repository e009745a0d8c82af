//! The recording behind [`Tracer`](super::Tracer): one thread-local list of
//! nodes, each naming at most two operands and how the result depends on
//! them, from which `pattern.rs` reads first- and second-order sparsity.
//!
//! Node 0 stands for every constant (no dependencies); nodes `1..=n` are the
//! inputs; every other node is an operation between operands that are not
//! both constants. Operations that keep a tracer's dependencies unchanged
//! and are linear in it (`x + c`, `c·x`, `−x`, `|x|`) record nothing: the
//! result reuses its operand's node.
//!
//! The list is thread-local so that a tracer is a plain `Copy + 'static`
//! value (a user's closure may return a `Vec` of them); each recording has
//! a generation number, and a tracer from another recording is a panic, so
//! a stale tracer cannot silently add edges to the wrong graph.

use std::cell::RefCell;
use std::vec::Vec;

/// How an operation's result depends on its operands (first order: on
/// both; the kind says which second derivatives may be non-zero).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// An input variable (no operands).
    Input,
    /// Linear in both operands: `a ± b`, `max`, `min`, `a % b`; no second
    /// derivatives.
    Linear,
    /// Nonlinear in `a` alone (`b` = 0): `sin a`, `1/a`, `aⁿ`.
    Unary,
    /// `a·b`: only the cross terms `∂²/∂a∂b` (and `∂²/∂a²` when `a == b`).
    Mul,
    /// `a/b`: the cross terms and `∂²/∂b²`.
    Div,
    /// Nonlinear in both jointly: `atan2`, `hypot`, `a^b`.
    Joint,
}

/// One recorded operation.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Node {
    pub(crate) a: u32,
    pub(crate) b: u32,
    pub(crate) kind: Kind,
}

/// What a finished recording hands to the pattern reader.
#[derive(Debug)]
pub(crate) struct Graph {
    pub(crate) nodes: Vec<Node>,
    pub(crate) inputs: usize,
    /// Comparisons, predicates and conversions made on input-dependent
    /// values.
    pub(crate) branches: usize,
}

struct Recording {
    nodes: Vec<Node>,
    branches: usize,
    generation: u32,
    active: bool,
}

thread_local! {
    static REC: RefCell<Recording> = const {
        RefCell::new(Recording { nodes: Vec::new(), branches: 0, generation: 0, active: false })
    };
}

/// Starts a recording with `n` inputs; returns its generation.
///
/// # Panics
///
/// If a recording is already running on this thread (detection called from
/// inside the function being traced).
pub(crate) fn start(n: usize) -> u32 {
    assert!(
        u32::try_from(n).is_ok_and(|n| n < u32::MAX / 2),
        "sparse: {n} inputs are more than the tracer can number"
    );
    REC.with_borrow_mut(|r| {
        assert!(
            !r.active,
            "sparse: sparsity detection was started inside a function being traced \
             (detection does not nest)"
        );
        r.active = true;
        r.generation = r.generation.wrapping_add(1);
        r.branches = 0;
        r.nodes.clear();
        r.nodes.push(Node { a: 0, b: 0, kind: Kind::Input });
        for _ in 0..n {
            r.nodes.push(Node { a: 0, b: 0, kind: Kind::Input });
        }
        r.generation
    })
}

/// Ends the recording and takes its graph.
pub(crate) fn finish(inputs: usize) -> Graph {
    REC.with_borrow_mut(|r| {
        r.active = false;
        Graph { nodes: core::mem::take(&mut r.nodes), inputs, branches: r.branches }
    })
}

/// Gives a read graph's node list back, so the next recording on this
/// thread starts with its capacity (no regrowth).
pub(crate) fn recycle(graph: Graph) {
    let mut nodes = graph.nodes;
    nodes.clear();
    REC.with_borrow_mut(|r| {
        if r.nodes.capacity() < nodes.capacity() {
            r.nodes = nodes;
        }
    });
}

/// Ends the recording if the traced function panicked, so the thread can
/// trace again.
pub(crate) struct Guard;

impl Drop for Guard {
    fn drop(&mut self) {
        REC.with_borrow_mut(|r| r.active = false);
    }
}

#[track_caller]
fn check(r: &Recording, generation: u32) {
    assert!(
        r.active && r.generation == generation,
        "sparse: a Tracer was used outside the sparsity detection that created it \
         (tracers must not be kept from one detection to another)"
    );
}

/// Records an operation; returns the new node's id.
#[track_caller]
pub(crate) fn push(generation: u32, a: u32, b: u32, kind: Kind) -> u32 {
    REC.with_borrow_mut(|r| {
        check(r, generation);
        let id = r.nodes.len() as u32;
        r.nodes.push(Node { a, b, kind });
        id
    })
}

/// Counts a comparison, predicate or conversion on an input-dependent value.
#[track_caller]
pub(crate) fn branch(generation: u32) {
    REC.with_borrow_mut(|r| {
        check(r, generation);
        r.branches += 1;
    });
}
