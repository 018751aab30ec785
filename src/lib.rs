//! Quietline: a confidential, encrypted call log for a volunteer helpline.
//!
//! This crate is the whole of Quietline's logic: the call model and theme
//! list, the encrypted store, import, the report, and the use cases both
//! front doors call ([`app`]). The `quietline` command line (`src/cli/`,
//! the binary's own modules, behind the `cli` feature) and the desktop
//! shell only parse, ask, call [`app`] and show what it returns.

// Nothing from a user, a file or the disk may panic the program; tests may.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod app;
pub mod crypto;
pub mod files;
pub mod import;
pub mod model;
pub mod period;
pub mod process;
pub mod profile;
pub mod report;
pub mod returns;
pub mod safeguarding;
pub mod store;
pub mod synth;
pub mod themes;
