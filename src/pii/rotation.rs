//! Replacing the secret key (after a leak, or on schedule): every sealed value is opened with the
//! old key and sealed again with the new one, and every blind index recomputed, in one transaction,
//! so a failure half-way leaves the old key valid for everything. The app should be stopped; the
//! tables are locked meanwhile all the same.

use sqlx::PgConnection;

use super::{Pii, PiiError};
use crate::BoxError;

/// Rows re-sealed per statement.
const BATCH: i64 = 2_000;

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Rotated {
    pub members: usize,
    pub join_requests: usize,
    pub imports: usize,
    /// Dispute cases of workers who are not members.
    pub dispute_workers: usize,
    /// Workers reached by care campaigns who are not members.
    pub care_workers: usize,
    /// Counselling sessions' notes.
    pub care_notes: usize,
}

pub async fn rotate(tx: &mut PgConnection, old: &Pii, new: &Pii) -> Result<Rotated, BoxError> {
    sqlx::query!(
        "lock table members, join_requests, member_imports, dispute_cases, dispute_case_workers in exclusive mode"
    )
    .execute(&mut *tx)
    .await?;
    let mut rotated = Rotated::default();
    let mut after = 0i64;
    loop {
        let rows = sqlx::query!(
            "select id, id_number_cipher, phone_cipher from members where id > $1 order by id limit $2",
            after,
            BATCH
        )
        .fetch_all(&mut *tx)
        .await?;
        let Some(last) = rows.last() else { break };
        after = last.id;
        let mut ids = Vec::with_capacity(rows.len());
        let (mut id_ciphers, mut id_indexes) = (Vec::new(), Vec::new());
        let (mut phone_ciphers, mut phone_indexes) = (Vec::new(), Vec::new());
        for row in &rows {
            let id_number = old.decrypt(&row.id_number_cipher)?;
            let phone = old.decrypt(&row.phone_cipher)?;
            ids.push(row.id);
            id_ciphers.push(new.encrypt(&id_number));
            id_indexes.push(new.index(&id_number));
            phone_ciphers.push(new.encrypt(&phone));
            phone_indexes.push(new.index(&phone));
        }
        sqlx::query!(
            "update members m set id_number_cipher = u.id_cipher, id_number_index = u.id_index,
                    phone_cipher = u.phone_cipher, phone_index = u.phone_index
             from unnest($1::bigint[], $2::bytea[], $3::bytea[], $4::bytea[], $5::bytea[])
                  as u(id, id_cipher, id_index, phone_cipher, phone_index)
             where m.id = u.id",
            &ids,
            &id_ciphers,
            &id_indexes,
            &phone_ciphers,
            &phone_indexes
        )
        .execute(&mut *tx)
        .await?;
        rotated.members += rows.len();
    }

    // Joining requests are kept after their decision, so a city gathers many: re-sealed in batches.
    let requests = sqlx::query!("select id, id_number_cipher, phone_cipher from join_requests")
        .fetch_all(&mut *tx)
        .await?;
    for chunk in requests.chunks(BATCH as usize) {
        let mut ids = Vec::with_capacity(chunk.len());
        let (mut id_ciphers, mut id_indexes, mut phone_ciphers) =
            (Vec::new(), Vec::new(), Vec::new());
        for request in chunk {
            let id_number = old.decrypt(&request.id_number_cipher)?;
            ids.push(request.id);
            id_ciphers.push(new.encrypt(&id_number));
            id_indexes.push(new.index(&id_number));
            phone_ciphers.push(new.encrypt(&old.decrypt(&request.phone_cipher)?));
        }
        sqlx::query!(
            "update join_requests r set id_number_cipher = u.id_cipher, id_number_index = u.id_index,
                    phone_cipher = u.phone_cipher
             from unnest($1::bigint[], $2::bytea[], $3::bytea[], $4::bytea[])
                  as u(id, id_cipher, id_index, phone_cipher)
             where r.id = u.id",
            &ids,
            &id_ciphers,
            &id_indexes,
            &phone_ciphers
        )
        .execute(&mut *tx)
        .await?;
    }
    rotated.join_requests = requests.len();

    // Uploaded files waiting for confirmation (or kept after it).
    let imports = sqlx::query!(
        r#"select id, payload_cipher as "payload_cipher!" from member_imports
           where payload_cipher is not null"#
    )
    .fetch_all(&mut *tx)
    .await?;
    for import in &imports {
        let bytes = old.decrypt_bytes(&import.payload_cipher)?;
        sqlx::query!(
            "update member_imports set payload_cipher = $2 where id = $1",
            import.id,
            new.encrypt_bytes(&bytes)
        )
        .execute(&mut *tx)
        .await?;
    }
    rotated.imports = imports.len();

    // Workers of dispute cases who are not members: their ID number (with its index) and phone.
    let workers = sqlx::query!(
        r#"select id, worker_id_cipher as "id_cipher!", worker_phone_cipher as "phone_cipher!"
           from dispute_cases where worker_id_cipher is not null"#
    )
    .fetch_all(&mut *tx)
    .await?;
    for worker in &workers {
        let id_number = old.decrypt(&worker.id_cipher)?;
        sqlx::query!(
            "update dispute_cases set worker_id_cipher = $2, worker_id_index = $3,
                    worker_phone_cipher = $4
             where id = $1",
            worker.id,
            new.encrypt(&id_number),
            new.index(&id_number),
            new.encrypt(&old.decrypt(&worker.phone_cipher)?)
        )
        .execute(&mut *tx)
        .await?;
    }
    let further = sqlx::query!(
        r#"select id, worker_id_cipher as "id_cipher!", worker_phone_cipher as "phone_cipher!"
           from dispute_case_workers where worker_id_cipher is not null"#
    )
    .fetch_all(&mut *tx)
    .await?;
    for worker in &further {
        let id_number = old.decrypt(&worker.id_cipher)?;
        sqlx::query!(
            "update dispute_case_workers set worker_id_cipher = $2, worker_id_index = $3,
                    worker_phone_cipher = $4
             where id = $1",
            worker.id,
            new.encrypt(&id_number),
            new.index(&id_number),
            new.encrypt(&old.decrypt(&worker.phone_cipher)?)
        )
        .execute(&mut *tx)
        .await?;
    }
    rotated.dispute_workers = workers.len() + further.len();
    (rotated.care_workers, rotated.care_notes) = rotate_care(tx, old, new).await?;
    Ok(rotated)
}

