use super::*;

#[test]
fn a_long_description_is_wrapped_between_words() {
    let text = "HotelMate Desk is the staff desk for hotels on HotelMate. It keeps the \
                    hotel's offers on this computer so staff can go on working.";
    let lines = wrap(text, 40);
    assert!(lines.iter().all(|l| l.chars().count() <= 40), "{lines:?}");
    assert_eq!(lines.join(" "), text);
}

#[test]
fn control_fields_keep_their_continuation_lines() {
    let fields = parse_control(
        "Package: hotel-mate-desk\nDescription: Staff desk\n Long one.\n .\n More.\n",
    );
    assert_eq!(fields["Package"], "hotel-mate-desk");
    assert_eq!(fields["Description"], "Staff desk\n Long one.\n .\n More.");
}

mod maintainer {
    use super::checked_maintainer;

    /// Issue 35.6: whoever builds the packages names their maintainer; what a package cannot
    /// carry is refused before anything is built.
    #[test]
    fn a_maintainer_is_a_name_and_an_address() {
        assert_eq!(
            checked_maintainer(" Lakeside IT <it@lakeside-hotels.ie> "),
            Ok("Lakeside IT <it@lakeside-hotels.ie>")
        );
        for bad in [
            "Lakeside IT",
            "<it@lakeside-hotels.ie>",
            "Lakeside IT <it>",
            "Lakeside IT <it @x.ie>",
            "Lakeside IT <@x.ie>",
        ] {
            assert!(checked_maintainer(bad).is_err(), "{bad}");
        }
    }

    /// The project's own default names the project, at an address of the reserved `.invalid`
    /// domain rather than a domain the project does not own.
    #[test]
    fn the_default_maintainer_names_the_project_and_no_borrowed_domain() {
        let manifest = include_str!("../../../src-tauri/Cargo.toml");
        let authors = manifest
            .lines()
            .find_map(|line| line.strip_prefix("authors = [\""))
            .and_then(|rest| rest.strip_suffix("\"]"))
            .unwrap();
        assert!(checked_maintainer(authors).is_ok(), "{authors}");
        assert!(
            authors.starts_with("The HotelMate Desk project <"),
            "{authors}"
        );
        assert!(authors.ends_with(".invalid>"), "{authors}");
    }
}
