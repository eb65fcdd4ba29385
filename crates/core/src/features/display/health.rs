//! How this computer's reception display has been (issue 39.5), for the Overview of the desk it
//! gives way to: when it was last shown, the spans it was out of date (not live) while shown,
//! and what was on the screen last. The desk and the display never show at once on one computer
//! (nothing of the signed-in desk stays reachable behind the kiosk), so the Overview tells the
//! story of the last showing, not a live view.
//!
//! The display's page reports what it sees ([`DisplayReport`]: whether it is live, the slide on
//! screen); the shell reports when it opens and closes. Kept in memory while the desk runs: a
//! restart starts a new story. Bounded: the latest [`MOST_SPANS`] spans, a title of
//! [`MOST_TITLE_CHARS`] characters.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::context::DeskError;

/// The latest spans kept; older ones are counted in [`DisplayHealth::earlier_not_live`].
pub(crate) const MOST_SPANS: usize = 5;
/// A slide's title as kept (an offer's title is the server's text, of any length).
pub(crate) const MOST_TITLE_CHARS: usize = 120;

/// What the display's page reports: sent when either changes.
#[derive(Debug, Clone, PartialEq, Deserialize, TS)]
pub struct DisplayReport {
    /// Since when the display has not been kept current (RFC 3339); `None` while it is.
    pub not_live_since: Option<String>,
    /// The slide on screen now; `None` while none shows (asleep, no content yet).
    pub showing: Option<ShownSlide>,
}

/// A slide as the Overview shows it: a small picture and its title.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ShownSlide {
    /// "offers", "gallery", "team" or "welcome".
    pub panel: String,
    /// The offer's title, the picture's caption, "On duty" or the welcome.
    pub title: String,
    /// The slide's photo as the server names it (shown through the desk's image cache).
    pub image_url: Option<String>,
}

/// A span the display was not live while it showed.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct NotLiveSpan {
    /// RFC 3339.
    pub from: String,
    /// RFC 3339; `None`: still not live (or the display closed while it was not).
    pub until: Option<String>,
}

/// How the display has been since the desk started.
#[derive(Debug, Clone, PartialEq, Default, Serialize, TS)]
pub struct DisplayHealth {
    /// When it was last opened (RFC 3339); `None`: not shown since the desk started.
    pub shown_from: Option<String>,
    /// When it closed; `None` while it shows (or never shown).
    pub shown_until: Option<String>,
    /// The latest spans it was not live while shown, oldest first.
    pub not_live: Vec<NotLiveSpan>,
    /// Earlier spans of the same showing not listed.
    pub earlier_not_live: u32,
    /// What was on the screen last.
    pub last_slide: Option<ShownSlide>,
}

/// The record behind [`DisplayHealth`].
#[derive(Debug, Default)]
pub(crate) struct HealthRecord {
    /// When the last showing began and ended (the showing's times in [`DisplayHealth`]).
    opened_at: Option<Timestamp>,
    closed_at: Option<Timestamp>,
    /// The rest of [`DisplayHealth`] (its two times are filled in from the fields above).
    health: DisplayHealth,
}

impl HealthRecord {
    /// The display opens: a new showing, live until it reports otherwise.
    pub(crate) fn opened(&mut self, now: Timestamp) {
        *self = HealthRecord {
            opened_at: Some(now),
            ..HealthRecord::default()
        };
    }

    /// The display closes (a span still open stays without an end: not live to the last).
    pub(crate) fn closed(&mut self, now: Timestamp) {
        if self.opened_at.is_some() {
            self.closed_at = Some(now);
        }
    }

    /// The page's report while it shows (ignored when the display is not open: a late report
    /// from a closing page changes nothing).
    pub(crate) fn report(
        &mut self,
        report: DisplayReport,
        now: Timestamp,
    ) -> Result<(), DeskError> {
        let Some(opened_at) = self.opened_at.filter(|_| self.closed_at.is_none()) else {
            return Ok(());
        };
        let since = report
            .not_live_since
            .as_deref()
            .map(|text| {
                text.parse::<Timestamp>()
                    .map_err(|error| DeskError::InvalidInput {
                        field: "not_live_since",
                        message: format!(
                            "The display's \"not live since\" {text:?} is not a time: {error}."
                        ),
                    })
            })
            .transpose()?;
        let open = self
            .health
            .not_live
            .last()
            .is_some_and(|span| span.until.is_none());
        match (since, open) {
            (Some(since), false) => {
                // Never before the showing began (a copy out of date since before it opened
                // counts from the opening, the only time this display was out of date).
                let from = since.max(opened_at);
                self.health.not_live.push(NotLiveSpan {
                    from: from.to_string(),
                    until: None,
                });
                if self.health.not_live.len() > MOST_SPANS {
                    self.health.not_live.remove(0);
                    self.health.earlier_not_live += 1;
                }
            }
            (None, true) => {
                if let Some(span) = self.health.not_live.last_mut() {
                    span.until = Some(now.to_string());
                }
            }
            _ => {}
        }
        if let Some(mut slide) = report.showing {
            if slide.title.chars().count() > MOST_TITLE_CHARS {
                slide.title = crate::rules::text::shorten(&slide.title, MOST_TITLE_CHARS - 1);
            }
            self.health.last_slide = Some(slide);
        }
        Ok(())
    }

