//! Errors as one line for logs and for what admins read.

/// An error and its causes on one line ("SMTP delivery failed: Connection
/// refused"), each cause once: some errors already print their source
/// (lettre's, reqwest's do).
pub fn describe(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let said = cause.to_string();
        if !text.contains(&said) {
            text.push_str(": ");
            text.push_str(&said);
        }
        source = cause.source();
    }
    text
}
