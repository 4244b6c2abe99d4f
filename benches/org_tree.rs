//! How the organisation tree queries hold up at the size of a large city: 10,000 organisations in
//! 8 levels. Run with `cargo bench --bench org_tree`; figures are recorded in docs/benchmarks.md.
//!
//! It starts its own throwaway PostgreSQL (as the tests do), fills the tree, and times each query
//! the tree pages make, reporting the median and the 99th percentile.

use std::time::{Duration, Instant};

use gonghui::access::Scope;
use gonghui::db::embedded::{Cluster, Durability};
use gonghui::orgs::queries;
use secrecy::ExposeSecret;
use sqlx::PgPool;

const LEVEL_SIZES: [i64; 8] = [1, 12, 40, 120, 360, 1000, 2800, 5667];
const RUNS: usize = 200;

#[tokio::main]
async fn main() -> Result<(), gonghui::BoxError> {
    let dir = std::env::temp_dir().join("gonghui-bench-cluster");
    let cluster = Cluster::locate(&dir, Durability::Throwaway)?;
    cluster.start().await?;
    let admin = PgPool::connect(cluster.url("postgres")?.expose_secret()).await?;
    sqlx::query("drop database if exists bench_tree with (force)")
        .execute(&admin)
        .await?;
    sqlx::query("create database bench_tree")
        .execute(&admin)
        .await?;
    let pool = PgPool::connect(cluster.url("bench_tree")?.expose_secret()).await?;
    gonghui::db::migrate(&pool).await?;

    let started = Instant::now();
    fill(&pool).await?;
    let total: i64 = sqlx::query_scalar("select count(*) from organisations")
        .fetch_one(&pool)
        .await?;
    let depth: i32 = sqlx::query_scalar("select max(nlevel(path)) from organisations")
        .fetch_one(&pool)
        .await?;
    println!(
        "filled {total} organisations in {depth} levels in {:.1?}",
        started.elapsed()
    );
    sqlx::query("analyze organisations").execute(&pool).await?;

    let root: String =
        sqlx::query_scalar("select path::text from organisations where parent_id is null")
            .fetch_one(&pool)
            .await?;
    let (mid_id, mid_path): (i64, String) = sqlx::query_as(
        "select id, path::text from organisations where nlevel(path) = 3 order by id limit 1",
    )
    .fetch_one(&pool)
    .await?;
    let leaf: i64 = sqlx::query_scalar(
        "select id from organisations where nlevel(path) = 8 order by id desc limit 1",
    )
    .fetch_one(&pool)
    .await?;

    report(
        "tree page, whole city (4 levels)",
        time(|| async { queries::list_tree(&pool, &root, 3).await.map(drop) }).await?,
    );
    report(
        "tree page, one district (4 levels)",
        time(|| async { queries::list_tree(&pool, &mid_path, 3).await.map(drop) }).await?,
    );
    report(
        "subtree counts of a district",
        time(|| async { queries::subtree_counts(&pool, mid_id).await.map(drop) }).await?,
    );
    report(
        "find a leaf within the city's scope",
        time(|| async {
            queries::find_in_scope(&pool, leaf, &Scope::of(&root))
                .await
                .map(drop)
        })
        .await?,
    );
    report(
        "find a leaf outside a district's scope",
        time(|| async {
            queries::find_in_scope(&pool, leaf, &Scope::of(&mid_path))
                .await
                .map(drop)
        })
        .await?,
    );
    report(
        "search 3 characters (物流有) in the city",
        time(|| async {
            queries::search(&pool, &Scope::of(&root), "物流有")
                .await
                .map(drop)
        })
        .await?,
    );
    report(
        "search 2 characters (快递) in the city",
        time(|| async {
            queries::search(&pool, &Scope::of(&root), "快递")
                .await
                .map(drop)
        })
        .await?,
    );
    report(
        "breadcrumbs of a leaf",
        time(|| async {
            let path: String =
                sqlx::query_scalar("select path::text from organisations where id = $1")
                    .bind(leaf)
                    .fetch_one(&pool)
                    .await?;
            queries::list_ancestors_in_scope(&pool, &path, &Scope::of(&root))
                .await
                .map(drop)
        })
        .await?,
    );

    // Moving a district (a few hundred organisations) back and forth, each move one transaction.
    let (a, b): (i64, i64) =
        sqlx::query_as("select min(id), max(id) from organisations where nlevel(path) = 2")
            .fetch_one(&pool)
            .await?;
    let mut durations = Vec::new();
    for run in 0..40 {
        let target = if run % 2 == 0 { b } else { a };
        let (id, path): (i64, String) = sqlx::query_as(
            "select id, path::text from organisations where nlevel(path) = 3 order by id limit 1",
        )
        .fetch_one(&pool)
        .await?;
        let parent_path: String =
            sqlx::query_scalar("select path::text from organisations where id = $1")
                .bind(target)
                .fetch_one(&pool)
                .await?;
        let started = Instant::now();
        let mut tx = pool.begin().await?;
        queries::move_subtree(&mut *tx, id, &path, target, &parent_path).await?;
        tx.commit().await?;
        durations.push(started.elapsed());
    }
    let moved: i64 = sqlx::query_scalar(
        "select count(*) from organisations where path <@ (select path from organisations where nlevel(path) = 3 order by id limit 1)",
    )
    .fetch_one(&pool)
    .await?;
    report(
        &format!("move a subtree of {moved} organisations"),
        durations,
    );

    pool.close().await;
    admin.close().await;
    cluster.stop().await?;
    Ok(())
}

async fn fill(pool: &PgPool) -> sqlx::Result<()> {
    sqlx::query("insert into organisations (kind, name, code) values ('city_federation', '基准市总工会', 'B-ROOT')")
        .execute(pool)
        .await?;
    for (level, size) in LEVEL_SIZES.iter().enumerate().skip(1) {
        sqlx::query(
            r#"with parents as (select array_agg(id order by id) as ids from organisations where nlevel(path) = $1)
               insert into organisations (parent_id, kind, name, code)
               select ids[1 + g % cardinality(ids)], 'grassroots_union',
                      (array['物流','快递','装备制造','港口','化工','电力','教育','金融'])[1 + g % 8]
                        || '有限公司第' || g || '号工会',
                      'B' || $1 || '-' || g
               from parents, generate_series(1, $2) g"#,
        )
        .bind(level as i32)
        .bind(size)
        .execute(pool)
        .await?;
    }
    Ok(())
}

async fn time<F, Fut>(mut query: F) -> sqlx::Result<Vec<Duration>>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = sqlx::Result<()>>,
{
    for _ in 0..10 {
        query().await?;
    }
    let mut durations = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let started = Instant::now();
        query().await?;
        durations.push(started.elapsed());
    }
    Ok(durations)
}

fn report(name: &str, mut durations: Vec<Duration>) {
    durations.sort();
    let at = |q: f64| durations[((durations.len() as f64 - 1.0) * q).round() as usize];
    println!(
        "{name:<48} p50 {:>8.2?}   p99 {:>8.2?}   (n={})",
        at(0.5),
        at(0.99),
        durations.len()
    );
}