    pub(crate) fn health(&self) -> DisplayHealth {
        DisplayHealth {
            shown_from: self.opened_at.map(|at| at.to_string()),
            shown_until: self.closed_at.map(|at| at.to_string()),
            ..self.health.clone()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    fn report(since: Option<&str>, title: &str) -> DisplayReport {
        DisplayReport {
            not_live_since: since.map(str::to_owned),
            showing: Some(ShownSlide {
                panel: "offers".into(),
                title: title.into(),
                image_url: Some("https://res.cloudinary.com/x/image/upload/a.jpg".into()),
            }),
        }
    }

    #[test]
    fn a_showing_records_each_span_it_was_not_live_and_the_last_slide() {
        let mut record = HealthRecord::default();
        // Reports before the display opened change nothing.
        record
            .report(
                report(Some("2026-11-26T08:00:00Z"), "Early"),
                at("2026-11-26T08:00:00Z"),
            )
            .unwrap();
        assert_eq!(record.health(), DisplayHealth::default());

        record.opened(at("2026-11-26T09:00:00Z"));
        record
            .report(report(None, "Ring of Kerry"), at("2026-11-26T09:00:05Z"))
            .unwrap();
        record
            .report(
                report(Some("2026-11-26T11:02:00Z"), "Romantic Dinner"),
                at("2026-11-26T11:02:30Z"),
            )
            .unwrap();
        // The same span reported again is one span.
        record
            .report(
                report(Some("2026-11-26T11:02:00Z"), "Spa Day"),
                at("2026-11-26T11:05:00Z"),
            )
            .unwrap();
        record
            .report(report(None, "Spa Day"), at("2026-11-26T11:09:00Z"))
            .unwrap();
        record.closed(at("2026-11-26T14:32:00Z"));
        // After it closed, a late report changes nothing.
        record
            .report(
                report(Some("2026-11-26T14:33:00Z"), "Late"),
                at("2026-11-26T14:33:00Z"),
            )
            .unwrap();

        let health = record.health();
        assert_eq!(health.shown_from.as_deref(), Some("2026-11-26T09:00:00Z"));
        assert_eq!(health.shown_until.as_deref(), Some("2026-11-26T14:32:00Z"));
        assert_eq!(
            health.not_live,
            [NotLiveSpan {
                from: "2026-11-26T11:02:00Z".into(),
                until: Some("2026-11-26T11:09:00Z".into()),
            }]
        );
        assert_eq!(health.last_slide.unwrap().title, "Spa Day");
    }

    #[test]
    fn out_of_date_from_before_it_opened_counts_from_the_opening_and_spans_are_bounded() {
        let mut record = HealthRecord::default();
        record.opened(at("2026-11-26T09:00:00Z"));
        record
            .report(
                report(Some("2026-11-26T07:00:00Z"), "A"),
                at("2026-11-26T09:00:01Z"),
            )
            .unwrap();
        assert_eq!(record.health().not_live[0].from, "2026-11-26T09:00:00Z");
        for minute in 10..20 {
            record
                .report(
                    report(None, "A"),
                    at(&format!("2026-11-26T09:{minute}:00Z")),
                )
                .unwrap();
            record
                .report(
                    report(Some(&format!("2026-11-26T09:{minute}:30Z")), "A"),
                    at(&format!("2026-11-26T09:{minute}:31Z")),
                )
                .unwrap();
        }
        let health = record.health();
        assert_eq!(health.not_live.len(), MOST_SPANS);
        assert_eq!(health.earlier_not_live, 6);
        assert_eq!(health.not_live[MOST_SPANS - 1].from, "2026-11-26T09:19:30Z");
        assert!(health.not_live[MOST_SPANS - 1].until.is_none());
    }

    #[test]
    fn a_report_that_is_not_a_time_is_refused_and_a_long_title_is_cut_visibly() {
        let mut record = HealthRecord::default();
        record.opened(at("2026-11-26T09:00:00Z"));
        let refused = record.report(report(Some("yesterday"), "A"), at("2026-11-26T09:00:01Z"));
        assert!(matches!(refused, Err(DeskError::InvalidInput { .. })));
        assert!(
            record.health().not_live.is_empty(),
            "nothing recorded from it"
        );
        record
            .report(
                report(None, &"Ring of Kerry ".repeat(40)),
                at("2026-11-26T09:00:02Z"),
            )
            .unwrap();
        let title = record.health().last_slide.unwrap().title;
        assert_eq!(title.chars().count(), MOST_TITLE_CHARS);
        assert!(title.ends_with('…'));
    }
}
