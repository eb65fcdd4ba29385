//! The benchmark's marks (`cargo xtask bench app`): nothing at all unless the desk was started
//! with `HOTELMATE_BENCH_MARKS`.

use hotelmate_core::UiError;

command! {
    /// A moment the UI reached (`first-paint`, `first-offers-painted`, the display's
    /// `display-painted`), for the benchmark and the tests that watch a page come back.
    windows: [main, display]
    pub fn bench_mark(name: String) -> Result<(), UiError> {
        crate::bench::mark(&name);
        Ok(())
    }
}
