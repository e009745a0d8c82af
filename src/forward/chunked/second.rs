//! Second order for run-time sizes: [`hessian`] and [`hvp`], forward over
//! forward in chunks of `C` lanes.
//!
//! The Hessian seeds two chunks at once on `Dual<Dual<T, C>, C>`: the
//! inner level carries the gradient lanes of inputs `aC … aC + C − 1`, the
//! outer level the lanes of inputs `bC … bC + C − 1`, and the result's
//! `eps[k].eps[l]` is `∂²f/∂x_{bC+k}∂x_{aC+l}`: one `C × C` block of the
//! Hessian per evaluation. By symmetry only the blocks with `b ≥ a` are
//! evaluated, `K(K + 1)/2` evaluations for `K = ⌈n/C⌉` chunks, and each
//! off-diagonal block is mirrored; diagonal blocks are kept as computed
//! (as by the static [`hessian`](crate::hessian), their two triangles may
//! differ in the last ulp).
//!
//! The Hessian-vector product needs no second chunk: on
//! `Dual<Dual<T, 1>, C>` the inner level carries the direction `v` (one
//! lane) and the outer level `C` gradient lanes, so `⌈n/C⌉` evaluations
//! give `∇f` and `∇²f·v`, the cost of a chunked gradient at twice the
//! width.

use alloc::vec::Vec;

use nalgebra::{DMatrix, DVector, Scalar};
use num_traits::Float;

use super::Chunk;
use crate::forward::{plus_zero, set_chunk};
use crate::numeric::check_into;
use crate::{Dual, Function};

impl<const C: usize> Chunk<C> {
    /// The value, gradient and `n × n` Hessian of `f: R^n → R` at `x`, in
    /// `K(K + 1)/2` evaluations on `Dual<Dual<T, C>, C>`, `K = ⌈n/C⌉`.
    ///
    /// Each evaluation seeds the inner level with the unit tangents of one
    /// chunk of `C` inputs and the outer level with those of another, and
    /// reads one `C × C` block of the Hessian from the result; only the blocks
    /// on and above the diagonal are evaluated, the others mirrored. Diagonal
    /// blocks are kept as computed: as in [`hessian`](crate::hessian), their
    /// two triangles may differ in the last ulp.
    ///
    /// `C = 0` is a compile error; `n = 0` evaluates `f` once.
    ///
    /// ```
    /// use dualnum::{chunked, test_functions::rosenbrock};
    ///
    /// let x: Vec<f64> = (0..7).map(|i| 0.2 * i as f64).collect();
    /// let (fx, g, h) = chunked::Chunk::<3>::hessian(|x| rosenbrock(x), &x); // 6 evaluations
    /// assert_eq!(fx, rosenbrock(&x));
    /// assert_eq!(h, h.transpose());
    /// assert_eq!(h[(0, 0)], 1200.0 * 0.0 - 400.0 * 0.2 + 2.0);
    /// # let _ = g;
    /// ```
    #[must_use]
    pub fn hessian<T>(
        f: impl FnMut(&[Dual<Dual<T, C>, C>]) -> Dual<Dual<T, C>, C>,
        x: &[T],
    ) -> (T, DVector<T>, DMatrix<T>)
    where
        T: Float + Scalar,
    {
        let n = x.len();
        let (mut g, mut h) = (DVector::zeros(n), DMatrix::zeros(n, n));
        let fx = Self::hessian_into(f, x, g.as_mut_slice(), h.as_mut_slice());
        (fx, g, h)
    }
}

