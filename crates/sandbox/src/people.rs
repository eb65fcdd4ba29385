//! Staff members as rows and as the JSON shapes of API.md (login output §2.1, `StaffSerializer` §2.2, staff
//! list items §7.2, the Django text form used in chat).

use rusqlite::{Connection, OptionalExtension, Row};
use serde_json::{json, Value};

use crate::state::AppState;

/// One staff member with department, role and hotel resolved.
#[derive(Debug, Clone)]
pub(crate) struct Staff {
    pub id: i64,
    pub user_id: i64,
    pub username: String,
    pub user_email: String,
    pub user_active: bool,
    pub is_staff: bool,
    pub is_superuser: bool,
    pub hotel_id: i64,
    pub hotel_name: String,
    pub hotel_slug: String,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub phone_number: String,
    pub department: Option<Named>,
    pub role: Option<Named>,
    pub access_level: String,
    pub is_active: bool,
    pub is_on_duty: bool,
    /// Cloudinary-style storage path of the profile image.
    pub profile_image: Option<String>,
    pub allowed_navs: Vec<String>,
    pub has_registered_face: bool,
}

/// A department or a role.
#[derive(Debug, Clone)]
pub(crate) struct Named {
    pub id: i64,
    pub name: String,
    pub slug: String,
    pub description: String,
}

impl Named {
    pub(crate) fn detail(&self) -> Value {
        json!({"id": self.id, "name": self.name, "slug": self.slug, "description": self.description})
    }
}

const SELECT: &str = "SELECT s.id, s.user_id, u.username, u.email, u.is_active, u.is_staff, u.is_superuser,
    s.hotel_id, h.name, h.slug, s.first_name, s.last_name, s.email, s.phone_number,
    d.id, d.name, d.slug, d.description, r.id, r.name, r.slug, r.description,
    s.access_level, s.is_active, s.is_on_duty, s.profile_image, s.allowed_navs, s.has_registered_face
    FROM staff s JOIN users u ON u.id = s.user_id JOIN hotels h ON h.id = s.hotel_id
    LEFT JOIN departments d ON d.id = s.department_id LEFT JOIN roles r ON r.id = s.role_id";

fn named(r: &Row<'_>, at: usize) -> rusqlite::Result<Option<Named>> {
    let id: Option<i64> = r.get(at)?;
    Ok(match id {
        Some(id) => Some(Named {
            id,
            name: r.get(at + 1)?,
            slug: r.get(at + 2)?,
            description: r.get(at + 3)?,
        }),
        None => None,
    })
}

fn from_row(r: &Row<'_>) -> rusqlite::Result<Staff> {
    let navs: String = r.get(26)?;
    Ok(Staff {
        id: r.get(0)?,
        user_id: r.get(1)?,
        username: r.get(2)?,
        user_email: r.get(3)?,
        user_active: r.get::<_, i64>(4)? != 0,
        is_staff: r.get::<_, i64>(5)? != 0,
        is_superuser: r.get::<_, i64>(6)? != 0,
        hotel_id: r.get(7)?,
        hotel_name: r.get(8)?,
        hotel_slug: r.get(9)?,
        first_name: r.get(10)?,
        last_name: r.get(11)?,
        email: r.get(12)?,
        phone_number: r.get(13)?,
        department: named(r, 14)?,
        role: named(r, 18)?,
        access_level: r.get(22)?,
        is_active: r.get::<_, i64>(23)? != 0,
        is_on_duty: r.get::<_, i64>(24)? != 0,
        profile_image: r.get(25)?,
        allowed_navs: serde_json::from_str(&navs).unwrap_or_default(),
        has_registered_face: r.get::<_, i64>(27)? != 0,
    })
}

pub(crate) fn by_id(db: &Connection, staff_id: i64) -> rusqlite::Result<Option<Staff>> {
    db.query_row(&format!("{SELECT} WHERE s.id = ?1"), [staff_id], from_row)
        .optional()
}

pub(crate) fn by_user(db: &Connection, user_id: i64) -> rusqlite::Result<Option<Staff>> {
    db.query_row(
        &format!("{SELECT} WHERE s.user_id = ?1"),
        [user_id],
        from_row,
    )
    .optional()
}

/// Active staff of a hotel except one, ordered by first then last name (the staff-list queryset).
pub(crate) fn colleagues(
    db: &Connection,
    hotel_id: i64,
    except_staff: i64,
) -> rusqlite::Result<Vec<Staff>> {
    let mut stmt = db.prepare(&format!(
        "{SELECT} WHERE s.hotel_id = ?1 AND s.id != ?2 AND s.is_active = 1 ORDER BY s.first_name, s.last_name, s.id"
    ))?;
    let rows = stmt.query_map([hotel_id, except_staff], from_row)?;
    rows.collect()
}

