//! Signing in: to a real HotelMate server or to the demo hotel, checked, saved, and the
//! session's work started.

use super::*;

impl Desk {
    /// Signs in to a real HotelMate server: the one the system settings file locks, if any,
    /// with its live updates if it locks those.
    pub async fn sign_in(&self, mut request: SignInRequest) -> Result<SessionInfo, DeskError> {
        let system = &self.inner.options.system;
        if let (true, Some(preset)) = (system.server_locked, &system.server_url) {
            request.server_url.clone_from(preset);
        }
        if system.pusher_locked {
            request.pusher.clone_from(&system.pusher);
        }
        let base = ApiBase::parse(&request.server_url)?;
        if let Some(pusher) = &request.pusher {
            // Plain ws:// to another machine only as IT preset it, never as typed at the desk.
            let preset = system.pusher_unencrypted && system.pusher.as_ref() == Some(pusher);
            pusher.validate(preset)?;
        }
        self.stop_demo().await;
        let account = format!("{}@{}", request.username.trim(), base.host());
        self.sign_in_at(
            base,
            request.pusher,
            account,
            false,
            &request.username,
            &request.password,
        )
        .await
    }

    /// Starts the built-in demo hotel on this computer and signs in as its receptionist.
    pub async fn sign_in_demo(&self) -> Result<SessionInfo, DeskError> {
        let (api_base, pusher, username, password) = self.start_demo().await?;
        let account = format!("demo:{username}");
        self.sign_in_at(api_base, Some(pusher), account, true, &username, &password)
            .await
    }

    pub(super) async fn sign_in_at(
        &self,
        base: ApiBase,
        pusher: Option<PusherEndpoint>,
        account: String,
        is_demo: bool,
        username: &str,
        password: &str,
    ) -> Result<SessionInfo, DeskError> {
        let username = filled_in(username, password)?;
        let anonymous = ApiClient::with_timeout(base.clone(), self.inner.options.request_timeout)?;
        let login = anonymous
            .login(username, password)
            .await
            .map_err(wrong_credentials)?;
        let Some(slug) = login.slug().map(str::to_owned) else {
            return Err(ApiError::Unsupported {
                message: "this account is not linked to a hotel, so the desk has nothing to show"
                    .into(),
            }
            .into());
        };
        let client = anonymous
            .authenticated(login.token.clone())
            .with_generation(login.generation);
        let me = client.me(&slug).await?;
        let pusher = pusher.as_ref().map(pusher_json).transpose()?;
        let row = session_row(
            account,
            base.to_string(),
            pusher,
            is_demo,
            &login,
            &me,
            slug,
        );
        // Whoever signs in here can leave the reception display during an outage.
        let hotel = crate::context::staff_keys::hotel_of(&row);
        if let Err(err) =
            crate::context::staff_keys::keep(&self.inner.cx.store, hotel, username, password).await
        {
            tracing::warn!(error = %err, "the staff key for the reception display was not kept");
        }
        let _transition = self.inner.transitions.lock().await;
        self.stop_running().await;
        self.save_signed_in(&row, &login.token).await?;
        Ok(self.start(row, client))
    }
}

/// The username (trimmed), if both it and the password were typed.
fn filled_in<'a>(username: &'a str, password: &str) -> Result<&'a str, DeskError> {
    let username = username.trim();
    if username.is_empty() {
        return Err(DeskError::InvalidInput {
            field: "username",
            message: "Enter your username.".into(),
        });
    }
    if password.is_empty() {
        return Err(DeskError::InvalidInput {
            field: "password",
            message: "Enter your password.".into(),
        });
    }
    Ok(username)
}

/// The session as stored, from the login answer and the "me" answer: the login's words first,
/// the profile's where the login says nothing.
fn session_row(
    account: String,
    api_base: String,
    pusher: Option<String>,
    is_demo: bool,
    login: &crate::api::session::LoginResponse,
    me: &crate::api::session::Me,
    slug: String,
) -> SessionRow {
    SessionRow {
        account,
        username: login.username.clone(),
        api_base,
        pusher,
        is_demo,
        hotel_id: login.hotel_id.or(login.hotel.as_ref().map(|h| h.id)),
        hotel_name: login
            .hotel_name()
            .or(me.hotel_name.as_deref())
            .unwrap_or(&slug)
            .to_owned(),
        hotel_slug: slug,
        staff_id: login.staff_id,
        first_name: me.first_name.clone(),
        last_name: me.last_name.clone(),
        role: login
            .role
            .clone()
            .or_else(|| me.role_detail.as_ref().and_then(|r| r.name.clone())),
        department: login
            .department
            .clone()
            .or_else(|| me.department_detail.as_ref().and_then(|d| d.name.clone())),
        access_level: login.access_level.clone(),
        signed_in_at: chrono::Utc::now().to_rfc3339(),
        is_on_duty: me.on_duty(),
        generation: login.generation,
        capabilities: login.capabilities.clone(),
    }
}

/// A refused login says one thing, whatever the server's generation: fd6c529 answers 400
/// `non_field_errors`, the 2026 backend 401 `{"error": …}` (API.md §10.3), which is not "the
/// server no longer accepts this sign-in" (there is none yet).
fn wrong_credentials(err: ApiError) -> DeskError {
    match err {
        ApiError::Unauthorized { .. } => DeskError::WrongCredentials,
        ApiError::Validation { fields } if fields.keys().all(|k| k == "non_field_errors") => {
            DeskError::WrongCredentials
        }
        other => other.into(),
    }
}