impl<const C: usize> Chunk<C> {
    /// [`hessian`](Self::hessian) writing the gradient into `grad` and the Hessian into
    /// `hess` (column-major, `hess[i + n·j] = ∂²f/∂xᵢ∂xⱼ`); returns the value.
    /// The only allocation is the dual copy of `x`.
    ///
    /// # Panics
    ///
    /// If `grad.len() != n` or `hess.len() != n²`.
    ///
    /// ```
    /// use dualnum::{chunked, test_functions::rosenbrock};
    ///
    /// let x = [0.5, 1.5, -0.5];
    /// let (mut g, mut h) = ([0.0; 3], [0.0; 9]);
    /// let fx = chunked::Chunk::<2>::hessian_into(|x| rosenbrock(x), &x, &mut g, &mut h);
    /// let (fx2, g2, h2) = chunked::Chunk::<2>::hessian(|x| rosenbrock(x), &x);
    /// assert_eq!((fx, &g[..], &h[..]), (fx2, g2.as_slice(), h2.as_slice()));
    /// ```
    #[track_caller]
    pub fn hessian_into<T>(
        mut f: impl FnMut(&[Dual<Dual<T, C>, C>]) -> Dual<Dual<T, C>, C>,
        x: &[T],
        grad: &mut [T],
        hess: &mut [T],
    ) -> T
    where
        T: Float,
    {
        const { assert!(C > 0, "the chunk width C must be at least 1") };
        let n = x.len();
        check_into("chunked::hessian_into", "grad", grad.len(), n);
        check_into("chunked::hessian_into", "hess", hess.len(), n * n);
        let mut xd: Vec<Dual<Dual<T, C>, C>> =
            x.iter().map(|&v| Dual::constant(Dual::constant(v))).collect();
        let chunks = n.div_ceil(C).max(1);
        let mut fx = T::zero();
        for a in 0..chunks {
            let ka = set_inner(&mut xd, a * C, true);
            for b in a..chunks {
                let kb = set_chunk(&mut xd, b * C, true);
                let y = f(&xd);
                if b == a {
                    if a == 0 {
                        fx = y.re.re;
                    }
                    for (g, &d) in grad[a * C..a * C + ka].iter_mut().zip(&y.re.eps[..ka]) {
                        *g = plus_zero(d);
                    }
                }
                for (k, yk) in y.eps[..kb].iter().enumerate() {
                    for (l, &h) in yk.eps[..ka].iter().enumerate() {
                        let h = plus_zero(h);
                        let (row, col) = (b * C + k, a * C + l);
                        hess[row + n * col] = h;
                        if b != a {
                            hess[col + n * row] = h;
                        }
                    }
                }
                set_chunk(&mut xd, b * C, false);
            }
            set_inner(&mut xd, a * C, false);
        }
        fx
    }
}

/// Seeds (`on`) or clears the inner-level lanes of the chunk
/// `start..start + C`; returns the number of inputs in the chunk.
fn set_inner<T: Float, const C: usize>(
    x: &mut [Dual<Dual<T, C>, C>],
    start: usize,
    on: bool,
) -> usize {
    let end = (start + C).min(x.len());
    let start = start.min(end);
    for (lane, xi) in x[start..end].iter_mut().enumerate() {
        xi.re.eps = if on { crate::tangent::unit(lane) } else { crate::tangent::zero() };
    }
    end - start
}

impl<const C: usize> Chunk<C> {
    /// The value, gradient and Hessian-vector product `∇²f(x)·v` of
    /// `f: R^n → R`, without forming the Hessian: `⌈n/C⌉` evaluations on
    /// `Dual<Dual<T, 1>, C>`, the inner level carrying the direction `v` and
    /// the outer level `C` gradient lanes, so each evaluation gives a chunk of
    /// `∇f` and of `∇²f·v`.
    ///
    /// # Panics
    ///
    /// If `v.len() != x.len()`.
    ///
    /// ```
    /// use dualnum::{chunked, test_functions::rosenbrock};
    ///
    /// let x: Vec<f64> = (0..9).map(|i| 0.1 * i as f64).collect();
    /// let v: Vec<f64> = (0..9).map(|i| 1.0 - 0.25 * i as f64).collect();
    /// let (fx, g, hv) = chunked::Chunk::<4>::hvp(|x| rosenbrock(x), &x, &v);
    /// let (_, g2, h) = chunked::Chunk::<4>::hessian(|x| rosenbrock(x), &x);
    /// assert_eq!(g, g2);
    /// assert!((hv - h * nalgebra::DVector::from_vec(v)).amax() < 1e-12);
    /// # let _ = fx;
    /// ```
    #[must_use]
    #[track_caller]
    pub fn hvp<T>(
        f: impl FnMut(&[Dual<Dual<T, 1>, C>]) -> Dual<Dual<T, 1>, C>,
        x: &[T],
        v: &[T],
    ) -> (T, DVector<T>, DVector<T>)
    where
        T: Float + Scalar,
    {
        let n = x.len();
        let (mut g, mut hv) = (DVector::zeros(n), DVector::zeros(n));
        let fx = Self::hvp_into(f, x, v, g.as_mut_slice(), hv.as_mut_slice());
        (fx, g, hv)
    }
}

