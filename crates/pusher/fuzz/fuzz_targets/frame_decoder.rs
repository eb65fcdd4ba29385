//! Fuzzes the frame decoder: any text a server sends must decode to a frame or an error, never a panic.
//! Run: `cd crates/pusher/fuzz && cargo +nightly fuzz run frame_decoder -- -max_total_time=60`
#![no_main]

use libfuzzer_sys::fuzz_target;
use pusher_channels::protocol::{classify, decode_data, decode_frame};

fuzz_target!(|bytes: &[u8]| {
    let text = String::from_utf8_lossy(bytes);
    // A tiny limit and a large one: both paths of the size check.
    for limit in [64, 1 << 20] {
        if let Ok(frame) = decode_frame(&text, limit) {
            let _ = classify(frame);
        }
    }
    let _ = decode_data(serde_json::Value::String(text.into_owned()));
});
