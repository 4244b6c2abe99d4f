//! The audit trail: every change, who made it, from where, before and after.

pub mod model;
pub mod queries;

pub use model::Actor;
pub use queries::{Change, record};
