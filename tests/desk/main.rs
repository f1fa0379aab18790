//! Integration tests: the real `desk` binary on temporary databases.

mod harness;

mod concurrency;
mod field_cases;
mod history;
mod hostile;
mod tickets;
