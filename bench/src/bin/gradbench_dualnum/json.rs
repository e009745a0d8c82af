//! Reading eval inputs out of JSON.

use serde_json::Value;

/// The field `key` of `input`, or an error naming it.
pub(crate) fn field<'a>(input: &'a Value, key: &str) -> Result<&'a Value, String> {
    input.get(key).ok_or_else(|| format!("the input has no field {key:?}"))
}

/// A JSON number as `f64`.
pub(crate) fn number(v: &Value) -> Result<f64, String> {
    v.as_f64().ok_or_else(|| format!("expected a number, got {v}"))
}

/// The field `key` as a non-negative integer.
pub(crate) fn size(input: &Value, key: &str) -> Result<usize, String> {
    let v = field(input, key)?;
    v.as_u64().map(|n| n as usize).ok_or_else(|| format!("{key}: expected a size, got {v}"))
}

/// A JSON array of numbers.
pub(crate) fn numbers(v: &Value) -> Result<Vec<f64>, String> {
    v.as_array()
        .ok_or_else(|| format!("expected an array of numbers, got {v}"))?
        .iter()
        .map(number)
        .collect()
}

/// The field `key` as an array of numbers.
pub(crate) fn vector(input: &Value, key: &str) -> Result<Vec<f64>, String> {
    numbers(field(input, key)?)
}

/// The field `key` as an array of equally long arrays of numbers: the
/// number of rows and the rows one after another.
pub(crate) fn rows(input: &Value, key: &str) -> Result<(usize, Vec<f64>), String> {
    let rows = field(input, key)?
        .as_array()
        .ok_or_else(|| format!("{key}: expected an array of arrays"))?;
    let mut flat = Vec::new();
    for row in rows {
        flat.extend(numbers(row)?);
    }
    Ok((rows.len(), flat))
}

/// `flat` cut into rows of `width` numbers, as JSON.
pub(crate) fn to_rows(flat: &[f64], width: usize) -> Value {
    if width == 0 {
        return Value::Array(Vec::new());
    }
    flat.chunks(width).map(|r| Value::from(r.to_vec())).collect()
}
