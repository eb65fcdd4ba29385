// Generated from the Rust types in crates/core by ts-rs. Do not edit by hand:
// run `UPDATE_GENERATED=1 cargo test -p hotelmate-core typescript`.

export type PusherEndpoint = { "kind": "hosted", key: string, cluster: string, } | { "kind": "self_hosted", key: string, host: string, port: number, tls: boolean, };

export type SessionInfo = { username: string, first_name: string, last_name: string, 
/**
 * "Anna Byrne", or the username when the server has no names.
 */
display_name: string, role: string | null, department: string | null, hotel_name: string, hotel_slug: string, staff_id: number, 
/**
 * What to call the server in the UI: "Demo hotel (this computer)" or its host name.
 */
server_label: string, is_demo: boolean, };

export type SignInRequest = { server_url: string, username: string, password: string, 
/**
 * Live updates; `None` signs in without them.
 */
pusher: PusherEndpoint | null, };

export type ConnectionStatus = { "state": "unknown" } | { "state": "online" } | { "state": "offline", since: string, reason: string, };

export type DeskEvent = { "type": "session_changed", session: SessionInfo | null, } | { "type": "session_expired", message: string, } | { "type": "connection", status: ConnectionStatus, };

export type UiError = { code: string, message: string, };
