//! The outputs of a vector-valued closure, whatever container it returns.
//!
//! A closure given to a Jacobian driver may return an array, a `Vec`, a
//! boxed slice, or an nalgebra vector (`SVector`, `DVector`); the drivers
//! only need its elements as a slice ([`Outputs`]), or, for the static
//! drivers, a length known at compile time ([`StaticOutputs`]).

use alloc::boxed::Box;
use alloc::vec::Vec;

use nalgebra::{DVector, SVector, Scalar};

/// A container of a vector function's outputs: `[D; M]`, `Vec<D>`,
/// `Box<[D]>`, `SVector<D, M>` or `DVector<D>`.
///
/// ```
/// use dualnum::{chunked, outputs::Outputs};
/// use nalgebra::dvector;
///
/// assert_eq!(dvector![1.0, 2.0].as_outputs(), &[1.0, 2.0]);
/// let x = [2.0, 3.0];
/// let (_, j1) = chunked::Chunk::<2>::jacobian(|x| [x[0] * x[1]], &x);
/// let (_, j2) = chunked::Chunk::<2>::jacobian(|x| vec![x[0] * x[1]], &x);
/// let (_, j3) = chunked::Chunk::<2>::jacobian(|x| nalgebra::dvector![x[0] * x[1]], &x);
/// assert!(j1 == j2 && j2 == j3);
/// ```
pub trait Outputs<D> {
    /// The outputs, in order.
    fn as_outputs(&self) -> &[D];
}

impl<D, const M: usize> Outputs<D> for [D; M] {
    #[inline]
    fn as_outputs(&self) -> &[D] {
        self
    }
}

impl<D> Outputs<D> for Vec<D> {
    #[inline]
    fn as_outputs(&self) -> &[D] {
        self
    }
}

impl<D> Outputs<D> for Box<[D]> {
    #[inline]
    fn as_outputs(&self) -> &[D] {
        self
    }
}

impl<D> Outputs<D> for &[D] {
    #[inline]
    fn as_outputs(&self) -> &[D] {
        self
    }
}

impl<D: Scalar, const M: usize> Outputs<D> for SVector<D, M> {
    #[inline]
    fn as_outputs(&self) -> &[D] {
        self.as_slice()
    }
}

impl<D: Scalar> Outputs<D> for DVector<D> {
    #[inline]
    fn as_outputs(&self) -> &[D] {
        self.as_slice()
    }
}

/// Outputs whose number `M` is part of the type: `[D; M]` and
/// `SVector<D, M>`, for the static drivers ([`jacobian`](crate::jacobian)).
pub trait StaticOutputs<D, const M: usize> {
    /// The outputs as an nalgebra vector.
    fn into_svector(self) -> SVector<D, M>;
}

impl<D: Scalar, const M: usize> StaticOutputs<D, M> for [D; M] {
    #[inline]
    fn into_svector(self) -> SVector<D, M> {
        SVector::from(self)
    }
}

impl<D: Scalar, const M: usize> StaticOutputs<D, M> for SVector<D, M> {
    #[inline]
    fn into_svector(self) -> SVector<D, M> {
        self
    }
}
