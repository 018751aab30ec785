//! End-to-end tests of the `quietline` library and CLI, one module per area.

mod support;

mod activity;
mod app;
mod app_report;
mod architecture;
mod cli;
mod compatibility;
mod encryption;
mod fuzz_corpus;
mod import;
mod keeping;
mod ledger;
mod profile;
mod report_html;
mod returns;
mod vault;
