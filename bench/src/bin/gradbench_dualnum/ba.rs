//! `ba`: bundle adjustment (the ADBench objective: reprojection errors and
//! Zach weight errors) and its sparse Jacobian, block by block as bundle
//! adjusters (and GradBench's manual and ADOL-C tools) compute it: each
//! observation's two reprojection errors depend on its camera (11
//! parameters), its point (3) and its weight (1), so their rows are the
//! forward-mode Jacobian of that 15-input block (`jacobian_of`, one pass of
//! `Dual<f64, 15>`), and each weight error's row is one derivative. The
//! matrix is built in CSR form, as manual builds it, in memory linear in
//! the observations (no pattern detection or colouring of the whole map).

use crate::{Outcome, json::number, json::size, json::vector, repeat};
use dualnum::{VectorFunction, lit};
use nalgebra::SVector;
use num_traits::Float;
use serde_json::{Value, json};

/// Camera parameters: rotation (3), centre (3), focal length, principal
/// point (2), radial distortion (2).
const NCAM: usize = 11;

/// The problem: `n` cameras, `m` points, `p` observations (camera and point
/// of each, and the measured feature).
struct Ba {
    n: usize,
    m: usize,
    p: usize,
    obs: Vec<(usize, usize)>,
    feats: Vec<[f64; 2]>,
}

fn cross<T: Float>(a: &[T], b: &[T]) -> [T; 3] {
    [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]]
}

/// Rotates `pt` by the angle-axis vector `rot` (Rodrigues' formula).
fn rodrigues_rotate_point<T: Float>(rot: &[T], pt: &[T; 3]) -> [T; 3] {
    let sqtheta = rot.iter().fold(T::zero(), |s, &r| s + r * r);
    if sqtheta != T::zero() {
        let theta = sqtheta.sqrt();
        let (sin, cos) = theta.sin_cos();
        let w = [rot[0] / theta, rot[1] / theta, rot[2] / theta];
        let wxp = cross(&w, pt);
        let tmp = (w[0] * pt[0] + w[1] * pt[1] + w[2] * pt[2]) * (T::one() - cos);
        core::array::from_fn(|i| pt[i] * cos + wxp[i] * sin + w[i] * tmp)
    } else {
        let rxp = cross(rot, pt);
        core::array::from_fn(|i| pt[i] + rxp[i])
    }
}

/// The reprojection error of the point `x` seen by the camera `cam` with
/// weight `w` against the feature `feat`.
fn reproj_error<T: Float>(cam: &[T], x: &[T], w: T, feat: [f64; 2]) -> [T; 2] {
    let xo = [x[0] - cam[3], x[1] - cam[4], x[2] - cam[5]];
    let xcam = rodrigues_rotate_point(&cam[0..3], &xo);
    let (px, py) = (xcam[0] / xcam[2], xcam[1] / xcam[2]);
    let rsq = px * px + py * py;
    let dist = T::one() + cam[9] * rsq + cam[10] * rsq * rsq;
    let proj = [px * dist * cam[6] + cam[7], py * dist * cam[6] + cam[8]];
    [w * (proj[0] - lit(feat[0])), w * (proj[1] - lit(feat[1]))]
}

/// One observation's reprojection error as a function of its block
/// `cam (11) ++ point (3) ++ weight (1)`, the feature fixed.
struct Block([f64; 2]);

impl VectorFunction for Block {
    fn outputs(&self, _inputs: usize) -> usize {
        2
    }

    fn eval<T: Float>(&self, x: &[T], out: &mut [T]) {
        let e = reproj_error(&x[..NCAM], &x[NCAM..NCAM + 3], x[NCAM + 3], self.0);
        out.copy_from_slice(&e);
    }
}

/// A sparse matrix in compressed rows (GradBench's and manual's form, with
/// 32-bit offsets and columns as manual's).
#[derive(Default)]
struct Csr {
    rows: Vec<u32>,
    cols: Vec<u32>,
    vals: Vec<f64>,
}

/// An offset or column as `u32`.
///
/// # Panics
///
/// If it does not fit (more than 2³² − 1 entries or columns).
fn u32_of(k: usize) -> u32 {
    u32::try_from(k).expect("ba: the Jacobian has more than 2^32 - 1 entries or columns")
}

