//! Inspection: the recorded graph as a table of nodes (operation, inputs,
//! forward value, adjoint) and as Graphviz DOT.
//!
//! This file provides [`Trace`], made by [`Tape::trace`].

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::{self, Write};

use num_traits::Float;

use super::op::Op;
use super::replay::recorded_values;
use super::tape::{Node, Tape, seed_and_sweep};
use super::var::Var;

/// A recorded computation laid out for people: one row per node with its
/// operation, inputs, forward value and adjoint `∂y/∂node` for the output
/// `y` the trace was made for.
///
/// Print it (`Display`) for a table, or export it with
/// [`to_dot`](Self::to_dot) for Graphviz. Nodes are named `x0, x1, …` for
/// inputs and `v3, v4, …` otherwise, unless named with
/// [`name`](Self::name).
///
/// ```
/// use dualnum::reverse::Tape;
/// use num_traits::Float;
///
/// let tape = Tape::new();
/// let x = tape.var(3.0);
/// let s = x.sin();
/// let y = s * x;
/// let mut trace = tape.trace(y);
/// trace.name(x, "x").name(s, "s").name(y, "y");
/// let table = trace.to_string();
/// assert!(table.contains("sin"));
/// assert!(trace.to_dot().starts_with("digraph"));
/// ```
pub struct Trace<'t, T> {
    tape: &'t Tape<T>,
    nodes: Vec<Node<T>>,
    vals: Vec<T>,
    adj: Vec<T>,
    names: Vec<Option<String>>,
    output: u32,
}

impl<T: Float> Tape<T> {
    /// The recorded graph with forward values and the adjoints of `y`.
    ///
    /// # Panics
    ///
    /// If `y` belongs to another tape.
    #[must_use]
    #[track_caller]
    pub fn trace(&self, y: Var<'_, T>) -> Trace<'_, T> {
        assert!(self.owns(&y), "Tape::trace: the output variable belongs to another tape");
        let rec = self.snapshot();
        let mut vals = Vec::new();
        recorded_values(&rec.nodes, &rec.consts, &mut vals);
        let mut adj = Vec::new();
        seed_and_sweep(&rec.nodes, &mut adj, &[(y.idx, T::one())]);
        adj.resize(rec.nodes.len(), T::zero());
        let names = alloc::vec![None; rec.nodes.len()];
        Trace { tape: self, nodes: rec.nodes, vals, adj, names, output: y.idx }
    }
}

impl<'t, T: Float> Trace<'t, T> {
    /// Names the node of `v` in the table and the graph.
    ///
    /// # Panics
    ///
    /// If `v` is a constant or belongs to another tape.
    #[track_caller]
    pub fn name(&mut self, v: Var<'_, T>, name: &str) -> &mut Self {
        assert!(
            v.tape.is_some_and(|t| core::ptr::eq(t, self.tape)),
            "Trace::name: the variable is a constant or belongs to another tape"
        );
        self.names[v.idx as usize] = Some(String::from(name));
        self
    }

    /// The number of rows (recorded operations, inputs included).
    #[must_use]
    pub fn len(&self) -> usize {
        self.nodes.len() - 1
    }

    /// True when nothing was recorded.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The forward value of the node of `v`.
    ///
    /// # Panics
    ///
    /// If `v` is a constant or belongs to another tape.
    #[must_use]
    #[track_caller]
    pub fn value(&self, v: Var<'_, T>) -> T {
        self.vals[self.index(v)]
    }

    /// The adjoint `∂y/∂v` of the node of `v`.
    ///
    /// # Panics
    ///
    /// If `v` is a constant or belongs to another tape.
    #[must_use]
    #[track_caller]
    pub fn adjoint(&self, v: Var<'_, T>) -> T {
        self.adj[self.index(v)]
    }

    #[track_caller]
    fn index(&self, v: Var<'_, T>) -> usize {
        assert!(
            v.tape.is_some_and(|t| core::ptr::eq(t, self.tape)),
            "Trace: the variable is a constant or belongs to another tape"
        );
        v.idx as usize
    }