/// The care campaigns' sealed values: the ID numbers and phones of workers who are not members
/// (with the blind index that counts each worker once), every member's copy of that index, and
/// the counsellors' notes. Runs after the members, whose indexes the copies follow.
async fn rotate_care(
    tx: &mut PgConnection,
    old: &Pii,
    new: &Pii,
) -> Result<(usize, usize), BoxError> {
    sqlx::query!("lock table care_recipients, care_sessions in exclusive mode")
        .execute(&mut *tx)
        .await?;
    sqlx::query!(
        "update care_recipients r set person_index = m.id_number_index
         from members m where m.id = r.member_id"
    )
    .execute(&mut *tx)
    .await?;
    let (mut workers, mut after) = (0, 0i64);
    loop {
        let rows = sqlx::query!(
            r#"select id, id_cipher as "id_cipher!", phone_cipher as "phone_cipher!"
               from care_recipients where id_cipher is not null and id > $1 order by id limit $2"#,
            after,
            BATCH
        )
        .fetch_all(&mut *tx)
        .await?;
        let Some(last) = rows.last() else { break };
        after = last.id;
        let (mut ids, mut id_ciphers, mut indexes, mut phones) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for row in &rows {
            let id_number = old.decrypt(&row.id_cipher)?;
            ids.push(row.id);
            id_ciphers.push(new.encrypt(&id_number));
            indexes.push(new.index(&id_number));
            phones.push(new.encrypt(&old.decrypt(&row.phone_cipher)?));
        }
        sqlx::query!(
            "update care_recipients r set id_cipher = u.id_cipher, person_index = u.person_index,
                    phone_cipher = u.phone_cipher
             from unnest($1::bigint[], $2::bytea[], $3::bytea[], $4::bytea[])
                  as u(id, id_cipher, person_index, phone_cipher)
             where r.id = u.id",
            &ids,
            &id_ciphers,
            &indexes,
            &phones
        )
        .execute(&mut *tx)
        .await?;
        workers += rows.len();
    }
    let notes = sqlx::query!(
        r#"select id, notes_cipher as "notes!" from care_sessions where notes_cipher is not null"#
    )
    .fetch_all(&mut *tx)
    .await?;
    for note in &notes {
        let plain = old.decrypt(&note.notes)?;
        sqlx::query!(
            "update care_sessions set notes_cipher = $2 where id = $1",
            note.id,
            new.encrypt(&plain)
        )
        .execute(&mut *tx)
        .await?;
    }
    Ok((workers, notes.len()))
}

/// Whether `pii` opens the stored values: a check before rotating, so a wrong "old" key stops
/// the command before it changes anything.
pub async fn opens_stored_values(tx: &mut PgConnection, pii: &Pii) -> Result<bool, BoxError> {
    let sample = sqlx::query_scalar!("select id_number_cipher from members order by id limit 1")
        .fetch_optional(&mut *tx)
        .await?;
    Ok(match sample {
        None => true,
        Some(cipher) => !matches!(pii.decrypt(&cipher), Err(PiiError::Decrypt)),
    })
}
