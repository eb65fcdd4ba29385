//! Tauri commands, one file per area (each file is a module here, listed by build.rs); each is a few lines that call the core, declared with
//! [`command!`] so that its failure is logged once with its name. build.rs reads these files:
//! each command's arguments and result become its TypeScript signature
//! (ui/src/lib/commands.generated.ts), so a renamed argument or a changed result fails the UI's
//! type check.

use hotelmate_core::desk::ErrorCode;
use hotelmate_core::UiError;

/// Declares a Tauri command. One whose result is `Result<_, UiError>` has its failure logged
/// with its name ([`logged`]); one that cannot fail is declared as it is. `windows: [main,
/// display]` before the function says which windows may call it (without it: the desk window
/// only); build.rs reads it for each window's capability file. `asks: server` says the command
/// waits for the hotel's server before it answers (the UI says so when that takes long).
macro_rules! command {
    ($(#[$meta:meta])* $(windows: [$($window:ident),+])? $(asks: server)? pub async fn $name:ident($($arg:ident: $ty:ty),* $(,)?) -> Result<$ok:ty, UiError> $body:block) => {
        $(#[$meta])*
        #[tauri::command]
        pub async fn $name($($arg: $ty),*) -> Result<$ok, UiError> {
            let result: Result<$ok, UiError> = async move $body.await;
            $crate::commands::logged(stringify!($name), result)
        }
    };
    ($(#[$meta:meta])* $(windows: [$($window:ident),+])? $(asks: server)? pub fn $name:ident($($arg:ident: $ty:ty),* $(,)?) -> Result<$ok:ty, UiError> $body:block) => {
        $(#[$meta])*
        #[tauri::command]
        pub fn $name($($arg: $ty),*) -> Result<$ok, UiError> {
            #[allow(clippy::redundant_closure_call)]
            let result: Result<$ok, UiError> = (move || $body)();
            $crate::commands::logged(stringify!($name), result)
        }
    };
    ($(#[$meta:meta])* $(windows: [$($window:ident),+])? $(asks: server)? pub fn $name:ident($($arg:ident: $ty:ty),* $(,)?) -> $ok:ty $body:block) => {
        $(#[$meta])*
        #[tauri::command]
        pub fn $name($($arg: $ty),*) -> $ok $body
    };
}

// One module per file of src/commands/ (`pub mod offers;` …), listed by build.rs.
include!(concat!(env!("OUT_DIR"), "/modules.rs"));

/// Logs a command's failure once, with the command's name and the error's code (its words
/// are the person's: they carry no secret), and hands the result on.
pub fn logged<T>(command: &'static str, result: Result<T, UiError>) -> Result<T, UiError> {
    if let Err(error) = &result {
        tracing::warn!(command, code = ?error.code, message = %error.message, "a command failed");
    }
    result
}

/// A file the screen sent as the raw request body (no JSON encoding of a large image).
pub struct Upload {
    /// The person's name for the file (the `file-name` header), or a plain default.
    pub name: String,
    pub bytes: Vec<u8>,
}

/// The one way a file arrives from the screen: its bytes as the raw body, what it is for in the
/// header `for_header` (read by `parse`: an offer id, an image slot), its name in `file-name`.
/// `what` names it in the error when the body or that header did not arrive ("photo").
pub fn upload<T>(
    request: &tauri::ipc::Request<'_>,
    for_header: &str,
    what: &str,
    parse: impl FnOnce(&str) -> Option<T>,
) -> Result<(T, Upload), UiError> {
    let target = header(request, for_header).and_then(|text| parse(&text));
    let bytes = match request.body() {
        tauri::ipc::InvokeBody::Raw(bytes) => Some(bytes.clone()),
        tauri::ipc::InvokeBody::Json(_) => None,
    };
    let (Some(target), Some(bytes)) = (target, bytes) else {
        return Err(UiError {
            code: ErrorCode::InvalidInput,
            field: Some(what.into()),
            message: format!("The {what} did not arrive; try again."),
        });
    };
    let name = header(request, "file-name").unwrap_or_else(|| what.to_owned());
    Ok((target, Upload { name, bytes }))
}

/// An id sent in a header.
pub fn id(text: &str) -> Option<i64> {
    text.parse().ok()
}

/// A request header, percent-decoded (the UI encodes names and text with
/// `encodeURIComponent`).
pub fn header(request: &tauri::ipc::Request<'_>, name: &str) -> Option<String> {
    request
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(urlencoding_decode)
}

fn urlencoding_decode(text: &str) -> String {
    url::form_urlencoded::parse(format!("n={text}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_else(|| text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    command! {
        /// A command made to fail, as a refused save would.
        pub fn a_command_that_fails(name: String) -> Result<String, UiError> {
            if name.is_empty() {
                return Err(UiError {
                    code: ErrorCode::InvalidInput,
                    field: Some("name".into()),
                    message: "A name is needed.".into(),
                });
            }
            Ok(name)
        }
    }

    command! {
        pub async fn an_async_command_that_fails() -> Result<(), UiError> {
            Err(UiError {
                code: ErrorCode::Network,
                field: None,
                message: "The hotel's server cannot be reached.".into(),
            })
        }
    }

    #[derive(Clone, Default)]
    struct Log(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Log {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    /// Each failure is in the log once, with the command's name and the error's code; a
    /// success logs nothing.
    #[test]
    fn a_failing_command_is_logged_once_with_its_name() {
        let log = Log::default();
        let writer = log.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .finish();
        tracing::subscriber::with_default(subscriber, || {
            assert_eq!(a_command_that_fails("Aoife".into()).unwrap(), "Aoife");
            assert!(a_command_that_fails(String::new()).is_err());
            let runtime = tokio::runtime::Builder::new_current_thread()
                .build()
                .unwrap();
            assert!(runtime.block_on(an_async_command_that_fails()).is_err());
        });
        let text = String::from_utf8(log.0.lock().unwrap().clone()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2, "{text}");
        assert!(
            lines[0].contains("command=\"a_command_that_fails\"")
                || lines[0].contains("command=a_command_that_fails"),
            "{text}"
        );
        assert!(
            lines[0].contains("InvalidInput") && lines[0].contains("A name is needed."),
            "{text}"
        );
        assert!(
            lines[1].contains("an_async_command_that_fails") && lines[1].contains("Network"),
            "{text}"
        );
    }
}
