//! Staff accounts as administrators manage them.

pub mod queries;
