//! What every handler can reach: the pool, the settings and the keys. A leaf: it imports no feature.

use std::sync::Arc;

use sqlx::PgPool;

use crate::config::Settings;

#[derive(Clone)]
pub struct AppState {
    pub db: PgPool,
    pub settings: Arc<Settings>,
    /// The keys protecting personal data.
    pub pii: Arc<crate::pii::Pii>,
    /// Rendered pieces of pages whose data is frozen.
    pub fragments: Arc<crate::web::fragments::Fragments>,
    /// The districts (id, name), read once: only the seed writes them, before the app serves.
    pub districts: Arc<tokio::sync::OnceCell<Vec<(i64, String)>>>,
}
