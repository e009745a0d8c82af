//! `gmm`: the log-likelihood of a Gaussian mixture with a Wishart prior (the
//! ADBench objective), and its gradient in reverse mode as the sum of the
//! data points' terms: one point's term is a function of the parameters and
//! of the point, compiled once (`reverse::compile_of`, at the first point)
//! and replayed over the points by `Compiled::gradient_sum` with the
//! parameters fixed (each point writes only its `d` coordinates; what
//! depends on the parameters alone, `exp(q)`, runs once per call); the rest
//! (`−n·lse(α)` and the prior) is recorded on a tape. Memory: one point's
//! `k` quadratic forms, not all `n`.

use crate::{Outcome, json::rows, json::size, json::to_rows, json::vector, prepare, repeat};
use dualnum::reverse::{self, Tape};
use dualnum::{Function, lit};
use num_traits::Float;
use serde_json::{Value, json};

/// The problem's sizes and data.
struct Gmm {
    d: usize,
    k: usize,
    n: usize,
    x: Vec<f64>,
    gamma: f64,
    m: usize,
}

/// `ln Γ(a)` for `a` a positive multiple of ½ (the only arguments the prior
/// needs): `Γ(a + 1) = a Γ(a)` down to `Γ(1) = 1` or `Γ(½) = √π`.
fn ln_gamma_half(a: f64) -> f64 {
    let (mut y, mut out) =
        if a.fract() == 0.0 { (1.0, 0.0) } else { (0.5, 0.5 * std::f64::consts::PI.ln()) };
    while y < a {
        out += y.ln();
        y += 1.0;
    }
    out
}

/// `ln Γ_p(a)`, the multivariate log-gamma function.
fn ln_multigamma(a: f64, p: usize) -> f64 {
    let pf = p as f64;
    0.25 * pf * (pf - 1.0) * std::f64::consts::PI.ln()
        + (1..=p).map(|j| ln_gamma_half(a + 0.5 * (1.0 - j as f64))).sum::<f64>()
}

/// `ln Σ exp(vᵢ)` with the max shifted out.
fn logsumexp<T: Float>(v: &[T]) -> T {
    let mx = v[1..].iter().fold(v[0], |a, &b| a.max(b));
    v.iter().fold(T::zero(), |s, &vi| s + (vi - mx).exp()).ln() + mx
}

impl Gmm {
    /// The objective as `n + 1` terms: term `i < n` is data point `i`'s
    /// log-sum-exp ([`point`](Self::point)), term `n` all the rest (the
    /// constant, `−n·lse(α)` and the prior). Generic.
    fn rest<T: Float>(&self, params: &[T]) -> T {
        let (d, k) = (self.d, self.k);
        let (alpha, rest) = params.split_at(k);
        let constant = -(self.n as f64) * d as f64 * 0.5 * (2.0 * std::f64::consts::PI).ln();
        let (_, rest) = rest.split_at(k * d);
        let (q, l) = rest.split_at(k * d);
        let qdiag: Vec<T> = q.iter().map(|qi| qi.exp()).collect();
        lit::<T>(constant) - lit::<T>(self.n as f64) * logsumexp(alpha) - self.prior(&qdiag, q, l)
    }

    /// One data point's term, `lse_k(α_k + Σ q_k − ½ |Q_k (x − μ_k)|²)`,
    /// with the point `x` an argument like the parameters, so that one
    /// recording serves every point. Generic.
    fn point<T: Float>(&self, params: &[T], xi: &[T]) -> T {
        let (d, k) = (self.d, self.k);
        let l_sz = d * (d - 1) / 2;
        let (alpha, rest) = params.split_at(k);
        let (mu, rest) = rest.split_at(k * d);
        let (q, l) = rest.split_at(k * d);
        let (mut xc, mut qxc, mut main) =
            (vec![T::zero(); d], vec![T::zero(); d], vec![T::zero(); k]);
        for ik in 0..k {
            let qk = &q[ik * d..(ik + 1) * d];
            for (j, c) in xc.iter_mut().enumerate() {
                *c = xi[j] - mu[ik * d + j];
            }
            for j in 0..d {
                qxc[j] = qk[j].exp() * xc[j];
            }
            let mut li = ik * l_sz;
            for i in 0..d {
                for j in i + 1..d {
                    qxc[j] = qxc[j] + l[li] * xc[i];
                    li += 1;
                }
            }
            let sq = qxc.iter().fold(T::zero(), |s, &v| s + v * v);
            let sum_q = qk.iter().fold(T::zero(), |s, &v| s + v);
            main[ik] = alpha[ik] + sum_q - lit::<T>(0.5) * sq;
        }
        logsumexp(&main)
    }

    /// The Wishart prior's part of the objective, with `qdiag = exp(q)`.
    fn prior<T: Float>(&self, qdiag: &[T], q: &[T], l: &[T]) -> T {
        let (d, k) = (self.d, self.k);
        let l_sz = d * (d - 1) / 2;
        let nw = (d + self.m + 1) as f64;
        let c = nw * d as f64 * (self.gamma.ln() - 0.5 * 2f64.ln()) - ln_multigamma(0.5 * nw, d);
        let mut prior = T::zero();
        for ik in 0..k {
            let frob = qdiag[ik * d..(ik + 1) * d]
                .iter()
                .chain(&l[ik * l_sz..(ik + 1) * l_sz])
                .fold(T::zero(), |s, &v| s + v * v);
            let sum_q = q[ik * d..(ik + 1) * d].iter().fold(T::zero(), |s, &v| s + v);
            prior = prior + lit::<T>(0.5 * self.gamma * self.gamma) * frob
                - lit::<T>(self.m as f64) * sum_q;
        }
        prior - lit(k as f64 * c)
    }

