//! `ht`: hand tracking (the ADBench objective: a skinned hand model posed by
//! 26 parameters, compared with measured points), and its Jacobian in
//! forward mode with `chunked::jacobian_into`.
//!
//! In the "complicated" variant each measured point `i` also has its own
//! barycentric coordinates `uᵢ` on a triangle of the model, and GradBench
//! wants the Jacobian with respect to them compressed into two columns
//! (`∂errᵢ/∂uᵢ`, since `errᵢ` depends on no other `uⱼ`): the two columns are
//! the derivatives with respect to one shift added to every `uᵢ₀`, and one
//! to every `uᵢ₁`, which forward mode seeds like any other input.

use crate::{Outcome, json::field, json::rows, json::vector, repeat};
use dualnum::lit;
use num_traits::Float;
use serde_json::Value;

/// A 4 × 4 matrix, row-major.
type M4<T> = [[T; 4]; 4];

/// The hand model and the measured points.
struct Hand {
    parents: Vec<Option<usize>>,
    base_relatives: Vec<M4<f64>>,
    inverse_base_absolutes: Vec<M4<f64>>,
    /// Homogeneous rest positions, one a vertex.
    base_positions: Vec<[f64; 4]>,
    /// `weights[v][b]`: the weight of bone `b` at vertex `v`.
    weights: Vec<Vec<f64>>,
    triangles: Vec<[usize; 3]>,
    is_mirrored: bool,
    correspondences: Vec<usize>,
    points: Vec<[f64; 3]>,
    /// Each point's barycentric coordinates (complicated variant), or empty.
    us: Vec<[f64; 2]>,
}

fn mul<T: Float>(a: &M4<T>, b: &M4<T>) -> M4<T> {
    core::array::from_fn(|i| {
        core::array::from_fn(|j| (0..4).fold(T::zero(), |s, k| s + a[i][k] * b[k][j]))
    })
}

fn lift<T: Float>(a: &M4<f64>) -> M4<T> {
    a.map(|row| row.map(lit))
}

/// `R = Rz · Ry · Rx` from the angles `(x, z, y)`, in a 4 × 4 transform.
fn euler_xzy<T: Float>(xzy: [T; 3]) -> M4<T> {
    let (o, z) = (T::one(), T::zero());
    let ((sx, cx), (sy, cy), (sz, cz)) = (xzy[0].sin_cos(), xzy[2].sin_cos(), xzy[1].sin_cos());
    let rx = [[o, z, z, z], [z, cx, -sx, z], [z, sx, cx, z], [z, z, z, o]];
    let ry = [[cy, z, sy, z], [z, o, z, z], [-sy, z, cy, z], [z, z, z, o]];
    let rz = [[cz, -sz, z, z], [sz, cz, z, z], [z, z, o, z], [z, z, z, o]];
    mul(&mul(&rz, &ry), &rx)
}

/// The rotation by the angle-axis vector `a` (the identity below 10⁻⁴).
fn angle_axis<T: Float>(a: [T; 3]) -> [[T; 3]; 3] {
    let norm = (a[0] * a[0] + a[1] * a[1] + a[2] * a[2]).sqrt();
    let (o, z) = (T::one(), T::zero());
    if norm < lit(0.0001) {
        return [[o, z, z], [z, o, z], [z, z, o]];
    }
    let (x, y, w) = (a[0] / norm, a[1] / norm, a[2] / norm);
    let (s, c) = norm.sin_cos();
    [
        [x * x + (o - x * x) * c, x * y * (o - c) - w * s, x * w * (o - c) + y * s],
        [x * y * (o - c) + w * s, y * y + (o - y * y) * c, y * w * (o - c) - x * s],
        [x * w * (o - c) - y * s, w * y * (o - c) + x * s, w * w + (o - w * w) * c],
    ]
}

