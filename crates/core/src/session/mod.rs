//! Who is signed in where: this computer's data folder and the addresses the desk talks to
//! ([`config`]), what a hotel's IT presets for every user of the computer ([`system`]), and the
//! staff token, kept in the OS keyring only ([`secrets`]), and the slow hashes of what is checked
//! offline ([`hashes`]).

pub mod config;
pub mod hashes;
pub mod secrets;
pub mod system;