/// All staff of a hotel (simulator, chat recipients).
pub(crate) fn of_hotel(db: &Connection, hotel_id: i64) -> rusqlite::Result<Vec<Staff>> {
    let mut stmt = db.prepare(&format!("{SELECT} WHERE s.hotel_id = ?1 ORDER BY s.id"))?;
    let rows = stmt.query_map([hotel_id], from_row)?;
    rows.collect()
}

impl Staff {
    pub(crate) fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }

    /// Cloudinary `public_id` of the profile image: the path without `image/upload/v…/` and extension.
    pub(crate) fn profile_public_id(&self) -> Option<String> {
        self.profile_image.as_deref().map(public_id_of)
    }

    /// Django's `str(staff)`: "First Last - Department - Role".
    pub(crate) fn text_form(&self) -> String {
        format!(
            "{} - {} - {}",
            self.full_name(),
            self.department
                .as_ref()
                .map_or("No Department", |d| d.name.as_str()),
            self.role.as_ref().map_or("No Role", |r| r.name.as_str())
        )
    }

    /// The 14 keys of `StaffLoginOutputSerializer`.
    pub(crate) fn login_output(&self, token: &str) -> Value {
        json!({
            "username": self.username,
            "token": token,
            "hotel_id": self.hotel_id,
            "hotel_name": self.hotel_name,
            "hotel_slug": self.hotel_slug,
            "is_staff": self.is_staff,
            "is_superuser": self.is_superuser,
            "access_level": self.access_level,
            "hotel": {"id": self.hotel_id, "name": self.hotel_name, "slug": self.hotel_slug},
            "allowed_navs": self.allowed_navs,
            "profile_image_url": self.profile_public_id(),
            "role": self.role.as_ref().map(|r| r.name.clone()),
            "department": self.department.as_ref().map(|d| d.name.clone()),
            "staff_id": self.id,
        })
    }

    /// What the 2026 backend lets this person do (API.md §10.3), by access level: an admin
    /// manages the hotel's settings, pictures and room types; regular staff answer guests,
    /// clock and read room types.
    pub(crate) fn capabilities_2026(&self) -> Vec<&'static str> {
        let mut caps = vec![
            "attendance.clock.in_out",
            "chat.guest.respond",
            "chat.message.send",
            "room.type.read",
        ];
        if self.is_admin_2026() {
            caps.extend([
                "gallery.manage",
                "hotel.settings.manage",
                "room.media.manage",
                "room.type.manage",
                "staff.read",
            ]);
        }
        caps
    }

    /// An admin on the 2026 backend (its `super_staff_admin` tier).
    pub(crate) fn is_admin_2026(&self) -> bool {
        self.access_level != "regular_staff"
    }

    /// The access level the 2026 backend gives this person: its admins are the hotel's
    /// `super_staff_admin`s (API.md §17.1).
    pub(crate) fn access_level_2026(&self) -> &'static str {
        if self.is_admin_2026() {
            "super_staff_admin"
        } else {
            "regular_staff"
        }
    }

    /// The navigation the 2026 backend gives this person: the hotel's settings are its
    /// `hotel_info` item (API.md §17.1).
    pub(crate) fn navs_2026(&self) -> Vec<String> {
        self.allowed_navs
            .iter()
            .map(|nav| match nav.as_str() {
                "settings" => "hotel_info".to_owned(),
                other => other.to_owned(),
            })
            .collect()
    }

    /// §17.1: the page builder is for a `super_staff_admin` of the URL's hotel with the
    /// `hotel_info` nav, or a Django superuser (any hotel).
    pub(crate) fn may_build_page(&self, hotel_slug: &str) -> bool {
        self.is_superuser
            || (self.access_level_2026() == "super_staff_admin"
                && self.hotel_slug == hotel_slug
                && self.navs_2026().iter().any(|nav| nav == "hotel_info"))
    }

    /// The 2026 login answer (API.md §10.2 and §10.3): the 14 keys and what the newer backend
    /// adds — the tier, the capabilities, the navigation.
    pub(crate) fn login_output_2026(&self, token: &str) -> Value {
        let mut v = self.login_output(token);
        let tier = if self.is_admin_2026() {
            "super_staff_admin"
        } else {
            "regular_staff"
        };
        let caps = self.capabilities_2026();
        if let Value::Object(map) = &mut v {
            map.insert("tier".into(), json!(tier));
            map.insert("access_level".into(), json!(self.access_level_2026()));
            map.insert("allowed_navs".into(), json!(self.navs_2026()));
            map.insert("allowed_capabilities".into(), json!(caps));
            map.insert("rbac".into(), json!({"tier": tier, "capabilities": caps}));
            map.insert(
                "navigation_items".into(),
                json!([{"slug": "chat", "name": "Chat"}, {"slug": "rooms", "name": "Rooms"}]),
            );
            map.insert("isAdmin".into(), json!(self.is_admin_2026()));
            map.insert("can_edit_self_profile".into(), json!(true));
            map.insert(
                "department_slug".into(),
                json!(self
                    .department
                    .as_ref()
                    .map(|d| d.name.to_lowercase().replace(' ', "-"))),
            );
            map.insert(
                "role_slug".into(),
                json!(self
                    .role
                    .as_ref()
                    .map(|r| r.name.to_lowercase().replace(' ', "-"))),
            );
        }
        v
    }

    /// `StaffSerializer` (the "me" body).
    pub(crate) fn serialize(&self, state: &AppState) -> Value {
        let image_url = state.media_url_opt(self.profile_image.as_deref());
        let mut v = json!({
            "id": self.id,
            "first_name": self.first_name,
            "last_name": self.last_name,
            "email": self.email,
            "phone_number": self.phone_number,
            "is_active": self.is_active,
            "is_on_duty": self.is_on_duty,
            "user": {
                "id": self.user_id,
                "username": self.username,
                "email": self.user_email,
                "is_active": self.user_active,
                // As the reference backend answers: the whole profile, nested again, and a
                // "Yes" string where a boolean might be expected (issue 9, seen at fd6c529).
                "staff_profile": {
                    "id": self.id,
                    "first_name": self.first_name,
                    "last_name": self.last_name,
                    "email": self.email,
                    "phone_number": self.phone_number,
                    "is_active": self.is_active,
                    "is_on_duty": self.is_on_duty,
                    "department": self.department.as_ref().map(Named::detail),
                    "role": self.role.as_ref().map(Named::detail),
                    "hotel": {"id": self.hotel_id, "name": self.hotel_name, "slug": self.hotel_slug},
                    "access_level": self.access_level,
                    "profile_image_url": image_url,
                },
                "used_registration_code": null,
                "staff_created": "Yes",
            },
            "department": self.department.as_ref().map(|d| d.id),
            "department_detail": self.department.as_ref().map(Named::detail),
            "role": self.role.as_ref().map(|r| r.id),
            "role_detail": self.role.as_ref().map(Named::detail),
            "hotel": self.hotel_id,
            "access_level": self.access_level,
            "hotel_name": self.hotel_name,
            "hotel_slug": self.hotel_slug,
            "profile_image": image_url,
            "has_registered_face": self.has_registered_face,
            "allowed_navs": self.allowed_navs,
            "has_fcm_token": false,
            "is_staff_member": true,
            "role_slug": self.role.as_ref().map(|r| r.slug.clone()),
        });
        // The key is absent (not null) without an image, API.md §2.2.
        if let (Some(url), Some(obj)) = (image_url, v.as_object_mut()) {
            obj.insert("profile_image_url".into(), Value::String(url));
        }
        v
    }

    /// `StaffListSerializer` (§7.2).
    pub(crate) fn list_item(&self, state: &AppState) -> Value {
        let brief = |n: &Named| json!({"id": n.id, "name": n.name, "slug": n.slug});
        json!({
            "id": self.id,
            "first_name": self.first_name,
            "last_name": self.last_name,
            "full_name": self.full_name(),
            "email": self.email,
            "phone_number": self.phone_number,
            "department": self.department.as_ref().map(brief),
            "role": self.role.as_ref().map(brief),
            "is_active": self.is_active,
            "is_on_duty": self.is_on_duty,
            "hotel_name": self.hotel_name,
            "profile_image_url": state.media_url_opt(self.profile_image.as_deref()),
        })
    }

    /// `staff_info` of chat answers.
    pub(crate) fn chat_info(&self, state: &AppState) -> Value {
        json!({
            "name": self.full_name(),
            "role": self.role.as_ref().map(|r| r.name.clone()),
            "profile_image": state.media_url_opt(self.profile_image.as_deref()),
        })
    }

    /// `staff_info` of the 2026 chat answers: the classic keys and the department's name.
    pub(crate) fn chat_info_2026(&self, state: &AppState) -> Value {
        let mut info = self.chat_info(state);
        info["department"] = json!(self.department.as_ref().map(|d| d.name.clone()));
        info
    }
}

/// `image/upload/v123/folder/abc.jpg` → `folder/abc`.
pub(crate) fn public_id_of(path: &str) -> String {
    let rest = path.strip_prefix("image/upload/").unwrap_or(path);
    let rest = match rest.split_once('/') {
        Some((v, tail)) if v.starts_with('v') && v[1..].chars().all(|c| c.is_ascii_digit()) => tail,
        _ => rest,
    };
    match rest.rsplit_once('.') {
        Some((stem, _)) => stem.to_string(),
        None => rest.to_string(),
    }
}
