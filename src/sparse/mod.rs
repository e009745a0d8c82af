//! Sparse Jacobians and Hessians (feature `sparse`): detect the pattern,
//! colour it, differentiate in a handful of compressed passes.
//!
//! A 10,000-unknown PDE residual has a 10,000 × 10,000 Jacobian with five
//! entries a row. Dense forward mode needs `⌈n / C⌉` passes (1,250 with
//! `C = 8`); but columns that never share a row can share a tangent lane,
//! and a five-point stencil needs only five lanes, so **one** pass of
//! `Dual<f64, 5>` (or 8) gives every entry. Three steps, each usable alone:
//!
//! 1. **Detection** ([`JacobianPattern::detect`],
//!    [`HessianPattern::detect`]): run the unchanged generic function once
//!    on [`Tracer`]s, which record which inputs each value depends on (and,
//!    for Hessians, which operations make two inputs interact).
//! 2. **Colouring** ([`colour`]): greedy column colouring for Jacobians
//!    (or row colouring, or both directions: [`Direction`]), star and
//!    acyclic colouring for Hessians, several vertex orders, fewest kept.
//! 3. **Compressed evaluation** ([`SparseJacobian`], [`SparseHessian`],
//!    [`PreparedHessian`]):
//!    seed each colour as one lane, evaluate, copy each entry out of its
//!    lane into a `nalgebra_sparse::CscMatrix` (or into your own values
//!    array, in place); row colours are backward sweeps on one recording.
//!    The prepared object is reused at every new point, and each
//!    evaluation checks itself along one random direction
//!    ([`PatternCheck`]).
//!
//! A function object ([`VectorFunction`](crate::VectorFunction)) runs each
//! pass on the checked fast path
//! ([`SparseJacobian::jacobian_of`], [`values_of`](SparseJacobian::values_of):
//! policy-free duals, a finiteness test of what each pass gives, the
//! NaN-safe re-run of a pass only if needed) and can use backward sweeps; a closure on
//! `Dual<T, C>` runs the NaN-safe kernels, forward only. A function
//! object that writes every output can say so
//! ([`SparseJacobian::with_outputs_written`]) and save the reset of the
//! output buffer before each pass (a broken promise costs a NaN-safe
//! re-run, never a wrong matrix).
//!
//! Colour counts depend on the vertex order: the default colourings try
//! several fixed orders; [`colour::column_colouring_restarts`] and
//! [`colour::star_colouring_restarts`] add seeded random ones (report in
//! hand, pass the result to `with_colouring`). A star-coloured Hessian
//! leaves unseeded the vertices no entry is read through (neutral colours),
//! which drops a lane where a colour is never read.
//!
//! ```
//! use dualnum::sparse::SparseJacobian;
//! use num_traits::Float;
//!
//! // Fᵢ = xᵢ₋₁ − 2xᵢ + xᵢ₊₁ + e^(xᵢ), a 1-D Bratu residual, generic once
//! fn bratu1d<T: Float>(x: &[T], out: &mut [T]) {
//!     let n = x.len();
//!     for i in 0..n {
//!         let l = if i > 0 { x[i - 1] } else { T::zero() };
//!         let r = if i + 1 < n { x[i + 1] } else { T::zero() };
//!         out[i] = l - x[i] - x[i] + r + x[i].exp();
//!     }
//! }
//!
//! let x = vec![0.1; 500];
//! let sj = SparseJacobian::detect_inplace(|x, out| bratu1d(x, out), &x, 500)?;
//! assert_eq!((sj.colours(), sj.passes(4)), (3, 1));
//! let (fx, j) = sj.jacobian_inplace::<4, _>(|x, out| bratu1d(x, out), &x)?;
//! // exactly the dense forward-mode numbers
//! let (_, dense) = dualnum::chunked::Chunk::<8>::jacobian_inplace(|x, out| bratu1d(x, out), &x, 500);
//! assert_eq!(nalgebra::DMatrix::from(&j), dense);
//! # let _ = fx;
//! # Ok::<(), dualnum::sparse::SparseError>(())
//! ```
//!
//! # Branches: a pattern valid everywhere, or at one point
//!
//! Operator overloading sees only the path taken. A `Float` method that
//! picks between its arguments (`max`, `min`, `clamp`, `abs`) is recorded as
//! depending on all of them, so it is valid at every point. But
//! `if x < y { … } else { … }` runs one branch, and the other may touch
//! other inputs. Detection therefore **counts** every comparison,
//! predicate (`is_nan`, `is_zero`, `is_sign_positive`) and conversion
//! (`to_f64`) made on a value that depends on the inputs, and by default
//! ([`Branches::Reject`]) fails with
//! [`SparseError::ValueDependentBranches`] if there was any: the pattern
//! it returns is valid at every point. [`Branches::AtPoint`] accepts a
//! pattern that is valid at the detection point (and wherever the same
//! branches are taken). Exploring both sides of every branch is not
//! offered: the number of paths doubles with each comparison.
//!
//! # What each evaluation checks
//!
//! The pattern is reused, not re-detected, so a function whose sparsity
//! changes (a branch taken differently, a different closure) must be
//! detected again. Each evaluation returns an error, never a wrong matrix,
//! for a point of the wrong length ([`SparseError::InputLength`]) or a
//! changed number of outputs ([`SparseError::OutputLength`]). Output `i`
//! may be non-zero only in the lanes of the colours of its own entries: a
//! non-zero elsewhere is [`SparseError::OutsidePattern`]. A new entry
//! `(i, k)` whose column's colour row `i` already uses would be added to
//! the existing entry of that colour in the compressed product; by default
//! ([`PatternCheck::Directional`]) each evaluation therefore also computes
//! one directional derivative `J·v` along a fixed pseudo-random `v` in a
//! spare lane (or one more pass when there is none) and compares it with
//! the sparse matrix times `v`: a misattributed entry makes them differ,
//! and the evaluation fails with [`SparseError::PatternChanged`] naming the
//! row. The check sees entries outside the pattern of either kind, so with
//! it the lanes that must be zero are tested only after it fails, in a
//! second evaluation that names the error ([`SparseError::OutsidePattern`]
//! when a lane shows it); an entry smaller than the check's tolerance
//! (`√ε` of its row's scale) passes. [`PatternCheck::Off`] skips the check
//! for a pattern known to be valid; the lanes that must be zero are then
//! tested at every pass (a few comparisons a row, the rows that have every
//! colour of a pass skipped).
//!
//! # Cost
//!
//! | step | cost |
//! |---|---|
//! | detection | one evaluation recording a 12-byte node per nonlinear operation, then a walk over each output's ancestors |
//! | colouring | columns: near-linear in the entries on the classes of identical columns when their graph is small (each order tried: one pass over it), else `Σᵢ (entries in row i)²`; stops at the longest row's bound; Hessians: `Σᵢ (entries in row i)²` per order; once |
//! | Jacobian | `⌈column colours / C⌉` evaluations on `Dual<T, C>` + one copy per entry (row by row); one recording + one backward sweep per row colour; the check: a spare lane (or one more evaluation) + one multiply-add per entry, in the same walk over the rows |
//! | Hessian | `⌈colours / C⌉` reverse-mode recordings and sweeps on `Dual<T, C>` (policy-free for function objects: [`SparseHessian::values_of`], [`hessian_of`](SparseHessian::hessian_of)), or replays of one compiled recording when bound to the function ([`PreparedHessian`]); the check: a spare lane or one more, and one multiply-add per entry; substitution (acyclic): one subtraction per off-diagonal pair |
//!
//! # Design, and the alternatives rejected
//!
//! - **The tracer is `Copy + 'static`** and records into a thread-local
//!   list, checked by a generation number. *Rejected:* a tracer carrying
//!   its dependency set (not `Copy`, so not a `Float`); a tracer borrowing
//!   its recording like [`reverse::Var`](crate::reverse::Var) (a closure
//!   generic over that lifetime cannot return a `Vec` of them).
//! - **Patterns are read backward**, by walking each output's ancestors,
//!   not by carrying a set along every value. *Rejected:* forward sets,
//!   whose total size is quadratic on an accumulation (`s += …` over `n`
//!   terms keeps `1 + 2 + … + n` entries) although the answer is linear.
//! - **Hessian patterns come from the operations that interact**: a node
//!   contributes pairs only if it is a product, a quotient or nonlinear, and
//!   only if the output depends on it; linear steps pass nothing on.
//! - **Branches are refused by default** rather than guessed (see above).
//! - **Colouring tries several orders, DSatur among them**: the static
//!   orders give 7 colours on the 2-D five-point stencil, DSatur the
//!   optimal 5; the rest costs milliseconds once.
//! - **Column colouring on the classes of identical columns**: columns
//!   with the same rows (a camera's parameters, a dense block) are a
//!   clique with the same neighbours, so the orders and the greedy rule run
//!   on the classes, each taking its colours at once, over adjacency lists
//!   built once when they are small; the colouring of a bundle-adjustment
//!   pattern of 182,000 columns went from 3.3 s to under 0.1 s with the
//!   same 15 colours, and the final counts of every pattern tried stayed
//!   the same. *Rejected:* keeping the per-column walk through the rows
//!   (`Σ (row length)²` per order, a second or more per order there); a
//!   stored column intersection graph (the same square, in memory). Orders
//!   stop at the longest row's length, a lower bound.
//! - **Hessians by reverse over forward**: the compressed product `H·S`
//!   needs a gradient per seed direction, which nested forward mode gives
//!   only with `n` inner lanes (it yields `Sᵀ·H·S`). Star colouring is
//!   compared with distance-2 colouring and the fewer is kept.
//! - **Every evaluation checks itself by default** along one pseudo-random
//!   direction `v` (fixed per prepared object, entries in `[1, 2)`): `J·v`
//!   from one more tangent lane against the sparse result times `v`, row
//!   by row, within `√ε` of the row's scale. It turns the one failure a
//!   compressed product cannot see (a new entry in a colour its row already
//!   uses) into [`SparseError::PatternChanged`]. *Rejected:* re-detection
//!   at each evaluation (2–3 evaluations, and still blind to branches not
//!   taken); a documented "undetectable" case that returns a wrong matrix.
//!   The lane is free when the colours leave one spare in the last pass;
//!   [`PatternCheck::Off`] is the opt-out.
//! - **Both directions by splitting the entries**, not by a full star
//!   bicolouring: [`colour::bidirectional_colouring`] sends the densest
//!   rows to backward sweeps (or the densest columns to forward lanes) and
//!   colours each part on its own, trying `t = 1, 2, …, 64` and the
//!   one-sided colourings, and keeps the fewest colours. It reaches 3 on an
//!   arrowhead (against `n` either way) and can never lose to columns or
//!   rows alone; a Coleman–Verma star bicolouring could find fewer on
//!   patterns with many medium-dense rows and columns.
//!   [`colour::star_bicolouring`] is that option, outside `Auto`: a star
//!   colouring of the bipartite graph (one palette, and a palette per side
//!   along the star orders), each entry read from the side that sees it
//!   alone, kept only where it beats the splits. On 2,000 random patterns
//!   of up to 41 × 41 it beat them twice (4 against 5, 6 against 7) and
//!   lost 1,037 times, and it is quadratic in a dense line (arrowhead
//!   n = 3,000: 635 ms against `Auto`'s 11 ms, both 3 colours).
//! - **Direct recovery for Jacobians**, so the results are the dense
//!   forward-mode numbers, bit for bit. **Hessians choose per pattern and
//!   lane width**: the star colouring (direct, exact copies) and, when
//!   [`colour::acyclic_colouring`] finds fewer colours, the acyclic one
//!   (substitution along two-coloured trees, which may round); each
//!   evaluation takes the one with fewer passes, the star colouring on a
//!   tie. A chained Rosenbrock Hessian (tridiagonal) takes 3 star colours
//!   and 2 acyclic ones, so with `C = 3` the check rides in a spare lane
//!   instead of costing a second pass.
//! - **Function objects take the checked fast path for Hessians too**
//!   ([`SparseHessian::hessian_of`]): each pass records on policy-free
//!   duals and is re-run NaN-safe only if a component is not finite.
//!   *Rejected:* forward over forward on `Dual<Dual<T, C>, C>`: seeded with
//!   `S` at both levels it yields `Sᵀ·H·S` (`C²` numbers), not `H·S`, and
//!   recovering a Hessian from `Sᵀ·H·S` needs a colouring in which every
//!   pair of colours meets in at most one entry, far more colours than a
//!   star or acyclic one (`H·S` by forward over forward needs `n` inner
//!   lanes).
//! - **A Hessian bound to its function replays** ([`PreparedHessian`],
//!   from [`SparseHessian::prepare_of`] or [`SparseHessian::prepare`]):
//!   the first pass records on `Dual<T, C>` and compiles the recording
//!   ([`reverse::Prepared`](crate::reverse::Prepared)), later passes
//!   replay it with new values and seeds, and the replay guard records
//!   again where a branch changes (so the directional check still sees a
//!   pattern that changed with it). Chained Rosenbrock, n = 10,000, `C = 3`
//!   with the check: 5.91 M instructions a call against 9.36 M for fresh
//!   recordings. *Rejected:* replaying inside `values_of` and `hessian_of`,
//!   which take the function at every call: a cached program cannot tell
//!   that the function (or the state it captured) is the same, and would
//!   silently return the old function's Hessian.
//! - **Stores through a row table** (banded and stencil Jacobians): when
//!   a table of `rows × colours` places is at least half full, a pass
//!   stores (and, in one pass with the check, compares) row by row with
//!   the lane fixed by the place, no colour test; else by colour runs, or
//!   the row walk. Broyden n = 10,000, `C = 3`, outputs written: 1.11 M →
//!   0.96 M instructions a call.
//! - **One pass holding every colour stores by a gather** (no backward
//!   entries, `C` at least the colour count): a plan built once per lane
//!   width names, for each place of the caller's values, the output
//!   component that holds it, so the store walks the values in order and
//!   reads its lane, sixteen places a step. The loads are unchecked (the
//!   plan's largest index is tested against the outputs once a call, and
//!   the outputs are read as one slice of `T`, which `Dual`'s `repr(C)`
//!   allows; Miri runs the gather's test): with a bounds test a load the
//!   gather measured the same 8 instructions a place as the row table,
//!   without it 3.2. The directional check of such a pass is a dot product
//!   of each output's lanes with a per-lane table of the direction, no
//!   read of the values; when the direction has a pass of its own, the one
//!   pass keeps its dot products for that pass to compare. Broyden
//!   n = 10,000 (callgrind, a call): `C = 3` written 0.96 M → 0.82 M;
//!   `C = 4` check written 1.27 M → 1.19 M; `C = 3` check 2.56 M → 2.07 M.

