//! My shifts and my hours (`desk.handle::<MyShiftsHandle>()`): the screen's view from the desk's
//! copy (no network; "as of" when it was read), and the reads that keep that copy current. No
//! event announces a shift (API.md §14.6), so they are read when the desk starts, on every
//! reconnect (a resume from sleep is one), when the hotel's day changes (its midnight in the
//! hotel's zone, [`HotelZone`]), when my clock changes, and every [`READ_EVERY`].

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::broadcast::error::RecvError;

use crate::api::ApiError;
use crate::context::hotel_zone::HotelZone;
use crate::context::{lock, Context, DeskError, Handle, Parts};
use crate::events::{ConnectionStatus, DeskEvent};
use crate::features::my_shifts::model::{self, MyShifts};
use crate::features::my_shifts::read::{self, Me, ReadError};

/// How often they are read again while signed in (§14.6: "every 15–30 min"). Twenty minutes
/// is three requests or more (shifts, periods at fd6c529, a page or a few of logs): about 0.15
/// to 0.25 requests a minute per desk.
pub(crate) const READ_EVERY: Duration = Duration::from_secs(20 * 60);

/// My shifts and my hours on a signed-in desk.
pub struct MyShiftsHandle<'a> {
    cx: &'a Arc<Context>,
}

impl<'a> Handle<'a> for MyShiftsHandle<'a> {
    fn open(parts: Parts<'a>) -> Self {
        Self { cx: parts.0 }
    }
}

/// Who is signed in, as the reads need it.
fn me(cx: &Context) -> Result<Me, DeskError> {
    let running = cx.running()?;
    let row = lock(&running.identity);
    Ok(Me {
        slug: row.hotel_slug.clone(),
        staff_id: row.staff_id,
        hotel_id: row.hotel_id,
        generation: row.generation,
    })
}

fn desk_error(err: ReadError) -> DeskError {
    match err {
        ReadError::Api(err) => DeskError::Api(err),
        ReadError::Store(err) => DeskError::Store(err),
        ReadError::Malformed(message) => DeskError::Api(ApiError::Unsupported { message }),
    }
}

impl MyShiftsHandle<'_> {
    /// What the screen shows, from the desk's copy (offline too): my shifts of this week and the
    /// next 14 days, and my hours of this week and the four before, "as of" the last read.
    pub fn view(&self) -> Result<MyShifts, DeskError> {
        let me = me(self.cx)?;
        let copy = read::kept(&self.cx.store, &me)?.unwrap_or_default();
        let published = |period: Option<i64>| {
            let period = period?;
            copy.published.iter().find(|(id, _)| *id == period).map(|(_, p)| *p)
        };
        let zone = HotelZone::of_desk(&self.cx.store);
        Ok(MyShifts {
            shifts: model::shifts(&copy.shifts, &published),
            weeks: model::weeks(&copy.logs, jiff::Timestamp::now(), &zone.zone),
            as_of: (!copy.fetched_at.is_empty()).then_some(copy.fetched_at),
            time_zone: zone.name,
            time_zone_guessed: !zone.chosen,
        })
    }

    /// Reads them from the server now (the screen's "refresh"), then shows them.
    pub async fn refresh(&self) -> Result<MyShifts, DeskError> {
        let running = self.cx.running()?;
        let me = me(self.cx)?;
        read::refresh(&running.client, &self.cx.store, &me, hotel_today(self.cx))
            .await
            .map_err(desk_error)?;
        self.view()
    }
}

/// Starts keeping my shifts and hours current for a signed-in desk.
pub(crate) fn start(cx: Arc<Context>) -> tokio::task::JoinHandle<()> {
    let events = cx.events.clone();
    crate::engine::supervise::supervised("reading my shifts", events, move || {
        keep_current(cx.clone())
    })
}

/// The hotel's date now.
fn hotel_today(cx: &Context) -> jiff::civil::Date {
    model::day_in(jiff::Timestamp::now(), &HotelZone::of_desk(&cx.store).zone)
}

