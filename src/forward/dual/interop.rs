//! Optional trait implementations for other crates' traits: serde
//! (feature `serde`) and bytemuck (feature `bytemuck`).
//!
//! - **serde**: a dual serialises as a struct `Dual { re, eps }`, the value
//!   first and the tangent as a tuple of `N` numbers (JSON
//!   `{"re":1.5,"eps":[0.5,1.0]}`); nested duals nest. Deserialising
//!   accepts that struct, as a map or as a sequence `[re, eps]`, and
//!   refuses a tangent of another length. The policy parameter `SAFE` is
//!   not written: it is part of the type, not of the number. Every number
//!   is written as it is, the sign of a zero tangent included (constants
//!   carry −0), so a round trip gives back the same bits; NaN and infinity
//!   become `null` in JSON (the format has neither) and do not read back.
//! - **bytemuck**: `Dual<T, N, SAFE>` is `Zeroable` where `T` is, and
//!   `Pod` where `T` is: the struct is `repr(C)` with fields `eps: [T; N]`
//!   then `re: T`, all of one type, so it has no padding, and any bytes
//!   that make `N + 1` valid `T`s make a valid dual. A slice of duals casts
//!   to a slice of `T` laid out `[ε₀, …, ε_{N−1}, re]` per number.

#[cfg(feature = "serde")]
mod serde_impls {
    use core::fmt;
    use core::marker::PhantomData;

    use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
    use serde::ser::{Serialize, SerializeStruct, SerializeTuple, Serializer};

    use crate::Dual;

    /// The tangent as a tuple of exactly `N` numbers (serde's own array
    /// impls stop at 32 and are not generic over `N`).
    struct Lanes<'a, T, const N: usize>(&'a [T; N]);

    impl<T: Serialize, const N: usize> Serialize for Lanes<'_, T, N> {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            let mut t = s.serialize_tuple(N)?;
            for e in self.0 {
                t.serialize_element(e)?;
            }
            t.end()
        }
    }

    impl<T: Serialize, const N: usize, const SAFE: bool> Serialize for Dual<T, N, SAFE> {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            let mut st = s.serialize_struct("Dual", 2)?;
            st.serialize_field("re", &self.re)?;
            st.serialize_field("eps", &Lanes(&self.eps))?;
            st.end()
        }
    }

    /// Reads a tuple of exactly `N` numbers.
    struct LanesOwned<T, const N: usize>([T; N]);

    impl<'de, T: Deserialize<'de>, const N: usize> Deserialize<'de> for LanesOwned<T, N> {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V<T, const N: usize>(PhantomData<T>);
            impl<'de, T: Deserialize<'de>, const N: usize> Visitor<'de> for V<T, N> {
                type Value = LanesOwned<T, N>;
                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    write!(f, "a tangent of {N} numbers")
                }
                fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                    let mut lanes: [Option<T>; N] = core::array::from_fn(|_| None);
                    for (i, lane) in lanes.iter_mut().enumerate() {
                        *lane = Some(
                            seq.next_element()?
                                .ok_or_else(|| de::Error::invalid_length(i, &self))?,
                        );
                    }
                    if seq.next_element::<IgnoredAny>()?.is_some() {
                        return Err(de::Error::invalid_length(N + 1, &self));
                    }
                    Ok(LanesOwned(lanes.map(|l| l.expect("every lane was read"))))
                }
            }
            d.deserialize_tuple(N, V::<T, N>(PhantomData))
        }
    }

    /// A field name of the serialised struct.
    enum Field {
        Re,
        Eps,
    }

    impl<'de> Deserialize<'de> for Field {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V;
            impl Visitor<'_> for V {
                type Value = Field;
                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str("`re` or `eps`")
                }
                fn visit_str<E: de::Error>(self, v: &str) -> Result<Field, E> {
                    match v {
                        "re" => Ok(Field::Re),
                        "eps" => Ok(Field::Eps),
                        other => Err(de::Error::unknown_field(other, FIELDS)),
                    }
                }
            }
            d.deserialize_identifier(V)
        }
    }

    const FIELDS: &[&str] = &["re", "eps"];

    impl<'de, T: Deserialize<'de>, const N: usize, const SAFE: bool> Deserialize<'de>
        for Dual<T, N, SAFE>
    {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V<T, const N: usize, const SAFE: bool>(PhantomData<T>);
            impl<'de, T: Deserialize<'de>, const N: usize, const SAFE: bool> Visitor<'de> for V<T, N, SAFE> {
                type Value = Dual<T, N, SAFE>;
                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    write!(f, "a dual number {{ re, eps }} with {N} tangent lanes")
                }
                fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                    let re =
                        seq.next_element()?.ok_or_else(|| de::Error::invalid_length(0, &self))?;
                    let eps: LanesOwned<T, N> =
                        seq.next_element()?.ok_or_else(|| de::Error::invalid_length(1, &self))?;
                    Ok(Dual { re, eps: eps.0 })
                }
                fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                    let (mut re, mut eps) = (None, None);
                    while let Some(key) = map.next_key::<Field>()? {
                        match key {
                            Field::Re if re.is_some() => {
                                return Err(de::Error::duplicate_field("re"));
                            }
                            Field::Eps if eps.is_some() => {
                                return Err(de::Error::duplicate_field("eps"));
                            }
                            Field::Re => re = Some(map.next_value()?),
                            Field::Eps => eps = Some(map.next_value::<LanesOwned<T, N>>()?),
                        }
                    }
                    let re = re.ok_or_else(|| de::Error::missing_field("re"))?;
                    let eps = eps.ok_or_else(|| de::Error::missing_field("eps"))?;
                    Ok(Dual { re, eps: eps.0 })
                }
            }
            d.deserialize_struct("Dual", FIELDS, V::<T, N, SAFE>(PhantomData))
        }
    }
}

#[cfg(feature = "bytemuck")]
mod bytemuck_impls {
    use bytemuck::{Pod, Zeroable};

    use crate::Dual;

    // SAFETY: all-zero bytes are `N + 1` zero `T`s, valid since `T: Zeroable`.
    unsafe impl<T: Zeroable, const N: usize, const SAFE: bool> Zeroable for Dual<T, N, SAFE> {}

    // SAFETY: `Dual` is `repr(C)` with fields `[T; N]` and `T`; both have the
    // alignment of `T` and sizes that are multiples of it, so there is no
    // padding; every field is `Pod`, so every bit pattern is valid; it is
    // `Copy` and `'static` because `T` is.
    unsafe impl<T: Pod, const N: usize, const SAFE: bool> Pod for Dual<T, N, SAFE> {}
}
