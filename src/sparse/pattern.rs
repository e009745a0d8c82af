//! Sparsity patterns: [`JacobianPattern`] (an `m × n` set of entries, kept
//! by rows and by columns) and [`HessianPattern`] (a symmetric `n × n`
//! one), built by hand or detected by running the function on
//! [`Tracer`]s.

use std::collections::HashMap;
use std::vec::Vec;

use num_traits::Float;

use super::record::{self, Graph, Kind};
use super::{Branches, SparseError, Tracer};

/// Where the nonzeros of an `m × n` Jacobian may be.
///
/// Kept both by rows (sorted column indices per row) and by columns (sorted
/// row indices per column, the order of the values everywhere in this
/// module: compressed sparse column, CSC).
///
/// ```
/// use dualnum::sparse::JacobianPattern;
///
/// // the 3 × 3 tridiagonal pattern, by hand
/// let p = JacobianPattern::from_entries(3, 3, &[(0, 0), (0, 1), (1, 0), (1, 1), (1, 2), (2, 1), (2, 2)]);
/// assert_eq!(p.nnz(), 7);
/// assert_eq!(p.col(1), &[0, 1, 2]);
/// let (rows, cols) = p.indices();
/// assert_eq!(rows[..3], [0, 1, 0]); // column 0 holds rows 0, 1; column 1 starts with row 0
/// assert_eq!(cols[..3], [0, 0, 1]);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JacobianPattern {
    m: usize,
    n: usize,
    row_offsets: Vec<usize>,
    row_cols: Vec<usize>,
    col_offsets: Vec<usize>,
    col_rows: Vec<usize>,
}

impl JacobianPattern {
    /// The pattern with the given `(row, column)` entries (in any order,
    /// duplicates merged).
    ///
    /// # Panics
    ///
    /// If an entry lies outside `m × n`.
    #[must_use]
    #[track_caller]
    pub fn from_entries(m: usize, n: usize, entries: &[(usize, usize)]) -> Self {
        for &(i, j) in entries {
            assert!(
                i < m && j < n,
                "JacobianPattern::from_entries: entry ({i}, {j}) is outside the {m} × {n} matrix"
            );
        }
        let mut rows: Vec<Vec<usize>> = vec![Vec::new(); m];
        for &(i, j) in entries {
            rows[i].push(j);
        }
        Self::from_row_sets(n, rows)
    }

    /// The `m × n` pattern with the given compressed sparse rows: row `i`
    /// holds the columns `col_indices[row_offsets[i]..row_offsets[i + 1]]`,
    /// strictly increasing. Checked; no sorting, no copying beyond the
    /// transpose (`O(m + n + nnz)`), so a known pattern of millions of
    /// entries costs about as much as reading it.
    ///
    /// ```
    /// use dualnum::sparse::{JacobianPattern, SparseError};
    ///
    /// // the 3 × 3 lower bidiagonal pattern
    /// let p = JacobianPattern::from_csr(3, 3, vec![0, 1, 3, 5], vec![0, 0, 1, 1, 2])?;
    /// assert_eq!(p.col(1), &[1, 2]);
    /// let bad = JacobianPattern::from_csr(3, 3, vec![0, 1, 3, 5], vec![0, 1, 0, 1, 2]);
    /// assert_eq!(bad, Err(SparseError::InvalidPattern { row: Some(1), column: Some(0) }));
    /// # Ok::<(), SparseError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`SparseError::InvalidPattern`]: `row_offsets` not `m + 1` long, not
    /// starting at 0, decreasing, or not ending at `col_indices.len()`
    /// (`row` names the first bad offset's row, `column` is `None`); a
    /// column `≥ n`, or not above its predecessor in the row (`row` and
    /// `column` name it).
    pub fn from_csr(
        m: usize,
        n: usize,
        row_offsets: Vec<usize>,
        col_indices: Vec<usize>,
    ) -> Result<Self, SparseError> {
        check_compressed(m, n, &row_offsets, &col_indices)
            .map_err(|(i, j)| SparseError::InvalidPattern { row: Some(i), column: j })?;
        Ok(Self::from_csr_parts(n, row_offsets, col_indices))
    }