/// Time until a few seconds after the hotel's next midnight (read from the desk's setting each
/// time: a zone chosen meanwhile counts from the next wait on).
fn until_tomorrow(cx: &Context) -> Duration {
    let now = jiff::Timestamp::now();
    model::next_midnight(now, &HotelZone::of_desk(&cx.store).zone)
        .and_then(|midnight| Duration::try_from(midnight.duration_since(now)).ok())
        .map_or(READ_EVERY, |left| left + Duration::from_secs(5))
}

/// The events of my own attendance channel (API.md §14.6, 12e538a): a manager approved or
/// rejected my clock-in, or a warning about my open one; each is a reason to read my hours again.
const MY_LOG_EVENTS: [&str; 5] = [
    "clocklog-approved",
    "clocklog-rejected",
    "break-warning",
    "overtime-warning",
    "hard-limit-warning",
];

/// My attendance channel (12e538a; §14.6, public), held while the desk is live.
type Mine = (pusher_channels::Channel, pusher_channels::EventStream);

/// Subscribes to my attendance channel on the desk's Pusher connection, where the server has one.
async fn subscribe_mine(cx: &Context, me: &Me) -> Option<Mine> {
    if me.generation != crate::api::Generation::Hotelmate2026 {
        return None;
    }
    let client = cx.running().ok()?.sync.socket_client()?;
    let name = format!("attendance-{}-staff-{}", me.slug, me.staff_id);
    let channel = tokio::time::timeout(Duration::from_secs(10), client.subscribe(&name))
        .await
        .ok()?
        .map_err(|err| tracing::info!(error = %err, "my attendance channel is not followed"))
        .ok()?;
    let events = channel.events();
    Some((channel, events))
}

/// Whether I am on duty, as the desk last heard.
fn my_duty(cx: &Context) -> Option<bool> {
    cx.running().ok().and_then(|running| lock(&running.identity).is_on_duty)
}

/// Reads at the start, then on each reconnect, at the hotel's midnight, when my clock changes
/// (clocked here or elsewhere: §14.6 "refetch after any attendance event for this staff
/// member"), on each event of my own attendance channel and every [`READ_EVERY`].
async fn keep_current(cx: Arc<Context>) {
    let mut events = cx.events.subscribe();
    let mut online = true;
    let mut on_duty = my_duty(&cx);
    let mut mine: Option<Mine> = None;
    loop {
        match (me(&cx), cx.running()) {
            (Ok(me), Ok(running)) => {
                if mine.is_none() {
                    mine = subscribe_mine(&cx, &me).await;
                }
                let today = hotel_today(&cx);
                match read::refresh(&running.client, &cx.store, &me, today).await {
                    // The screen reads the copy again (it may show the one before).
                    Ok(_) => cx.emit(DeskEvent::ViewChanged {
                        view: crate::events::View::MyShifts,
                    }),
                    Err(err) => tracing::info!(error = %err, "my shifts were not read"),
                }
            }
            _ => return,
        }
        let wait = READ_EVERY.min(until_tomorrow(&cx));
        let timer = tokio::time::sleep(wait);
        tokio::pin!(timer);
        loop {
            tokio::select! {
                () = &mut timer => break,
                heard = async {
                    match mine.as_mut() {
                        Some((_, stream)) => stream.recv().await,
                        None => std::future::pending().await,
                    }
                } => match heard {
                    Some(heard) if MY_LOG_EVENTS.contains(&heard.event.as_str()) => break,
                    Some(_) => {}
                    None => mine = None,
                },
                event = events.recv() => match event {
                    Ok(DeskEvent::Connection { status }) => {
                        let now_online = matches!(status, ConnectionStatus::Online);
                        let back = now_online && !online;
                        online = now_online;
                        if now_online && mine.is_none() {
                            if let Ok(me) = me(&cx) {
                                mine = subscribe_mine(&cx, &me).await;
                            }
                        }
                        if back {
                            break;
                        }
                    }
                    Ok(DeskEvent::SessionChanged { session: Some(session) })
                        if session.is_on_duty != on_duty =>
                    {
                        on_duty = session.is_on_duty;
                        break;
                    }
                    Ok(_) | Err(RecvError::Lagged(_)) => {}
                    Err(RecvError::Closed) => return,
                },
            }
        }
    }
}
