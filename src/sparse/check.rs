//! The directional check of a compressed derivative: one more tangent lane
//! along a pseudo-random direction `v`, compared with the sparse matrix
//! times `v`.

use std::vec::Vec;

use num_traits::Float;

use super::{JacobianPattern, SparseError};

/// Whether each sparse evaluation verifies its result against one
/// directional derivative (see [`SparseError::PatternChanged`]).
///
/// With [`Directional`](PatternCheck::Directional) (the default), every
/// evaluation also computes `J·v` (or `H·v`) for a fixed pseudo-random
/// direction `v` (entries in `[1, 2)`, distinct per column) in one extra
/// tangent lane, and compares it, row by row, with the sparse result times
/// `v`. An output that gained a dependence on an input since detection
/// adds `J[i, k]·vₖ` to the lane where the compressed product attributes it
/// to another column `j` as `J[i, k]·vⱼ`: the two differ unless
/// `J[i, k]` is below the rounding tolerance (`√ε` of the row's scale),
/// so a changed pattern is an error, never a wrong matrix. (An entry that
/// small passes; the lanes that must be zero are tested, to name the error
/// [`SparseError::OutsidePattern`], only once the check has failed.)
///
/// The lane is free when the number of colours is not a multiple of the
/// lanes `C` (it rides in the last pass's spare lane: pick `C` above the
/// colour count); otherwise it costs one more pass (of `Dual<T, 1>` for
/// function objects, of `Dual<T, C>` for closures, whose type is fixed).
/// The comparison costs one multiply-add per entry.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PatternCheck {
    /// Verify every evaluation along one direction (the default).
    #[default]
    Directional,
    /// No verification: for a pattern proven valid everywhere (detected
    /// with [`Branches::Reject`](super::Branches::Reject) on a function
    /// that does not change). Entries outside the pattern whose colour the
    /// row does not use are still errors
    /// ([`SparseError::OutsidePattern`]); the others go undetected.
    Off,
}

/// The check's setting and its direction.
#[derive(Clone, Debug)]
pub(crate) struct Check {
    pub(crate) mode: PatternCheck,
    direction: Vec<f64>,
    /// The direction's entry of each pattern entry's column (CSC order).
    entry_direction: Vec<f64>,
}

impl Check {
    pub(crate) fn new(pattern: &JacobianPattern) -> Self {
        let n = pattern.ncols();
        // splitmix64 of the column index: distinct values in [1, 2) with 23
        // significant bits (exact in f32 too)
        let direction = (0..n as u64)
            .map(|j| {
                let mut z =
                    j.wrapping_add(0x9e37_79b9_7f4a_7c15).wrapping_mul(0xbf58_476d_1ce4_e5b9);
                z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
                z ^= z >> 31;
                1.0 + (z >> 41) as f64 / (1u64 << 23) as f64
            })
            .collect::<Vec<f64>>();
        let (offs, _) = pattern.csc();
        let mut entry_direction = Vec::with_capacity(pattern.nnz());
        for (j, w) in offs.windows(2).enumerate() {
            entry_direction.extend(core::iter::repeat_n(direction[j], w[1] - w[0]));
        }
        Check { mode: PatternCheck::Directional, direction, entry_direction }
    }

    /// The direction's entry for input `j`.
    #[inline]
    pub(crate) fn direction<T: Float>(&self, j: usize) -> T {
        T::from(self.direction[j]).unwrap_or_else(T::one)
    }

    /// The lane of pass `pass` (of `c` lanes, `k` colours) that carries the
    /// direction: the first spare lane of the last pass, or lane 0 of the
    /// extra pass numbered [`passes`](Self::total_passes)` − 1`.
    pub(crate) fn lane(&self, k: usize, pass: usize, c: usize) -> Option<usize> {
        if self.mode == PatternCheck::Off {
            return None;
        }
        let p = k.div_ceil(c).max(1);
        if k < p * c { (pass == p - 1).then(|| k - pass * c) } else { (pass == p).then_some(0) }
    }

