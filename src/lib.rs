//! Quietline: a confidential, encrypted call log for a volunteer helpline.
//!
//! This crate is the whole of Quietline's logic: the call model and theme
//! list, the encrypted store, import, the report and the CLI. The desktop
//! shell only adapts its commands to this API.

pub mod app;
pub mod cli;
pub mod crypto;
pub mod files;
pub mod import;
pub mod model;
pub mod period;
pub mod report;
pub mod returns;
pub mod safeguarding;
pub mod store;
pub mod synth;
pub mod themes;
