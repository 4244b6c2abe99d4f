//! Batch joining and import: an office's roster (CSV, .xlsx, .xls, .ods) uploaded, previewed with
//! every row's problems, confirmed, and written by a background job with its progress shown.

pub mod check;
pub mod files;
pub mod history;
pub mod id_columns;
pub mod job;
pub mod problems;
pub mod queries;
pub mod routes;
pub mod template;
