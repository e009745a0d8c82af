//! Record once, replay many times, for functions with several outputs:
//! values, Jacobians, vector-Jacobian and Jacobian-vector products at new
//! inputs from one recording.
//!
//! This file provides [`CompiledMap`] (made by
//! [`compile_map`](super::compile_map) or [`CompiledMap::from_tape`]) and
//! its [`value`](CompiledMap::value), [`jacobian`](CompiledMap::jacobian),
//! [`vjp`](CompiledMap::vjp) and [`jvp`](CompiledMap::jvp). It runs the
//! same compiled program as [`Compiled`](super::Compiled), under the same
//! guarantees.

use alloc::vec::Vec;

use nalgebra::{DMatrix, DVector, Scalar};
use num_traits::Float;

use super::program::Program;
use super::replay::{ReplayError, replay_forward};
use super::tape::Tape;
use super::var::Var;

/// A recorded function `F: Rⁿ → Rᵐ`, replayed at new inputs without
/// calling the original code again.
///
/// Each entry point runs one forward sweep at the new inputs, then:
/// [`vjp`](Self::vjp) one backward sweep seeded with `w`;
/// [`jvp`](Self::jvp) one tangent sweep seeded with `v`;
/// [`jacobian`](Self::jacobian) `m` backward sweeps (one row each) or, when
/// `n < m`, `n` tangent sweeps (one column each), whichever is fewer.
///
/// The guarantees are [`Compiled`](super::Compiled)'s: a replay is refused
/// where a recorded comparison would come out differently or a value read
/// during recording would differ; values are bit-for-bit a fresh
/// recording's; derivatives are the same sums of the same products (a
/// backward sweep sums each adjoint's terms in another order than the
/// tape's, so they may differ in the last bits). Zero tangents and zero
/// adjoints stay zero through infinite partials, as in both modes.
///
/// ```
/// use dualnum::reverse;
/// use num_traits::Float;
///
/// // F(x, y) = (x·y, sin x, x + y)
/// let mut f = reverse::compile_map(|v| vec![v[0] * v[1], v[0].sin(), v[0] + v[1]], &[1.0, 2.0]);
/// let (fx, jac) = f.jacobian(&[2.0, 3.0]).unwrap();
/// assert_eq!(fx.as_slice(), &[6.0, 2.0f64.sin(), 5.0]);
/// assert_eq!(jac[(0, 0)], 3.0);
/// assert_eq!(jac[(1, 0)], 2.0f64.cos());
/// assert_eq!(jac[(2, 1)], 1.0);
/// let (_, jv) = f.jvp(&[2.0, 3.0], &[1.0, 0.0]).unwrap(); // the first column
/// assert_eq!(jv[0], 3.0);
/// let (_, wj) = f.vjp(&[2.0, 3.0], &[0.0, 0.0, 1.0]).unwrap(); // the last row
/// assert_eq!(wj.as_slice(), &[1.0, 1.0]);
/// ```
#[derive(Clone, Debug)]
pub struct CompiledMap<T> {
    prog: Program<T>,
}