    /// The `m × n` pattern with the given compressed sparse columns: column
    /// `j` holds the rows `row_indices[col_offsets[j]..col_offsets[j + 1]]`,
    /// strictly increasing (the order of the values everywhere here).
    ///
    /// # Errors
    ///
    /// As [`from_csr`](Self::from_csr), with rows and columns exchanged:
    /// [`SparseError::InvalidPattern`] names the column and (for a bad
    /// index) the row.
    pub fn from_csc(
        m: usize,
        n: usize,
        col_offsets: Vec<usize>,
        row_indices: Vec<usize>,
    ) -> Result<Self, SparseError> {
        check_compressed(n, m, &col_offsets, &row_indices)
            .map_err(|(j, i)| SparseError::InvalidPattern { row: i, column: Some(j) })?;
        Ok(Self::from_csr_parts(m, col_offsets, row_indices).transpose())
    }

    /// Builds from CSR arrays with sorted, distinct columns per row.
    pub(crate) fn from_csr_parts(n: usize, row_offsets: Vec<usize>, row_cols: Vec<usize>) -> Self {
        let m = row_offsets.len() - 1;
        let (col_offsets, col_rows) = transpose(m, n, &row_offsets, &row_cols);
        JacobianPattern { m, n, row_offsets, row_cols, col_offsets, col_rows }
    }

    /// Builds from one (unsorted, possibly repeated) column list per row.
    pub(crate) fn from_row_sets(n: usize, mut rows: Vec<Vec<usize>>) -> Self {
        let m = rows.len();
        let mut row_offsets = Vec::with_capacity(m + 1);
        let mut row_cols = Vec::new();
        row_offsets.push(0);
        for r in &mut rows {
            r.sort_unstable();
            r.dedup();
            row_cols.extend_from_slice(r);
            row_offsets.push(row_cols.len());
        }
        let (col_offsets, col_rows) = transpose(m, n, &row_offsets, &row_cols);
        JacobianPattern { m, n, row_offsets, row_cols, col_offsets, col_rows }
    }

    /// Detects the pattern of `F: Rⁿ → Rᵐ` by one evaluation at `x` on
    /// [`Tracer`]s, rejecting value-dependent branches
    /// ([`Branches::Reject`]): the pattern is then valid at every point.
    ///
    /// The closure returns its outputs as anything that derefs to a slice
    /// (`Vec`, array). Its cost is one evaluation that also records one
    /// small node per nonlinear operation, then a walk over each output's
    /// ancestors.
    ///
    /// # Errors
    ///
    /// [`SparseError::ValueDependentBranches`] if the function compared,
    /// tested or converted a value that depends on the inputs; use
    /// [`detect_with`](Self::detect_with) and [`Branches::AtPoint`] to
    /// accept a pattern valid at `x` only.
    ///
    /// ```
    /// use dualnum::sparse::JacobianPattern;
    /// use dualnum::test_functions::broyden_tridiagonal;
    ///
    /// let x = vec![0.5; 6];
    /// let p = JacobianPattern::detect_inplace(|x, out| broyden_tridiagonal(x, out), &x, 6)?;
    /// assert_eq!(p.nnz(), 6 + 2 * 5); // tridiagonal
    /// # Ok::<(), dualnum::sparse::SparseError>(())
    /// ```
    pub fn detect<T: Float, O: AsRef<[Tracer<T>]>>(
        f: impl FnMut(&[Tracer<T>]) -> O,
        x: &[T],
    ) -> Result<Self, SparseError> {
        Self::detect_with(f, x, Branches::Reject)
    }

    /// [`detect`](Self::detect), choosing what value-dependent branches
    /// mean.
    ///
    /// # Errors
    ///
    /// As [`detect`](Self::detect), only with [`Branches::Reject`].
    pub fn detect_with<T: Float, O: AsRef<[Tracer<T>]>>(
        mut f: impl FnMut(&[Tracer<T>]) -> O,
        x: &[T],
        branches: Branches,
    ) -> Result<Self, SparseError> {
        let (graph, outs) = trace(x, |xt| f(xt).as_ref().iter().map(|y| y.id).collect());
        let result = check_branches(&graph, branches).map(|()| jacobian_pattern(&graph, &outs));
        record::recycle(graph);
        result
    }

