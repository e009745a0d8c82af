//! serde and bytemuck for `Dual` (issue 11, point 5): round trips, the
//! wire format, refusal of a wrong tangent length, and the byte layout.

#[cfg(feature = "serde")]
mod serde_round_trip {
    use dualnum::{Dual, Unchecked};

    #[test]
    fn json_format_is_value_then_tangent() {
        let x = Dual::new(1.5, [0.5, 1.0]);
        assert_eq!(serde_json::to_string(&x).unwrap(), r#"{"re":1.5,"eps":[0.5,1.0]}"#);
        let c: Dual<f64, 0> = Dual::constant(2.0);
        assert_eq!(serde_json::to_string(&c).unwrap(), r#"{"re":2.0,"eps":[]}"#);
    }

    #[test]
    fn round_trips_bit_for_bit() {
        let x: Dual<f64, 3> = Dual::new(-0.1, [f64::MIN_POSITIVE, -0.0, 1e300]);
        let back: Dual<f64, 3> = serde_json::from_str(&serde_json::to_string(&x).unwrap()).unwrap();
        assert_eq!(back.re.to_bits(), x.re.to_bits());
        assert_eq!(back.eps.map(f64::to_bits), x.eps.map(f64::to_bits));

        let n: Dual<Dual<f32, 2>, 1> =
            Dual { re: Dual::new(1.25, [2.0, -3.5]), eps: [Dual::new(0.5, [0.0, 1.0])] };
        let s = serde_json::to_string(&n).unwrap();
        assert_eq!(s, r#"{"re":{"re":1.25,"eps":[2.0,-3.5]},"eps":[{"re":0.5,"eps":[0.0,1.0]}]}"#);
        let back: Dual<Dual<f32, 2>, 1> = serde_json::from_str(&s).unwrap();
        assert_eq!(format!("{back:?}"), format!("{n:?}"));

        let u: Unchecked<f64, 2> = Dual::new(3.0, [1.0, 2.0]).unchecked();
        let back: Unchecked<f64, 2> =
            serde_json::from_str(&serde_json::to_string(&u).unwrap()).unwrap();
        assert_eq!((back.re, back.eps), (u.re, u.eps));

        // a wide tangent, beyond serde's own array impls
        let w: Dual<f64, 40> = Dual::variable(1.0, 39);
        let back: Dual<f64, 40> =
            serde_json::from_str(&serde_json::to_string(&w).unwrap()).unwrap();
        assert_eq!(back.eps, w.eps);
    }

    #[test]
    fn accepts_a_sequence_and_any_field_order() {
        let a: Dual<f64, 2> = serde_json::from_str(r#"[1.5, [0.5, 1.0]]"#).unwrap();
        let b: Dual<f64, 2> = serde_json::from_str(r#"{"eps":[0.5,1.0],"re":1.5}"#).unwrap();
        assert_eq!((a.re, a.eps), (1.5, [0.5, 1.0]));
        assert_eq!((b.re, b.eps), (1.5, [0.5, 1.0]));
    }

    #[test]
    fn refuses_malformed_input() {
        for bad in [
            r#"{"re":1.5,"eps":[0.5]}"#,
            r#"{"re":1.5,"eps":[0.5,1.0,2.0]}"#,
            r#"{"re":1.5}"#,
            r#"{"eps":[0.5,1.0]}"#,
            r#"{"re":1.5,"eps":[0.5,1.0],"x":0}"#,
            r#"{"re":1.5,"re":1.5,"eps":[0.5,1.0]}"#,
        ] {
            let err = serde_json::from_str::<Dual<f64, 2>>(bad);
            assert!(err.is_err(), "accepted {bad}");
        }
        let msg = serde_json::from_str::<Dual<f64, 2>>(r#"{"re":1.5,"eps":[0.5]}"#)
            .unwrap_err()
            .to_string();
        assert!(msg.contains("a tangent of 2 numbers"), "{msg}");
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