impl Hand {
    /// The errors (3 a point) at the pose `theta` (26) with the
    /// barycentric coordinates shifted by `du` (complicated variant); generic.
    fn objective<T: Float>(&self, theta: &[T], du: [T; 2], err: &mut [T]) {
        // the pose: global rotation, scale 1, translation, then one column
        // of (x, z, y) angles a bone, fingers' from theta[6..]
        let bones = self.parents.len();
        let mut pose = vec![[T::zero(); 3]; bones + 3];
        pose[0] = [theta[0], theta[1], theta[2]];
        pose[1] = [T::one(); 3];
        pose[2] = [theta[3], theta[4], theta[5]];
        let (mut it, mut ip) = (6, 5);
        for _finger in 0..5 {
            for i in 2..=4 {
                pose[ip][0] = theta[it];
                it += 1;
                if i == 2 {
                    pose[ip][1] = theta[it];
                    it += 1;
                }
                ip += 1;
            }
            ip += 1;
        }
        // bone transforms
        let mut absolutes: Vec<M4<T>> = Vec::with_capacity(bones);
        for b in 0..bones {
            let relative = mul(&lift(&self.base_relatives[b]), &euler_xzy(pose[b + 3]));
            let absolute = match self.parents[b] {
                Some(p) => mul(&absolutes[p], &relative),
                None => relative,
            };
            absolutes.push(absolute);
        }
        let transforms: Vec<M4<T>> = absolutes
            .iter()
            .zip(&self.inverse_base_absolutes)
            .map(|(a, inv)| mul(a, &lift(inv)))
            .collect();
        // skinning, mirroring, the global rotation and translation
        let r = angle_axis(pose[0]);
        let positions: Vec<[T; 3]> = self
            .base_positions
            .iter()
            .zip(&self.weights)
            .map(|(p, w)| {
                let mut v = [T::zero(); 3];
                for (t, &wb) in transforms.iter().zip(w) {
                    for (i, vi) in v.iter_mut().enumerate() {
                        let c = (0..4).fold(T::zero(), |s, k| s + t[i][k] * lit(p[k]));
                        *vi = *vi + c * lit(wb);
                    }
                }
                if self.is_mirrored {
                    v[0] = -v[0];
                }
                core::array::from_fn(|i| {
                    (0..3).fold(T::zero(), |s, k| s + r[i][k] * pose[1][k] * v[k]) + pose[2][i]
                })
            })
            .collect();
        for (i, (&corr, point)) in self.correspondences.iter().zip(&self.points).enumerate() {
            let hand: [T; 3] = if self.us.is_empty() {
                positions[corr]
            } else {
                let [a, b, c] = self.triangles[corr].map(|v| positions[v]);
                let (u0, u1) = (lit::<T>(self.us[i][0]) + du[0], lit::<T>(self.us[i][1]) + du[1]);
                core::array::from_fn(|j| u0 * a[j] + u1 * b[j] + (T::one() - u0 - u1) * c[j])
            };
            for j in 0..3 {
                err[3 * i + j] = lit::<T>(point[j]) - hand[j];
            }
        }
    }
}

/// A JSON array of 4 rows of 4 numbers.
fn m4(v: &Value) -> Result<M4<f64>, String> {
    let flat = rows(&serde_json::json!({ "m": v }), "m")?.1;
    if flat.len() != 16 {
        return Err("ht: a model transform is not 4 × 4".into());
    }
    Ok(core::array::from_fn(|i| core::array::from_fn(|j| flat[4 * i + j])))
}

fn indices(v: &Value) -> Result<Vec<i64>, String> {
    v.as_array()
        .ok_or("ht: expected an array of integers")?
        .iter()
        .map(|x| x.as_i64().ok_or_else(|| format!("ht: {x} is not an integer")))
        .collect()
}