    /// [`detect`](Self::detect) for a map written in place,
    /// `f(x, out)` with `out.len() == m` (zero on entry).
    ///
    /// # Errors
    ///
    /// As [`detect`](Self::detect).
    pub fn detect_inplace<T: Float>(
        mut f: impl FnMut(&[Tracer<T>], &mut [Tracer<T>]),
        x: &[T],
        m: usize,
    ) -> Result<Self, SparseError> {
        Self::detect_with(
            |xt| {
                let mut out = vec![Tracer::constant(T::zero()); m];
                f(xt, &mut out);
                out
            },
            x,
            Branches::Reject,
        )
    }

    /// [`detect_inplace`](Self::detect_inplace), choosing what
    /// value-dependent branches mean.
    ///
    /// # Errors
    ///
    /// As [`detect`](Self::detect), only with [`Branches::Reject`].
    pub fn detect_inplace_with<T: Float>(
        mut f: impl FnMut(&[Tracer<T>], &mut [Tracer<T>]),
        x: &[T],
        m: usize,
        branches: Branches,
    ) -> Result<Self, SparseError> {
        Self::detect_with(
            |xt| {
                let mut out = vec![Tracer::constant(T::zero()); m];
                f(xt, &mut out);
                out
            },
            x,
            branches,
        )
    }

    /// Number of rows (outputs), `m`.
    #[must_use]
    pub fn nrows(&self) -> usize {
        self.m
    }

    /// Number of columns (inputs), `n`.
    #[must_use]
    pub fn ncols(&self) -> usize {
        self.n
    }

    /// Number of entries.
    #[must_use]
    pub fn nnz(&self) -> usize {
        self.row_cols.len()
    }

    /// The sorted column indices of row `i`.
    ///
    /// # Panics
    ///
    /// If `i >= nrows()`.
    #[must_use]
    pub fn row(&self, i: usize) -> &[usize] {
        &self.row_cols[self.row_offsets[i]..self.row_offsets[i + 1]]
    }

    /// The sorted row indices of column `j`.
    ///
    /// # Panics
    ///
    /// If `j >= ncols()`.
    #[must_use]
    pub fn col(&self, j: usize) -> &[usize] {
        &self.col_rows[self.col_offsets[j]..self.col_offsets[j + 1]]
    }

    /// Whether `(i, j)` is an entry.
    #[must_use]
    pub fn contains(&self, i: usize, j: usize) -> bool {
        i < self.m && self.row(i).binary_search(&j).is_ok()
    }

    /// The entries as `(row indices, column indices)`, in the order of the
    /// values (column by column, rows ascending: CSC), for solvers that
    /// keep their own matrix (coordinate/triplet format).
    #[must_use]
    pub fn indices(&self) -> (Vec<usize>, Vec<usize>) {
        let mut cols = Vec::with_capacity(self.nnz());
        for j in 0..self.n {
            cols.extend(core::iter::repeat_n(j, self.col(j).len()));
        }
        (self.col_rows.clone(), cols)
    }

    /// The CSC column offsets (`n + 1` of them) and row indices.
    #[must_use]
    pub fn csc(&self) -> (&[usize], &[usize]) {
        (&self.col_offsets, &self.col_rows)
    }

    /// The transposed `n × m` pattern.
    #[must_use]
    pub fn transpose(&self) -> Self {
        JacobianPattern {
            m: self.n,
            n: self.m,
            row_offsets: self.col_offsets.clone(),
            row_cols: self.col_rows.clone(),
            col_offsets: self.row_offsets.clone(),
            col_rows: self.row_cols.clone(),
        }
    }

    /// The CSR row offsets (`m + 1` of them) and column indices.
    #[must_use]
    pub fn csr(&self) -> (&[usize], &[usize]) {
        (&self.row_offsets, &self.row_cols)
    }
}

/// Checks compressed arrays of `major` lines over `minor` indices: the
/// first bad line and (for a bad index) the index.
fn check_compressed(
    major: usize,
    minor: usize,
    offs: &[usize],
    idx: &[usize],
) -> Result<(), (usize, Option<usize>)> {
    if offs.len() != major + 1 {
        return Err((offs.len().min(major), None));
    }
    if offs[0] != 0 {
        return Err((0, None));
    }
    if offs[major] != idx.len() {
        return Err((major.saturating_sub(1), None));
    }
    for i in 0..major {
        if offs[i + 1] < offs[i] || offs[i + 1] > idx.len() {
            return Err((i, None));
        }
        let line = &idx[offs[i]..offs[i + 1]];
        for (t, &j) in line.iter().enumerate() {
            if j >= minor || (t > 0 && j <= line[t - 1]) {
                return Err((i, Some(j)));
            }
        }
    }
    Ok(())
}

