//! Templates every module shares.

use askama::Template;
use askama_web::WebTemplate;

use super::Ctx;
use crate::error::ErrorPage;

#[derive(Template, WebTemplate)]
#[template(path = "errors/error.html")]
pub struct ErrorTemplate {
    pub ctx: Ctx,
    pub title: &'static str,
    pub message: &'static str,
}

impl ErrorTemplate {
    pub fn new(ctx: Ctx, page: ErrorPage) -> Self {
        let (title, message) = match page {
            ErrorPage::BadRequest => ("error.400.title", "error.400.message"),
            ErrorPage::Forbidden => ("error.403.title", "error.403.message"),
            ErrorPage::NotFound => ("error.404.title", "error.404.message"),
            ErrorPage::Csrf => ("error.csrf.title", "error.csrf.message"),
            ErrorPage::TooManyRequests => ("error.429.title", "error.429.message"),
            ErrorPage::Unprocessable => ("error.422.title", "error.422.message"),
            ErrorPage::Internal => ("error.500.title", "error.500.message"),
            ErrorPage::Busy => ("error.503.title", "error.503.message"),
        };
        Self {
            title: ctx.t(title),
            message: ctx.t(message),
            ctx,
        }
    }
}
