//! Every feature, tested through HTTP as a user would use it, against real PostgreSQL.

// Tests may unwrap: a panic is how a test says what failed.
#![allow(clippy::unwrap_used)]

mod access;
mod aid;
mod applications;
mod audit;
mod auth;
mod budget;
mod care;
mod care_funding;
mod certificates;
mod checkups;
mod cluster;
mod collective_disputes;
mod competitions;
mod contracts;
mod coverage;
mod dispute_evidence;
mod dispute_list;
mod dispute_statistics;
mod disputes;
mod employers;
mod foundation;
mod helpers;
mod honours;
mod hostile_files;
mod imports;
mod input;
mod jobs;
mod join_queue;
mod joining;
mod judge_items;
mod letters;
mod marks;
mod members;
mod org_picker;
mod orgs;
mod registration;
mod registration_files;
mod results;
mod station_routes;
mod station_totals;
mod stations;
mod statistics;
mod uploads;
mod users;
