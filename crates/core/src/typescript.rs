//! The TypeScript twins of the types the UI receives, generated from the Rust definitions so the
//! two can never drift: a test compares them with the committed `ui/src/lib/generated.ts`.
//! Regenerate with `UPDATE_GENERATED=1 cargo test -p hotelmate-core typescript`.

use ts_rs::TS;

use crate::desk::{
    ComputerSettings, Conflict, ConnectionStatus, DeskEvent, DeskInfo, ErrorCode, FieldProblem,
    OutboxSummary, Resolution, SessionInfo, SignInAgain, SignInRequest, UiError,
};
use crate::engine::merge::FieldConflict;
use crate::engine::view::RowSync;
use crate::events::ResourceKind;
use crate::notify::ToastSetting;
use crate::session::config::PusherEndpoint;

/// The whole generated file.
pub(crate) fn generated_typescript() -> String {
    let core = [
        PusherEndpoint::decl(),
        SessionInfo::decl(),
        crate::api::Generation::decl(),
        SignInRequest::decl(),
        ConnectionStatus::decl(),
        crate::events::OfflineCause::decl(),
        SignInAgain::decl(),
        DeskInfo::decl(),
        ComputerSettings::decl(),
        crate::session::system::SystemSettings::decl(),
        OutboxSummary::decl(),
        crate::events::AreaStatus::decl(),
        crate::engine::store::UnsentWork::decl(),
        DeskEvent::decl(),
        ErrorCode::decl(),
        UiError::decl(),
        RowSync::decl(),
        FieldConflict::decl(),
        Conflict::decl(),
        FieldProblem::decl(),
        Resolution::decl(),
        ResourceKind::decl(),
        crate::events::View::decl(),
        ToastSetting::decl(),
        crate::media::Crop::decl(),
        crate::updates::UpdateSettings::decl(),
        crate::updates::UpdateStatus::decl(),
        crate::locale::SystemLocale::decl(),
    ];
    let mut out = String::from(
        "// Generated from the Rust types in crates/core by ts-rs. Do not edit by hand:\n\
         // run `UPDATE_GENERATED=1 cargo test -p hotelmate-core typescript`.\n",
    );
    let features = crate::features::TYPESCRIPT.iter().flat_map(|types| types());
    for declaration in core.into_iter().chain(features) {
        out.push_str("\nexport ");
        out.push_str(&declaration);
        out.push('\n');
    }
    out.push_str(&disguising_characters());
    out
}

/// The characters `rules::text::reveal` marks, for the UI's one function that shows outside
/// text (`ui/src/lib/shown.ts`).
fn disguising_characters() -> String {
    let ranges: Vec<String> = crate::rules::text::disguising_ranges()
        .into_iter()
        .map(|(start, end)| format!("[0x{start:04X}, 0x{end:04X}]"))
        .collect();
    let (flag, cancel) = crate::rules::text::FLAG_SEQUENCE;
    format!(
        "\n/** Characters that change how text reads while showing nothing (inclusive code point\n \
         * ranges), as the core's `reveal` marks them. */\n\
         export const DISGUISING_RANGES: ReadonlyArray<readonly [number, number]> = [\n  {}\n];\n\
         \n/** An emoji flag's tag sequence: the black flag, tags, then the cancel tag. */\n\
         export const FLAG_SEQUENCE = {{ base: 0x{:04X}, cancel: 0x{:04X} }} as const;\n",
        ranges.join(",\n  "),
        u32::from(flag),
        u32::from(cancel)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typescript_types_match_the_rust_types() {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/lib/generated.ts");
        let expected = generated_typescript();
        if std::env::var_os("UPDATE_GENERATED").is_some() {
            std::fs::write(&path, &expected).unwrap();
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == expected,
            "ui/src/lib/generated.ts is out of date with the Rust types; run \
             `UPDATE_GENERATED=1 cargo test -p hotelmate-core typescript` and commit the result"
        );
    }
}