/// The CSC arrays of a CSR pattern (a counting sort; rows stay ascending).
fn transpose(m: usize, n: usize, offs: &[usize], idx: &[usize]) -> (Vec<usize>, Vec<usize>) {
    let mut t_offs = vec![0; n + 1];
    for &j in idx {
        t_offs[j + 1] += 1;
    }
    for j in 0..n {
        t_offs[j + 1] += t_offs[j];
    }
    let mut next = t_offs.clone();
    let mut t_idx = vec![0; idx.len()];
    for i in 0..m {
        for &j in &idx[offs[i]..offs[i + 1]] {
            t_idx[next[j]] = i;
            next[j] += 1;
        }
    }
    (t_offs, t_idx)
}

/// Where the nonzeros of a symmetric `n × n` Hessian may be: both
/// triangles, and the diagonal where it was detected.
///
/// ```
/// use dualnum::sparse::HessianPattern;
/// use dualnum::test_functions::rosenbrock;
///
/// let p = HessianPattern::detect(|x| rosenbrock(x), &[0.5; 5])?;
/// assert_eq!(p.row(2), &[1, 2, 3]); // tridiagonal
/// # Ok::<(), dualnum::sparse::SparseError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HessianPattern {
    pub(crate) inner: JacobianPattern,
}

impl HessianPattern {
    /// The symmetric pattern with the given entries and their mirror images.
    ///
    /// # Panics
    ///
    /// If an entry lies outside `n × n`.
    #[must_use]
    #[track_caller]
    pub fn from_entries(n: usize, entries: &[(usize, usize)]) -> Self {
        let mut all = entries.to_vec();
        all.extend(entries.iter().map(|&(i, j)| (j, i)));
        HessianPattern { inner: JacobianPattern::from_entries(n, n, &all) }
    }

    /// Detects which second derivatives of `f: Rⁿ → R` can be non-zero, by
    /// one evaluation at `x` on [`Tracer`]s, rejecting value-dependent
    /// branches.
    ///
    /// Only operations that create an interaction add entries (products,
    /// quotients, nonlinear functions; see [`Tracer`]): `Σᵢ xᵢ²` gives a
    /// diagonal, not the dense pattern of "everything the gradient touches".
    ///
    /// # Errors
    ///
    /// As [`JacobianPattern::detect`].
    pub fn detect<T: Float>(
        f: impl FnMut(&[Tracer<T>]) -> Tracer<T>,
        x: &[T],
    ) -> Result<Self, SparseError> {
        Self::detect_with(f, x, Branches::Reject)
    }

    /// [`detect`](Self::detect), choosing what value-dependent branches
    /// mean.
    ///
    /// # Errors
    ///
    /// As [`JacobianPattern::detect`], only with [`Branches::Reject`].
    pub fn detect_with<T: Float>(
        mut f: impl FnMut(&[Tracer<T>]) -> Tracer<T>,
        x: &[T],
        branches: Branches,
    ) -> Result<Self, SparseError> {
        let (graph, outs) = trace(x, |xt| vec![f(xt).id]);
        let result = check_branches(&graph, branches).map(|()| hessian_pattern(&graph, outs[0]));
        record::recycle(graph);
        result
    }

    /// The dimension `n`.
    #[must_use]
    pub fn n(&self) -> usize {
        self.inner.n
    }

    /// Number of entries (both triangles).
    #[must_use]
    pub fn nnz(&self) -> usize {
        self.inner.nnz()
    }

    /// The sorted column indices of row `i` (the same as those of column
    /// `i`).
    #[must_use]
    pub fn row(&self, i: usize) -> &[usize] {
        self.inner.row(i)
    }

    /// The pattern as a (square, symmetric) [`JacobianPattern`].
    #[must_use]
    pub fn as_jacobian_pattern(&self) -> &JacobianPattern {
        &self.inner
    }
}

// ---------------------------------------------------------------------------
// Detection: run, then read the graph
// ---------------------------------------------------------------------------

