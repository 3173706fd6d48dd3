//! Online tiles: the ONLY place in the program that makes an HTTP client or sends a request.
//! Process-wide counters record both, so tests can prove that default settings never touch
//! the network. Tiles are served from the on-disk cache when fresh, fetched otherwise, and the
//! cached copy (however old) is used when the network is down.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use super::cache::{DiskCache, source_key};
use super::source::CustomSource;
use super::{PackageInfo, TileError, TileFormat, TileSource};

static CLIENTS_CREATED: AtomicUsize = AtomicUsize::new(0);
static REQUESTS_SENT: AtomicUsize = AtomicUsize::new(0);

/// HTTP clients made so far in this process.
pub fn clients_created() -> usize {
    CLIENTS_CREATED.load(Ordering::SeqCst)
}

/// Tile requests sent so far in this process.
pub fn requests_sent() -> usize {
    REQUESTS_SENT.load(Ordering::SeqCst)
}

/// A cached tile younger than this is used without asking the server again.
const FRESH: Duration = Duration::from_secs(7 * 24 * 3600);

/// Tiles from a server, through the disk cache.
pub struct OnlineTiles {
    server: CustomSource,
    key: String,
    client: reqwest::blocking::Client,
    cache: Option<DiskCache>,
    info: PackageInfo,
}

impl OnlineTiles {
    /// Makes the HTTP client for `server`. Call only when the user has allowed online tiles.
    ///
    /// # Errors
    /// When the TLS or HTTP client cannot be set up.
    pub fn new(server: CustomSource, cache: Option<DiskCache>) -> Result<OnlineTiles, String> {
        CLIENTS_CREATED.fetch_add(1, Ordering::SeqCst);
        // reqwest is built without a crypto provider (as walkers' is); use ring's.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::blocking::Client::builder()
            .user_agent(concat!(
                "sitview/",
                env!("CARGO_PKG_VERSION"),
                " (Situation Viewer)"
            ))
            .timeout(Duration::from_secs(20))
            .build()
            .map_err(|e| format!("cannot set up HTTP: {e}"))?;
        Ok(OnlineTiles {
            key: source_key(&server.url_template),
            info: PackageInfo {
                name: server.name.clone(),
                attribution: server.attribution.clone(),
                format: TileFormat::Unknown,
                min_zoom: 0,
                max_zoom: 19,
                bounds: None,
            },
            server,
            client,
            cache,
        })
    }

    fn fetch(&self, z: u8, x: u32, y: u32) -> Result<Option<Vec<u8>>, String> {
        REQUESTS_SENT.fetch_add(1, Ordering::SeqCst);
        let response = self
            .client
            .get(self.server.url(z, x, y))
            .send()
            .map_err(|e| e.to_string())?;
        if response.status() == reqwest::StatusCode::NOT_FOUND {
            return Ok(None);
        }
        let response = response.error_for_status().map_err(|e| e.to_string())?;
        let bytes = response.bytes().map_err(|e| e.to_string())?;
        Ok(Some(bytes.to_vec()))
    }
}

impl TileSource for OnlineTiles {
    fn tile(&self, z: u8, x: u32, y: u32) -> Result<Option<Vec<u8>>, TileError> {
        let cached = self.cache.as_ref().and_then(|c| c.get(&self.key, z, x, y));
        if let Some((bytes, age)) = &cached
            && *age < FRESH
        {
            return Ok(Some(bytes.clone()));
        }
        match self.fetch(z, x, y) {
            Ok(Some(bytes)) => {
                if let Some(c) = &self.cache {
                    let _ = c.put(&self.key, z, x, y, &bytes);
                }
                Ok(Some(bytes))
            }
            Ok(None) => Ok(None),
            // Offline or the server failed: an old copy beats none.
            Err(e) => match cached {
                Some((bytes, _)) => Ok(Some(bytes)),
                None => Err(TileError::new(
                    std::path::Path::new(&self.server.url(z, x, y)),
                    e,
                )),
            },
        }
    }

    fn info(&self) -> &PackageInfo {
        &self.info
    }
}
