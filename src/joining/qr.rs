//! The printable QR code of an organisation's joining link, and the joining ceremony that lifts the
//! form's per-address limit for a day.

use axum::extract::{Path, State};
use axum::response::Response;

use super::queries;
use super::views::QrTemplate;
use crate::access::{CurrentUser, Reader, Role, Staff};
use crate::audit::{self, Change};
use crate::error::{AppError, AppResult};
use crate::orgs::model::OrgStatus;
use crate::orgs::queries::{self as org_queries, Organisation};
use crate::state::AppState;
use crate::web::export::download;
use crate::web::qr;
use crate::web::{Ctx, Flash, redirect_with};

/// A printable page with the organisation's joining link as a QR code (for a station's wall or a
/// joining ceremony).
pub async fn show_qr(
    State(state): State<AppState>,
    ctx: Ctx,
    Reader(user): Reader,
    Path(id): Path<i64>,
) -> AppResult<QrTemplate> {
    let (org, url) = joining_link(&state, &user, id).await?;
    let svg = qr::inline_svg(&url, 240)?;
    Ok(QrTemplate {
        ctx,
        ceremony_open: queries::ceremony_open(&state.db, org.id).await?,
        can_hold_ceremony: user.can(Role::Staff) && org.status == OrgStatus::Active,
        usual_limit: state.settings.join_max_per_hour,
        organisation_id: org.id,
        organisation_name: org.name,
        url,
        svg,
    })
}

/// The joining link as a standalone SVG file, for posters and print shops.
pub async fn show_qr_svg(
    State(state): State<AppState>,
    Reader(user): Reader,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let (org, url) = joining_link(&state, &user, id).await?;
    let svg = qr::code(&url)?
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(1024, 1024)
        .build();
    let name = format!("入会二维码-{}.svg", org.code);
    Ok(download("image/svg+xml", &name, svg.into_bytes()))
}

/// The joining link as a PNG image (1,000 pixels and more across), for chats and documents.
pub async fn show_qr_png(
    State(state): State<AppState>,
    Reader(user): Reader,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let (org, url) = joining_link(&state, &user, id).await?;
    let code = qr::code(&url)?;
    let modules = code.width();
    let colors = code.to_colors();
    // The four-module quiet zone the standard asks for, and modules large enough that the image
    // is at least 1,024 pixels across (a poster prints it at 12 cm).
    let quiet = 4;
    let scale = 1024_usize.div_ceil(modules + 2 * quiet);
    let side = (modules + 2 * quiet) * scale;
    let pixels: Vec<Vec<bool>> = (0..side)
        .map(|y| {
            (0..side)
                .map(|x| {
                    let (mx, my) = (
                        (x / scale).wrapping_sub(quiet),
                        (y / scale).wrapping_sub(quiet),
                    );
                    mx < modules && my < modules && colors[my * modules + mx] == qrcode::Color::Dark
                })
                .collect()
        })
        .collect();
    let png = crate::web::png::grayscale(side as u32, &pixels);
    Ok(download(
        "image/png",
        &format!("入会二维码-{}.png", org.code),
        png,
    ))
}

/// An organisation in the user's scope and its public joining link.
async fn joining_link(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
) -> AppResult<(Organisation, String)> {
    let org = org_queries::find_in_scope(&state.db, id, &user.scope)
        .await?
        .ok_or(AppError::NotFound)?;
    let url = format!("{}/join/{}", state.settings.public_url(), org.code);
    Ok((org, url))
}

/// The QR page of an organisation in the user's scope that takes new members.
async fn active_organisation(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
) -> AppResult<Organisation> {
    org_queries::find_in_scope(&state.db, id, &user.scope)
        .await?
        .filter(|org| org.status == OrgStatus::Active)
        .ok_or(AppError::NotFound)
}

/// Opens today's joining ceremony: the organisation's form takes up to a thousand requests an
/// hour from one address until staff close it or the day ends.
pub async fn create_ceremony(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let org = active_organisation(&state, &user, id).await?;
    let mut tx = state.db.begin().await?;
    if queries::open_ceremony(&mut *tx, org.id, user.id, &user.display_name).await? {
        let change = ceremony_change(org.id, "open_ceremony");
        audit::record(&mut *tx, &ctx.actor(&user), change).await?;
    }
    tx.commit().await?;
    let to = format!("/orgs/{id}/join-qr");
    Ok(redirect_with(Flash::success("join.ceremony.opened"), &to))
}

/// Closes today's joining ceremony: the ordinary per-address limit applies again.
pub async fn delete_ceremony(
    State(state): State<AppState>,
    ctx: Ctx,
    Staff(user): Staff,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let org = active_organisation(&state, &user, id).await?;
    let mut tx = state.db.begin().await?;
    if queries::close_ceremony(&mut *tx, org.id).await? {
        let change = ceremony_change(org.id, "close_ceremony");
        audit::record(&mut *tx, &ctx.actor(&user), change).await?;
    }
    tx.commit().await?;
    let to = format!("/orgs/{id}/join-qr");
    Ok(redirect_with(Flash::success("join.ceremony.closed"), &to))
}

fn ceremony_change(organisation_id: i64, action: &'static str) -> Change<'static> {
    Change {
        entity: "organisation",
        entity_id: organisation_id.to_string(),
        action,
        organisation_id: Some(organisation_id),
        before: None,
        after: None,
    }
}
