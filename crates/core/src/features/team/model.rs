//! The on-duty board: the hotel's colleagues as the desk stores them (the staff list and the open
//! clock logs, API.md §7), grouped by department with who is on duty first, and searched by
//! name, role or department. Pure: the desk reads the rows, this builds what the Team screen
//! shows.
//!
//! Not for: fetching or storing (the sync engine does that, `crate::features::team::spec`).

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use crate::engine::store::Row;
use crate::rules::search::{Query, Rank};
use crate::features::team::spec::full_name;

/// What a department is called when a colleague has none.
pub(crate) const NO_DEPARTMENT: &str = "No department";

/// One colleague on the board.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct TeamMember {
    /// The colleague's staff id on the server.
    #[ts(type = "number")]
    pub id: i64,
    /// Their full name ("Colleague <id>" when the server gives none).
    pub name: String,
    /// "SM" for Seán Murphy: shown when there is no photo.
    pub initials: String,
    /// Their role, as the server names it.
    pub role: Option<String>,
    /// Their department, as the server names it.
    pub department: Option<String>,
    /// Whether they are clocked in.
    pub on_duty: bool,
    /// Since when (RFC 3339), where the server says: the open clock log, or the clock event.
    pub on_duty_since: Option<String>,
    /// Their photo, when they have one.
    pub photo_url: Option<String>,
    /// The signed-in staff member (the server's staff list leaves them out; the desk adds them
    /// from "me", so the board and the reception display show everyone on duty).
    pub is_me: bool,
}

/// One department's colleagues: on duty first, then by name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct TeamGroup {
    /// The department's name ("No department" for colleagues with none).
    pub department: String,
    /// How many of its colleagues are on duty.
    pub on_duty: u32,
    /// Its colleagues: on duty first, then by name.
    pub members: Vec<TeamMember>,
}

/// The board: departments with someone on duty first, then by name; "No department" last.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct TeamBoard {
    /// The departments, in the board's order.
    pub groups: Vec<TeamGroup>,
    /// On duty, of those shown.
    pub on_duty: u32,
    /// Colleagues shown (after the search).
    pub shown: u32,
    /// Colleagues on this desk in all.
    pub total: u32,
    /// When the desk last read the list from the server (RFC 3339), if ever: the board says
    /// "as of 14:02" when that is not just now.
    pub as_of: Option<String>,
}

/// A field as staff read it: the server's words, their disguising characters shown.
fn text(row: &Row, key: &str) -> Option<String> {
    row.get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(crate::rules::text::reveal)
}

/// The `name` of a nested `{id, name, slug}` (department, role).
fn nested_name(row: &Row, key: &str) -> Option<String> {
    row.get(key)
        .and_then(|v| v.get("name"))
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(crate::rules::text::reveal)
}

fn initials(name: &str) -> String {
    let words: Vec<&str> = name.split_whitespace().collect();
    let pick = match words.as_slice() {
        [] => Vec::new(),
        [one] => vec![*one],
        [first, .., last] => vec![*first, *last],
    };
    pick.iter()
        .filter_map(|w| w.chars().next())
        .flat_map(char::to_uppercase)
        .collect()
}

/// Since when each colleague is on duty, from the open clock logs (`staff`, `time_in`,
/// `time_out` null): the latest open log of each.
fn open_since(logs: &[Row]) -> std::collections::HashMap<i64, String> {
    let mut since: std::collections::HashMap<i64, String> = std::collections::HashMap::new();
    for log in logs {
        let open = log.get("time_out").is_none_or(Value::is_null);
        let (Some(staff), Some(time_in), true) = (
            log.get("staff").and_then(Value::as_i64),
            text(log, "time_in"),
            open,
        ) else {
            continue;
        };
        since
            .entry(staff)
            .and_modify(|t| {
                if time_in > *t {
                    t.clone_from(&time_in)
                }
            })
            .or_insert(time_in);
    }
    since
}

fn member(row: &Row, since: &std::collections::HashMap<i64, String>) -> Option<TeamMember> {
    let id = row.get("id").and_then(Value::as_i64)?;
    let name = full_name(row).unwrap_or_else(|| format!("Colleague {id}"));
    let on_duty = row
        .get("is_on_duty")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let on_duty_since = on_duty
        .then(|| {
            since
                .get(&id)
                .cloned()
                .or_else(|| text(row, "on_duty_since"))
        })
        .flatten();
    Some(TeamMember {
        id,
        initials: initials(&name),
        name,
        role: nested_name(row, "role"),
        department: nested_name(row, "department"),
        on_duty,
        on_duty_since,
        photo_url: text(row, "profile_image_url"),
        is_me: false,
    })
}

