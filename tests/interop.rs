//! serde and bytemuck for `Dual` (issue 11, point 5): round trips, the
//! wire format, refusal of a wrong tangent length, and the byte layout.

#[cfg(feature = "serde")]
mod serde_round_trip {
    //! Checked against serde's data model with `serde_test` (tokens), which
    //! is what every format sees: JSON writes these tokens as
    //! `{"re":1.5,"eps":[0.5,1.0]}`.

    use core::fmt;

    use dualnum::{Dual, Unchecked};
    use serde::{Deserialize, Deserializer};
    use serde_test::{Token, assert_de_tokens, assert_de_tokens_error, assert_ser_tokens};

    /// A dual compared bit for bit in every component (`Dual`'s own `==`
    /// compares values only), deserialised through `Dual`'s impl.
    struct Exact<const N: usize, const SAFE: bool>(Dual<f64, N, SAFE>);

    impl<const N: usize, const SAFE: bool> PartialEq for Exact<N, SAFE> {
        fn eq(&self, o: &Self) -> bool {
            self.0.re.to_bits() == o.0.re.to_bits()
                && self.0.eps.map(f64::to_bits) == o.0.eps.map(f64::to_bits)
        }
    }

    impl<const N: usize, const SAFE: bool> fmt::Debug for Exact<N, SAFE> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "{:?} {:?}", self.0.re, self.0.eps)
        }
    }

    impl<'de, const N: usize, const SAFE: bool> Deserialize<'de> for Exact<N, SAFE> {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            Dual::deserialize(d).map(Exact)
        }
    }

    /// The tokens of `Dual { re, eps }` with `f64` components.
    fn tokens(re: f64, eps: &[f64]) -> Vec<Token> {
        let mut t = vec![
            Token::Struct { name: "Dual", len: 2 },
            Token::Str("re"),
            Token::F64(re),
            Token::Str("eps"),
            Token::Tuple { len: eps.len() },
        ];
        t.extend(eps.iter().map(|&e| Token::F64(e)));
        t.extend([Token::TupleEnd, Token::StructEnd]);
        t
    }

    #[test]
    fn format_is_value_then_tangent() {
        let x = Dual::new(1.5, [0.5, 1.0]);
        assert_ser_tokens(&x, &tokens(1.5, &[0.5, 1.0]));
        let c: Dual<f64, 0> = Dual::constant(2.0);
        assert_ser_tokens(&c, &tokens(2.0, &[]));
        // The policy parameter is part of the type, not of the number.
        assert_ser_tokens(&x.unchecked(), &tokens(1.5, &[0.5, 1.0]));
    }

    #[test]
    fn round_trips_bit_for_bit() {
        let eps = [f64::MIN_POSITIVE, -0.0, 1e300];
        let x: Dual<f64, 3> = Dual::new(-0.1, eps);
        assert_ser_tokens(&x, &tokens(-0.1, &eps));
        assert_de_tokens(&Exact(x), &tokens(-0.1, &eps));
        // −0 and +0 are different numbers here.
        let plus = tokens(-0.1, &[f64::MIN_POSITIVE, 0.0, 1e300]);
        let back: Exact<3, true> = Exact(Dual::new(-0.1, [f64::MIN_POSITIVE, 0.0, 1e300]));
        assert!(back != Exact(x));
        assert_de_tokens(&back, &plus);

        let u: Unchecked<f64, 2> = Dual::new(3.0, [1.0, 2.0]).unchecked();
        assert_de_tokens(&Exact(u), &tokens(3.0, &[1.0, 2.0]));

        // a wide tangent, beyond serde's own array impls
        let w: Dual<f64, 40> = Dual::variable(1.0, 39);
        assert_ser_tokens(&w, &tokens(1.0, &w.eps));
        assert_de_tokens(&Exact(w), &tokens(1.0, &w.eps));
    }

    #[test]
    fn nested_duals_nest() {
        let n: Dual<Dual<f32, 2>, 1> =
            Dual { re: Dual::new(1.25, [2.0, -3.5]), eps: [Dual::new(0.5, [0.0, 1.0])] };
        let inner = |re: f32, a: f32, b: f32| {
            [
                Token::Struct { name: "Dual", len: 2 },
                Token::Str("re"),
                Token::F32(re),
                Token::Str("eps"),
                Token::Tuple { len: 2 },
                Token::F32(a),
                Token::F32(b),
                Token::TupleEnd,
                Token::StructEnd,
            ]
        };
        let mut t = vec![Token::Struct { name: "Dual", len: 2 }, Token::Str("re")];
        t.extend(inner(1.25, 2.0, -3.5));
        t.extend([Token::Str("eps"), Token::Tuple { len: 1 }]);
        t.extend(inner(0.5, 0.0, 1.0));
        t.extend([Token::TupleEnd, Token::StructEnd]);
        assert_ser_tokens(&n, &t);
        // `Dual`'s `==` compares values only, so compare everything through
        // `Debug`, which prints every component.
        struct Nested(Dual<Dual<f32, 2>, 1>);
        impl PartialEq for Nested {
            fn eq(&self, o: &Self) -> bool {
                format!("{:?}", self.0) == format!("{:?}", o.0)
            }
        }
        impl fmt::Debug for Nested {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{:?}", self.0)
            }
        }
        impl<'de> Deserialize<'de> for Nested {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                Dual::deserialize(d).map(Nested)
            }
        }
        assert_de_tokens(&Nested(n), &t);
    }

    #[test]
    fn accepts_a_sequence_and_any_field_order() {
        let x = Exact(Dual::new(1.5, [0.5, 1.0]));
        let seq = [
            Token::Seq { len: Some(2) },
            Token::F64(1.5),
            Token::Tuple { len: 2 },
            Token::F64(0.5),
            Token::F64(1.0),
            Token::TupleEnd,
            Token::SeqEnd,
        ];
        assert_de_tokens(&x, &seq);
        let swapped = [
            Token::Map { len: Some(2) },
            Token::Str("eps"),
            Token::Seq { len: Some(2) },
            Token::F64(0.5),
            Token::F64(1.0),
            Token::SeqEnd,
            Token::Str("re"),
            Token::F64(1.5),
            Token::MapEnd,
        ];
        assert_de_tokens(&x, &swapped);
    }

    #[test]
    fn refuses_malformed_input() {
        // (Each token list stops where the error is raised.)
        let short = &tokens(1.5, &[0.5])[..7];
        assert_de_tokens_error::<Exact<2, true>>(
            short,
            "invalid length 1, expected a tangent of 2 numbers",
        );
        // One lane too many: refused once the third lane is seen.
        let long = &tokens(1.5, &[0.5, 1.0, 2.0])[..8];
        assert_de_tokens_error::<Exact<2, true>>(
            long,
            "invalid length 3, expected a tangent of 2 numbers",
        );
        let no_eps = [
            Token::Struct { name: "Dual", len: 1 },
            Token::Str("re"),
            Token::F64(1.5),
            Token::StructEnd,
        ];
        assert_de_tokens_error::<Exact<2, true>>(&no_eps, "missing field `eps`");
        let no_re = &tokens(1.5, &[0.5, 1.0])[3..];
        let mut no_re = no_re.to_vec();
        no_re.insert(0, Token::Struct { name: "Dual", len: 1 });
        assert_de_tokens_error::<Exact<2, true>>(&no_re, "missing field `re`");
        let unknown = [Token::Struct { name: "Dual", len: 3 }, Token::Str("x")];
        assert_de_tokens_error::<Exact<2, true>>(
            &unknown,
            "unknown field `x`, expected `re` or `eps`",
        );
        let twice = [
            Token::Struct { name: "Dual", len: 3 },
            Token::Str("re"),
            Token::F64(1.5),
            Token::Str("re"),
        ];
        assert_de_tokens_error::<Exact<2, true>>(&twice, "duplicate field `re`");
    }
}

