//! Announces cases still running past a threshold, as libtest does after 60 seconds, so
//! a long `uv sync` or nix build is visibly alive rather than silently hung.

use std::sync::{Arc, Mutex, Once, Weak};
use std::time::{Duration, Instant};

/// Cases running now, and whether each was announced.
pub struct Watch {
    threshold: Duration,
    running: Mutex<Vec<(String, Instant, bool)>>,
    started: Once,
}

/// Keeps a case on the watch until dropped.
pub struct Guard {
    watch: Arc<Watch>,
    name: String,
}

impl Watch {
    /// A watch announcing cases that run longer than `threshold`.
    pub fn new(threshold: Duration) -> Arc<Watch> {
        Arc::new(Watch { threshold, running: Mutex::new(Vec::new()), started: Once::new() })
    }

    /// Watches `name` until the guard is dropped; the watcher thread starts with the first case.
    pub fn guard(self: &Arc<Self>, name: &str) -> Guard {
        self.started.call_once(|| {
            let watch = Arc::downgrade(self);
            std::thread::spawn(move || watcher(watch));
        });
        self.lock().push((name.to_string(), Instant::now(), false));
        Guard { watch: Arc::clone(self), name: name.to_string() }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<(String, Instant, bool)>> {
        self.running.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        self.watch.lock().retain(|(name, _, _)| *name != self.name);
    }
}

fn watcher(watch: Weak<Watch>) {
    loop {
        let Some(watch) = watch.upgrade() else { return };
        let tick = (watch.threshold / 4).clamp(Duration::from_millis(100), Duration::from_secs(1));
        for (name, started, announced) in watch.lock().iter_mut() {
            if !*announced && started.elapsed() >= watch.threshold {
                println!("test {name} has been running for over {} seconds", watch.threshold.as_secs());
                *announced = true;
            }
        }
        drop(watch);
        std::thread::sleep(tick);
    }
}