fn parse(input: &Value) -> Result<Hand, String> {
    let data = field(input, "data")?;
    let model = field(data, "model")?;
    let list = |v: &Value, k: &str| -> Result<Vec<Value>, String> {
        Ok(field(v, k)?.as_array().ok_or_else(|| format!("ht: {k} is not an array"))?.clone())
    };
    let bones = list(model, "bone_names")?.len();
    let parents: Vec<Option<usize>> =
        indices(field(model, "parents")?)?.into_iter().map(|p| usize::try_from(p).ok()).collect();
    let base_relatives =
        list(model, "base_relatives")?.iter().map(m4).collect::<Result<Vec<_>, _>>()?;
    let inverse_base_absolutes =
        list(model, "inverse_base_absolutes")?.iter().map(m4).collect::<Result<Vec<_>, _>>()?;
    let (nv, bp) = rows(model, "base_positions")?;
    let (nw, w) = rows(model, "weights")?;
    if parents.len() != bones
        || base_relatives.len() != bones
        || inverse_base_absolutes.len() != bones
        || bp.len() != 4 * nv
        || nw != nv
        || w.len() != nv * bones
    {
        return Err("ht: the model's bones, vertices and weights do not agree".into());
    }
    let triangles = list(model, "triangles")?
        .iter()
        .map(|t| indices(t).map(|t| [t[0] as usize, t[1] as usize, t[2] as usize]))
        .collect::<Result<Vec<_>, _>>()?;
    let (np, pts) = rows(data, "points")?;
    let correspondences: Vec<usize> =
        indices(field(data, "correspondences")?)?.into_iter().map(|c| c as usize).collect();
    let (nu, us) = match input.get("us") {
        Some(u) if u.as_array().is_some_and(|a| !a.is_empty()) => rows(input, "us")?,
        _ => (0, Vec::new()),
    };
    if pts.len() != 3 * np
        || correspondences.len() != np
        || (nu != 0 && (nu != np || us.len() != 2 * np))
    {
        return Err("ht: points, correspondences and us do not agree".into());
    }
    Ok(Hand {
        parents,
        base_relatives,
        inverse_base_absolutes,
        base_positions: bp.chunks(4).map(|c| [c[0], c[1], c[2], c[3]]).collect(),
        weights: w.chunks(bones).map(<[f64]>::to_vec).collect(),
        triangles,
        is_mirrored: field(model, "is_mirrored")?.as_bool().unwrap_or(false),
        correspondences,
        points: pts.chunks(3).map(|c| [c[0], c[1], c[2]]).collect(),
        us: us.chunks(2).map(|c| [c[0], c[1]]).collect(),
    })
}

pub(crate) fn evaluate(function: &str, input: &Value) -> Outcome {
    let hand = parse(input)?;
    let theta = vector(input, "theta")?;
    if theta.len() != 26 {
        return Err(format!("ht: theta has {} entries, not 26", theta.len()));
    }
    let rows_out = 3 * hand.points.len();
    match function {
        "objective" => {
            let mut err = vec![0.0; rows_out];
            let (_, ns) = repeat(input, || hand.objective(&theta, [0.0; 2], &mut err));
            Ok((Value::from(err), ns))
        }
        "jacobian" => {
            // inputs: the two shifts of the us (complicated variant), then theta
            let shifts = if hand.us.is_empty() { 0 } else { 2 };
            let x: Vec<f64> = vec![0.0; shifts].into_iter().chain(theta.iter().copied()).collect();
            let (mut fx, mut jac) = (vec![0.0; rows_out], vec![0.0; rows_out * x.len()]);
            let (_, ns) = repeat(input, || {
                dualnum::chunked::Chunk::<14>::jacobian_into(
                    |v, out| {
                        let du =
                            if shifts == 2 { [v[0], v[1]] } else { [num_traits::Zero::zero(); 2] };
                        hand.objective(&v[shifts..], du, out)
                    },
                    &x,
                    &mut fx,
                    &mut jac,
                )
            });
            // column-major → rows
            let out: Vec<Value> = (0..rows_out)
                .map(|i| (0..x.len()).map(|j| jac[j * rows_out + i]).collect::<Vec<f64>>().into())
                .collect();
            Ok((Value::Array(out), ns))
        }
        _ => Err(format!("ht has no function {function}")),
    }
}
