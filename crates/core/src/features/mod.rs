//! One folder per feature, each holding everything about it: its model and views, its
//! [`ResourceSpec`] for the engine (where it lives on the server, how its hotel-channel events
//! read, what it is called, which fields a re-create carries, which fields hold its image, how a
//! colleague's change toasts), and the handle the UI calls through the [`Desk`](crate::Desk).
//! A synced resource is named once, in [`ALL`].

/// Declares the features from one line each: its folder, and the descriptions of the resources
/// it syncs (their order is the order they are first read in). Every synced resource ([`ALL`])
/// and each feature's TypeScript types come from these lines; a feature is added with one.
macro_rules! features {
    ($($feature:ident: [$($spec:ident),*];)*) => {
        $(pub mod $feature;)*

        /// Every synced resource.
        pub static ALL: Resources = &[$($(&$feature::spec::$spec,)*)*];

        /// Each feature's TypeScript types, for the generated file (`crate::typescript`).
        #[cfg(test)]
        pub(crate) const TYPESCRIPT: &[fn() -> Vec<String>] = &[$($feature::typescript),*];
    };
}

features! {
    offers: [SPEC];
    team: [SPEC, CLOCK_LOGS_SPEC];
    display: [];
    galleries: [SPEC, IMAGES_SPEC];
    room_types: [SPEC];
    hotel_images: [SETTINGS_SPEC];
    hotel_details: [SPEC];
    guest_page: [SPEC];
    public_page: [SPEC, SECTIONS_SPEC, LISTS_SPEC, CARDS_SPEC, HEROES_SPEC, GALLERIES_SPEC, GALLERY_IMAGES_SPEC, PRESETS_SPEC];
    pictures: [];
    chat: [CONVERSATIONS_SPEC];
    my_shifts: [];
    older_server: [];
    front_desk: [
        ARRIVALS_SPEC, DEPARTURES_SPEC, IN_HOUSE_SPEC, ROOM_BOARD_SPEC, ROOMS_SPEC, DUE_OUT_SPEC,
        BOOKINGS_SPEC
    ];
}

use crate::engine::spec::{ResourceSpec, Resources};

/// What the features keep in the store beside the engine's tables, handed to
/// [`Store::open`](crate::engine::store::Store::open).
pub static LOCAL_DATA: crate::engine::store::LocalDataList = &[&chat::store::LOCAL_DATA];

/// The description of the resource stored as `name`, if the desk syncs it.
pub fn named(name: &str) -> Option<&'static ResourceSpec> {
    crate::engine::spec::spec_named(ALL, name)
}

#[cfg(test)]
mod tests {
    use super::ALL;
    use crate::engine::spec::{AddChild, ChildrenOrder};

    #[test]
    fn every_area_a_generation_lacks_says_why_in_a_sentence() {
        let absent: Vec<_> = ALL.iter().flat_map(|spec| spec.absent).collect();
        assert!(absent.len() >= 5, "{absent:?}");
        for (_, why) in absent {
            assert!(why.ends_with('.'), "{why}: a sentence");
        }
    }

    /// Every name and wire field the features describe to the engine: what the engine's code
    /// must not spell itself.
    fn described_words() -> Vec<&'static str> {
        let mut words = Vec::new();
        for spec in ALL {
            let api = spec.api;
            words.extend([api.name, api.path]);
            words.extend(api.order_field);
            words.extend(
                api.upload
                    .iter()
                    .flat_map(|(action, field)| [*action, *field]),
            );
            words.extend(api.clipped.iter().map(|(field, _)| *field));
            words.extend(spec.editable);
            words.extend(spec.image_fields);
            words.extend(spec.copies);
            words.extend(spec.also_changes);
            for image in spec.field_images {
                words.extend([image.file_field, image.shown_field]);
                words.extend(
                    image
                        .action
                        .iter()
                        .flat_map(|(action, part)| [*action, *part]),
                );
            }
            if let Some(children) = spec.children {
                words.extend([
                    children.list_key,
                    children.file_url,
                    children.order_field,
                    children.resource.name,
                    children.resource.path,
                ]);
                words.extend(match children.add {
                    AddChild::RowAction(action, field) => [action, field],
                    AddChild::Collection {
                        parent_field,
                        file_field,
                    } => [parent_field, file_field],
                });
                if let ChildrenOrder::RowAction(action, key) = children.reorder {
                    words.extend([action, key]);
                }
            }
        }
        words.sort_unstable();
        words.dedup();
        words
    }

    /// The code of a source file: comments and test modules left out (their prose and their
    /// made-up rows may name anything).
    fn code_of(source: &str) -> String {
        let source = source.split("#[cfg(test)]").next().unwrap_or(source);
        source
            .lines()
            .map(|line| match line.find("//") {
                Some(at) => &line[..at],
                None => line,
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    fn rust_files(dir: &std::path::Path, found: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                rust_files(&path, found);
            } else if path.extension().is_some_and(|e| e == "rs") {
                found.push(path);
            }
        }
    }

    /// Issue 24.2: the engine works from the features' descriptions. A resource's name, its
    /// server path, or one of its wire fields spelled in the engine's code (or a feature
    /// imported there) is a resource the engine knows by name.
    #[test]
    fn the_engine_names_no_resource_and_no_wire_field() {
        let words = described_words();
        assert!(words.contains(&"images") && words.contains(&"offers"));
        let engine = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/engine");
        let mut files = Vec::new();
        rust_files(&engine, &mut files);
        assert!(files.len() > 10, "{files:?}");
        let mut found = Vec::new();
        for file in files {
            if file.ends_with("store/migrations.rs") {
                // The database's history: shipped migrations are never edited, and the chat
                // feature's tables were made there.
                continue;
            }
            if file.ends_with("tests.rs") {
                // Unit tests in a file of their own (as `mod tests { .. }` inside a file, which
                // `code_of` leaves out): their rows may look like any resource's.
                continue;
            }
            let code = code_of(&std::fs::read_to_string(&file).unwrap());
            for word in &words {
                for quoted in [format!("\"{word}\""), format!("'{word}'")] {
                    if code.contains(&quoted) {
                        found.push(format!("{}: {quoted}", file.display()));
                    }
                }
            }
            // A feature's own tables (issue 37.1: the chat's were wiped and counted by name in
            // the engine's store; now each feature registers them, `LOCAL_DATA`).
            for name in [
                "features::",
                "GALLER",
                "OFFER",
                "ROOM_TYPE",
                "SETTINGS",
                "CHAT",
                "chat_",
            ] {
                if code.contains(name) {
                    found.push(format!("{}: {name}", file.display()));
                }
            }
        }
        assert!(found.is_empty(), "the engine names resources: {found:#?}");
    }
}