mod acyclic;
mod check;
pub mod colour;
mod hessian;
mod jacobian;
mod pattern;
mod prepared;
mod quotient;
mod record;
mod tracer;
mod tracer_traits;

pub use check::PatternCheck;
pub use hessian::SparseHessian;
pub use jacobian::{Direction, SparseJacobian};
pub use pattern::{HessianPattern, JacobianPattern};
pub use prepared::PreparedHessian;
pub use tracer::Tracer;

use core::fmt;
use std::vec::Vec;

/// What detection does when the function compares, tests or converts a
/// value that depends on the inputs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Branches {
    /// Fail with [`SparseError::ValueDependentBranches`]: a pattern that is
    /// returned is valid at every point (the default).
    #[default]
    Reject,
    /// Accept: the pattern is valid at the detection point and wherever the
    /// function takes the same branches.
    AtPoint,
}

/// Why a sparse detection or evaluation gave no result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SparseError {
    /// The function compared, tested or converted input-dependent values
    /// `count` times during detection with [`Branches::Reject`].
    ValueDependentBranches {
        /// How many such looks at a value there were.
        count: usize,
    },
    /// The point does not have the pattern's number of inputs.
    InputLength {
        /// The pattern's `n`.
        expected: usize,
        /// The point's length.
        got: usize,
    },
    /// The function returned a different number of outputs than at
    /// detection (or the output slice has the wrong length).
    OutputLength {
        /// The pattern's `m`.
        expected: usize,
        /// What the function returned.
        got: usize,
    },
    /// The values slice is not as long as the pattern has entries.
    ValuesLength {
        /// The pattern's number of entries.
        expected: usize,
        /// The slice's length.
        got: usize,
    },
    /// Output `row` has a non-zero derivative along colour `colour`, though
    /// none of its pattern entries has that colour: it depends on an input
    /// of that colour (one of `columns`, the first eight shown) that the
    /// pattern does not contain. The function's sparsity changed since
    /// detection; detect again at this point.
    OutsidePattern {
        /// The output (row of the Jacobian or Hessian).
        row: usize,
        /// The colour (lane) that should have been zero.
        colour: usize,
        /// Columns of that colour (at most eight).
        columns: Vec<usize>,
    },
    /// Output `row`'s derivative along the check's direction `v` differs
    /// from the sparse matrix's row times `v` ([`PatternCheck`]): the
    /// output depends on an input its pattern row does not contain, and
    /// the compressed product attributed it to an entry of the same colour.
    /// The function's sparsity changed since detection; detect again.
    PatternChanged {
        /// The output (row of the Jacobian or Hessian).
        row: usize,
    },
    /// Compressed pattern arrays given to
    /// [`JacobianPattern::from_csr`]/[`from_csc`](JacobianPattern::from_csc)
    /// are not valid: the offsets of `row` (CSR) or `column` (CSC) are
    /// wrong (the other is `None`), or the index named by the other is out
    /// of range or not above its predecessor.
    InvalidPattern {
        /// The row of the problem (CSR), or the bad row index (CSC).
        row: Option<usize>,
        /// The bad column index (CSR), or the column of the problem (CSC).
        column: Option<usize>,
    },
    /// A value order given to
    /// [`SparseJacobian::with_value_order`] is not a permutation of the
    /// entries: at `position` it is out of range or repeats an earlier
    /// target (or the order is too short or too long there).
    InvalidOrder {
        /// The first bad position.
        position: usize,
    },
    /// The Jacobian was prepared with backward sweeps (a row or
    /// bidirectional colouring), which need the function as a
    /// [`VectorFunction`](crate::VectorFunction) object: a closure on
    /// `Dual<T, C>` cannot be run on the tape.
    NeedsFunctionObject,
    /// A caller's colouring does not determine every entry: in `row`, the
    /// two `columns` have the same colour (a Jacobian), or the entry
    /// `(row, columns.0)` cannot be read from either end (a Hessian, where
    /// `columns.1` is the other column of the conflict). If the colouring's
    /// length is not the number of columns, `row` is `usize::MAX` and
    /// `columns` is (colouring length, number of columns).
    InvalidColouring {
        /// The row of the conflict.
        row: usize,
        /// Two columns in conflict.
        columns: (usize, usize),
    },
}