impl Ba {
    /// The errors at `params = cams ++ points ++ weights`: `2p` reprojection
    /// errors, then `p` weight errors `1 − w²`; generic.
    fn objective<T: Float>(&self, params: &[T], out: &mut [T]) {
        let (cams, rest) = params.split_at(NCAM * self.n);
        let (points, w) = rest.split_at(3 * self.m);
        let (reproj, w_err) = out.split_at_mut(2 * self.p);
        for (i, &(c, pt)) in self.obs.iter().enumerate() {
            let e = reproj_error(
                &cams[NCAM * c..NCAM * (c + 1)],
                &points[3 * pt..3 * pt + 3],
                w[i],
                self.feats[i],
            );
            reproj[2 * i] = e[0];
            reproj[2 * i + 1] = e[1];
        }
        for (e, &wi) in w_err.iter_mut().zip(w) {
            *e = T::one() - wi * wi;
        }
    }
}

pub(crate) fn evaluate(function: &str, input: &Value) -> Outcome {
    let (n, m, p) = (size(input, "n")?, size(input, "m")?, size(input, "p")?);
    let (cam, x) = (vector(input, "cam")?, vector(input, "x")?);
    let (w, feat) = (number(crate::json::field(input, "w")?)?, vector(input, "feat")?);
    if n == 0 || m == 0 || p == 0 || cam.len() != NCAM || x.len() != 3 || feat.len() != 2 {
        return Err(
            "ba: expected n, m, p > 0, 11 camera parameters, a 3-D point, a 2-D feature".into()
        );
    }
    // GradBench's input is one camera, point, weight and feature, repeated.
    let ba = Ba {
        n,
        m,
        p,
        obs: (0..p).map(|i| (i % n, i % m)).collect(),
        feats: vec![[feat[0], feat[1]]; p],
    };
    let mut params = Vec::with_capacity(NCAM * n + 3 * m + p);
    (0..n).for_each(|_| params.extend(&cam));
    (0..m).for_each(|_| params.extend(&x));
    params.extend(std::iter::repeat_n(w, p));
    match function {
        "objective" => {
            let mut out = vec![0.0; 3 * p];
            let (_, ns) = repeat(input, || ba.objective(&params, &mut out));
            let output = json!({
                "reproj_error": { "elements": [out[0], out[1]], "repeated": p },
                "w_err": { "element": out[2 * p], "repeated": p },
            });
            Ok((output, ns))
        }
        "jacobian" => {
            let (cams, rest) = params.split_at(NCAM * n);
            let (points, w) = rest.split_at(3 * m);
            let mut j = Csr::default();
            let (_, ns) = repeat(input, || {
                let Csr { rows, cols, vals } = &mut j;
                rows.clear();
                cols.clear();
                vals.clear();
                for (i, &(c, pt)) in ba.obs.iter().enumerate() {
                    let mut x = SVector::<f64, 15>::zeros();
                    x.as_mut_slice()[..NCAM].copy_from_slice(&cams[NCAM * c..NCAM * (c + 1)]);
                    x.as_mut_slice()[NCAM..NCAM + 3].copy_from_slice(&points[3 * pt..3 * pt + 3]);
                    x[NCAM + 3] = w[i];
                    let (_, jb) = dualnum::jacobian_of::<2, 15, _>(&Block(ba.feats[i]), &x);
                    let col = |k: usize| {
                        u32_of(match k {
                            0..NCAM => NCAM * c + k,
                            NCAM..14 => NCAM * n + 3 * pt + k - NCAM,
                            _ => NCAM * n + 3 * m + i,
                        })
                    };
                    for r in 0..2 {
                        rows.push(u32_of(vals.len()));
                        cols.extend((0..15).map(col));
                        vals.extend(jb.row(r).iter());
                    }
                }
                for (i, &wi) in w.iter().enumerate() {
                    rows.push(u32_of(vals.len()));
                    cols.push(u32_of(NCAM * n + 3 * m + i));
                    vals.push(dualnum::derivative(|w| 1.0 - w * w, wi).1);
                }
                rows.push(u32_of(vals.len()));
            });
            // GradBench's compressed form of the CSR matrix: the first 30
            // entries (observation 0's two rows) with the first 30 row
            // offsets, and the last entry with the last offset.
            let k = 30.min(j.vals.len());
            let mut rows = j.rows[..30.min(j.rows.len() - 1)].to_vec();
            rows.push(*j.rows.last().expect("the offsets end with nnz"));
            let mut cols = j.cols[..k].to_vec();
            let mut vals = j.vals[..k].to_vec();
            cols.extend(j.cols.last());
            vals.extend(j.vals.last());
            Ok((json!({ "rows": rows, "cols": cols, "vals": vals }), ns))
        }
        _ => Err(format!("ba has no function {function}")),
    }
}
