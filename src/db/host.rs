//! What the machine offers the embedded cluster: PostgreSQL's server binaries, the `postgres`
//! system user (when the app runs as root), folders that user can reach, and free ports.

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

use super::embedded::{ClusterError, io_error};

/// The uid and gid that the PostgreSQL processes run as, when the app itself runs as root.
#[derive(Debug, Clone, Copy)]
pub(super) struct SystemUser {
    pub(super) uid: u32,
    pub(super) gid: u32,
}

/// Every folder above the data folder must let other users pass, or the postgres user cannot work.
pub(super) fn check_reachable(data_dir: &Path, user: SystemUser) -> Result<(), ClusterError> {
    for folder in data_dir.ancestors() {
        let Ok(meta) = std::fs::metadata(folder) else {
            continue;
        };
        let mode = meta.permissions().mode();
        let passable = if meta.uid() == user.uid {
            mode & 0o100 != 0
        } else if meta.gid() == user.gid {
            mode & 0o010 != 0
        } else {
            mode & 0o001 != 0
        };
        if !passable {
            return Err(ClusterError::DataDirUnreachable(data_dir.to_path_buf()));
        }
    }
    Ok(())
}

pub(super) fn running_as_root() -> bool {
    // The owner of /proc/self is the process's effective uid: no unsafe libc call needed.
    std::fs::metadata("/proc/self").is_ok_and(|meta| meta.uid() == 0)
}

pub(super) fn lookup_system_user(name: &str) -> Option<SystemUser> {
    let passwd = std::fs::read_to_string("/etc/passwd").ok()?;
    passwd
        .lines()
        .find_map(|line| {
            let fields: Vec<&str> = line.split(':').collect();
            (fields.len() >= 4 && fields[0] == name).then(|| SystemUser {
                uid: fields[2].parse().unwrap_or(0),
                gid: fields[3].parse().unwrap_or(0),
            })
        })
        .filter(|user| user.uid != 0)
}

const REQUIRED_BINARIES: [&str; 3] = ["initdb", "pg_ctl", "postgres"];

pub(super) fn has_server_binaries(dir: &Path) -> bool {
    REQUIRED_BINARIES.iter().all(|bin| dir.join(bin).is_file())
}

/// Finds the folder with initdb, pg_ctl and postgres: `GONGHUI_PG_BIN_DIR` if set (and then only
/// there), else PATH, `pg_config --bindir`, and the newest `/usr/lib/postgresql/*/bin`.
pub(super) fn find_bin_dir() -> Result<PathBuf, ClusterError> {
    if let Some(dir) = std::env::var_os("GONGHUI_PG_BIN_DIR") {
        let dir = PathBuf::from(dir);
        return if has_server_binaries(&dir) {
            Ok(dir)
        } else {
            Err(ClusterError::BinariesMissing {
                searched: format!("GONGHUI_PG_BIN_DIR={}", dir.display()),
            })
        };
    }
    let mut candidates: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|path| std::env::split_paths(&path).collect())
        .unwrap_or_default();
    if let Ok(output) = std::process::Command::new("pg_config")
        .arg("--bindir")
        .output()
        && output.status.success()
    {
        candidates.push(PathBuf::from(
            String::from_utf8_lossy(&output.stdout).trim(),
        ));
    }
    let mut versioned: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let version = entry.file_name().to_string_lossy().parse::<u32>().ok()?;
            Some((version, entry.path().join("bin")))
        })
        .collect();
    versioned.sort_by_key(|entry| std::cmp::Reverse(entry.0));
    candidates.extend(versioned.into_iter().map(|(_, dir)| dir));

    candidates
        .iter()
        .find(|dir| has_server_binaries(dir))
        .cloned()
        .ok_or_else(|| ClusterError::BinariesMissing {
            searched: "PATH, pg_config --bindir, /usr/lib/postgresql/*/bin".into(),
        })
}

pub(super) fn free_port() -> Result<u16, ClusterError> {
    let listener =
        std::net::TcpListener::bind("127.0.0.1:0").map_err(io_error("finding a free port"))?;
    listener
        .local_addr()
        .map(|addr| addr.port())
        .map_err(io_error("finding a free port"))
}

pub(super) fn port_is_free(port: u16) -> bool {
    std::net::TcpListener::bind(("127.0.0.1", port)).is_ok()
}
