//! User-defined blocks ([`crate::block`]) on `Active<T>`: the block's value
//! and the partials of its varying inputs are recorded on this thread's
//! tape exactly as for `Var` (one node for up to two varying inputs,
//! otherwise a chain of weighted sums).

use super::Active;
use super::local::{self, ActiveScalar};
use crate::block::{Block, BlockScalar};
use crate::reverse::op::Op;
use crate::reverse::tape::Node;

/// Reverse mode on the thread-local tape: the value and the partials of
/// the varying inputs are recorded (one node for up to two varying inputs).
///
/// ```
/// use dualnum::block::{Block, BlockScalar};
/// use dualnum::reverse::active;
/// use num_traits::Float;
///
/// struct Product;
/// impl<T: Float> Block<T, 2> for Product {
///     fn eval(&self, [x, y]: [T; 2]) -> (T, [T; 2]) {
///         (x * y, [y, x])
///     }
/// }
/// let (v, g) = active::gradient(|x| Product.call([x[0], x[1]]), &[3.0, 4.0]);
/// assert_eq!((v, g.as_slice()), (12.0, &[4.0, 3.0][..]));
/// ```
///
/// # Panics
///
/// If a varying input does not belong to the recording running on this
/// thread (see [`Active`]).
impl<T: ActiveScalar> BlockScalar for Active<T> {
    type Base = T;
    #[inline]
    #[track_caller]
    fn apply<B: Block<T, K> + ?Sized, const K: usize>(block: &B, x: [Self; K]) -> Self {
        let (v, d) = block.eval(core::array::from_fn(|i| x[i].val));
        Active::block(&x, v, &d)
    }
}

impl<T: ActiveScalar> Active<T> {
    /// Records a block with value `v` and partials `d`, as `Var::block`: one
    /// node for up to two varying inputs, otherwise a chain of weighted sums
    /// (each link adds one more input), so the backward sweep stays a loop
    /// over binary nodes.
    #[track_caller]
    fn block<const K: usize>(x: &[Self; K], v: T, d: &[T; K]) -> Self {
        let Some(g) = x.iter().map(|a| a.generation).find(|&g| g != 0) else {
            return Active::constant(v);
        };
        let count = x.iter().filter(|a| a.generation != 0).count();
        // (node, weight, generation) of the running sum.
        let mut prev: Option<(u32, T, u64)> = None;
        let mut last = 0;
        let mut seen = 0;
        for (a, &da) in x.iter().zip(d) {
            if a.generation == 0 {
                continue;
            }
            seen += 1;
            match prev {
                None if count == 1 => {
                    let node = Node { dl: da, dr: T::zero(), lhs: a.idx, rhs: 0, op: Op::Block };
                    last = local::push_with_const(a.generation, g, node, v);
                }
                None => prev = Some((a.idx, da, a.generation)),
                Some((p, dp, gp)) => {
                    let op = if seen == count { Op::Block } else { Op::BlockLink };
                    let node = Node { dl: dp, dr: da, lhs: p, rhs: a.idx, op };
                    last = if seen == count {
                        local::push_with_const(gp, a.generation, node, v)
                    } else {
                        local::push2(gp, a.generation, node)
                    };
                    prev = Some((last, T::one(), g));
                }
            }
        }
        Active::on_tape(v, last, g)
    }
}
