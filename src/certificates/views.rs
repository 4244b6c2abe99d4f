//! Pages of certificates: an event's list, one certificate to print, and the public check.

use askama::Template;
use askama_web::WebTemplate;

use super::model::grouped;
use super::queries::Certificate;
use crate::competitions::queries::Competition;
use crate::contestants::queries::EventHead;
use crate::web::Ctx;
use crate::web::forms::FieldErrors;

#[derive(Template, WebTemplate)]
#[template(path = "certificates/index.html")]
pub struct ListTemplate {
    pub ctx: Ctx,
    pub competition: Competition,
    pub event: EventHead,
    pub certificates: Vec<Certificate>,
}

/// Every valid certificate of an event, one A4 page each.
#[derive(Template, WebTemplate)]
#[template(path = "certificates/print.html")]
pub struct PrintTemplate {
    pub ctx: Ctx,
    pub competition: Competition,
    pub event: EventHead,
    /// Each certificate with its verification link and QR code.
    pub printed: Vec<(Certificate, String, String)>,
    /// This print run of fifty, counted from 1, and how many there are.
    pub batch: usize,
    pub batches: usize,
}

impl PrintTemplate {
    pub fn other_batches(&self) -> Vec<usize> {
        (1..=self.batches).filter(|b| *b != self.batch).collect()
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "certificates/show.html")]
pub struct CertificateTemplate {
    pub ctx: Ctx,
    pub competition: Competition,
    pub certificate: Certificate,
    /// The verification link the QR code holds, and the code.
    pub url: String,
    pub qr: String,
    pub can_revoke: bool,
    pub reason: String,
    pub errors: FieldErrors,
}

#[derive(Template, WebTemplate)]
#[template(path = "certificates/verify.html")]
pub struct VerifyTemplate {
    pub ctx: Ctx,
    pub serial: String,
    pub searched: bool,
    pub found: Option<Certificate>,
}

impl Certificate {
    pub fn grouped_serial(&self) -> String {
        grouped(&self.serial)
    }

    /// The title of the certificate: 荣誉证书 for an award, 合格证书 for a pass.
    pub fn title_key(&self) -> String {
        format!("certificate.title.{}", self.kind)
    }

    /// What it was given for: the award, or having passed.
    pub fn honour(&self, ctx: &Ctx) -> String {
        match &self.award {
            Some(award) => ctx.tr("result.award.", award),
            None => ctx.t("result.passed").to_string(),
        }
    }

    /// The certificate's sentence, with the holder's name in full or masked.
    pub fn body(&self, ctx: &Ctx, name: &str) -> String {
        let key = if self.award.is_some() {
            "certificate.body.award"
        } else {
            "certificate.body.pass"
        };
        ctx.tf(
            key,
            [
                ("name", name.to_string()),
                ("competition", self.competition_title.clone()),
                ("event", self.event_name.clone()),
                ("award", self.honour(ctx)),
            ],
        )
    }

    pub fn issued(&self, ctx: &Ctx) -> String {
        let day = self.issued_on;
        ctx.tf(
            "certificate.date",
            [
                ("year", day.year().to_string()),
                ("month", u8::from(day.month()).to_string()),
                ("day", day.day().to_string()),
            ],
        )
    }

    pub fn masked_holder(&self) -> String {
        crate::audit::model::mask_name(&self.holder_name)
    }
}