    /// The objective at the parameters `alpha ++ mu ++ q ++ l`, generic.
    fn objective<T: Float>(&self, params: &[T]) -> T {
        let (d, k, n) = (self.d, self.k, self.n);
        let l_sz = d * (d - 1) / 2;
        let (alpha, rest) = params.split_at(k);
        let (mu, rest) = rest.split_at(k * d);
        let (q, l) = rest.split_at(k * d);
        let qdiag: Vec<T> = q.iter().map(|qi| qi.exp()).collect();
        let sum_qs: Vec<T> =
            q.chunks(d).map(|qk| qk.iter().fold(T::zero(), |s, &v| s + v)).collect();
        let (mut xc, mut qxc, mut main) =
            (vec![T::zero(); d], vec![T::zero(); d], vec![T::zero(); k]);
        let mut slse = T::zero();
        for xi in self.x.chunks(d) {
            for ik in 0..k {
                for (j, c) in xc.iter_mut().enumerate() {
                    *c = lit::<T>(xi[j]) - mu[ik * d + j];
                }
                // Q·xc, Q lower triangular with diagonal exp(q) and l below
                for j in 0..d {
                    qxc[j] = qdiag[ik * d + j] * xc[j];
                }
                let mut li = ik * l_sz;
                for i in 0..d {
                    for j in i + 1..d {
                        qxc[j] = qxc[j] + l[li] * xc[i];
                        li += 1;
                    }
                }
                let sq = qxc.iter().fold(T::zero(), |s, &v| s + v * v);
                main[ik] = alpha[ik] + sum_qs[ik] - lit::<T>(0.5) * sq;
            }
            slse = slse + logsumexp(&main);
        }
        let constant = -(n as f64) * d as f64 * 0.5 * (2.0 * std::f64::consts::PI).ln();
        let err = lit::<T>(constant) + slse - lit::<T>(n as f64) * logsumexp(alpha);
        // the Wishart prior
        let nw = (d + self.m + 1) as f64;
        let c = nw * d as f64 * (self.gamma.ln() - 0.5 * 2f64.ln()) - ln_multigamma(0.5 * nw, d);
        let mut prior = T::zero();
        for ik in 0..k {
            let frob = qdiag[ik * d..(ik + 1) * d]
                .iter()
                .chain(&l[ik * l_sz..(ik + 1) * l_sz])
                .fold(T::zero(), |s, &v| s + v * v);
            prior = prior + lit::<T>(0.5 * self.gamma * self.gamma) * frob
                - lit::<T>(self.m as f64) * sum_qs[ik];
        }
        err - prior + lit(k as f64 * c)
    }
}

/// One data point's term as a function of `params ++ x`, for
/// `reverse::compile_of`: recorded and compiled at the first point, then
/// replayed at each point (the recording has no comparisons: `max`, in
/// the log-sum-exp, is an operation the replay evaluates afresh, so no
/// replay is refused).
struct Point<'a>(&'a Gmm);

impl Function for Point<'_> {
    fn eval<T: Float>(&self, z: &[T]) -> T {
        let (params, x) = z.split_at(z.len() - self.0.d);
        self.0.point(params, x)
    }
}

pub(crate) fn evaluate(function: &str, input: &Value) -> Outcome {
    let (d, k, n) = (size(input, "d")?, size(input, "k")?, size(input, "n")?);
    let gmm = Gmm {
        d,
        k,
        n,
        x: rows(input, "x")?.1,
        gamma: crate::json::number(crate::json::field(input, "gamma")?)?,
        m: size(input, "m")?,
    };
    let mut params = vector(input, "alpha")?;
    for key in ["mu", "q", "l"] {
        params.extend(rows(input, key)?.1);
    }
    let l_sz = d * (d - 1) / 2;
    if params.len() != k * (1 + 2 * d + l_sz) || gmm.x.len() != n * d || k == 0 {
        return Err("gmm: the parameters or points do not have the sizes d, k, n say".into());
    }
    match function {
        "objective" => {
            let (y, ns) = repeat(input, || gmm.objective(&params));
            Ok((Value::from(y), ns))
        }
        "jacobian" => {
            let np = params.len();
            let (mut tape, mut g, mut gs) = (Tape::new(), vec![0.0; np], vec![0.0; np]);
            // One point's term, recorded and compiled at the first point as
            // a function of params ++ the point, then replayed as a sum over
            // the points with the parameters fixed.
            let mut z = params.clone();
            z.extend(&gmm.x[..d]);
            let point = Point(&gmm);
            let mut term = prepare(|| reverse::compile_of(&point, &z));
            let mut failed = None;
            let (_, ns) = repeat(input, || {
                tape.gradient(|v| gmm.rest(v), &params, &mut g);
                let set = |i: usize, v: &mut [f64]| v.copy_from_slice(&gmm.x[i * d..][..d]);
                match term.gradient_sum(&params, n, set, &mut gs) {
                    Ok(_) => g.iter_mut().zip(&gs).for_each(|(gj, sj)| *gj += sj),
                    Err(e) => failed = Some(e),
                }
            });
            if let Some(e) = failed {
                return Err(format!("gmm: the replay of a point's term was refused: {e}"));
            }
            let (alpha, rest) = g.split_at(k);
            let (mu, rest) = rest.split_at(k * d);
            let (q, l) = rest.split_at(k * d);
            let out = json!({ "alpha": alpha, "mu": to_rows(mu, d), "q": to_rows(q, d), "l": to_rows(l, l_sz) });
            Ok((out, ns))
        }
        _ => Err(format!("gmm has no function {function}")),
    }
}
