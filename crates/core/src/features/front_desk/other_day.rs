//! Another day's lists (API.md §15.2 `date_from`/`date_to`): the arrivals and departures of a
//! date the person picks, read from the server when asked ([`FrontDesk::read_day`]) and kept on
//! this desk under that date, so the day opens again offline from the copy, with "as of"; a
//! day never read here is said not to be kept. Guests in house are today's (the server's
//! `in_house` bucket takes no date) and the board is the one kept live. "Today" is the hotel's
//! day ([`crate::context::hotel_zone`]): picking it is the lists the engine keeps.

use serde_json::Value;

use super::handle::FrontDesk;
use super::model::{self, FrontDeskDay, Stored};
use super::spec::{ARRIVALS, DEPARTURES, IN_HOUSE, ROOM_BOARD};
use crate::api::session::encode_segment;
use crate::api::SINGLETON_ID;
use crate::context::hotel_zone::HotelZone;
use crate::context::{lock, DeskError};

/// What the desk says of a day it never read.
pub(crate) fn not_kept(date: &str) -> String {
    format!(
        "The lists of {date} are not kept on this desk: they were never read here, and the \
         server cannot be reached now. Today's lists are kept."
    )
}

/// The store's name for one list of another day (`arrivals@2026-12-01`).
fn kept_as(list: &str, date: &str) -> String {
    format!("{list}@{date}")
}

/// `YYYY-MM-DD`, a real date, or the words why not.
fn valid_date(date: &str) -> Result<String, DeskError> {
    date.trim()
        .parse::<jiff::civil::Date>()
        .map(|d| d.to_string())
        .map_err(|_| DeskError::NotAllowed(format!("'{date}' is not a date (YYYY-MM-DD).")))
}

impl FrontDesk<'_> {
    /// The hotel's date today, `YYYY-MM-DD`, in the hotel's zone as this desk knows it.
    pub fn today(&self) -> String {
        let zone = HotelZone::of_desk(&self.cx.store).zone;
        jiff::Timestamp::now().to_zoned(zone).date().to_string()
    }

    /// The lists of `date` as this desk keeps them, searched by `query`; today's (the ones the
    /// engine keeps) when `date` is today. A day never read here is `Unavailable`, in words.
    pub fn day_on(&self, date: &str, query: &str) -> Result<FrontDeskDay, DeskError> {
        let date = valid_date(date)?;
        let today = self.today();
        if date == today {
            return self.day(query);
        }
        let store = &self.cx.store;
        let arrivals = kept_as(ARRIVALS.name, &date);
        let Some(as_of) = store.reconciled_at(&arrivals)? else {
            return Err(DeskError::Unavailable(not_kept(&date)));
        };
        let stored = Stored {
            arrivals: store.records(&arrivals)?,
            departures: store.records(&kept_as(DEPARTURES.name, &date))?,
            in_house: store.records(IN_HOUSE.name)?,
            dashboard: store.record(ROOM_BOARD.name, SINGLETON_ID)?,
            lists_as_of: Some(as_of),
            rooms_as_of: store.reconciled_at(ROOM_BOARD.name)?,
        };
        let mut day = model::day(stored, query);
        day.date = date;
        day.today = today;
        Ok(day)
    }

    /// Reads the arrivals and departures of `date` from the server (every page) and keeps them
    /// under that date. Online only; a transient failure (no network) leaves the copy as it
    /// was, said: the copy's "as of", or that the day is not kept.
    pub async fn read_day(&self, date: &str) -> Result<(), DeskError> {
        let date = valid_date(date)?;
        let running = self.cx.running()?;
        let slug = encode_segment(&lock(&running.identity).hotel_slug);
        let mut read = Vec::new();
        for list in [ARRIVALS, DEPARTURES] {
            let path = format!(
                "api/staff/hotel/{slug}/room-bookings/?bucket={}&date_from={date}&date_to={date}",
                list.path
            );
            match running.client.all_pages(&path).await {
                Ok(rows) => read.push((list, rows)),
                Err(err) if err.is_transient() => {
                    let kept = self.cx.store.reconciled_at(&kept_as(ARRIVALS.name, &date))?;
                    return Err(DeskError::Unavailable(match kept {
                        Some(as_of) => format!(
                            "The server cannot be reached ({err}); the lists of {date} are \
                             this desk's copy as of {as_of}."
                        ),
                        None => not_kept(&date),
                    }));
                }
                Err(err) => return Err(err.into()),
            }
        }
        for (list, rows) in read {
            let rows = rows
                .into_iter()
                .filter_map(|row| match list.as_stored(row) {
                    Value::Object(row) => Some(row),
                    _ => None,
                })
                .collect();
            self.cx.store.replace_records(&kept_as(list.name, &date), rows)?;
        }
        Ok(())
    }
}
