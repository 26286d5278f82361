//! The bound on ledger flooding through the public banner route: a fixed one-minute window
//! of records per client address (an IPv6 client counted by its /64, which one host
//! usually holds whole), in memory, per instance. The table of addresses is bounded too.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Most addresses tracked at once; past it, expired windows are dropped, and a new address
/// waits when none has expired (a flood from many addresses is refused, not remembered).
const ADDRESSES_MAX: usize = 100_000;
const WINDOW: Duration = Duration::from_secs(60);

/// Records per address and minute.
pub struct Limiter {
    per_minute: u32,
    windows: Mutex<HashMap<IpAddr, (Instant, u32)>>,
}

/// The address a client is counted under.
fn bucket(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                IpAddr::V6(std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
    }
}

impl Limiter {
    pub fn new(per_minute: u32) -> Limiter {
        Limiter { per_minute: per_minute.max(1), windows: Mutex::new(HashMap::new()) }
    }

    /// Takes `n` records from `ip`'s allowance; `Err(seconds)` until its window ends when
    /// they do not fit.
    pub fn take(&self, ip: IpAddr, n: u32, now: Instant) -> Result<(), u64> {
        let mut w = self.windows.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let key = bucket(ip);
        if !w.contains_key(&key) && w.len() >= ADDRESSES_MAX {
            w.retain(|_, (start, _)| now.duration_since(*start) < WINDOW);
            if w.len() >= ADDRESSES_MAX {
                return Err(WINDOW.as_secs());
            }
        }
        let entry = w.entry(key).or_insert((now, 0));
        if now.duration_since(entry.0) >= WINDOW {
            *entry = (now, 0);
        }
        if entry.1.saturating_add(n) > self.per_minute {
            let left = WINDOW.saturating_sub(now.duration_since(entry.0));
            return Err(left.as_secs().max(1));
        }
        entry.1 += n;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_gets_its_allowance_per_minute_and_no_more() {
        let l = Limiter::new(5);
        let t = Instant::now();
        let a: IpAddr = "203.0.113.7".parse().unwrap_or(IpAddr::from([0, 0, 0, 0]));
        let b: IpAddr = "203.0.113.8".parse().unwrap_or(IpAddr::from([0, 0, 0, 0]));
        assert_eq!(l.take(a, 3, t), Ok(()));
        assert_eq!(l.take(a, 2, t), Ok(()));
        assert!(l.take(a, 1, t + Duration::from_secs(10)).is_err_and(|s| s == 50));
        assert_eq!(l.take(b, 5, t), Ok(()), "another address has its own");
        assert_eq!(l.take(a, 5, t + WINDOW), Ok(()), "a new window");
    }

    #[test]
    fn an_ipv6_host_is_counted_by_its_64() {
        let l = Limiter::new(2);
        let t = Instant::now();
        let one: IpAddr = "2001:db8:1:2::1".parse().unwrap_or(IpAddr::from([0, 0, 0, 0]));
        let two: IpAddr = "2001:db8:1:2:ffff::9".parse().unwrap_or(IpAddr::from([0, 0, 0, 0]));
        assert_eq!(l.take(one, 2, t), Ok(()));
        assert!(l.take(two, 1, t).is_err());
    }
}