impl fmt::Display for SparseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SparseError::ValueDependentBranches { count } => write!(
                f,
                "sparsity detection: the function compared, tested or converted a value that \
                 depends on the inputs {count} time(s), so another point may take another branch \
                 with another pattern; rewrite the branch with max/min/clamp/abs, or detect with \
                 Branches::AtPoint for a pattern valid at this point only"
            ),
            SparseError::InputLength { expected, got } => write!(
                f,
                "sparse: the point has {got} entries but the pattern has {expected} inputs"
            ),
            SparseError::OutputLength { expected, got } => write!(
                f,
                "sparse: the function returned {got} outputs but the pattern has {expected} \
                 rows (the number of outputs must not change after detection)"
            ),
            SparseError::ValuesLength { expected, got } => write!(
                f,
                "sparse: the values slice has length {got} but the pattern has {expected} entries"
            ),
            SparseError::OutsidePattern { row, colour, columns } => write!(
                f,
                "sparse: output {row} depends on an input of colour {colour} (one of columns \
                 {columns:?}…) that its pattern row does not contain; the function's sparsity \
                 changed since detection: detect the pattern again"
            ),
            SparseError::PatternChanged { row } => write!(
                f,
                "sparse: output {row}'s derivative along the check direction differs from the \
                 sparse matrix's row times that direction, so it depends on an input its pattern \
                 row does not contain; the function's sparsity changed since detection: detect \
                 the pattern again"
            ),
            SparseError::InvalidPattern { row, column } => write!(
                f,
                "sparse: invalid compressed pattern at row {row:?}, column {column:?}: offsets \
                 must start at 0, never decrease and end at the number of indices; indices must \
                 be in range and strictly increasing within each row (CSR) or column (CSC)"
            ),
            SparseError::InvalidOrder { position } => write!(
                f,
                "sparse: the value order is not a permutation of the entries (at position \
                 {position}: out of range, repeated, or the wrong length)"
            ),
            SparseError::NeedsFunctionObject => write!(
                f,
                "sparse: this Jacobian is prepared with backward sweeps (row or bidirectional \
                 colouring), which need a VectorFunction object: use jacobian_of or values_of"
            ),
            SparseError::InvalidColouring { row: usize::MAX, columns: (0, 0) } => {
                write!(f, "sparse: the bicolouring does not determine every entry directly")
            }
            SparseError::InvalidColouring { row: usize::MAX, columns: (len, n) } => {
                write!(f, "sparse: the colouring has {len} entries but the pattern has {n} columns")
            }
            SparseError::InvalidColouring { row, columns: (a, b) } => write!(
                f,
                "sparse: the colouring does not determine every entry: in row {row}, columns \
                 {a} and {b} have the same colour"
            ),
        }
    }
}

impl std::error::Error for SparseError {}
