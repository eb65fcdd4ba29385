//! Field validation with DRF's messages, for the serializers the sandbox reproduces. Errors are collected per
//! field and answered together as `400 {"<field>": ["<message>"]}`.

use axum::http::StatusCode;
use serde_json::{Map, Value};

use crate::body::RequestData;
use crate::errors::ApiError;

pub(crate) const REQUIRED: &str = "This field is required.";
pub(crate) const BLANK: &str = "This field may not be blank.";
pub(crate) const NULL: &str = "This field may not be null.";

/// One serializer run over `request.data`.
pub(crate) struct Form<'a> {
    data: &'a RequestData,
    partial: bool,
    errors: Map<String, Value>,
}

impl<'a> Form<'a> {
    /// `partial` is true for PATCH: missing required fields are then fine.
    pub(crate) fn new(data: &'a RequestData, partial: bool) -> Self {
        Self {
            data,
            partial,
            errors: Map::new(),
        }
    }

    /// Whether every required field must be there (a create or a PUT, not a PATCH).
    pub(crate) fn is_creating(&self) -> bool {
        !self.partial
    }

    pub(crate) fn fail(&mut self, key: &str, message: &str) {
        self.errors
            .entry(key.to_string())
            .or_insert_with(|| Value::Array(Vec::new()));
        if let Some(Value::Array(list)) = self.errors.get_mut(key) {
            list.push(Value::String(message.to_string()));
        }
    }

    fn value(&mut self, key: &str, required: bool) -> Option<&'a Value> {
        let v = self.data.get(key);
        if v.is_none() && required && !self.partial {
            self.fail(key, REQUIRED);
        }
        v
    }

    /// A CharField. `Some(None)` means an explicit null (only when `nullable`).
    pub(crate) fn text(
        &mut self,
        key: &str,
        max_len: Option<usize>,
        required: bool,
        allow_blank: bool,
        nullable: bool,
    ) -> Option<Option<String>> {
        let v = self.value(key, required)?;
        let s = match v {
            Value::Null if nullable => return Some(None),
            Value::Null => {
                self.fail(key, NULL);
                return None;
            }
            Value::String(s) => s.trim().to_string(),
            Value::Number(n) => n.to_string(),
            _ => {
                self.fail(key, "Not a valid string.");
                return None;
            }
        };
        if s.is_empty() && !allow_blank {
            self.fail(key, BLANK);
            return None;
        }
        if let Some(max) = max_len {
            if s.chars().count() > max {
                self.fail(
                    key,
                    &format!("Ensure this field has no more than {max} characters."),
                );
                return None;
            }
        }
        Some(Some(s))
    }

    /// A non-null CharField.
    pub(crate) fn string(
        &mut self,
        key: &str,
        max_len: Option<usize>,
        required: bool,
        allow_blank: bool,
    ) -> Option<String> {
        self.text(key, max_len, required, allow_blank, false)
            .flatten()
    }

    /// A URLField of 200 characters (`""` allowed when `allow_blank`). DRF runs every validator, so
    /// a link both too long and invalid gets both messages, the length first.
    pub(crate) fn url(&mut self, key: &str, allow_blank: bool) -> Option<String> {
        const MAX_CHARS: usize = 200;
        let s = self.string(key, None, false, allow_blank)?;
        let too_long = s.chars().count() > MAX_CHARS;
        if too_long {
            self.fail(
                key,
                &format!("Ensure this field has no more than {MAX_CHARS} characters."),
            );
        }
        let invalid = !s.is_empty() && !crate::url_field::is_valid_url(&s);
        if invalid {
            self.fail(key, "Enter a valid URL.");
        }
        (!too_long && !invalid).then_some(s)
    }

    /// An IntegerField.
    pub(crate) fn int(&mut self, key: &str, min: Option<i64>, required: bool) -> Option<i64> {
        let v = self.value(key, required)?;
        let n = match v {
            Value::Number(n) => n
                .as_i64()
                .or_else(|| n.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64)),
            Value::String(s) => s.trim().parse::<i64>().ok(),
            _ => None,
        };
        let Some(n) = n else {
            self.fail(key, "A valid integer is required.");
            return None;
        };
        if let Some(min) = min {
            if n < min {
                self.fail(
                    key,
                    &format!("Ensure this value is greater than or equal to {min}."),
                );
                return None;
            }
        }
        Some(n)
    }

    /// A BooleanField with DRF's accepted spellings.
    pub(crate) fn bool(&mut self, key: &str) -> Option<bool> {
        let v = self.value(key, false)?;
        let b = match v {
            Value::Bool(b) => Some(*b),
            Value::Number(n) if n.as_i64() == Some(1) => Some(true),
            Value::Number(n) if n.as_i64() == Some(0) => Some(false),
            Value::String(s) => match s.trim() {
                "true" | "True" | "TRUE" | "1" | "yes" | "Yes" | "on" | "On" | "y" | "Y" | "t"
                | "T" => Some(true),
                "false" | "False" | "FALSE" | "0" | "no" | "No" | "off" | "Off" | "n" | "N"
                | "f" | "F" => Some(false),
                _ => None,
            },
            _ => None,
        };
        if b.is_none() {
            self.fail(key, "Must be a valid boolean.");
        }
        b
    }

    /// A nullable DateField (`YYYY-MM-DD`); `""` from a form counts as null.
    pub(crate) fn date(&mut self, key: &str) -> Option<Option<String>> {
        let v = self.value(key, false)?;
        match v {
            Value::Null => Some(None),
            Value::String(s) if s.is_empty() && !self.data.is_json => Some(None),
            Value::String(s) if chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok() => {
                Some(Some(s.clone()))
            }
            _ => {
                self.fail(
                    key,
                    "Date has wrong format. Use one of these formats instead: YYYY-MM-DD.",
                );
                None
            }
        }
    }

    /// A DecimalField (`max_digits`, `decimal_places`), answered as a string with all places.
    pub(crate) fn decimal(
        &mut self,
        key: &str,
        max_digits: usize,
        places: usize,
        required: bool,
    ) -> Option<String> {
        let v = self.value(key, required)?;
        let text = match v {
            Value::Number(n) => n.to_string(),
            Value::String(s) => s.trim().to_string(),
            Value::Null => {
                self.fail(key, NULL);
                return None;
            }
            _ => String::new(),
        };
        let Some(parsed) = text.parse::<f64>().ok().filter(|f| f.is_finite()) else {
            self.fail(key, "A valid number is required.");
            return None;
        };
        let formatted = format!("{parsed:.places$}");
        let digits = formatted.chars().filter(char::is_ascii_digit).count();
        if digits > max_digits {
            self.fail(
                key,
                &format!("Ensure that there are no more than {max_digits} digits in total."),
            );
            return None;
        }
        Some(formatted)
    }

    /// `serializer.is_valid(raise_exception=True)`.
    pub(crate) fn finish(self) -> Result<(), ApiError> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(ApiError::json(
                StatusCode::BAD_REQUEST,
                Value::Object(self.errors),
            ))
        }
    }
}

/// DRF's answer when the body is JSON but not an object.
pub(crate) fn expected_dictionary(v: &Value) -> ApiError {
    let kind = match v {
        Value::Array(_) => "list",
        Value::String(_) => "str",
        Value::Number(n) if n.is_f64() => "float",
        Value::Number(_) => "int",
        Value::Bool(_) => "bool",
        _ => "NoneType",
    };
    ApiError::json(
        StatusCode::BAD_REQUEST,
        serde_json::json!({
            "non_field_errors": [format!("Invalid data. Expected a dictionary, but got {kind}.")]
        }),
    )
}
