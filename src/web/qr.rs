//! QR codes of links (a joining link, a certificate's verification page), inline in pages as SVG.

use crate::error::{AppError, AppResult};

pub fn code(text: &str) -> AppResult<qrcode::QrCode> {
    qrcode::QrCode::new(text.as_bytes()).map_err(AppError::internal)
}

/// The code as an `<svg>` element at least `side` pixels across, to inline into a page.
pub fn inline_svg(text: &str, side: u32) -> AppResult<String> {
    let svg = code(text)?
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(side, side)
        .build();
    // Inlined into the page: the XML declaration does not belong there.
    Ok(match svg.find("<svg") {
        Some(start) => svg[start..].to_string(),
        None => svg,
    })
}
