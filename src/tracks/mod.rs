//! The catalogue of tracks (赛道): the fields contests are held in, frontier (新质生产力) or
//! traditional, with the year each was first opened. Applications name one; competitions extend
//! this catalogue rather than keeping their own.

pub mod queries;
pub mod routes;

use axum::Router;
use axum::routing::get;

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/tracks", get(routes::index).post(routes::create))
}
