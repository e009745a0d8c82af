//! `ba`: bundle adjustment (the ADBench objective: reprojection errors and
//! Zach weight errors) and its sparse Jacobian with `dualnum::sparse`: the
//! pattern is detected once per input (the preparation, as the C++ tools
//! do in their constructors), then each run is one compressed forward pass.

use crate::{Outcome, json::number, json::size, json::vector, repeat};
use dualnum::lit;
use dualnum::sparse::{Branches, JacobianPattern, SparseJacobian};
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
            // Rodrigues' formula branches on the angle being zero: the
            // pattern is the one at this point.
            let pattern = JacobianPattern::detect_with(
                |v| {
                    let mut out = vec![dualnum::sparse::Tracer::constant(0.0); 3 * p];
                    ba.objective(v, &mut out);
                    out
                },
                &params,
                Branches::AtPoint,
            )
            .map_err(|e| format!("ba: sparsity detection failed: {e:?}"))?;
            let sj = SparseJacobian::new(pattern);
            let (j, ns) = repeat(input, || {
                sj.jacobian_inplace::<16, _>(|v, out| ba.objective(v, out), &params)
            });
            let (_, j) = j.map_err(|e| format!("ba: sparse Jacobian failed: {e:?}"))?;
            // GradBench's compressed form of the CSR matrix: the first 30
            // entries (observation 0's two rows) and the last (w_err of the
            // last observation), with their row offsets and columns.
            let at = |r: usize, c: usize| j.get_entry(r, c).map_or(0.0, |e| e.into_value());
            let block: Vec<usize> =
                (0..NCAM).chain((0..3).map(|i| NCAM * n + i)).chain([NCAM * n + 3 * m]).collect();
            let (mut rows, mut cols, mut vals) = (Vec::new(), Vec::new(), Vec::new());
            for r in 0..2 {
                for &c in &block {
                    cols.push(c);
                    vals.push(at(r, c));
                }
            }
            for i in 0..30 {
                rows.push(if i <= 2 * p { 15 * i } else { 30 * p + (i - 2 * p) });
            }
            rows.push(31 * p);
            let last = NCAM * n + 3 * m + p - 1;
            cols.push(last);
            vals.push(at(3 * p - 1, last));
            Ok((json!({ "rows": rows, "cols": cols, "vals": vals }), ns))
        }
        _ => Err(format!("ba has no function {function}")),
    }
}