fn trace<T: Float>(x: &[T], run: impl FnOnce(&[Tracer<T>]) -> Vec<u32>) -> (Graph, Vec<u32>) {
    let generation = record::start(x.len());
    let guard = record::Guard;
    let xt: Vec<Tracer<T>> =
        x.iter().enumerate().map(|(i, &v)| Tracer::input(v, i, generation)).collect();
    let outs = run(&xt);
    drop(guard);
    (record::finish(x.len()), outs)
}

fn check_branches(graph: &Graph, branches: Branches) -> Result<(), SparseError> {
    if branches == Branches::Reject && graph.branches > 0 {
        return Err(SparseError::ValueDependentBranches { count: graph.branches });
    }
    Ok(())
}

/// Collects the inputs (0-based) that node `id` depends on into `out`.
struct Walker {
    stamp: Vec<u32>,
    mark: u32,
    stack: Vec<u32>,
}

impl Walker {
    fn new(len: usize) -> Self {
        Walker { stamp: vec![0; len], mark: 0, stack: Vec::new() }
    }

    /// Visits every ancestor of `id` (itself included) once, calling
    /// `visit(node id)`.
    fn walk(&mut self, graph: &Graph, id: u32, mut visit: impl FnMut(u32)) {
        self.mark += 1;
        if id == 0 {
            return;
        }
        self.stack.push(id);
        self.stamp[id as usize] = self.mark;
        while let Some(v) = self.stack.pop() {
            visit(v);
            let node = graph.nodes[v as usize];
            for p in [node.a, node.b] {
                if p != 0 && self.stamp[p as usize] != self.mark {
                    self.stamp[p as usize] = self.mark;
                    self.stack.push(p);
                }
            }
        }
    }

    fn inputs(&mut self, graph: &Graph, id: u32, out: &mut Vec<usize>) {
        let n = graph.inputs;
        self.walk(graph, id, |v| {
            if (v as usize) <= n {
                out.push(v as usize - 1);
            }
        });
    }
}

fn jacobian_pattern(graph: &Graph, outs: &[u32]) -> JacobianPattern {
    let mut w = Walker::new(graph.nodes.len());
    let mut row_offsets = Vec::with_capacity(outs.len() + 1);
    let mut row_cols = Vec::with_capacity(4 * outs.len());
    row_offsets.push(0);
    for &id in outs {
        let start = row_cols.len();
        w.inputs(graph, id, &mut row_cols);
        row_cols[start..].sort_unstable();
        row_offsets.push(row_cols.len());
    }
    JacobianPattern::from_csr_parts(graph.inputs, row_offsets, row_cols)
}

fn hessian_pattern(graph: &Graph, out: u32) -> HessianPattern {
    let n = graph.inputs;
    let mut w = Walker::new(graph.nodes.len());
    let mut interacting = Vec::new();
    w.walk(graph, out, |v| {
        if graph.nodes[v as usize].kind != Kind::Input
            && graph.nodes[v as usize].kind != Kind::Linear
        {
            interacting.push(v);
        }
    });
    let mut sets: HashMap<u32, Vec<usize>> = HashMap::new();
    let mut set = |w: &mut Walker, id: u32| -> Vec<usize> {
        sets.entry(id)
            .or_insert_with(|| {
                let mut s = Vec::new();
                w.inputs(graph, id, &mut s);
                s
            })
            .clone()
    };
    let mut rows: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut cross = |a: &[usize], b: &[usize]| {
        for &i in a {
            rows[i].extend_from_slice(b);
        }
        for &j in b {
            rows[j].extend_from_slice(a);
        }
    };
    for v in interacting {
        let node = graph.nodes[v as usize];
        let a = set(&mut w, node.a);
        let b = set(&mut w, node.b);
        match node.kind {
            Kind::Unary => cross(&a, &a),
            Kind::Mul => cross(&a, &b),
            Kind::Div => {
                cross(&a, &b);
                cross(&b, &b);
            }
            Kind::Joint => {
                let mut u = a;
                u.extend_from_slice(&b);
                cross(&u, &u);
            }
            Kind::Input | Kind::Linear => {}
        }
    }
    HessianPattern { inner: JacobianPattern::from_row_sets(n, rows) }
}