    fn label(&self, k: usize) -> String {
        match &self.names[k] {
            Some(s) => s.clone(),
            None if self.nodes[k].op == Op::Input => {
                let i = self.nodes[..k].iter().filter(|n| n.op == Op::Input).count();
                format!("x{i}")
            }
            None => format!("v{k}"),
        }
    }

    /// For each node, its operation and its operands (a name, or a
    /// constant's value).
    fn rows(&self) -> Vec<(String, Vec<String>)> {
        let operand = |i: u32, slot: T| {
            if i == 0 { format!("{}", Num(slot)) } else { self.label(i as usize) }
        };
        let mut out = Vec::with_capacity(self.nodes.len());
        for n in &self.nodes[1..] {
            let (l, r) = (operand(n.lhs, n.dl), operand(n.rhs, n.dr));
            let row = match n.op {
                Op::Sink => (String::new(), Vec::new()),
                Op::Input => (String::from("input"), Vec::new()),
                Op::Powi(p) => (format!("powi({p})"), alloc::vec![l]),
                Op::Link | Op::Tern(_) => (String::from(n.op.label()), alloc::vec![l, r]),
                Op::BlockLink | Op::Block => {
                    let mut ins = alloc::vec![self.label(n.lhs as usize)];
                    if n.rhs != 0 {
                        ins.push(self.label(n.rhs as usize));
                    }
                    (String::from(n.op.label()), ins)
                }
                op if op.is_binary() => (String::from(op.label()), alloc::vec![l, r]),
                op => (String::from(op.label()), alloc::vec![l]),
            };
            out.push(row);
        }
        out
    }

    /// The graph in Graphviz DOT: one box per node labelled with its name,
    /// operation, value and adjoint, one edge per operand labelled with the
    /// local partial derivative. Render with `dot -Tsvg graph.dot`.
    #[must_use]
    pub fn to_dot(&self) -> String {
        let mut s = String::from(
            "digraph tape {\n  rankdir=LR;\n  node [shape=box, fontname=\"monospace\"];\n",
        );
        for (k, (op, _)) in self.rows().into_iter().enumerate() {
            let k = k + 1;
            let out = if k == self.output as usize { ", peripheries=2" } else { "" };
            let _ = writeln!(
                s,
                "  n{k} [label=\"{} = {}\\nvalue {}\\nadjoint {}\"{out}];",
                self.label(k),
                op,
                Num(self.vals[k]),
                Num(self.adj[k])
            );
            let n = self.nodes[k];
            for (i, d) in [(n.lhs, n.dl), (n.rhs, n.dr)] {
                if i != 0 {
                    let _ = writeln!(s, "  n{i} -> n{k} [label=\"{}\"];", Num(d));
                }
            }
        }
        s.push_str("}\n");
        s
    }
}

/// A number printed through `f64` with up to 10 significant digits.
struct Num<T>(T);

impl<T: Float> fmt::Display for Num<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let v = self.0.to_f64().unwrap_or(f64::NAN);
        if v != 0.0 && (v.abs() >= 1e7 || v.abs() < 1e-4) {
            write!(f, "{v:.6e}")
        } else {
            let s = format!("{v:.10}");
            let s =
                if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.') } else { &s };
            f.write_str(s)
        }
    }
}

/// The table: node, operation, inputs, forward value, adjoint.
impl<T: Float> fmt::Display for Trace<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{:<6} {:<12} {:<16} {:>18} {:>18}",
            "node", "operation", "inputs", "value", "adjoint"
        )?;
        for (k, (op, ins)) in self.rows().into_iter().enumerate() {
            let k = k + 1;
            writeln!(
                f,
                "{:<6} {:<12} {:<16} {:>18} {:>18}",
                self.label(k),
                op,
                ins.join(", "),
                format!("{}", Num(self.vals[k])),
                format!("{}", Num(self.adj[k]))
            )?;
        }
        Ok(())
    }
}