/// How well `query` finds a colleague by name, role or department (the desk's one search
/// rule, [`crate::rules::search`]); `None` when it does not.
fn rank(member: &TeamMember, query: &Query) -> Option<Rank> {
    query.rank(&[
        member.name.as_str(),
        member.role.as_deref().unwrap_or_default(),
        member.department.as_deref().unwrap_or_default(),
    ])
}

/// Builds the board from the stored staff rows, the open clock logs and me (a row of the staff
/// list's shape). A staff row without an id cannot be stored, so every row here has one.
pub(crate) fn board(
    staff: &[Row],
    logs: &[Row],
    me: Option<&Row>,
    query: &str,
    as_of: Option<String>,
) -> TeamBoard {
    let since = open_since(logs);
    let mut everyone: Vec<TeamMember> = staff.iter().filter_map(|r| member(r, &since)).collect();
    if let Some(mut mine) = me.and_then(|row| member(row, &since)) {
        everyone.retain(|m| m.id != mine.id);
        mine.is_me = true;
        everyone.push(mine);
    }
    let total = everyone.len() as u32;
    let query = Query::new(query);
    let mut ranks: std::collections::HashMap<i64, Rank> = std::collections::HashMap::new();
    let mut groups: Vec<TeamGroup> = Vec::new();
    for (person, found) in everyone
        .into_iter()
        .filter_map(|m| rank(&m, &query).map(|r| (m, r)))
    {
        ranks.insert(person.id, found);
        let department = person
            .department
            .clone()
            .unwrap_or_else(|| NO_DEPARTMENT.to_owned());
        match groups.iter_mut().find(|g| g.department == department) {
            Some(group) => group.members.push(person),
            None => groups.push(TeamGroup {
                department,
                on_duty: 0,
                members: vec![person],
            }),
        }
    }
    for group in &mut groups {
        group.on_duty = group.members.iter().filter(|m| m.on_duty).count() as u32;
        // Whole words found first (a search for "Sean" puts Seán before Seanna), then on duty.
        group.members.sort_by(|a, b| {
            ranks
                .get(&b.id)
                .cmp(&ranks.get(&a.id))
                .then_with(|| b.on_duty.cmp(&a.on_duty))
                .then_with(|| a.name.to_lowercase().cmp(&b.name.to_lowercase()))
        });
    }
    groups.sort_by(|a, b| {
        (a.department == NO_DEPARTMENT)
            .cmp(&(b.department == NO_DEPARTMENT))
            .then_with(|| (b.on_duty > 0).cmp(&(a.on_duty > 0)))
            .then_with(|| {
                a.department
                    .to_lowercase()
                    .cmp(&b.department.to_lowercase())
            })
    });
    TeamBoard {
        on_duty: groups.iter().map(|g| g.on_duty).sum(),
        shown: groups.iter().map(|g| g.members.len() as u32).sum(),
        total,
        groups,
        as_of,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn row(value: Value) -> Row {
        value.as_object().cloned().unwrap()
    }

    fn staff() -> Vec<Row> {
        vec![
            row(
                json!({"id": 1, "first_name": "Seán", "last_name": "Murphy", "full_name": "Seán Murphy",
                   "department": {"id": 1, "name": "Front Office", "slug": "front-office"},
                   "role": {"id": 1, "name": "Receptionist", "slug": "receptionist"}, "is_on_duty": false}),
            ),
            row(
                json!({"id": 2, "first_name": "Aoife", "last_name": "Kelly", "full_name": "Aoife Kelly",
                   "department": {"id": 1, "name": "Front Office", "slug": "front-office"},
                   "role": null, "is_on_duty": true, "profile_image_url": "http://x/a.jpg"}),
            ),
            row(
                json!({"id": 3, "first_name": "Conor", "last_name": "Walsh", "full_name": "",
                   "department": {"id": 2, "name": "Kitchen", "slug": "kitchen"}, "is_on_duty": false}),
            ),
            row(
                json!({"id": 4, "first_name": "Máire", "last_name": "", "department": null,
                   "is_on_duty": true, "on_duty_since": "2026-11-22T08:00:00+00:00"}),
            ),
        ]
    }

    #[test]
    fn departments_with_someone_on_duty_come_first_and_on_duty_people_lead_each() {
        let logs = vec![
            row(
                json!({"id": 9, "staff": 2, "time_in": "2026-11-22T07:00:00+00:00", "time_out": null}),
            ),
            row(
                json!({"id": 8, "staff": 1, "time_in": "2026-11-21T07:00:00+00:00", "time_out": "2026-11-21T15:00:00+00:00"}),
            ),
        ];
        let board = board(
            &staff(),
            &logs,
            None,
            "",
            Some("2026-11-22T09:00:00+00:00".into()),
        );
        let names: Vec<(&str, Vec<&str>)> = board
            .groups
            .iter()
            .map(|g| {
                (
                    g.department.as_str(),
                    g.members.iter().map(|m| m.name.as_str()).collect(),
                )
            })
            .collect();
        assert_eq!(
            names,
            vec![
                ("Front Office", vec!["Aoife Kelly", "Seán Murphy"]),
                ("Kitchen", vec!["Conor Walsh"]),
                (NO_DEPARTMENT, vec!["Máire"]),
            ]
        );
        assert_eq!((board.on_duty, board.shown, board.total), (2, 4, 4));
        let aoife = &board.groups[0].members[0];
        assert_eq!(
            aoife.on_duty_since.as_deref(),
            Some("2026-11-22T07:00:00+00:00"),
            "from her open clock log"
        );
        assert_eq!(aoife.initials, "AK");
        assert_eq!(
            board.groups[0].members[1].on_duty_since, None,
            "a closed log does not make anyone on duty"
        );
        assert_eq!(
            board.groups[2].members[0].on_duty_since.as_deref(),
            Some("2026-11-22T08:00:00+00:00"),
            "from the clock event, until the logs are read again"
        );
    }

    #[test]
    fn i_am_on_the_board_too_once() {
        let me = row(
            json!({"id": 7, "full_name": "Anna Byrne", "is_on_duty": true,
                            "department": {"name": "Front Office"}, "role": {"name": "Receptionist"}}),
        );
        let logs = vec![row(
            json!({"id": 5, "staff": 7, "time_in": "2026-11-22T06:00:00+00:00", "time_out": null}),
        )];
        let board = board(&staff(), &logs, Some(&me), "", None);
        let mine: Vec<&TeamMember> = board
            .groups
            .iter()
            .flat_map(|g| g.members.iter())
            .filter(|m| m.is_me)
            .collect();
        assert_eq!(mine.len(), 1);
        assert_eq!(mine[0].name, "Anna Byrne");
        assert_eq!(
            mine[0].on_duty_since.as_deref(),
            Some("2026-11-22T06:00:00+00:00")
        );
        assert_eq!((board.on_duty, board.total), (3, 5));
    }

    #[test]
    fn search_finds_by_name_role_or_department_in_any_case() {
        let find = |q: &str| -> Vec<String> {
            board(&staff(), &[], None, q, None)
                .groups
                .iter()
                .flat_map(|g| g.members.iter().map(|m| m.name.clone()))
                .collect()
        };
        assert_eq!(find("RECEPTION"), vec!["Seán Murphy"]);
        assert_eq!(find("kitchen"), vec!["Conor Walsh"]);
        assert_eq!(find("front kelly"), vec!["Aoife Kelly"]);
        assert!(find("nobody").is_empty());
        let none = board(&staff(), &[], None, "nobody", None);
        assert_eq!((none.shown, none.total), (0, 4));
    }

    /// Issue 63.15: the team is searched the way people type: no accents, any case, no
    /// apostrophes, and a whole name before the names it begins.
    #[test]
    fn search_is_the_way_people_type_and_whole_names_come_first() {
        let mut staff = staff();
        for (id, name) in [(5, "Síle O’Connor"), (6, "Seanna Byrne"), (7, "Sean Ó Sé")] {
            staff.push(row(json!({"id": id, "full_name": name, "is_on_duty": false,
                "department": {"id": 1, "name": "Front Office", "slug": "front-office"}})));
        }
        let find = |q: &str| -> Vec<String> {
            board(&staff, &[], None, q, None)
                .groups
                .iter()
                .flat_map(|g| g.members.iter().map(|m| m.name.clone()))
                .collect()
        };
        assert_eq!(find("Sean"), ["Sean Ó Sé", "Seán Murphy", "Seanna Byrne"]);
        assert_eq!(find("SEÁN MURPHY"), ["Seán Murphy"]);
        assert_eq!(find("oconnor"), ["Síle O’Connor"]);
        assert_eq!(find("o'connor sile"), ["Síle O’Connor"]);
        assert_eq!(find("maire"), ["Máire"]);
        assert_eq!(find(&"front ".repeat(2_500)).len(), 5, "a paste reads as its first words");
    }
}