impl<const C: usize> Chunk<C> {
    /// [`hvp`](Self::hvp) writing the gradient into `grad` and `∇²f·v` into `hv`; returns
    /// the value. The only allocation is the dual copy of `x`.
    ///
    /// # Panics
    ///
    /// If `v`, `grad` or `hv` is not as long as `x`.
    ///
    /// ```
    /// use dualnum::{chunked, test_functions::rosenbrock};
    ///
    /// let (x, v) = ([0.5, 1.5, -0.5], [1.0, 0.0, 0.0]);
    /// let (mut g, mut hv) = ([0.0; 3], [0.0; 3]);
    /// chunked::Chunk::<2>::hvp_into(|x| rosenbrock(x), &x, &v, &mut g, &mut hv);
    /// let (_, _, h) = chunked::Chunk::<2>::hessian(|x| rosenbrock(x), &x);
    /// assert_eq!(&hv[..], h.column(0).as_slice());
    /// ```
    #[track_caller]
    pub fn hvp_into<T>(
        mut f: impl FnMut(&[Dual<Dual<T, 1>, C>]) -> Dual<Dual<T, 1>, C>,
        x: &[T],
        v: &[T],
        grad: &mut [T],
        hv: &mut [T],
    ) -> T
    where
        T: Float,
    {
        const { assert!(C > 0, "the chunk width C must be at least 1") };
        let n = x.len();
        check_into("chunked::hvp_into", "v", v.len(), n);
        check_into("chunked::hvp_into", "grad", grad.len(), n);
        check_into("chunked::hvp_into", "hv", hv.len(), n);
        let mut xd: Vec<Dual<Dual<T, 1>, C>> =
            x.iter().zip(v).map(|(&xi, &vi)| Dual::constant(Dual::new(xi, [vi]))).collect();
        let mut fx = T::zero();
        for start in (0..n.max(1)).step_by(C) {
            let k = set_chunk(&mut xd, start, true);
            let y = f(&xd);
            if start == 0 {
                fx = y.re.re;
            }
            for (l, yl) in y.eps[..k].iter().enumerate() {
                grad[start + l] = yl.re;
                hv[start + l] = yl.eps[0];
            }
            set_chunk(&mut xd, start, false);
        }
        fx
    }
}

impl<const C: usize> Chunk<C> {
    /// [`hessian`](Self::hessian) for a [`Function`] object.
    ///
    /// ```
    /// use dualnum::{Function, chunked, test_functions::rosenbrock};
    /// use num_traits::Float;
    ///
    /// struct Rosenbrock;
    /// impl Function for Rosenbrock {
    ///     fn eval<T: Float>(&self, x: &[T]) -> T {
    ///         rosenbrock(x)
    ///     }
    /// }
    /// let x = vec![0.5; 5];
    /// assert_eq!(chunked::Chunk::<2>::hessian_of(&Rosenbrock, &x), chunked::Chunk::<2>::hessian(rosenbrock, &x));
    /// ```
    #[inline]
    #[must_use]
    pub fn hessian_of<T, F>(f: &F, x: &[T]) -> (T, DVector<T>, DMatrix<T>)
    where
        T: Float + Scalar,
        F: Function + ?Sized,
    {
        Self::hessian(|x| f.eval(x), x)
    }
}

impl<const C: usize> Chunk<C> {
    /// [`hvp`](Self::hvp) for a [`Function`] object.
    ///
    /// # Panics
    ///
    /// As [`hvp`](Self::hvp).
    ///
    /// ```
    /// use dualnum::{Function, chunked, test_functions::rosenbrock};
    /// use num_traits::Float;
    ///
    /// struct Rosenbrock;
    /// impl Function for Rosenbrock {
    ///     fn eval<T: Float>(&self, x: &[T]) -> T {
    ///         rosenbrock(x)
    ///     }
    /// }
    /// let (x, v) = (vec![0.5; 5], vec![1.0; 5]);
    /// assert_eq!(chunked::Chunk::<2>::hvp_of(&Rosenbrock, &x, &v), chunked::Chunk::<2>::hvp(rosenbrock, &x, &v));
    /// ```
    #[inline]
    #[must_use]
    #[track_caller]
    pub fn hvp_of<T, F>(f: &F, x: &[T], v: &[T]) -> (T, DVector<T>, DVector<T>)
    where
        T: Float + Scalar,
        F: Function + ?Sized,
    {
        Self::hvp(|x| f.eval(x), x, v)
    }
}