impl<T: Float + Scalar> CompiledMap<T> {
    /// Freezes what `tape` recorded, with `ys` as the outputs.
    ///
    /// # Panics
    ///
    /// If an output belongs to another tape.
    #[must_use]
    #[track_caller]
    pub fn from_tape(tape: &Tape<T>, ys: &[Var<'_, T>]) -> Self {
        for (i, y) in ys.iter().enumerate() {
            assert!(tape.owns(y), "CompiledMap::from_tape: output {i} belongs to another tape");
        }
        let outs: Vec<(u32, T)> = ys.iter().map(|y| (y.idx, y.val)).collect();
        let mut prog = Program::build(&tape.snapshot(), &outs);
        prog.warm();
        CompiledMap { prog }
    }

    /// The number of inputs `n` the recording expects.
    #[inline]
    #[must_use]
    pub fn inputs(&self) -> usize {
        self.prog.inputs
    }

    /// The number of outputs `m`.
    #[inline]
    #[must_use]
    pub fn outputs(&self) -> usize {
        self.prog.outputs.len()
    }

    /// The values `F(x)`, by one forward sweep.
    ///
    /// # Errors
    ///
    /// As [`Compiled::value`](super::Compiled::value).
    pub fn value(&mut self, x: &[T]) -> Result<DVector<T>, ReplayError> {
        replay_forward(&mut self.prog, x)?;
        Ok(self.values())
    }

    /// The values and the vector-Jacobian product `wᵀ·J(x)`, by one forward
    /// and one backward sweep.
    ///
    /// # Errors
    ///
    /// As [`Compiled::value`](super::Compiled::value).
    ///
    /// # Panics
    ///
    /// If `w.len()` is not the number of outputs.
    #[track_caller]
    pub fn vjp(&mut self, x: &[T], w: &[T]) -> Result<(DVector<T>, DVector<T>), ReplayError> {
        let m = self.outputs();
        assert_eq!(w.len(), m, "CompiledMap::vjp: {m} outputs but w has length {}", w.len());
        replay_forward(&mut self.prog, x)?;
        let mut wj = DVector::from_element(self.prog.inputs, T::zero());
        self.prog.backward(w, wj.as_mut_slice());
        Ok((self.values(), wj))
    }

    /// The values and the Jacobian-vector product `J(x)·v`, by one forward
    /// sweep and one tangent sweep.
    ///
    /// # Errors
    ///
    /// As [`Compiled::value`](super::Compiled::value).
    ///
    /// # Panics
    ///
    /// If `v.len()` is not the number of inputs.
    #[track_caller]
    pub fn jvp(&mut self, x: &[T], v: &[T]) -> Result<(DVector<T>, DVector<T>), ReplayError> {
        let n = self.inputs();
        assert_eq!(v.len(), n, "CompiledMap::jvp: {n} inputs but v has length {}", v.len());
        replay_forward(&mut self.prog, x)?;
        self.prog.tangent(v);
        Ok((self.values(), DVector::from_iterator(self.outputs(), self.tangents())))
    }

    /// The values and the `m × n` Jacobian, by `min(m, n)` sweeps after one
    /// forward sweep: backward ones (rows) unless `n < m`, then tangent
    /// ones (columns).
    ///
    /// # Errors
    ///
    /// As [`Compiled::value`](super::Compiled::value).
    pub fn jacobian(&mut self, x: &[T]) -> Result<(DVector<T>, DMatrix<T>), ReplayError> {
        replay_forward(&mut self.prog, x)?;
        let (n, m) = (self.inputs(), self.outputs());
        let mut jac = DMatrix::from_element(m, n, T::zero());
        let mut seed = alloc::vec![T::zero(); n.max(m)];
        let mut row = alloc::vec![T::zero(); n];
        if n < m {
            for j in 0..n {
                seed[j] = T::one();
                self.prog.tangent(&seed[..n]);
                seed[j] = T::zero();
                for (i, t) in self.tangents().enumerate() {
                    jac[(i, j)] = t;
                }
            }
        } else {
            for i in 0..m {
                seed[i] = T::one();
                self.prog.backward(&seed[..m], &mut row);
                seed[i] = T::zero();
                for (j, &r) in row.iter().enumerate() {
                    jac[(i, j)] = r;
                }
            }
        }
        Ok((self.values(), jac))
    }

    fn values(&self) -> DVector<T> {
        let p = &self.prog;
        DVector::from_iterator(p.outputs.len(), p.outputs.iter().map(|&o| p.vals[o as usize]))
    }

    /// The outputs' tangents after a tangent sweep (zero for a constant
    /// output, which has no tangent slot).
    fn tangents(&self) -> impl Iterator<Item = T> + '_ {
        let p = &self.prog;
        p.outputs.iter().map(|&o| p.tan.get(o as usize).copied().unwrap_or_else(T::zero))
    }
}
