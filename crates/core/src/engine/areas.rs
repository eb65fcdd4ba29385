//! What this server or account does not offer: areas whose reads it answers with "not here"
//! or "not for you" (asked again every [`UNAVAILABLE_RECHECK`](super::UNAVAILABLE_RECHECK)),
//! and kinds of change it refused (learned once per run, issue 35.9).

use std::time::Instant;

use super::{lock, spec, worker, SyncShared};
use crate::events::DeskEvent;

/// An area the server answered with "not here" or "not for you", or one this generation of
/// server does not have at all.
pub(super) struct Unavailable {
    pub(super) kind: crate::events::ResourceKind,
    /// In plain words, with the server's own.
    pub(super) message: String,
    /// When it is asked again; `None`: never (the server's generation has no such area).
    pub(super) check_at: Option<Instant>,
}

/// Why the desk asks to sign in again when the server was upgraded under it (said inside
/// "The server no longer accepts your sign-in (…). Please sign in again.").
const UPGRADED: &str = "the hotel's HotelMate server was upgraded; signing in again lets this \
                        desk use the new one, and nothing on this desk is lost";

impl SyncShared {
    /// The server refused `op` on `spec` to this account: said once, in the desk's words, and
    /// every waiting change of that kind is set aside with them rather than each refused.
    pub(super) fn learn_refusal(
        &self,
        spec: &'static spec::ResourceSpec,
        op: crate::engine::store::Op,
        server: &str,
    ) {
        let words = worker::refused_words(spec.kind, op, server);
        tracing::warn!(resource = spec.name(), ?op, %server, "the server refuses this kind of change to this account");
        lock(&self.refused_kinds).insert((spec.name(), op), words);
    }

    /// Why this server will not take `op` on `resource` from this account, if it refused one.
    pub(crate) fn learned_refusal(
        &self,
        resource: &str,
        op: crate::engine::store::Op,
    ) -> Option<String> {
        lock(&self.refused_kinds)
            .iter()
            .find(|((name, kind), _)| *name == resource && *kind == op)
            .map(|(_, words)| words.clone())
    }

    /// Whether `name` may be read now: it is not an area the server refused, or its check is
    /// due.
    pub(super) fn may_read(&self, name: &str) -> bool {
        lock(&self.unavailable)
            .get(name)
            .is_none_or(|area| area.check_at.is_some_and(|at| at <= Instant::now()))
    }

    /// Whether the server refused the area `name` (its queued changes wait meanwhile: sent, they
    /// would only be refused, or taken for rows deleted elsewhere).
    pub(crate) fn is_unavailable(&self, name: &str) -> bool {
        lock(&self.unavailable).contains_key(name)
    }

    /// Why the area `name` is not offered by this server or to this account, in words, while
    /// it is not (a change to it is then refused at once, never queued: issue 63.11).
    pub(crate) fn unavailable_words(&self, name: &str) -> Option<String> {
        lock(&self.unavailable)
            .get(name)
            .map(|area| area.message.clone())
    }

    /// The server answered the read of `spec` with "not here" or "not for you": the area says
    /// so, and is asked again after [`UNAVAILABLE_RECHECK`]. The link is fine: the server
    /// answered. Returns whether that is news (the area was available, or said otherwise).
    pub(super) fn area_unavailable(&self, spec: &spec::ResourceSpec, message: String) -> bool {
        let check_at = Instant::now() + self.recheck;
        let minutes = self.recheck.as_secs().div_ceil(60);
        let message = format!(
            "{message} The desk asks the server again every {minutes} minute{} and at each \
             sign-in; everything else keeps working.",
            if minutes == 1 { "" } else { "s" }
        );
        let told = {
            let mut areas = lock(&self.unavailable);
            let changed = areas
                .get(spec.name())
                .is_none_or(|area| area.message != message);
            areas.insert(
                spec.name(),
                Unavailable {
                    kind: spec.kind,
                    message: message.clone(),
                    check_at: Some(check_at),
                },
            );
            changed
        };
        if told {
            tracing::warn!(resource = spec.name(), %message, "this server or account does not offer this area; asking again in 15 minutes");
            self.emit(DeskEvent::AreaAvailability {
                resource: spec.kind,
                unavailable: Some(message),
            });
        }
        let mut plan = self.plan();
        plan.quiet_at = Some(plan.quiet_at.map_or(check_at, |at| at.min(check_at)));
        told
    }

    /// An area of the older server (fd6c529) is newly missing: the hotel's server may have
    /// been upgraded to the 2026 HotelMate in place, keeping this desk's sign-in while the
    /// older paths answer 404. Asked once per area found missing (never on a timer of its
    /// own). When it was upgraded, the desk signs out as for a refused sign-in, keeping every
    /// row and waiting change, and asks to sign in again, which learns the new server (the
    /// login answer tells them apart, §10.3) and shows what the desk kept (issue 65 item 10).
    pub(super) async fn look_for_an_upgrade(&self) {
        use std::sync::atomic::Ordering;
        // Areas found missing together ask once; once the sign-in has ended, none asks.
        if self.expired.borrow().is_some() || self.asking_upgrade.swap(true, Ordering::SeqCst) {
            return;
        }
        let upgraded = self.client.upgraded_to_2026(&self.slug).await;
        self.asking_upgrade.store(false, Ordering::SeqCst);
        match upgraded {
            Ok(true) => {
                tracing::warn!("the hotel's server was upgraded to the 2026 HotelMate under this sign-in; asking to sign in again");
                self.report_unauthorized(UPGRADED.to_owned());
            }
            Ok(false) => {}
            Err(err) => {
                tracing::info!(error = %err, "could not ask whether the server was upgraded")
            }
        }
    }

    /// `spec` was read: if it was unavailable, it is back.
    pub(super) fn area_available(&self, spec: &spec::ResourceSpec) {
        if lock(&self.unavailable).remove(spec.name()).is_some() {
            tracing::info!(resource = spec.name(), "the server offers this area again");
            self.emit(DeskEvent::AreaAvailability {
                resource: spec.kind,
                unavailable: None,
            });
            // Its changes waited meanwhile.
            self.kick();
        }
    }

    /// The areas this server or account does not offer, in words (for a screen's first paint).
    pub(crate) fn unavailable_areas(&self) -> Vec<crate::events::AreaStatus> {
        let mut areas: Vec<_> = lock(&self.unavailable)
            .values()
            .map(|area| crate::events::AreaStatus {
                resource: area.kind,
                message: area.message.clone(),
            })
            .collect();
        areas.sort_by_key(|area| area.resource);
        areas
    }
}