#[cfg(feature = "bytemuck")]
mod bytemuck_layout {
    use dualnum::Dual;

    #[test]
    fn zeroed_is_the_constant_zero() {
        let z: Dual<f64, 3> = bytemuck::Zeroable::zeroed();
        assert_eq!((z.re, z.eps), (0.0, [0.0; 3]));
    }

    #[test]
    fn casts_to_and_from_plain_numbers() {
        let xs = [Dual::new(1.0, [2.0, 3.0]), Dual::new(4.0, [5.0, 6.0])];
        let flat: &[f64] = bytemuck::cast_slice(&xs);
        assert_eq!(flat, &[2.0, 3.0, 1.0, 5.0, 6.0, 4.0]); // [eps…, re] per number
        let back: &[Dual<f64, 2>] = bytemuck::cast_slice(flat);
        assert_eq!(back[1].re, 4.0);
        assert_eq!(back[1].eps, [5.0, 6.0]);
        let bytes = bytemuck::bytes_of(&xs[0]);
        assert_eq!(bytes.len(), 3 * 8);
        let one: Dual<f32, 1> = bytemuck::cast([0.5f32, 2.0]);
        assert_eq!((one.re, one.eps), (2.0, [0.5]));
        let nested: Dual<Dual<f64, 1>, 2> =
            Dual { re: Dual::new(1.0, [2.0]), eps: [Dual::new(3.0, [4.0]), Dual::new(5.0, [6.0])] };
        let nested: [f64; 6] = bytemuck::cast(nested);
        assert_eq!(nested, [4.0, 3.0, 6.0, 5.0, 2.0, 1.0]);
    }
}
