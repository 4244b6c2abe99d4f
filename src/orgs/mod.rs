//! The union's organisation tree.

pub mod queries;
