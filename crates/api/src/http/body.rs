//! Request bodies: JSON, form-urlencoded and multipart, read into one map of
//! fields, within the configured size limit.

use actix_multipart::Multipart;
use actix_web::http::header;
use actix_web::{web, HttpRequest};
use futures_util::StreamExt;
use serde_json::{Map, Value};

use crate::ApiError;

/// Reads the body's fields. An empty body gives no fields, whatever its type.
pub async fn read_fields(
    req: &HttpRequest,
    payload: web::Payload,
    limit: usize,
) -> Result<Map<String, Value>, ApiError> {
    if declared_length(req).is_some_and(|len| len > limit) {
        return Err(ApiError::PayloadTooLarge);
    }
    // The whole body is read first, so the limit covers every byte of it
    // (multipart headers and boundaries included), chunked or not.
    let bytes = read_limited(payload, limit).await?.freeze();
    parse_fields(req, bytes).await
}

/// The fields of a whole body, by the request's content type.
pub(crate) async fn parse_fields(
    req: &HttpRequest,
    bytes: web::Bytes,
) -> Result<Map<String, Value>, ApiError> {
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if bytes.is_empty() {
        return Ok(Map::new());
    }
    match essence.as_str() {
        "application/json" => parse_json(&bytes),
        "application/x-www-form-urlencoded" => parse_form(&bytes),
        "multipart/form-data" => read_multipart(req, bytes).await,
        _ => Err(ApiError::UnsupportedMediaType(content_type)),
    }
}

fn declared_length(req: &HttpRequest) -> Option<usize> {
    req.headers()
        .get(header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .parse()
        .ok()
}

async fn read_limited(mut payload: web::Payload, limit: usize) -> Result<web::BytesMut, ApiError> {
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk
            .map_err(|e| ApiError::BadRequest(format!("Could not read the request body: {e}")))?;
        if body.len() + chunk.len() > limit {
            return Err(ApiError::PayloadTooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

fn parse_json(bytes: &[u8]) -> Result<Map<String, Value>, ApiError> {
    let value: Value = serde_json::from_slice(bytes)
        .map_err(|e| ApiError::BadRequest(format!("JSON parse error - {e}")))?;
    match value {
        Value::Object(map) => Ok(map),
        Value::Null => Err(ApiError::field(
            "non_field_errors",
            "This field may not be null.",
        )),
        other => Err(ApiError::field(
            "non_field_errors",
            format!(
                "Invalid data. Expected a dictionary, but got {}.",
                python_type_name(&other)
            ),
        )),
    }
}

/// The Python type name DRF's message shows for a JSON value.
fn python_type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "NoneType",
        Value::Bool(_) => "bool",
        Value::Number(n) if n.is_f64() => "float",
        Value::Number(_) => "int",
        Value::String(_) => "str",
        Value::Array(_) => "list",
        Value::Object(_) => "dict",
    }
}

fn parse_form(bytes: &[u8]) -> Result<Map<String, Value>, ApiError> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(bytes)
        .map_err(|e| ApiError::BadRequest(format!("Form parse error - {e}")))?;
    // Like Django's QueryDict.get, the last value of a repeated key wins.
    Ok(pairs
        .into_iter()
        .map(|(k, v)| (k, Value::String(v)))
        .collect())
}

async fn read_multipart(
    req: &HttpRequest,
    body: web::Bytes,
) -> Result<Map<String, Value>, ApiError> {
    let stream =
        futures_util::stream::once(async move { Ok::<_, actix_web::error::PayloadError>(body) });
    let mut multipart = Multipart::new(req.headers(), stream);
    let mut fields = Map::new();
    while let Some(field) = multipart.next().await {
        let mut field = field.map_err(multipart_error)?;
        let name = field.name().unwrap_or_default().to_owned();
        let mut value = Vec::new();
        while let Some(chunk) = field.next().await {
            value.extend_from_slice(&chunk.map_err(multipart_error)?);
        }
        let text = String::from_utf8(value).map_err(|_| {
            ApiError::BadRequest(
                "Multipart form parse error - a field is not UTF-8 text".to_owned(),
            )
        })?;
        fields.insert(name, Value::String(text));
    }
    Ok(fields)
}

fn multipart_error(err: actix_multipart::MultipartError) -> ApiError {
    ApiError::BadRequest(format!("Multipart form parse error - {err}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_objects_name_their_python_type() {
        for (body, name) in [
            ("[1]", "list"),
            ("\"x\"", "str"),
            ("3", "int"),
            ("2.5", "float"),
            ("true", "bool"),
        ] {
            match parse_json(body.as_bytes()) {
                Err(ApiError::Validation(errors)) => assert_eq!(
                    errors.to_json(),
                    serde_json::json!({ "non_field_errors": [format!("Invalid data. Expected a dictionary, but got {name}.")] })
                ),
                other => panic!("{body}: {other:?}"),
            }
        }
    }

    #[test]
    fn malformed_json_reports_the_reason() {
        match parse_json(b"{\"name\": ") {
            Err(ApiError::BadRequest(detail)) => {
                assert!(detail.starts_with("JSON parse error - "), "{detail}")
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn forms_keep_the_last_value() {
        let fields = parse_form(b"name=a&name=b+c&date=2030-01-01").expect("parses");
        assert_eq!(fields.get("name"), Some(&Value::String("b c".to_owned())));
        assert_eq!(fields.len(), 2);
    }
}
