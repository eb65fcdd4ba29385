//! "Mark seen" (API.md §15.2 `POST room-bookings/<id>/mark-seen/`): a booking is new for staff
//! until someone has seen it. Marking it goes through the desk's one outbox and runner
//! ([`crate::engine::store::Op::Action`]): sent when the server can be reached, kept across a
//! restart when it cannot, sent once (the same booking is queued once; the server keeps the
//! first `staff_seen_at` on a repeat), and the booking read back after. Until it is sent the
//! lists show the booking as seen, waiting.

use std::collections::HashSet;

use serde_json::Value;

use super::handle::FrontDesk;
use super::spec::{ARRIVALS_SPEC, DEPARTURES_SPEC, IN_HOUSE_SPEC};
use crate::api::session::encode_segment;
use crate::context::{lock, DeskError};
use crate::engine::spec::ResourceSpec;
use crate::engine::store::{records::row_id, Op};

/// The three lists, where a booking's copy may be.
const LISTS: [&ResourceSpec; 3] = [&ARRIVALS_SPEC, &DEPARTURES_SPEC, &IN_HOUSE_SPEC];

impl FrontDesk<'_> {
    /// Marks booking `booking_id` (one of the lists') seen: queued, and sent when the server
    /// can be reached. Returns whether it was queued now (`false`: it was already waiting, or
    /// no one needs to: the server has it seen). A booking the desk's lists do not hold is
    /// `Missing` (the desk never sends an id the server did not give).
    pub fn mark_seen(&self, booking_id: &str) -> Result<bool, DeskError> {
        let running = self.cx.running()?;
        let slug = lock(&running.identity).hotel_slug.clone();
        let store = &self.cx.store;
        for spec in LISTS {
            let found = store.records(spec.name())?.into_iter().find(|row| {
                row.get("booking_id").and_then(Value::as_str) == Some(booking_id)
            });
            let Some(row) = found else { continue };
            if row.get("is_new_for_staff").and_then(Value::as_bool) == Some(false) {
                return Ok(false);
            }
            let id = row_id(&row).ok_or(DeskError::Missing("booking"))?;
            let path = format!(
                "api/staff/hotel/{}/room-bookings/{}/mark-seen/",
                encode_segment(&slug),
                encode_segment(booking_id)
            );
            return self.cx.queue_action(spec, id, &path);
        }
        Err(DeskError::Missing("booking"))
    }

    /// The bookings whose "mark seen" waits in the outbox, by `booking_id`.
    pub(super) fn seen_waiting(&self) -> Result<HashSet<String>, DeskError> {
        let mut waiting = HashSet::new();
        for spec in LISTS {
            let (rows, entries) = self.cx.store.rows_and_outbox(spec.name())?;
            for entry in entries
                .iter()
                .filter(|e| e.op == Op::Action && e.state.is_on_its_way())
            {
                let booking = rows
                    .iter()
                    .find(|row| row_id(row) == Some(entry.target.id()))
                    .and_then(|row| row.get("booking_id").and_then(Value::as_str));
                if let Some(booking) = booking {
                    waiting.insert(booking.to_owned());
                }
            }
        }
        Ok(waiting)
    }
}