    /// The passes with `c` lanes, the check's extra one included.
    pub(crate) fn total_passes(&self, k: usize, c: usize) -> usize {
        let p = k.div_ceil(c).max(1);
        p + usize::from(self.mode != PatternCheck::Off && k >= p * c)
    }

    /// Compares `d` (lane `lane` of every output's `lanes`) with a
    /// symmetric matrix `values` (CSC order of `pattern`) times the
    /// direction, column by column:
    /// `d` against `Hᵀ·v`, which is `H·v` up to the rounding of the
    /// recovery (the two triangles may be read from different lanes), and
    /// which a misattributed entry `(i, j)` makes differ in row `j`. One
    /// contiguous dot product per column, no scattered sums; `dir` keeps
    /// the direction's entry of each entry's row, in `T`, between calls.
    #[inline(never)]
    pub(crate) fn verify_symmetric<T: Float, const C: usize, const S: bool>(
        &self,
        pattern: &JacobianPattern,
        values: &[T],
        lanes: &[crate::Dual<T, C, S>],
        lane: usize,
        dir: &mut Vec<T>,
    ) -> Result<(), SparseError> {
        if self.mode == PatternCheck::Off {
            return Ok(());
        }
        let (offs, rows) = pattern.csc();
        if dir.len() != rows.len() {
            // the direction's entry of each entry's row, in `T`, once
            dir.clear();
            dir.extend(rows.iter().map(|&i| self.direction::<T>(i)));
        }
        let tol = T::epsilon().sqrt();
        let (values, dir) = (&values[..rows.len()], &dir[..rows.len()]);
        let lane = lane.min(C - 1);
        let mut k = 0;
        for (j, (&hi, y)) in offs[1..].iter().zip(lanes).enumerate() {
            // (never shorter: bounds the index once a column, not per entry)
            let hi = hi.min(values.len());
            let dj = y.eps[lane];
            let (mut s, mut a) = (T::zero(), T::zero());
            // a plain index loop: columns are short, and the set-up of a
            // zipped (unrolled) loop cost more than its body
            while k < hi {
                let t = values[k] * dir[k];
                s = s + t;
                a = a + t.abs();
                k += 1;
            }
            // a row with a non-finite value cannot be compared, and is not:
            // an infinite or NaN term makes the bound infinite or the
            // difference NaN, and the comparison false
            if (dj - s).abs() > tol * (a + dj.abs()) {
                return Err(SparseError::PatternChanged { row: j });
            }
        }
        Ok(())
    }

    /// Compares `d` (the direction's lane of every output) with the
    /// matrix `values` (CSC order of `pattern`; the values at `dest[k]`
    /// for the CSC entry `k` when `dest` is given) times the direction,
    /// row by row.
    pub(crate) fn verify_in<T: Float>(
        &self,
        pattern: &JacobianPattern,
        values: &[T],
        dest: Option<&[usize]>,
        d: &[T],
        acc: &mut Vec<T>,
    ) -> Result<(), SparseError> {
        if self.mode == PatternCheck::Off {
            return Ok(());
        }
        let m = pattern.nrows();
        acc.clear();
        acc.resize(2 * m, T::zero());
        let (sum, scale) = acc.split_at_mut(m);
        let (_, rows) = pattern.csc();
        let mut add = |v: T, i: usize, w: f64| {
            let t = v * T::from(w).unwrap_or_else(T::one);
            sum[i] = sum[i] + t;
            scale[i] = scale[i] + t.abs();
        };
        match dest {
            None => {
                for ((&v, &i), &w) in values.iter().zip(rows).zip(&self.entry_direction) {
                    add(v, i, w);
                }
            }
            Some(dest) => {
                for ((&k, &i), &w) in dest.iter().zip(rows).zip(&self.entry_direction) {
                    add(values[k], i, w);
                }
            }
        }
        let tol = T::epsilon().sqrt();
        for (row, ((&s, &a), &di)) in sum.iter().zip(scale.iter()).zip(d).enumerate() {
            // rows with a non-finite value cannot be compared
            let finite = s.is_finite() & di.is_finite();
            if finite && (di - s).abs() > tol * (a + di.abs()) {
                return Err(SparseError::PatternChanged { row });
            }
        }
        Ok(())
    }
}
