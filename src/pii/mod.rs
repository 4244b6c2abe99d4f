//! Protection of personal data (PIPL): resident ID numbers and phones are encrypted with AES-256-GCM
//! and found by exact match through an HMAC-SHA256 "blind index". Both keys are derived from the one
//! secret key of the configuration, which never enters the database.
//!
//! Ciphertext layout: one key-version byte, the 12-byte nonce, then the sealed text, so that a later
//! key rotation can tell old records from new.

pub mod rotation;

use std::path::Path;

use aes_gcm::Aes256Gcm;
use aes_gcm::aead::{Aead, KeyInit, Nonce};
use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretString};
use sha2::Sha256;

const KEY_VERSION: u8 = 1;
const NONCE_LEN: usize = 12;

/// The keys for personal data. Cloning shares nothing mutable; `Debug` shows no key.
#[derive(Clone)]
pub struct Pii {
    cipher: Aes256Gcm,
    index_key: [u8; 32],
    /// For tokens the app hands out and checks (form tokens): a key of its own.
    token_key: [u8; 32],
}

impl std::fmt::Debug for Pii {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pii([keys hidden])")
    }
}

#[derive(Debug, thiserror::Error)]
pub enum PiiError {
    #[error("the secret key must be at least 32 characters")]
    KeyTooShort,
    #[error("a protected value could not be decrypted (wrong key or damaged record)")]
    Decrypt,
}

impl Pii {
    pub fn new(secret: &SecretString) -> Result<Self, PiiError> {
        let secret = secret.expose_secret().as_bytes();
        if secret.len() < 32 {
            return Err(PiiError::KeyTooShort);
        }
        let derive = |purpose: &[u8]| -> [u8; 32] {
            let mut mac =
                Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes any key length");
            mac.update(purpose);
            mac.finalize().into_bytes().into()
        };
        let encryption_key = derive(b"gonghui personal data encryption v1");
        Ok(Self {
            cipher: Aes256Gcm::new_from_slice(&encryption_key).expect("a 32-byte key"),
            index_key: derive(b"gonghui personal data index v1"),
            token_key: derive(b"gonghui form tokens v1"),
        })
    }

    pub fn encrypt(&self, plain: &str) -> Vec<u8> {
        let mut nonce = [0u8; NONCE_LEN];
        getrandom::fill(&mut nonce).expect("the operating system's random generator works");
        let sealed = self
            .cipher
            .encrypt(&Nonce::<Aes256Gcm>::from(nonce), plain.as_bytes())
            .expect("AES-GCM seals any short text");
        let mut out = Vec::with_capacity(1 + NONCE_LEN + sealed.len());
        out.push(KEY_VERSION);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        out
    }

    pub fn decrypt(&self, data: &[u8]) -> Result<String, PiiError> {
        if data.len() < 1 + NONCE_LEN || data[0] != KEY_VERSION {
            return Err(PiiError::Decrypt);
        }
        let nonce: [u8; NONCE_LEN] = data[1..=NONCE_LEN]
            .try_into()
            .map_err(|_| PiiError::Decrypt)?;
        let plain = self
            .cipher
            .decrypt(&Nonce::<Aes256Gcm>::from(nonce), &data[1 + NONCE_LEN..])
            .map_err(|_| PiiError::Decrypt)?;
        String::from_utf8(plain).map_err(|_| PiiError::Decrypt)
    }

    /// The blind index of a (normalised) value: equal values give equal indexes, and without the key
    /// the index tells nothing.
    pub fn index(&self, plain: &str) -> Vec<u8> {
        let mut mac =
            Hmac::<Sha256>::new_from_slice(&self.index_key).expect("HMAC takes any key length");
        mac.update(plain.as_bytes());
        mac.finalize().into_bytes().to_vec()
    }

    /// An HMAC of `data` under the token key, as hex: a value only this server can make.
    pub fn sign(&self, data: &[u8]) -> String {
        let mut mac =
            Hmac::<Sha256>::new_from_slice(&self.token_key).expect("HMAC takes any key length");
        mac.update(data);
        mac.finalize()
            .into_bytes()
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect()
    }

    /// Encrypts large data (an uploaded file) the same way.
    pub fn encrypt_bytes(&self, plain: &[u8]) -> Vec<u8> {
        let mut nonce = [0u8; NONCE_LEN];
        getrandom::fill(&mut nonce).expect("the operating system's random generator works");
        let sealed = self
            .cipher
            .encrypt(&Nonce::<Aes256Gcm>::from(nonce), plain)
            .expect("AES-GCM seals");
        [&[KEY_VERSION][..], &nonce, &sealed].concat()
    }

    pub fn decrypt_bytes(&self, data: &[u8]) -> Result<Vec<u8>, PiiError> {
        if data.len() < 1 + NONCE_LEN || data[0] != KEY_VERSION {
            return Err(PiiError::Decrypt);
        }
        let nonce: [u8; NONCE_LEN] = data[1..=NONCE_LEN]
            .try_into()
            .map_err(|_| PiiError::Decrypt)?;
        self.cipher
            .decrypt(&Nonce::<Aes256Gcm>::from(nonce), &data[1 + NONCE_LEN..])
            .map_err(|_| PiiError::Decrypt)
    }
}

/// The configured secret key, or one kept in `<data>/secret-key` (made on first use, readable by the
/// owner only). Losing that file makes the encrypted ID numbers unreadable: back it up.
pub fn load_or_create_key(
    configured: Option<&SecretString>,
    data_dir: &Path,
) -> Result<SecretString, crate::BoxError> {
    if let Some(key) = configured {
        return Ok(key.clone());
    }
    let path = data_dir.join("secret-key");
    if let Ok(existing) = std::fs::read_to_string(&path) {
        return Ok(SecretString::from(existing.trim().to_string()));
    }
    std::fs::create_dir_all(data_dir)?;
    let key = crate::random::random_hex(32);
    std::fs::write(&path, &key)?;
    std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o600))?;
    tracing::warn!(path = %path.display(), "generated a secret key for personal data: back this file up");
    Ok(SecretString::from(key))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pii() -> Pii {
        Pii::new(&SecretString::from("a test key that is long enough to use")).expect("key")
    }

    #[test]
    fn encrypted_values_decrypt_and_differ_each_time() {
        let pii = pii();
        let a = pii.encrypt("210203199001011234");
        let b = pii.encrypt("210203199001011234");
        assert_ne!(a, b, "a fresh nonce each time");
        assert_eq!(a[0], KEY_VERSION);
        assert_eq!(pii.decrypt(&a).expect("decrypts"), "210203199001011234");
    }

    #[test]
    fn a_damaged_record_or_another_key_does_not_decrypt() {
        let pii = pii();
        let mut sealed = pii.encrypt("13812345678");
        let last = sealed.len() - 1;
        sealed[last] ^= 1;
        assert!(pii.decrypt(&sealed).is_err());
        let other =
            Pii::new(&SecretString::from("another key, also long enough to use")).expect("key");
        assert!(other.decrypt(&pii.encrypt("13812345678")).is_err());
    }

    #[test]
    fn the_blind_index_is_stable_and_keyed() {
        let pii = pii();
        assert_eq!(pii.index("13812345678"), pii.index("13812345678"));
        let other =
            Pii::new(&SecretString::from("another key, also long enough to use")).expect("key");
        assert_ne!(pii.index("13812345678"), other.index("13812345678"));
    }

    #[test]
    fn a_short_key_is_refused() {
        assert!(Pii::new(&SecretString::from("short")).is_err());
    }
}
