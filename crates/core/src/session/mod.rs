//! Who is signed in where: this computer's data folder and the addresses the desk talks to
//! ([`config`]), and the staff token, kept in the OS keyring only ([`secrets`]).

pub mod config;
pub mod secrets;
