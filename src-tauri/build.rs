//! Reads the root `tauri.conf.json` and declares the app's commands, so each window's capability
//! file can allow exactly the ones it uses.

fn main() {
    let manifest = tauri_build::AppManifest::new().commands(&[
        "session_resume",
        "session_current",
        "sign_in",
        "sign_in_demo",
        "sign_out",
        "open_reception_display",
        "offers_list",
        "offer_create",
        "offer_update",
        "offers_reorder",
        "offer_delete",
        "offer_set_photo",
        "offer_clear_photo",
        "sanitize_html",
        "outbox_summary",
        "conflicts_list",
        "conflict_resolve",
        "toast_settings",
        "toast_mute",
    ]);
    let attributes = tauri_build::Attributes::new()
        .config_path("../tauri.conf.json")
        .app_manifest(manifest);
    if let Err(error) = tauri_build::try_build(attributes) {
        println!("cargo:warning=tauri build failed: {error:#}");
        std::process::exit(1);
    }
}
