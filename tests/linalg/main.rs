//! Derivatives through nalgebra: closed forms and central differences.
//!
//! Every property runs over random well-conditioned matrices (diagonally
//! dominant 3×3 and 4×4, or `BBᵀ + nI` for SPD ones) with a random
//! perturbation `dA` seeded in the tangent of `Dual<f64, 1>`, and checks the
//! tangent of the result against
//! - the closed form of the derivative, computed in plain `f64`, and
//! - a central difference of the same computation in plain `f64`.
//!
//! Modules:
//! - `scalars`: conversions, lifting, arithmetic, dot, norm, nesting;
//! - `square`: determinant, inverse, LU / QR / Cholesky solves, symmetric
//!   eigenvalues and singular values, for 2×2, 3×3 and 4×4;
//! - `decompositions`: eigen- and singular vectors, real Schur eigenvalues,
//!   complex eigenvalues, pseudo-inverse, LBLᵀ, UDUᵀ, matrix exponential;
//! - `traits`: every simba method against the `Float` method it forwards to;
//! - `drivers`: `gradient`, `jacobian`, `hessian` and `chunked::gradient`
//!   on closures written with nalgebra.

mod decompositions;
mod drivers;
mod scalars;
mod square;
mod support;
mod traits;
